// The size of `map`'s and `memsize`'s mapping searches before they start (search/SweepBudget.h):
// the loop orders their temporal searches visit (LOMA and the fast engine visit the same orders;
// mapper::loop_order_count), counted from the layers, the hardware and --lpf-limit, and a lower
// bound on their time at a measured rate (docs/resources.md). `--lpf-limit 20` on a layer with
// many prime factors means 20! = 2.4e18 orders: refused, with the numbers, unless --allow-large.
#pragma once

#include <cstdint>

#include "search/SweepBudget.h"

namespace mosaic::search {

// Loop orders a second on one thread the time bound assumes: above the fastest rate measured
// (docs/resources.md "map and memsize"), so the time is a lower bound.
inline constexpr double kLoopOrdersPerSecond = 1.0e6;

// `map`: `loop_orders` visited over `layers` layers (mapper::layer_loop_orders summed), mapped
// on `threads` threads (at most one a layer).
SweepEstimate map_estimate(double loop_orders, std::int64_t layers, int threads, int lpf_limit);

// `memsize`: between `min_hierarchies` and `max_hierarchies` hierarchies evaluated (the search
// prunes by the energies it finds), each mapping every layer with `loop_orders` orders in all
// (mapper::network_loop_orders). Points: the most; the time bound: the fewest.
SweepEstimate memsize_estimate(double loop_orders, std::int64_t layers, int min_hierarchies,
                               int max_hierarchies, int threads, int lpf_limit);

}  // namespace mosaic::search

// Stream's exhaustive allocation, scheduled in batches: every allocation (the product of the
// genes' core choices) in a fixed order, batch after batch, so that a progress line with an ETA
// advances and Ctrl-C is honoured between batches (and inside one, by the evaluator). The answer
// is the (energy, latency) Pareto front of every allocation scheduled, merged batch by batch: a
// point is on the front of the whole set exactly when no scheduled point dominates it, and the
// front is sorted by a total order (stream_pareto_front), so the front, and the best allocation
// (its first point), are the same whatever the batch size or the number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "search/StreamGa.h"

namespace mosaic::search {

struct ExhaustiveSettings {
  // Allocations per batch; 0: adaptive (min_batch first, then sized to about 0.2 s of scheduling
  // each, at most 4x the previous one).
  std::int64_t batch = 0;
  std::int64_t min_batch = 16;  // adaptive: the first batch and the smallest (e.g. 4 x threads)
  std::function<void(const std::string&)> progress;  // one line after the first batch, then at
                                                     // most one a second, and the last
  std::function<bool()> interrupted;                 // checked before every batch
};

struct ExhaustiveResult {
  std::vector<StreamGenome> pareto;  // of the allocations scheduled, latency first
  std::int64_t total = 0;            // allocations in the space
  std::int64_t scheduled = 0;        // allocations with a result (all of them unless stopped)
  bool stopped_early = false;        // interrupted: the front of the allocations scheduled only
};

// The number of allocations: the product of the genes' choice counts (1 for no gene). Throws
// InternalError above 2^62 (the caller's limit check comes first).
std::int64_t exhaustive_allocation_count(const std::vector<std::vector<int>>& choices);

// Allocation number `index` of the enumeration: mixed radix over the genes, the first gene
// varying fastest.
std::vector<int> exhaustive_allocation(const std::vector<std::vector<int>>& choices,
                                       std::int64_t index);

// `evaluate` schedules a batch in place; an allocation it leaves at +inf latency (interrupted
// inside the batch) counts as not scheduled and stops the enumeration.
ExhaustiveResult run_stream_exhaustive(const std::vector<std::vector<int>>& choices,
                                       const ExhaustiveSettings& settings,
                                       const GaEvaluate& evaluate);

}  // namespace mosaic::search

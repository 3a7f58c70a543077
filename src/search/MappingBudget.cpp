#include "search/MappingBudget.h"

#include <algorithm>

#include <fmt/format.h>

#include "mapper/LoopNestMapper.h"
#include "mapper/MemorySizing.h"

namespace mosaic::search {

namespace {
double parallel(std::int64_t layers, int threads) {
  return static_cast<double>(std::max<std::int64_t>(1, std::min<std::int64_t>(layers, threads)));
}
}  // namespace

SweepEstimate map_estimate(double loop_orders, std::int64_t layers, int threads, int lpf_limit) {
  SweepEstimate e;
  e.what = fmt::format("loop orders over {} layers", layers);
  e.points = loop_orders;
  // The results held: one per layer (the searches themselves hold one order at a time).
  e.bytes = static_cast<double>(layers) * static_cast<double>(sizeof(mapper::LayerMapResult));
  e.seconds = loop_orders / (kLoopOrdersPerSecond * parallel(layers, threads));
  e.suggestion = fmt::format(
      "lower --lpf-limit (now {}), map fewer layers or give a --mapping instead of the spatial "
      "search",
      lpf_limit);
  return e;
}

SweepEstimate memsize_estimate(double loop_orders, std::int64_t layers, int min_hierarchies,
                               int max_hierarchies, int threads, int lpf_limit) {
  SweepEstimate e;
  e.what = min_hierarchies == max_hierarchies
               ? fmt::format("loop orders ({} hierarchies x {} layers)", max_hierarchies, layers)
               : fmt::format("loop orders (up to {} hierarchies, at least {}, x {} layers)",
                             max_hierarchies, min_hierarchies, layers);
  e.points = static_cast<double>(max_hierarchies) * loop_orders;
  e.bytes = static_cast<double>(max_hierarchies) * static_cast<double>(sizeof(mapper::SweepPoint));
  e.seconds = static_cast<double>(min_hierarchies) * loop_orders /
              (kLoopOrdersPerSecond * parallel(layers, threads));
  e.suggestion = fmt::format("lower --lpf-limit (now {}) or size a smaller workload", lpf_limit);
  return e;
}

}  // namespace mosaic::search

// Re-timing the directive analysis at other global NoC bandwidths: the hardware DSE's "plateau
// reuse" (DseEngine.h, step 5), shared with the Python module's cost_grid.
//
// Only the top cluster level uses the global NoC bandwidth. An analysis run with
// DirectiveOptions::keep_top_cases records each top-level case (occurrences, ingress, egress, the
// time of its slowest sub-cluster); from them the runtime at another bandwidth follows in a few
// operations (retime), exactly, as long as every case's slowest sub-cluster takes as long at that
// bandwidth. Both the case runtimes and the sub-cluster times never increase with the bandwidth,
// so over a sorted list of bandwidths fill_latencies analyses the two ends, re-times everything in
// between when the sub-clusters agree at both ends (same_compute), keeps a plateau when the
// latencies agree, and otherwise analyses the middle and recurses.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/Error.h"
#include "cost/DirectiveAnalysis.h"

namespace mosaic::search {

// What the top-level runtime of one layer is made of.
struct LayerTiming {
  std::vector<cost::TopCase> cases;
  std::int64_t in_off = 0, out_off = 0;  // off-chip transfer cycles per case (constant)
  double count = 1;                      // identical layers
};

// The timing of an analysis run with keep_top_cases (its cases are moved out), at the off-chip
// bandwidth it ran with (elements per cycle; MAESTRO's off-chip overlap of the L2 tiles).
LayerTiming layer_timing(cost::DirectiveResult& analysed, std::int64_t offchip_bw, double count);

// The total latency of the layers at a global NoC bandwidth (each layer at least 1 cycle).
double retime(const std::vector<LayerTiming>& timing, std::int64_t noc_bw,
              std::int64_t noc_latency);

// True when every top-level case's slowest sub-cluster takes the same time in both.
bool same_compute(const std::vector<LayerTiming>& a, const std::vector<LayerTiming>& b);

// Latencies at the bandwidths bws[lo..hi] (ascending), knowing evals[lo] and evals[hi] and their
// latencies lat[lo], lat[hi]. `Eval` has `double latency` and `std::vector<LayerTiming> timing`;
// analyze(bw) runs the analysis at one bandwidth and returns an Eval. evals[i] for lo < i < hi are
// scratch.
template <class Eval, class Analyze>
void fill_latencies(const Analyze& analyze, const std::vector<std::int64_t>& bws,
                    std::int64_t noc_latency, std::vector<Eval>& evals, std::vector<double>& lat,
                    std::size_t lo, std::size_t hi) {
  if (hi <= lo + 1) return;
  if (same_compute(evals[lo].timing, evals[hi].timing)) {
    // The recorded cases reproduce the analysed runtimes (checked: a change in the cost model
    // would otherwise go unnoticed).
    MOSAIC_CHECK(retime(evals[lo].timing, bws[lo], noc_latency) == lat[lo] &&
                     retime(evals[lo].timing, bws[hi], noc_latency) == lat[hi],
                 "re-timing the top-level cases disagrees with the directive analysis");
    for (std::size_t i = lo + 1; i < hi; ++i)
      lat[i] = retime(evals[lo].timing, bws[i], noc_latency);
    return;
  }
  if (lat[lo] == lat[hi]) {
    for (std::size_t i = lo + 1; i < hi; ++i) lat[i] = lat[lo];
    return;
  }
  const std::size_t mid = lo + (hi - lo) / 2;
  evals[mid] = analyze(bws[mid]);
  lat[mid] = evals[mid].latency;
  fill_latencies(analyze, bws, noc_latency, evals, lat, lo, mid);
  fill_latencies(analyze, bws, noc_latency, evals, lat, mid, hi);
  evals[mid] = Eval{};
}

}  // namespace mosaic::search

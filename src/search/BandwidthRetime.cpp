#include "search/BandwidthRetime.h"

#include <algorithm>
#include <utility>

namespace mosaic::search {

LayerTiming layer_timing(cost::DirectiveResult& analysed, std::int64_t offchip_bw, double count) {
  MOSAIC_CHECK(offchip_bw > 0, "layer_timing: off-chip bandwidth must be positive");
  LayerTiming t;
  t.cases = std::move(analysed.top_cases);
  const auto& l2 = analysed.top.l2_size_req;
  t.in_off = (l2[0] + l2[1]) / offchip_bw / 2;
  t.out_off = l2[2] / offchip_bw / 2;
  t.count = count;
  return t;
}

double retime(const std::vector<LayerTiming>& timing, std::int64_t bw, std::int64_t noc_latency) {
  double total = 0;
  for (const auto& t : timing) {
    std::int64_t runtime = 0;
    for (const auto& c : t.cases) {
      auto noc = [&](std::int64_t v) { return noc_latency + (v + bw - 1) / bw - 1; };
      const std::int64_t in = noc(c.ingress), out = noc(c.egress);
      std::int64_t d = c.all_init ? c.compute + in : std::max(out, std::max(c.compute, in));
      d = std::max(t.in_off, std::max(d, t.out_off));
      runtime += c.occurrences * d;
    }
    total += t.count * std::max(1.0, static_cast<double>(runtime));
  }
  return total;
}

bool same_compute(const std::vector<LayerTiming>& a, const std::vector<LayerTiming>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t l = 0; l < a.size(); ++l) {
    const auto& x = a[l].cases;
    const auto& y = b[l].cases;
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i].compute != y[i].compute) return false;
  }
  return true;
}

}  // namespace mosaic::search

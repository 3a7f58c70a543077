// Costs one layer on many hardware points: see CostGrid.h.
#include "search/CostGrid.h"

#include <algorithm>
#include <array>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "arch/Technology.h"
#include "common/Error.h"
#include "common/Hash.h"
#include "cost/DirectiveAnalysis.h"
#include "search/BandwidthRetime.h"

namespace mosaic::search {

namespace {

// The hardware parameters that one analysis serves (besides the NoC bandwidth, see
// evaluate_group). The directive analysis sees the PE count only through the PEs its clusters use,
// the product U of the Cluster sizes times the number of whole top-level clusters: PE counts with
// the same U * floor(pes / U) get the same analysis (the DSE's run_leader, search/DseEngine.cpp);
// their area, power and utilisation differ and are derived per point. used_pes is -pes when the
// clusters do not fit (no sharing: the analysis reports the error).
struct GroupKey {
  std::int64_t used_pes = 0, vw = 0, noc_latency = 0, offchip_bw = 0;
  bool operator==(const GroupKey&) const = default;
};
struct GroupKeyHash {
  std::size_t operator()(const GroupKey& k) const {
    std::uint64_t h = kFnv1a64OffsetBasis;
    for (auto v : {k.used_pes, k.vw, k.noc_latency, k.offchip_bw})
      h = fnv1a64_word(h, static_cast<std::uint64_t>(v));
    return static_cast<std::size_t>(h);
  }
};

// What one group's analyses give: the runtime at each of its bandwidths and the figures that
// depend on neither the PE count nor the bandwidth.
struct GroupValue {
  bool feasible = false;
  std::vector<std::int64_t> runtime;  // per bandwidth of the group
  std::int64_t macs = 0;
  double energy = 0, l1 = 0, l2 = 0;  // pJ; required elements
};

struct Eval {
  double latency = 0;
  std::vector<LayerTiming> timing;
};

struct Grid {
  const cost::PreparedLayer& layer;
  const cost::MaestroEvalOptions& opt;
  std::size_t n = 0;
  const std::int64_t *pes = nullptr, *bw = nullptr, *l1 = nullptr, *l2 = nullptr, *off = nullptr,
                     *vw = nullptr, *lat = nullptr;
  Grid(const cost::PreparedLayer& l, const cost::MaestroEvalOptions& o, const CostGridPoints& p)
      : layer(l),
        opt(o),
        n(p.n),
        pes(p.pes),
        bw(p.noc_bw),
        l1(p.l1_bytes),
        l2(p.l2_bytes),
        off(p.offchip_bw),
        vw(p.vector_width),
        lat(p.noc_latency) {}
};

// The product of the layer's Cluster sizes (1 without clusters).
std::int64_t cluster_pes(const cost::PreparedLayer& layer) {
  std::int64_t u = 1;
  for (const auto& d : layer.bound)
    if (d.kind == dataflow::DirectiveKind::Cluster) u *= d.size;
  return u;
}

// Every bandwidth of one group (ascending, distinct), at the group's first PE count: analysed at
// the ends, re-timed between (search/BandwidthRetime.h, exact).
GroupValue evaluate_group(const Grid& g, const GroupKey& k, std::int64_t pes,
                          const std::vector<std::int64_t>& bws) {
  cost::DirectiveHardware hw;
  hw.num_pes = pes;
  hw.vector_width = k.vw;
  hw.noc_latency = k.noc_latency;
  hw.offchip_bw = k.offchip_bw;
  cost::DirectiveOptions o;
  o.maestro_compat = g.opt.maestro_compat;
  o.keep_top_cases = true;
  const auto& p = g.layer.problem;
  auto run = [&](std::int64_t bw) {
    hw.noc_bw = bw;
    cost::DirectiveResult r = cost::analyze_directives(p, g.layer.bound, hw, o);
    if (g.layer.useful_macs) r.macs = *g.layer.useful_macs;
    return r;
  };
  auto analyze = [&](std::int64_t bw) {
    cost::DirectiveResult r = run(bw);
    Eval e;
    e.latency = std::max(1.0, static_cast<double>(r.top.runtime));
    e.timing.push_back(layer_timing(r, k.offchip_bw, 1));
    return e;
  };
  GroupValue v;
  cost::DirectiveResult r0;
  try {
    r0 = run(bws.front());
  } catch (const UserError&) {
    return v;  // the dataflow cannot run on these PEs: every value stays infeasible
  }
  const std::size_t nb = bws.size();
  std::vector<Eval> evals(nb);
  std::vector<double> lat(nb, 0.0);
  const std::int64_t runtime0 = r0.top.runtime;
  evals[0].latency = std::max(1.0, static_cast<double>(runtime0));
  evals[0].timing.push_back(layer_timing(r0, k.offchip_bw, 1));
  lat[0] = evals[0].latency;
  if (nb > 1) {
    evals[nb - 1] = analyze(bws[nb - 1]);
    lat[nb - 1] = evals[nb - 1].latency;
    fill_latencies(analyze, bws, k.noc_latency, evals, lat, 0, nb - 1);
  }
  // Energy and requirements do not depend on the NoC bandwidth or the PE count (to_layer_cost).
  arch::Core core;
  core.num_pes = pes;
  core.vector_width = k.vw;
  core.offchip_bw = k.offchip_bw;
  core.noc_bw = bws.front();
  const cost::LayerCost c = cost::to_layer_cost(r0, p, core, g.opt.technology, o.maestro_compat);
  v.feasible = true;
  v.macs = c.macs;
  v.energy = c.energy_pj;
  v.l1 = c.l1_required_elements;
  v.l2 = c.l2_required_elements;
  v.runtime.resize(nb);
  for (std::size_t i = 0; i < nb; ++i) v.runtime[i] = static_cast<std::int64_t>(lat[i]);
  v.runtime[0] = runtime0;  // as analysed (to_layer_cost applies the at-least-1 rule)
  return v;
}

void check_min(const CostGridPoints& g, const std::int64_t* v, std::int64_t lo, const char* what) {
  for (std::size_t i = 0; i < g.n; ++i)
    if (v[i] < lo)
      throw UserError(SourceLocation{"", 0, std::string("cost_grid ") + what},
                      fmt::format("must be at least {} (got {})", lo, v[i]));
}

}  // namespace

// Groups of points that share one analysis class (GroupKey), the group's bandwidths analysed or
// re-timed in parallel, then every point from its group's values.
void cost_grid(const cost::PreparedLayer& layer, const cost::MaestroEvalOptions& opt,
               const CostGridPoints& points, const CostGridOutput& out, int threads) {
  const Grid g(layer, opt, points);
  check_min(points, g.pes, 1, "pes");
  check_min(points, g.bw, 1, "noc_bw");
  check_min(points, g.off, 1, "offchip_bw");
  check_min(points, g.vw, 1, "vector_width");
  check_min(points, g.lat, 0, "noc_latency");
  const std::int64_t u = cluster_pes(g.layer);
  std::vector<std::int32_t> gid(g.n);
  std::unordered_map<GroupKey, std::int32_t, GroupKeyHash> ids;
  std::vector<GroupKey> keys;
  std::vector<std::int64_t> leader;  // the first PE count of each group: its analyses run there
  std::vector<std::vector<std::int64_t>> bws;
  GroupKey last{0, -1, -1, -1};
  std::int64_t last_pes = -1;
  std::int32_t last_id = -1;
  for (std::size_t i = 0; i < g.n; ++i) {
    if (g.pes[i] != last_pes || g.vw[i] != last.vw || g.lat[i] != last.noc_latency ||
        g.off[i] != last.offchip_bw) {
      const std::int64_t used = u <= g.pes[i] ? u * (g.pes[i] / u) : -g.pes[i];
      const GroupKey k{used, g.vw[i], g.lat[i], g.off[i]};
      auto [it, added] = ids.emplace(k, static_cast<std::int32_t>(keys.size()));
      if (added) {
        keys.push_back(k);
        leader.push_back(g.pes[i]);
        bws.emplace_back();
      }
      last = k;
      last_pes = g.pes[i];
      last_id = it->second;
    }
    gid[i] = last_id;
    auto& v = bws[static_cast<std::size_t>(last_id)];
    if (v.empty() || v.back() != g.bw[i]) v.push_back(g.bw[i]);  // sorted and made unique below
  }
  std::vector<GroupValue> values(keys.size());
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, keys.size(), [&](std::size_t k) {
      auto& v = bws[k];
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      values[k] = evaluate_group(g, keys[k], leader[k], v);
    });
    const double nan = std::numeric_limits<double>::quiet_NaN();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, g.n, 4096), [&](const auto& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) {
        const auto k = static_cast<std::size_t>(gid[i]);
        const GroupValue& x = values[k];
        out.feasible[i] = x.feasible;
        if (!x.feasible) {
          for (double* f : out.figures) f[i] = nan;
          out.fits[i] = false;
          continue;
        }
        const auto& v = bws[k];
        const auto j =
            static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), g.bw[i]) - v.begin());
        const auto rf =
            cost::runtime_figures(x.macs, x.runtime[j], g.pes[i], g.vw[i], opt.maestro_compat);
        const auto ap =
            arch::area_power(opt.technology, g.pes[i], g.vw[i], g.bw[i],
                             static_cast<std::int64_t>(x.l1), static_cast<std::int64_t>(x.l2));
        const std::array<double, kCostGridFigures.size()> vals = {rf.latency_cycles,
                                                                  x.energy,
                                                                  x.energy * rf.latency_cycles,
                                                                  ap.area_um2,
                                                                  ap.power_mw,
                                                                  rf.utilization,
                                                                  rf.throughput_macs_per_cycle,
                                                                  x.l1,
                                                                  x.l2};
        for (std::size_t q = 0; q < vals.size(); ++q) out.figures[q][i] = vals[q];
        out.fits[i] = x.l1 <= static_cast<double>(g.l1[i]) && x.l2 <= static_cast<double>(g.l2[i]);
      }
    });
  });
}

}  // namespace mosaic::search

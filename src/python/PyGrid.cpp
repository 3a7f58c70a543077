// mosaic.cost_grid(): one layer and dataflow on many hardware points (NumPy broadcasting), in
// parallel (oneTBB) with the GIL released. The points that share PEs, vector width, NoC latency
// and off-chip bandwidth share one binding; per such group the directive analysis runs at a few
// NoC bandwidths and the others are re-timed from its top-level cases, the hardware DSE's
// plateau reuse (search/BandwidthRetime.h), which is exact. Every figure equals mosaic.cost()'s
// at the same point (tested).
#include <climits>
#include <cmath>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/Error.h"
#include "common/Hash.h"
#include "cost/DirectiveAnalysis.h"
#include "python/PyCommon.h"
#include "search/BandwidthRetime.h"

namespace mosaic::python {

namespace {

using I64Array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

// The hardware parameters besides the NoC bandwidth: what a binding and its analyses share.
struct GroupKey {
  std::int64_t pes = 0, vw = 0, noc_latency = 0, offchip_bw = 0;
  bool operator==(const GroupKey&) const = default;
};
struct GroupKeyHash {
  std::size_t operator()(const GroupKey& k) const {
    std::uint64_t h = kFnv1a64OffsetBasis;
    for (auto v : {k.pes, k.vw, k.noc_latency, k.offchip_bw})
      h = fnv1a64_word(h, static_cast<std::uint64_t>(v));
    return static_cast<std::size_t>(h);
  }
};

// The figures of one (group, bandwidth).
struct GridValue {
  double latency = 0, energy = 0, area = 0, power = 0, util = 0, thr = 0, l1 = 0, l2 = 0;
  bool feasible = false;
};

struct Eval {
  double latency = 0;
  std::vector<search::LayerTiming> timing;
};

struct Grid {
  const cost::PreparedLayer& layer;
  const cost::MaestroEvalOptions& opt;
  std::size_t n = 0;
  const std::int64_t *pes = nullptr, *bw = nullptr, *l1 = nullptr, *l2 = nullptr, *off = nullptr,
                     *vw = nullptr, *lat = nullptr;
};

// Every bandwidth of one group (ascending, distinct): analysed at the ends, re-timed between.
void evaluate_group(const Grid& g, const GroupKey& k, const std::vector<std::int64_t>& bws,
                    GridValue* out) {
  cost::DirectiveHardware hw;
  hw.num_pes = k.pes;
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
    e.timing.push_back(search::layer_timing(r, k.offchip_bw, 1));
    return e;
  };
  cost::DirectiveResult r0;
  try {
    r0 = run(bws.front());
  } catch (const UserError&) {
    return;  // the dataflow cannot run on these PEs: every value stays infeasible
  }
  const std::size_t nb = bws.size();
  std::vector<Eval> evals(nb);
  std::vector<double> lat(nb, 0.0);
  evals[0].latency = std::max(1.0, static_cast<double>(r0.top.runtime));
  evals[0].timing.push_back(search::layer_timing(r0, k.offchip_bw, 1));
  lat[0] = evals[0].latency;
  if (nb > 1) {
    evals[nb - 1] = analyze(bws[nb - 1]);
    lat[nb - 1] = evals[nb - 1].latency;
    search::fill_latencies(analyze, bws, k.noc_latency, evals, lat, 0, nb - 1);
  }
  arch::Core core;
  core.num_pes = k.pes;
  core.vector_width = k.vw;
  core.offchip_bw = k.offchip_bw;
  for (std::size_t i = 0; i < nb; ++i) {
    // Everything but the runtime is independent of the NoC bandwidth; the cost of the point is
    // the one `mosaic.cost` computes (to_layer_cost) with the re-timed runtime.
    r0.top.runtime = static_cast<std::int64_t>(lat[i]);
    core.noc_bw = bws[i];
    const cost::LayerCost c = cost::to_layer_cost(r0, p, core, g.opt.technology, o.maestro_compat);
    out[i] = GridValue{c.latency_cycles,
                       c.energy_pj,
                       c.area_um2,
                       c.power_mw,
                       c.utilization,
                       c.throughput_macs_per_cycle,
                       c.l1_required_elements,
                       c.l2_required_elements,
                       true};
  }
}

I64Array as_int64(const py::module_& np, const py::object& v, std::int64_t none_value) {
  if (v.is_none()) return I64Array(py::array(py::dtype::of<std::int64_t>(), {}, {}, &none_value));
  return I64Array(np.attr("asarray")(v, py::arg("dtype") = "int64"));
}

void check_min(const Grid& g, const std::int64_t* v, std::int64_t lo, const char* what) {
  for (std::size_t i = 0; i < g.n; ++i)
    if (v[i] < lo)
      throw UserError(SourceLocation{"", 0, std::string("cost_grid ") + what},
                      fmt::format("must be at least {} (got {})", lo, v[i]));
}

}  // namespace

py::dict cost_grid(const PyLayer& layer, const py::object& dataflow, const py::object& pes,
                   const py::object& noc_bw, const py::object& l1_bytes, const py::object& l2_bytes,
                   const py::object& offchip_bw, const py::object& vector_width,
                   const py::object& noc_latency, const std::optional<std::string>& compat,
                   const std::optional<std::string>& technology, int threads) {
  const PyDataflow df = to_dataflow(dataflow);
  const cost::MaestroEvalOptions opt = eval_options(df, compat, technology);
  const cost::PreparedLayer prepared = cost::prepare_layer(layer_with_dataflow(layer, df), "", opt);
  const py::module_ np = py::module_::import("numpy");
  std::vector<I64Array> in = {as_int64(np, pes, 0),
                              as_int64(np, noc_bw, 0),
                              as_int64(np, l1_bytes, INT_MAX),
                              as_int64(np, l2_bytes, INT_MAX),
                              as_int64(np, offchip_bw, 0),
                              as_int64(np, vector_width, 0),
                              as_int64(np, noc_latency, -1)};
  py::list args;
  for (auto& a : in) args.append(a);
  const py::tuple b = np.attr("broadcast_arrays")(*args);
  const py::tuple shape = b[0].attr("shape");
  for (std::size_t i = 0; i < in.size(); ++i)
    in[i] = I64Array(np.attr("ascontiguousarray")(b[i]).attr("ravel")());
  Grid g{prepared, opt};
  g.n = static_cast<std::size_t>(in[0].size());
  g.pes = in[0].data(), g.bw = in[1].data(), g.l1 = in[2].data(), g.l2 = in[3].data();
  g.off = in[4].data(), g.vw = in[5].data(), g.lat = in[6].data();
  std::vector<std::int64_t> dims;
  for (const auto& d : shape) dims.push_back(py::cast<std::int64_t>(d));
  const char* names[] = {"latency_cycles",
                         "energy_pj",
                         "edp",
                         "area_um2",
                         "power_mw",
                         "utilization",
                         "throughput_macs_per_cycle",
                         "l1_required_elements",
                         "l2_required_elements"};
  constexpr int kF = 9;
  std::vector<py::array_t<double>> f;
  for (int i = 0; i < kF; ++i) f.emplace_back(dims);
  py::array_t<bool> feasible(dims), fits(dims);
  std::vector<double*> fp;
  for (auto& a : f) fp.push_back(a.mutable_data());
  bool* feas = feasible.mutable_data();
  bool* fit = fits.mutable_data();
  {
    py::gil_scoped_release release;
    check_min(g, g.pes, 1, "pes");
    check_min(g, g.bw, 1, "noc_bw");
    check_min(g, g.off, 1, "offchip_bw");
    check_min(g, g.vw, 1, "vector_width");
    check_min(g, g.lat, 0, "noc_latency");
    // Groups of points sharing everything but the NoC bandwidth.
    std::vector<std::int32_t> gid(g.n);
    std::unordered_map<GroupKey, std::int32_t, GroupKeyHash> ids;
    std::vector<GroupKey> keys;
    std::vector<std::vector<std::int64_t>> bws;
    GroupKey last{-1, -1, -1, -1};
    std::int32_t last_id = -1;
    for (std::size_t i = 0; i < g.n; ++i) {
      const GroupKey k{g.pes[i], g.vw[i], g.lat[i], g.off[i]};
      if (!(k == last)) {
        auto [it, added] = ids.emplace(k, static_cast<std::int32_t>(keys.size()));
        if (added) {
          keys.push_back(k);
          bws.emplace_back();
        }
        last = k;
        last_id = it->second;
      }
      gid[i] = last_id;
      bws[static_cast<std::size_t>(last_id)].push_back(g.bw[i]);
    }
    std::vector<std::size_t> base(keys.size() + 1, 0);
    tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
    std::vector<GridValue> values;
    arena.execute([&] {
      tbb::parallel_for(std::size_t{0}, keys.size(), [&](std::size_t k) {
        auto& v = bws[k];
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
      });
      for (std::size_t k = 0; k < keys.size(); ++k) base[k + 1] = base[k] + bws[k].size();
      values.assign(base.back(), GridValue{});
      tbb::parallel_for(std::size_t{0}, keys.size(), [&](std::size_t k) {
        evaluate_group(g, keys[k], bws[k], values.data() + base[k]);
      });
      const double nan = std::numeric_limits<double>::quiet_NaN();
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, g.n, 4096), [&](const auto& r) {
        for (std::size_t i = r.begin(); i != r.end(); ++i) {
          const auto k = static_cast<std::size_t>(gid[i]);
          const auto& v = bws[k];
          const auto j =
              static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), g.bw[i]) - v.begin());
          const GridValue& x = values[base[k] + j];
          const double vals[kF] = {x.latency, x.energy, x.energy * x.latency,
                                   x.area,    x.power,  x.util,
                                   x.thr,     x.l1,     x.l2};
          for (int q = 0; q < kF; ++q)
            fp[static_cast<std::size_t>(q)][i] = x.feasible ? vals[q] : nan;
          feas[i] = x.feasible;
          fit[i] = x.feasible && x.l1 <= static_cast<double>(g.l1[i]) &&
                   x.l2 <= static_cast<double>(g.l2[i]);
        }
      });
    });
  }
  py::dict out;
  for (int i = 0; i < kF; ++i) out[names[i]] = f[static_cast<std::size_t>(i)];
  out["feasible"] = feasible;
  out["fits"] = fits;
  return out;
}

void bind_grid(py::module_& m) {
  m.def("cost_grid", &cost_grid, py::arg("layer"), py::arg("dataflow"), py::arg("pes") = 256,
        py::arg("noc_bw") = 1000, py::arg("l1_bytes") = py::none(),
        py::arg("l2_bytes") = py::none(), py::arg("offchip_bw") = 50, py::arg("vector_width") = 1,
        py::arg("noc_latency") = 1, py::arg("compat") = py::none(),
        py::arg("technology") = py::none(), py::arg("threads") = 0,
        "Costs one layer and dataflow at every hardware point of the broadcast arguments (scalars "
        "or arrays; NumPy broadcasting), in parallel with the GIL released. Returns a dict of "
        "arrays of the broadcast shape: latency_cycles, energy_pj, edp, area_um2, power_mw, "
        "utilization, throughput_macs_per_cycle, l1/l2_required_elements (NaN where the dataflow "
        "cannot run), feasible, and fits (the requirements within l1_bytes/l2_bytes). Each point "
        "equals mosaic.cost() at that point.");
}

}  // namespace mosaic::python

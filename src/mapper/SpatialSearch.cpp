#include "mapper/SpatialSearch.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::mapper {

using workload::EinsumLayer;

std::string DataflowCandidate::notation() const {
  std::string out;
  for (std::size_t a = 0; a < loops.size(); ++a) {
    if (a) out += "|";
    std::string d;
    for (const auto& l : loops[a]) d += (d.empty() ? "" : ",") + l;
    out += d.empty() ? "-" : d;
  }
  return out;
}

namespace {

std::vector<std::int64_t> divisors_upto(std::int64_t n, std::int64_t cap) {
  std::vector<std::int64_t> out;
  for (std::int64_t d = 1; d <= n && d <= cap; ++d)
    if (n % d == 0) out.push_back(d);
  return out;
}

// Best factors for the loops of one array dimension of size `size`.
std::vector<std::int64_t> fill(const std::vector<std::int64_t>& loop_sizes, std::int64_t size) {
  std::vector<std::int64_t> best(loop_sizes.size(), 1), cur(loop_sizes.size(), 1);
  std::int64_t best_prod = 0;
  auto rec = [&](auto&& self, std::size_t i, std::int64_t prod) -> void {
    if (i == loop_sizes.size()) {
      if (prod > best_prod || (prod == best_prod && cur > best)) {
        best_prod = prod;
        best = cur;
      }
      return;
    }
    for (std::int64_t d : divisors_upto(loop_sizes[i], size / prod)) {
      cur[i] = d;
      self(self, i + 1, prod * d);
    }
    cur[i] = 1;
  };
  rec(rec, 0, 1);
  return best;
}

}  // namespace

DataflowCandidate fixed_dataflow(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                                 const std::vector<std::vector<std::string>>& loops) {
  if (loops.size() > hw.array.dims.size())
    throw UserError(fmt::format("dataflow with {} array dimensions on a {}-D array", loops.size(),
                                hw.array.dims.size()));
  DataflowCandidate c;
  c.loops = loops;
  c.replicated = false;
  double used = 1;
  for (std::size_t a = 0; a < hw.array.dims.size(); ++a) {
    dataflow::ArrayDimUnrolling ad;
    ad.array_dim = hw.array.dims[a];
    if (a < loops.size()) {
      std::vector<std::int64_t> sizes;
      std::vector<std::string> present;
      for (const auto& l : loops[a]) {
        const std::int64_t s = workload::dim_size(layer, l);
        if (std::find(layer.dims.begin(), layer.dims.end(), l) == layer.dims.end() || s <= 1)
          continue;
        present.push_back(l);
        sizes.push_back(s);
      }
      const auto f = fill(sizes, hw.array.sizes[a]);
      for (std::size_t i = 0; i < present.size(); ++i) {
        if (f[i] <= 1) continue;
        ad.unrolls.push_back({present[i], f[i]});
        used *= static_cast<double>(f[i]);
      }
      if (loops[a].size() > 1) c.replicated = true;
    }
    c.spatial.push_back(ad);
  }
  c.utilization = used / static_cast<double>(arch::total_units(hw.array));
  return c;
}

namespace {

// Factor options of one array dimension: a single loop takes its largest divisor that fits; a
// replicated pair takes every split with both factors > 1.
std::vector<std::vector<std::int64_t>> factor_options(const std::vector<std::int64_t>& sizes,
                                                      std::int64_t cap) {
  std::vector<std::vector<std::int64_t>> out;
  if (sizes.size() == 1) {
    const auto d = divisors_upto(sizes[0], cap);
    if (d.back() > 1) out.push_back({d.back()});
    return out;
  }
  std::vector<std::int64_t> cur(sizes.size(), 1);
  auto rec = [&](auto&& self, std::size_t i, std::int64_t prod) -> void {
    if (i == sizes.size()) {
      out.push_back(cur);
      return;
    }
    for (std::int64_t d : divisors_upto(sizes[i], cap / prod)) {
      if (d <= 1) continue;
      cur[i] = d;
      self(self, i + 1, prod * d);
    }
  };
  rec(rec, 0, 1);
  // Largest products first, then larger factors for the loops listed first.
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    std::int64_t px = 1, py = 1;
    for (auto v : x) px *= v;
    for (auto v : y) py *= v;
    return px != py ? px > py : x > y;
  });
  return out;
}

}  // namespace

std::vector<DataflowCandidate> enumerate_dataflows(const EinsumLayer& layer,
                                                   const arch::LoopNestHardware& hw,
                                                   const DataflowSpaceOptions& options) {
  std::vector<std::string> loops;
  for (std::size_t i = 0; i < layer.dims.size(); ++i)
    if (layer.sizes[i] > 1) loops.push_back(layer.dims[i]);
  if (hw.array.dims.size() != 2)
    throw UserError("the U|V dataflow space is defined for 2-D arrays");
  std::vector<DataflowCandidate> out;
  const double units = static_cast<double>(arch::total_units(hw.array));
  auto add = [&](const std::vector<std::vector<std::string>>& df) {
    std::vector<std::vector<std::vector<std::int64_t>>> opts(df.size());
    for (std::size_t a = 0; a < df.size(); ++a) {
      std::vector<std::int64_t> sizes;
      for (const auto& l : df[a]) sizes.push_back(workload::dim_size(layer, l));
      opts[a] = factor_options(sizes, hw.array.sizes[a]);
      if (opts[a].empty()) return;
    }
    for (const auto& f0 : opts[0])
      for (const auto& f1 : opts[1]) {
        DataflowCandidate c;
        c.loops = df;
        c.replicated = df[0].size() > 1 || df[1].size() > 1;
        double used = 1;
        const std::vector<std::int64_t>* fs[2] = {&f0, &f1};
        for (std::size_t a = 0; a < 2; ++a) {
          dataflow::ArrayDimUnrolling ad;
          ad.array_dim = hw.array.dims[a];
          for (std::size_t k = 0; k < df[a].size(); ++k) {
            ad.unrolls.push_back({df[a][k], (*fs[a])[k]});
            used *= static_cast<double>((*fs[a])[k]);
          }
          c.spatial.push_back(ad);
        }
        c.utilization = used / units;
        if (c.utilization + 1e-12 < options.min_utilization) continue;
        out.push_back(std::move(c));
      }
  };
  const std::size_t n = loops.size();
  for (std::size_t u = 0; u < n; ++u)
    for (std::size_t v = 0; v < n; ++v) {
      if (u == v || (!options.ordered && v < u)) continue;
      std::vector<std::string> rest;
      for (std::size_t k = 0; k < n; ++k)
        if (k != u && k != v) rest.push_back(loops[k]);
      add({{loops[u]}, {loops[v]}});
      if (options.max_loops_per_dim < 2) continue;
      for (const auto& r1 : rest) add({{loops[u], r1}, {loops[v]}});
      for (const auto& r2 : rest) add({{loops[u]}, {loops[v], r2}});
      for (const auto& r1 : rest)
        for (const auto& r2 : rest)
          if (r1 != r2) add({{loops[u], r1}, {loops[v], r2}});
    }
  return out;
}

DataflowResult map_with_dataflow(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                                 const DataflowCandidate& df, const LomaOptions& options,
                                 const std::vector<dataflow::OperandLink>& links) {
  dataflow::LoopNestMappingEntry e;
  e.name = df.notation();
  e.has_spatial = true;
  e.spatial = df.spatial;
  e.links = links;
  DataflowResult r;
  r.dataflow = df;
  r.problem = cost::compile_problem(layer, hw, e);
  r.temporal = fast_search(r.problem, options).best;
  return r;
}

namespace {
cost::LoopNestProblem candidate_problem(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                                        const DataflowCandidate& df) {
  dataflow::LoopNestMappingEntry e;
  e.name = df.notation();
  e.has_spatial = true;
  e.spatial = df.spatial;
  e.links = dataflow::default_links();
  return cost::compile_problem(layer, hw, e);
}
}  // namespace

double dataflow_loop_orders(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                            const DataflowCandidate& df, int lpf_limit) {
  return loop_order_count(candidate_problem(layer, hw, df), lpf_limit);
}

double spatial_search_loop_orders(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                                  const DataflowSpaceOptions& space, const LomaOptions& options,
                                  bool keep_all) {
  double orders = 0;
  for (const auto& c : enumerate_dataflows(layer, hw, space)) {
    orders += dataflow_loop_orders(layer, hw, c, options.lpf_limit);
    if (!keep_all && options.objective == Objective::Latency) break;  // the rest may be skipped
  }
  return orders;
}

SpatialSearchResult search_spatial(const EinsumLayer& layer, const arch::LoopNestHardware& hw,
                                   const DataflowSpaceOptions& space, const LomaOptions& options,
                                   bool keep_all) {
  SpatialSearchResult res;
  const auto cands = enumerate_dataflows(layer, hw, space);
  res.candidates = static_cast<std::int64_t>(cands.size());
  for (const auto& c : cands) {
    dataflow::LoopNestMappingEntry e;
    e.name = c.notation();
    e.has_spatial = true;
    e.spatial = c.spatial;
    e.links = dataflow::default_links();
    DataflowResult r;
    r.dataflow = c;
    r.problem = cost::compile_problem(layer, hw, e);
    if (!keep_all && res.found && options.objective == Objective::Latency) {
      double ideal = 1;
      for (const auto& [d, s] : r.problem.temporal_loops) ideal *= static_cast<double>(s);
      if (ideal > res.best.temporal.cost.latency_cycles) {
        ++res.skipped_by_bound;
        continue;
      }
    }
    const auto fs =
        fast_search(r.problem, options, keep_all || !res.found ? nullptr : &res.best.temporal.cost);
    r.temporal = fs.best;
    if (!r.temporal.found) continue;
    if (keep_all) res.all.push_back(r);
    if (!res.found || better(options.objective, r.temporal.cost, res.best.temporal.cost)) {
      res.found = true;
      res.best = r;
    }
  }
  return res;
}

}  // namespace mosaic::mapper

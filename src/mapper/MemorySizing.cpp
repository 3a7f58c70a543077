#include "mapper/MemorySizing.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/ParallelMap.h"

namespace mosaic::mapper {

namespace {

std::string role_of(const std::string& memory_name) {
  const auto us = memory_name.find('_');
  return us == std::string::npos ? memory_name : memory_name.substr(0, us);
}

// Each array dimension takes the first of its listed loops that the layer has.
std::vector<std::vector<std::string>> layer_dataflow(const workload::EinsumLayer& layer,
                                                     const SizingOptions& options) {
  std::vector<std::vector<std::string>> df;
  for (const auto& alts : options.dataflow) {
    std::vector<std::string> pick;
    for (const auto& l : alts)
      if (std::find(layer.dims.begin(), layer.dims.end(), l) != layer.dims.end()) {
        pick.push_back(l);
        break;
      }
    df.push_back(pick);
  }
  return df;
}

}  // namespace

double network_loop_orders(const std::vector<workload::EinsumLayer>& layers,
                           const arch::HierarchySpec& spec, const SizingOptions& options) {
  const arch::EnergyTable& table = options.table ? *options.table : arch::interstellar_28nm();
  const auto hw = arch::build_hierarchy(spec, table);
  double orders = 0;
  for (const auto& layer : layers)
    orders += dataflow_loop_orders(
        layer, hw, fixed_dataflow(layer, hw, layer_dataflow(layer, options)), options.lpf_limit);
  return orders;
}

std::pair<int, int> optimize_memory_hierarchies(const MemsizeOptions& mo) {
  auto ok = [&](std::int64_t inner, std::int64_t outer) {
    return static_cast<double>(outer) >= mo.min_ratio * static_cast<double>(inner);
  };
  int phase1 = 0;
  for (auto gb : mo.gb_bytes)
    for (auto rf : mo.rf_bytes) phase1 += ok(rf, gb) ? 1 : 0;
  int lo2 = phase1 > 0 && mo.two_level_rf ? 1 << 30 : 0, hi2 = 0;
  for (auto gb : mo.gb_bytes) {
    if (phase1 == 0 || !mo.two_level_rf) break;
    int all = 0, first = 0;  // every (r1, r2) Observation 3 allows; the first r2 of each r1
    for (auto r1 : mo.rf_bytes) {
      int n = 0;
      for (auto r2 : mo.rf2_bytes) n += ok(r1, r2) && ok(r2, gb) ? 1 : 0;
      all += n;
      first += n > 0 ? 1 : 0;
    }
    lo2 = std::min(lo2, first);
    hi2 = std::max(hi2, all);
  }
  return {1 + (phase1 > 0 ? 1 : 0) + lo2, 1 + phase1 + hi2};
}

NetworkEnergy network_energy(const std::vector<workload::EinsumLayer>& layers,
                             const arch::HierarchySpec& spec, const SizingOptions& options) {
  const arch::EnergyTable& table = options.table ? *options.table : arch::interstellar_28nm();
  const auto hw = arch::build_hierarchy(spec, table);
  NetworkEnergy ne;
  LomaOptions lo;
  lo.objective = Objective::Energy;
  lo.lpf_limit = options.lpf_limit;
  lo.stop_requested = options.stop_requested;  // a layer's search throws SearchInterrupted
  // (parallel_map rethrows it; the caller keeps the points finished before)
  // Each layer's best mapping, on options.threads threads (summed below in layer order).
  const auto results =
      parallel_map<DataflowResult>(layers.size(), options.threads, [&](std::size_t i) {
        const auto& layer = layers[i];
        auto r = map_with_dataflow(layer, hw,
                                   fixed_dataflow(layer, hw, layer_dataflow(layer, options)), lo);
        if (!r.temporal.found)
          throw UserError(fmt::format("layer '{}' does not fit {}", layer.name, hw.name));
        return r;
      });
  for (const auto& r : results) {
    const auto& c = r.temporal.cost;
    ne.energy_pj += c.energy_pj;
    ne.mac_pj += c.mac_energy_pj;
    ne.noc_pj += c.noc_energy_pj;
    ne.macs += static_cast<std::int64_t>(r.problem.total_mac);
    for (std::size_t oi = 0; oi < r.problem.ops.size(); ++oi)
      for (int m = 0; m < r.problem.ops[oi].num_mem; ++m)
        ne.level_pj[r.problem
                        .mems[static_cast<std::size_t>(
                            r.problem.ops[oi].mems[static_cast<std::size_t>(m)])]
                        .name] += c.levels[oi][static_cast<std::size_t>(m)].energy_pj;
  }
  for (const auto& [name, e] : ne.level_pj) {
    const double share = ne.energy_pj > 0 ? e / ne.energy_pj : 0;
    ne.role_share[role_of(name)] += share;
    if (share > ne.dominant_share) {
      ne.dominant_share = share;
      ne.dominant_level = role_of(name);
    }
  }
  return ne;
}

std::vector<SweepPoint> rf_gb_sweep(const std::vector<workload::EinsumLayer>& layers,
                                    const std::vector<std::int64_t>& rf_bytes,
                                    const std::vector<std::int64_t>& gb_bytes,
                                    const arch::HierarchySpec& base, const SizingOptions& options,
                                    const std::function<void(std::size_t)>& progress) {
  std::vector<SweepPoint> out;
  for (auto gb : gb_bytes)
    for (auto rf : rf_bytes) {
      arch::HierarchySpec s = base;
      s.rf_bytes = {rf};
      s.buffer_bytes = {gb};
      try {
        out.push_back({s, network_energy(layers, s, options)});
        if (progress) progress(out.size());
      } catch (const SearchInterrupted&) {
        return out;  // the finished points (the caller's stop_requested() says it stopped)
      }
    }
  return out;
}

namespace {

// optimize_memory's search, filling `res` as it goes (so that an interruption keeps it).
void optimize_into(MemsizeResult& res, const std::vector<workload::EinsumLayer>& layers,
                   const arch::HierarchySpec& baseline, const MemsizeOptions& mo,
                   const SizingOptions& options,
                   const std::function<void(const SweepPoint&)>& progress) {
  auto eval = [&](const arch::HierarchySpec& s) {
    SweepPoint p{s, network_energy(layers, s, options)};
    res.evaluated.push_back(p);
    if (progress) progress(p);
    return p;
  };
  res.baseline = eval(baseline);
  res.best = res.baseline;
  auto consider = [&](const SweepPoint& p) {
    if (p.energy.energy_pj < res.best.energy.energy_pj) res.best = p;
  };
  // Phase 1: one register file level, one buffer.
  std::vector<std::int64_t> gbs = mo.gb_bytes, rfs = mo.rf_bytes;
  std::sort(gbs.begin(), gbs.end());
  std::sort(rfs.begin(), rfs.end());
  SweepPoint best1 = res.baseline;
  bool have1 = false;
  for (std::size_t gi = 0; gi < gbs.size(); ++gi) {
    bool gb_dominates = false;
    for (std::size_t ri = 0; ri < rfs.size(); ++ri) {
      if (static_cast<double>(gbs[gi]) < mo.min_ratio * static_cast<double>(rfs[ri])) {
        ++res.pruned_obs3;
        continue;
      }
      arch::HierarchySpec s = baseline;
      s.rf_bytes = {rfs[ri]};
      s.buffer_bytes = {gbs[gi]};
      const SweepPoint p = eval(s);
      consider(p);
      if (!have1 || p.energy.energy_pj < best1.energy.energy_pj) {
        best1 = p;
        have1 = true;
      }
      if (p.energy.role_share.count("gb1") && p.energy.role_share.at("gb1") > mo.dominance)
        gb_dominates = true;
      if (p.energy.role_share.count("rf1") && p.energy.role_share.at("rf1") > mo.dominance) {
        res.pruned_obs2 += static_cast<std::int64_t>(rfs.size() - ri - 1);
        break;  // larger register files only cost more per access
      }
    }
    if (gb_dominates) {
      res.pruned_obs2 += static_cast<std::int64_t>((gbs.size() - gi - 1) * rfs.size());
      break;
    }
  }
  // Phase 2: two register-file levels under the best buffer.
  if (mo.two_level_rf && have1) {
    const std::int64_t gb = best1.spec.buffer_bytes.front();
    std::vector<std::int64_t> r2s = mo.rf2_bytes;
    std::sort(r2s.begin(), r2s.end());
    for (auto r1 : rfs) {
      for (std::size_t i = 0; i < r2s.size(); ++i) {
        const auto r2 = r2s[i];
        if (static_cast<double>(r2) < mo.min_ratio * static_cast<double>(r1) ||
            static_cast<double>(gb) < mo.min_ratio * static_cast<double>(r2)) {
          ++res.pruned_obs3;
          continue;
        }
        arch::HierarchySpec s = baseline;
        s.rf_bytes = {r1, r2};
        s.buffer_bytes = {gb};
        const SweepPoint p = eval(s);
        consider(p);
        if (p.energy.role_share.count("rf2") && p.energy.role_share.at("rf2") > mo.dominance) {
          res.pruned_obs2 += static_cast<std::int64_t>(r2s.size() - i - 1);
          break;
        }
      }
    }
  }
}

}  // namespace

MemsizeResult optimize_memory(const std::vector<workload::EinsumLayer>& layers,
                              const arch::HierarchySpec& baseline, const MemsizeOptions& mo,
                              const SizingOptions& options,
                              const std::function<void(const SweepPoint&)>& progress) {
  MemsizeResult res;
  try {
    optimize_into(res, layers, baseline, mo, options, progress);
  } catch (const SearchInterrupted&) {
    if (res.evaluated.empty()) throw;  // not even the baseline
    res.interrupted = true;            // the points evaluated so far, and the best of them
  }
  res.gain =
      res.best.energy.energy_pj > 0 ? res.baseline.energy.energy_pj / res.best.energy.energy_pj : 0;
  return res;
}

}  // namespace mosaic::mapper

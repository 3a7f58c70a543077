#include "search/DesignEvaluator.h"

#include "mapper/SubAcceleratorCost.h"

#include <chrono>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "common/Error.h"
#include "schedule/HeraldProblem.h"
#include "search/Progress.h"

namespace mosaic::search {

bool DesignEvaluator::ConfigKey::operator<(const ConfigKey& o) const {
  return std::tie(dataflow, pes, noc_bw, offchip_bw, buffer_per_pe, local_bw_per_pe, view) <
         std::tie(o.dataflow, o.pes, o.noc_bw, o.offchip_bw, o.buffer_per_pe, o.local_bw_per_pe,
                  o.view);
}

DesignEvaluator::DesignEvaluator(const workload::Workload& workload,
                                 const arch::ExecutionParams& params,
                                 const arch::Technology& technology, Objective objective,
                                 const schedule::Options& scheduler, bool maestro_compat,
                                 bool compat_search_tiles, mapper::CostAnalysis analysis)
    : params_(params),
      technology_(technology),
      objective_(objective),
      scheduler_(scheduler),
      maestro_compat_(maestro_compat),
      cache_(technology, mapper::herald_cost_model(
                             maestro_compat,
                             objective == Objective::Latency  ? cost::CoreObjective::Latency
                             : objective == Objective::Energy ? cost::CoreObjective::Energy
                                                              : cost::CoreObjective::EDP,
                             cost::SubAccelParams{params.subacc_buffer_bytes_per_pe,
                                                  params.local_elements_per_pe_cycle},
                             compat_search_tiles)) {
  analysis_.analysis = analysis;
  analysis_.technology = technology;
  analysis_.map.objective = objective;
  graph_ = workload::flatten(workload, workload::Granularity::Compute);
  if (graph_.nodes.empty())
    throw UserError(SourceLocation{"", 0, "workload"}, "the workload has no layers");
  // Unique layer shapes (instances and repeated blocks share costs).
  std::unordered_map<std::string, std::int32_t> ids;
  for (const auto& n : graph_.nodes) {
    auto [it, inserted] =
        ids.emplace(workload::shape_key(n.layer), static_cast<std::int32_t>(shapes_.size()));
    if (inserted) shapes_.push_back(&n.layer);
    shape_of_.push_back(it->second);
  }
}

arch::Core DesignEvaluator::core_of(const std::string& dataflow, std::int64_t pes,
                                    std::int64_t noc_bw, std::int64_t offchip_bw) const {
  arch::Core core;
  core.dataflow = dataflow;
  core.num_pes = pes;
  core.noc_bw = noc_bw;
  core.offchip_bw = offchip_bw;
  core.vector_width = params_.vector_width;
  core.noc_hops = 1;
  core.noc_hop_latency = params_.noc_latency_cycles;
  core.precision_bits = 8 * params_.bytes_per_element;
  core.l1_bytes = params_.l1_bytes_per_pe;
  core.subacc_buffer_bytes_per_pe = params_.subacc_buffer_bytes_per_pe;
  core.local_elements_per_pe_cycle = params_.local_elements_per_pe_cycle;
  return core;
}

// The configurations of an accelerator's cores, core by core (an RDA core: one per dataflow it
// can switch to).
std::vector<DesignEvaluator::ConfigKey> DesignEvaluator::configs_of(
    const arch::Accelerator& acc) const {
  std::vector<ConfigKey> out;
  for (const auto& core : acc.cores) {
    const std::vector<std::string> dfs = acc.style.kind == arch::StyleKind::RDA
                                             ? acc.style.dataflows
                                             : std::vector<std::string>{core.dataflow};
    for (const auto& df : dfs) out.push_back(key_of(core, df));
  }
  return out;
}

DesignEvaluator::ConfigKey DesignEvaluator::key_of(const arch::Core& core,
                                                   const std::string& dataflow) const {
  if (analysis_.analysis == mapper::CostAnalysis::Directive)
    return ConfigKey{dataflow,
                     core.num_pes,
                     core.noc_bw,
                     core.offchip_bw,
                     core.subacc_buffer_bytes_per_pe,
                     core.local_elements_per_pe_cycle,
                     {}};
  if (!core.loop_nest)
    throw UserError(SourceLocation{"", 0, "cost"},
                    fmt::format("the loop-nest analysis does not apply to core '{}': it has no "
                                "memory hierarchy (loop-nest view)",
                                core.name));
  // The loop-nest cost depends on the view alone (its ports carry its bandwidths): cores built
  // from the same hardware and mapping files share a table.
  const auto& hw = *core.loop_nest;
  return ConfigKey{{},
                   0,
                   0,
                   0,
                   0,
                   0,
                   hw.source_file + '\n' + hw.name + '\n' +
                       (core.loop_nest_mappings ? core.loop_nest_mappings->source_file : "")};
}

void DesignEvaluator::prepare_loop_nest(const std::vector<arch::Accelerator>& accelerators) {
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& acc : accelerators)
    for (const auto& core : acc.cores) {
      ConfigKey k = key_of(core, core.dataflow);
      if (table_.count(k)) continue;
      std::vector<cost::CoreLayerCost> costs;
      costs.reserve(shapes_.size());
      for (const auto* shape : shapes_)
        costs.push_back(mapper::analysed_cost(*shape, core, core.dataflow, analysis_));
      table_.emplace(std::move(k), std::move(costs));
    }
  cost_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void DesignEvaluator::prepare(const std::vector<arch::Accelerator>& accelerators) {
  if (analysis_.analysis == mapper::CostAnalysis::LoopNest) return prepare_loop_nest(accelerators);
  const auto t0 = std::chrono::steady_clock::now();
  std::set<ConfigKey> wanted;
  for (const auto& a : accelerators)
    for (auto& k : configs_of(a)) wanted.insert(std::move(k));
  std::vector<ConfigKey> missing;
  std::set<std::pair<std::string, std::int64_t>> curve_keys;
  for (const auto& k : wanted)
    if (!table_.count(k)) {
      missing.push_back(k);
      curve_keys.insert({k.dataflow, k.pes});
    }
  if (missing.empty()) return;
  // 1. The curves, in parallel (the cache returns the ones it holds). MAESTRO-compat costs
  // depend on the shares too: step 2 computes them.
  if (maestro_compat_) curve_keys.clear();
  const std::vector<std::pair<std::string, std::int64_t>> ck(curve_keys.begin(), curve_keys.end());
  const std::size_t tasks = ck.size() * shapes_.size();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, tasks, 8),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t t = r.begin(); t != r.end(); ++t) {
                        if (InterruptGuard::interrupted()) return;  // Ctrl-C (see below)
                        const auto& [df, pes] = ck[t / shapes_.size()];
                        const arch::Core core = core_of(df, pes, 1, 1);
                        cache_.curve(*shapes_[t % shapes_.size()], df, core);
                      }
                    });
  // 2. Tables at each bandwidth.
  std::vector<std::vector<cost::CoreLayerCost>> results(missing.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, missing.size(), 4),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t k = r.begin(); k != r.end(); ++k) {
                        if (InterruptGuard::interrupted()) return;
                        const ConfigKey& m = missing[k];
                        arch::Core core = core_of(m.dataflow, m.pes, m.noc_bw, m.offchip_bw);
                        if (m.buffer_per_pe > 0) core.subacc_buffer_bytes_per_pe = m.buffer_per_pe;
                        if (m.local_bw_per_pe > 0)
                          core.local_elements_per_pe_cycle = m.local_bw_per_pe;
                        results[k].reserve(shapes_.size());
                        for (const auto* shape : shapes_)
                          results[k].push_back(cache_.get(*shape, m.dataflow, core));
                      }
                    });
  // Interrupted: no table is entered (some are incomplete); the callers evaluate nothing after a
  // Ctrl-C, so the cost-table build (seconds on a large class) stops within a task.
  if (InterruptGuard::interrupted()) return;
  for (std::size_t k = 0; k < missing.size(); ++k)
    table_.emplace(missing[k], std::move(results[k]));
  cost_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

schedule::Problem DesignEvaluator::problem(const arch::Accelerator& acc) const {
  std::vector<std::vector<const std::vector<cost::CoreLayerCost>*>> tables(acc.cores.size());
  for (std::size_t c = 0; c < acc.cores.size(); ++c) {
    const auto& core = acc.cores[c];
    const std::vector<std::string> dfs = acc.style.kind == arch::StyleKind::RDA
                                             ? acc.style.dataflows
                                             : std::vector<std::string>{core.dataflow};
    for (const auto& df : dfs) tables[c].push_back(&table_.at(key_of(core, df)));
  }
  return schedule::build_problem(graph_, acc, shape_of_, tables, technology_.dram_pj, objective_);
}

DesignEvaluation DesignEvaluator::evaluate(const arch::Accelerator& acc, schedule::Schedule* keep,
                                           schedule::Problem* keep_problem) const {
  schedule::Problem p = problem(acc);
  const schedule::Schedule s = schedule::schedule_layers(p, scheduler_);
  DesignEvaluation d{s.latency_cycles, s.energy_pj};
  if (keep) *keep = s;
  if (keep_problem) *keep_problem = std::move(p);
  return d;
}

}  // namespace mosaic::search

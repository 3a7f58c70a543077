// H3M design evaluation: per-(dataflow, granularity, gang size) cost tables over the workload's
// distinct layer shapes (memoised), the accelerator of gangs, Herald's layer scheduler.
#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "arch/Accelerator.h"
#include "common/Error.h"
#include "schedule/Fission.h"
#include "schedule/HeraldProblem.h"
#include "search/H3m.h"

namespace mosaic::search {

namespace {

using TableKey = std::tuple<std::string, std::string, int>;  // dataflow, granularity, gang

}  // namespace

struct H3mEvaluator::Impl {
  H3mConfig cfg;
  workload::WorkloadGraph graph;
  std::vector<const workload::Layer*> shapes;
  std::vector<std::int32_t> shape_of;
  std::mutex mu;
  std::map<TableKey, std::vector<cost::CoreLayerCost>> tables;
  double dram_bytes_per_cycle = 0;
  double table_seconds = 0;  // building cost tables (wall)
  double platform_macs = 1;  // multipliers when the budget is filled with the best granularity

  explicit Impl(const H3mConfig& c) : cfg(c) {
    graph = workload::flatten(cfg.workload, workload::Granularity::Compute);
    if (graph.nodes.empty())
      throw UserError(SourceLocation{"", 0, "--workload"}, "the workload has no layers");
    std::unordered_map<std::string, std::int32_t> ids;
    for (const auto& n : graph.nodes) {
      auto [it, inserted] =
          ids.emplace(workload::shape_key(n.layer), static_cast<std::int32_t>(shapes.size()));
      if (inserted) shapes.push_back(&n.layer);
      shape_of.push_back(it->second);
    }
    dram_bytes_per_cycle = cfg.platform.dram_gbps * 1e3 / cfg.platform.clock_mhz;
    platform_macs = 0;
    for (const auto& g : cfg.space.granularities)
      platform_macs =
          std::max(platform_macs, static_cast<double>(arch::cores_that_fit(cfg.platform, g)) *
                                      static_cast<double>(g.macs_per_cycle()));
    if (platform_macs <= 0) platform_macs = 1;
  }

  // DRAM bandwidth per core, in proportion to its multipliers (design-independent: an assumption).
  cost::DpuCostParams params_for(const arch::DpuCore& g) const {
    cost::DpuCostParams p;
    p.dram_elements_per_cycle =
        dram_bytes_per_cycle * static_cast<double>(g.macs_per_cycle()) / platform_macs;
    p.link_bytes_per_cycle = cfg.link_bytes_per_cycle;
    return p;
  }

  void prepare(const H3mSpace& s, const std::vector<H3mDesign>& designs) {
    std::set<TableKey> want;
    std::vector<std::pair<const arch::DpuCore*, int>> info;
    for (const auto& d : designs)
      for (const auto& sub : d.subs) {
        const auto& df = s.dataflows[static_cast<std::size_t>(sub.dataflow)];
        const auto& g = s.granularities[static_cast<std::size_t>(sub.granularity)].name;
        if (s.dynamic_fission)  // every allocation size 1..N
          for (int m = 1; m <= static_cast<int>(sub.cores); ++m) want.insert({df, g, m});
        else
          for (int m : sub.gang_sizes) want.insert({df, g, m});
      }
    std::vector<TableKey> missing;
    {
      std::lock_guard lock(mu);
      for (const auto& k : want)
        if (!tables.count(k)) missing.push_back(k);
    }
    if (missing.empty()) return;
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<const arch::DpuCore*> cores;
    for (const auto& k : missing) {
      const arch::DpuCore* c = nullptr;
      for (const auto& g : s.granularities)
        if (g.name == std::get<1>(k)) c = &g;
      cores.push_back(c);
    }
    std::vector<std::vector<cost::CoreLayerCost>> out(
        missing.size(), std::vector<cost::CoreLayerCost>(shapes.size()));
    const std::size_t tasks = missing.size() * shapes.size();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, tasks, 4),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t t = r.begin(); t != r.end(); ++t) {
                          const std::size_t k = t / shapes.size(), sh = t % shapes.size();
                          out[k][sh] = cost::gang_layer_cost(*shapes[sh], std::get<0>(missing[k]),
                                                             *cores[k], std::get<2>(missing[k]),
                                                             params_for(*cores[k]), cfg.technology)
                                           .cost;
                        }
                      });
    std::lock_guard lock(mu);
    for (std::size_t k = 0; k < missing.size(); ++k) tables.emplace(missing[k], std::move(out[k]));
    table_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  // Per workload group (model instance): its model's SLA in cycles (0 = none).
  std::vector<double> deadlines_cycles() const {
    std::vector<double> out;
    for (const auto& sp : graph.spans) {
      const auto m = static_cast<std::size_t>(sp.model);
      const double s = m < cfg.sla_seconds.size() ? cfg.sla_seconds[m] : 0;
      out.push_back(s > 0 ? s * cfg.platform.clock_mhz * 1e6 : 0);
    }
    return out;
  }

  bool has_sla() const {
    return std::any_of(cfg.sla_seconds.begin(), cfg.sla_seconds.end(),
                       [](double v) { return v > 0; });
  }

  // Finish times per group (cycles) -> the evaluation's SLA fields.
  void check_sla(H3mEvaluation& e, const std::vector<double>& finish_cycles) const {
    if (!has_sla()) return;
    const double hz = cfg.platform.clock_mhz * 1e6;
    e.group_finish_s.clear();
    e.sla_violation = 0;
    for (std::size_t g = 0; g < finish_cycles.size(); ++g) {
      const double f = finish_cycles[g] / hz;
      e.group_finish_s.push_back(f);
      const auto m = static_cast<std::size_t>(graph.spans[g].model);
      const double limit = m < cfg.sla_seconds.size() ? cfg.sla_seconds[m] : 0;
      if (limit > 0) e.sla_violation += std::max(0.0, f / limit - 1);
    }
  }

  // Dynamic fission: the "cores" of the schedule problem are the allocation sizes 1..N.
  H3mEvaluation evaluate_fission(const H3mSpace& s, const H3mDesign& d) {
    H3mEvaluation e;
    e.design = d;
    MOSAIC_CHECK(d.subs.size() == 1, "dynamic fission has one sub-accelerator");
    const auto& sub = d.subs.front();
    const auto& df = s.dataflows[static_cast<std::size_t>(sub.dataflow)];
    const auto& g = s.granularities[static_cast<std::size_t>(sub.granularity)];
    arch::Accelerator acc;
    acc.style.kind = arch::StyleKind::HDA;
    acc.global_buffer_bytes = static_cast<std::int64_t>(cfg.platform.shared_buffer_bytes);
    acc.params.bytes_per_element = 1;
    std::vector<std::vector<const std::vector<cost::CoreLayerCost>*>> tabs;
    {
      std::lock_guard lock(mu);
      for (int m = 1; m <= static_cast<int>(sub.cores); ++m) {
        arch::Core core;
        core.dataflow = df;
        core.num_pes = g.macs_per_cycle() * m;
        acc.cores.push_back(core);
        tabs.push_back({&tables.at(TableKey{df, g.name, m})});
      }
    }
    const schedule::Problem p = schedule::build_problem(
        graph, acc, shape_of, tabs, cfg.technology.dram_pj, schedule::Metric::EDP);
    schedule::FissionOptions o;
    o.deadline_cycles = deadlines_cycles();
    schedule::FissionSchedule sch;
    try {
      sch = schedule::schedule_fission(p, o);
    } catch (const UserError& err) {
      e.design.feasible = false;
      e.design.why = err.what();
      return e;
    }
    e.feasible = true;
    e.reallocations = sch.reallocations;
    check_sla(e, sch.group_finish);
    e.latency_cycles = sch.latency_cycles;
    e.energy_pj = sch.energy_pj;
    e.latency_s = sch.latency_cycles / (cfg.platform.clock_mhz * 1e6);
    e.energy_j = sch.energy_pj * 1e-12;
    e.edp = e.latency_s * e.energy_j;
    return e;
  }

  H3mEvaluation evaluate(const H3mSpace& s, const H3mDesign& d, schedule::Problem* keep_p,
                         schedule::Schedule* keep_s, std::vector<std::string>* names) {
    if (d.feasible && s.dynamic_fission) return evaluate_fission(s, d);
    H3mEvaluation e;
    e.design = d;
    if (!d.feasible) return e;
    arch::Accelerator acc;
    acc.style.kind = arch::StyleKind::HDA;
    acc.global_buffer_bytes = static_cast<std::int64_t>(cfg.platform.shared_buffer_bytes);
    acc.params.bytes_per_element = 1;
    std::vector<std::vector<const std::vector<cost::CoreLayerCost>*>> tabs;
    {
      std::lock_guard lock(mu);
      for (std::size_t i = 0; i < d.subs.size(); ++i) {
        const auto& sub = d.subs[i];
        const auto& df = s.dataflows[static_cast<std::size_t>(sub.dataflow)];
        const auto& g = s.granularities[static_cast<std::size_t>(sub.granularity)];
        for (std::size_t j = 0; j < sub.gang_sizes.size(); ++j) {
          const int m = sub.gang_sizes[j];
          arch::Core core;
          core.dataflow = df;
          core.num_pes = g.macs_per_cycle() * m;
          acc.cores.push_back(core);
          tabs.push_back({&tables.at(TableKey{df, g.name, m})});
          if (names) names->push_back(fmt::format("{} {} x{} #{}", g.name, df, m, j));
        }
      }
    }
    schedule::Problem p = schedule::build_problem(graph, acc, shape_of, tabs,
                                                  cfg.technology.dram_pj, schedule::Metric::EDP);
    schedule::Options o = cfg.scheduler;
    o.metric = schedule::Metric::EDP;
    schedule::Schedule sch;
    try {
      sch = schedule::schedule_layers(p, o);
    } catch (const UserError& err) {
      e.design.feasible = false;
      e.design.why = err.what();  // e.g. a layer no dataflow of the design can map
      return e;
    }
    e.feasible = true;
    e.latency_cycles = sch.latency_cycles;
    e.energy_pj = sch.energy_pj;
    e.latency_s = sch.latency_cycles / (cfg.platform.clock_mhz * 1e6);
    e.energy_j = sch.energy_pj * 1e-12;
    e.edp = e.latency_s * e.energy_j;
    if (has_sla()) {
      std::vector<double> finish(graph.spans.size(), 0);
      for (std::size_t i = 0; i < p.nodes.size(); ++i) {
        const auto g = static_cast<std::size_t>(p.nodes[i].group);
        finish[g] = std::max(finish[g], sch.placed[i].end);
      }
      check_sla(e, finish);
    }
    if (keep_s) *keep_s = sch;
    if (keep_p) *keep_p = std::move(p);
    return e;
  }
};

H3mEvaluator::H3mEvaluator(const H3mConfig& config) : impl_(new Impl(config)) {}
H3mEvaluator::~H3mEvaluator() {
  delete impl_;
}

std::vector<H3mEvaluation> H3mEvaluator::evaluate(const H3mSpace& s,
                                                  const std::vector<H3mChoice>& cs) {
  std::vector<H3mDesign> designs;
  designs.reserve(cs.size());
  for (const auto& c : cs) designs.push_back(build_design(s, impl_->cfg.platform, c));
  impl_->prepare(s, designs);
  std::vector<H3mEvaluation> out(cs.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, cs.size()),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i)
                        out[i] = impl_->evaluate(s, designs[i], nullptr, nullptr, nullptr);
                    });
  return out;
}

H3mEvaluation H3mEvaluator::evaluate_one(const H3mSpace& s, const H3mChoice& c,
                                         schedule::Problem* problem, schedule::Schedule* schedule,
                                         std::vector<std::string>* names) {
  const H3mDesign d = build_design(s, impl_->cfg.platform, c);
  impl_->prepare(s, {d});
  return impl_->evaluate(s, d, problem, schedule, names);
}

std::int64_t H3mEvaluator::layers() const {
  return static_cast<std::int64_t>(impl_->graph.nodes.size());
}
std::int64_t H3mEvaluator::unique_shapes() const {
  return static_cast<std::int64_t>(impl_->shapes.size());
}
std::int64_t H3mEvaluator::tables() const {
  std::lock_guard lock(impl_->mu);
  return static_cast<std::int64_t>(impl_->tables.size());
}
const workload::WorkloadGraph& H3mEvaluator::graph() const {
  return impl_->graph;
}

double H3mEvaluator::table_seconds() const {
  return impl_->table_seconds;
}

}  // namespace mosaic::search

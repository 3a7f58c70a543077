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
#include "search/H3mPartition.h"

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
        if (sub.fission)  // every allocation size 1..N
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

  // The name of workload group (model instance) g.
  std::string group_name(std::size_t g) const {
    const auto& sp = graph.spans[g];
    const auto& m = cfg.workload.models[static_cast<std::size_t>(sp.model)];
    return m.instances > 1 ? fmt::format("{}#{}", m.name, sp.instance) : m.name;
  }

  // The schedule problem of one part of a design over the whole workload: the gangs of every
  // static sub-accelerator (sub < 0), or the allocation sizes 1..N of fission sub-accelerator
  // `sub` (column m-1 = a gang of m cores).
  schedule::Problem part_problem(const H3mSpace& s, const H3mDesign& d, int sub,
                                 std::vector<std::string>* names) {
    arch::Accelerator acc;
    acc.style.kind = arch::StyleKind::HDA;
    acc.global_buffer_bytes = static_cast<std::int64_t>(cfg.platform.shared_buffer_bytes);
    acc.params.bytes_per_element = 1;
    std::vector<std::vector<const std::vector<cost::CoreLayerCost>*>> tabs;
    {
      std::lock_guard lock(mu);
      auto add = [&](const H3mSub& x, int m, std::size_t j) {
        const auto& df = s.dataflows[static_cast<std::size_t>(x.dataflow)];
        const auto& g = s.granularities[static_cast<std::size_t>(x.granularity)];
        arch::Core core;
        core.dataflow = df;
        core.num_pes = g.macs_per_cycle() * m;
        acc.cores.push_back(core);
        tabs.push_back({&tables.at(TableKey{df, g.name, m})});
        if (names) names->push_back(fmt::format("{} {} x{} #{}", g.name, df, m, j));
      };
      if (sub >= 0) {
        for (int m = 1; m <= static_cast<int>(d.subs[static_cast<std::size_t>(sub)].cores); ++m)
          add(d.subs[static_cast<std::size_t>(sub)], m, static_cast<std::size_t>(m - 1));
      } else {
        for (const auto& x : d.subs)
          if (!x.fission)
            for (std::size_t j = 0; j < x.gang_sizes.size(); ++j) add(x, x.gang_sizes[j], j);
      }
    }
    return schedule::build_problem(graph, acc, shape_of, tabs, cfg.technology.dram_pj,
                                   schedule::Metric::EDP);
  }

  void set_totals(H3mEvaluation& e, double latency_cycles, double energy_pj) const {
    e.feasible = true;
    e.latency_cycles = latency_cycles;
    e.energy_pj = energy_pj;
    e.latency_s = latency_cycles / (cfg.platform.clock_mhz * 1e6);
    e.energy_j = energy_pj * 1e-12;
    e.edp = e.latency_s * e.energy_j;
  }

  // What the schedule of one part gives back.
  struct PartResult {
    double latency = 0, energy = 0;
    int reallocations = 0;
    std::vector<double> finish;  // per group of the part
  };

  // Schedules the groups `gs` on part problem `full` (fission or Herald's layer scheduler) with
  // `share` of the shared buffer (`full` is changed); fills `merged` (indexed by the whole
  // workload's nodes) when asked. Throws UserError when the part cannot run them.
  PartResult run_part(schedule::Problem& full, bool fission, const std::vector<int>& gs,
                      double share, schedule::Schedule* merged, std::vector<std::string>* rows,
                      const std::string& fission_name) const {
    // Every task on this part (one part, or the others idle): the problem itself.
    const bool all = static_cast<int>(gs.size()) == full.num_groups();
    schedule::Problem part;
    if (!all) part = restrict_groups(full, gs, full.capacity_bytes * share);
    if (all) full.capacity_bytes *= share;
    const schedule::Problem& p = all ? full : part;
    std::vector<std::int32_t> node_of;  // restricted node -> whole-workload node
    for (int g : gs)
      for (std::size_t i = 0; i < full.nodes.size(); ++i)
        if (full.nodes[i].group == g) node_of.push_back(static_cast<std::int32_t>(i));
    PartResult r;
    if (fission) {
      schedule::FissionOptions o;
      const auto due = deadlines_cycles();
      for (int g : gs) o.deadline_cycles.push_back(due[static_cast<std::size_t>(g)]);
      const auto f = schedule::schedule_fission(p, o);
      r.latency = f.latency_cycles;
      r.energy = f.energy_pj;
      r.reallocations = f.reallocations;
      r.finish = f.group_finish;
      if (merged) {
        const auto base = static_cast<int>(rows->size());
        for (int g : gs)
          rows->push_back(
              fmt::format("{}: {}", fission_name, group_name(static_cast<std::size_t>(g))));
        for (std::size_t j = 0; j < p.nodes.size(); ++j)
          merged->placed[static_cast<std::size_t>(node_of[j])] =
              schedule::Placed{node_of[j],
                               base + p.nodes[j].group,
                               f.node_start[j],
                               f.node_end[j],
                               f.node_energy_pj[j],
                               false,
                               -1};
      }
      return r;
    }
    schedule::Options o = cfg.scheduler;
    o.metric = schedule::Metric::EDP;
    const auto sch = schedule::schedule_layers(p, o);
    r.latency = sch.latency_cycles;
    r.energy = sch.energy_pj;
    r.finish.assign(gs.size(), 0);
    for (std::size_t j = 0; j < p.nodes.size(); ++j) {
      auto& f = r.finish[static_cast<std::size_t>(p.nodes[j].group)];
      f = std::max(f, sch.placed[j].end);
      if (merged) {
        schedule::Placed x = sch.placed[j];
        x.node = node_of[j];
        merged->placed[static_cast<std::size_t>(node_of[j])] = x;
      }
    }
    return r;
  }

  // A design with dynamic-fission sub-accelerators: the static gangs together and each fission
  // sub-accelerator are independent parts; the tasks are assigned to them (search/H3mPartition.h).
  H3mEvaluation evaluate_parts(const H3mSpace& s, const H3mDesign& d, schedule::Problem* keep_p,
                               schedule::Schedule* keep_s, std::vector<std::string>* names) {
    H3mEvaluation e;
    e.design = d;
    std::vector<int> owner;  // per part: the fission sub-accelerator, or -1 for the static gangs
    std::vector<double> units;
    double static_units = 0, total_units = 0;
    for (const auto& x : d.subs) {
      total_units += x.units;
      if (!x.fission) static_units += x.units;
    }
    if (std::any_of(d.subs.begin(), d.subs.end(), [](const H3mSub& x) { return !x.fission; })) {
      owner.push_back(-1);
      units.push_back(static_units);
    }
    for (std::size_t i = 0; i < d.subs.size(); ++i)
      if (d.subs[i].fission) {
        owner.push_back(static_cast<int>(i));
        units.push_back(d.subs[i].units);
      }
    std::vector<std::string> rows;
    std::vector<schedule::Problem> full;
    std::vector<TaskPart> parts;
    full.reserve(owner.size());
    parts.reserve(owner.size());
    for (int o : owner) full.push_back(part_problem(s, d, o, o < 0 && keep_s ? &rows : nullptr));
    for (std::size_t q = 0; q < full.size(); ++q) parts.push_back({&full[q], owner[q] >= 0});
    const auto assign = assign_tasks(parts);
    const auto groups = static_cast<std::size_t>(full.front().num_groups());
    std::vector<double> finish(groups, 0);
    for (std::size_t g = 0; g < groups; ++g)
      e.task_sub.push_back(owner[static_cast<std::size_t>(assign[g])]);
    schedule::Schedule merged;
    merged.placed.resize(full.front().nodes.size());
    double latency = 0, energy = 0;
    for (std::size_t q = 0; q < full.size(); ++q) {
      std::vector<int> gs;
      for (std::size_t g = 0; g < groups; ++g)
        if (assign[g] == static_cast<int>(q)) gs.push_back(static_cast<int>(g));
      if (gs.empty()) continue;
      std::string name;
      if (owner[q] >= 0) {
        const auto& x = d.subs[static_cast<std::size_t>(owner[q])];
        name = fmt::format("{} x{} {} fission",
                           s.granularities[static_cast<std::size_t>(x.granularity)].name, x.cores,
                           s.dataflows[static_cast<std::size_t>(x.dataflow)]);
      }
      PartResult r;
      try {
        r = run_part(full[q], owner[q] >= 0, gs, units[q] / total_units, keep_s ? &merged : nullptr,
                     &rows, name);
      } catch (const UserError& err) {
        e.design.feasible = false;
        e.design.why = err.what();
        return e;
      }
      latency = std::max(latency, r.latency);
      energy += r.energy;
      e.reallocations += r.reallocations;
      for (std::size_t k = 0; k < gs.size(); ++k)
        finish[static_cast<std::size_t>(gs[k])] = r.finish[k];
    }
    set_totals(e, latency, energy);
    check_sla(e, finish);
    if (keep_s) {
      merged.latency_cycles = latency;
      merged.energy_pj = energy;
      *keep_s = std::move(merged);
    }
    if (names) *names = rows;
    if (keep_p) {  // the layers and their groups only (the rows are the names above)
      *keep_p = schedule::Problem{};
      keep_p->nodes = full.front().nodes;
      keep_p->num_cores = static_cast<int>(rows.size());
    }
    return e;
  }

  H3mEvaluation evaluate(const H3mSpace& s, const H3mDesign& d, schedule::Problem* keep_p,
                         schedule::Schedule* keep_s, std::vector<std::string>* names) {
    H3mEvaluation e;
    e.design = d;
    if (!d.feasible) return e;
    if (std::any_of(d.subs.begin(), d.subs.end(), [](const H3mSub& x) { return x.fission; }))
      return evaluate_parts(s, d, keep_p, keep_s, names);
    schedule::Problem p = part_problem(s, d, -1, names);
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
    set_totals(e, sch.latency_cycles, sch.energy_pj);
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

#include "search/HeraldExperiments.h"
#include "search/Progress.h"

#include "mapper/SubAcceleratorCost.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <tuple>

#include "arch/Accelerator.h"
#include "common/Error.h"
#include "schedule/HeraldProblem.h"
#include "workload/WorkloadFile.h"

namespace mosaic::search {

namespace {

const std::vector<std::string> kWorkloads = {"arvr-a", "arvr-b", "mlperf"};
const std::vector<std::string> kClasses = {"edge", "mobile", "cloud"};
const char* const kMaelstrom = "HDA NVDLA+Shi";

struct ExperimentRun {
  HeraldResult all;  // every style (HDAs searched, baselines)
  HeraldConfig cfg;
};

std::optional<DesignPoint> best_of_style(const HeraldResult& r, const std::string& label) {
  const DesignPoint* best = nullptr;
  for (const auto& p : r.points)
    if (r.styles[static_cast<std::size_t>(p.style)].label() == label &&
        (!best || p.edp() < best->edp()))
      best = &p;
  return best ? std::optional<DesignPoint>(*best) : std::nullopt;
}

// The best point (by EDP) of every style of a kind.
std::optional<DesignPoint> best_of_kind(const HeraldResult& r, arch::StyleKind kind) {
  const DesignPoint* best = nullptr;
  for (const auto& p : r.points)
    if (r.styles[static_cast<std::size_t>(p.style)].kind == kind &&
        (!best || p.edp() < best->edp()))
      best = &p;
  return best ? std::optional<DesignPoint>(*best) : std::nullopt;
}

// Runs one (workload, class): every style searched in turn (the baselines with the first), the
// points merged and marked against one Pareto front.
ExperimentRun run(const ExperimentOptions& o, const std::string& wl, const std::string& cls,
                  const std::vector<arch::AcceleratorStyle>& styles, bool baselines,
                  bool greedy = false) {
  HeraldResult merged;
  HeraldConfig cfg;
  cfg.workload = workload::load_workload(wl);
  cfg.cls = arch::accelerator_class(cls);
  cfg.threads = o.threads;
  cfg.scheduler.greedy = greedy;
  cfg.maestro_compat = o.maestro_compat;
  cfg.compat_search_tiles = o.compat_search_tiles;
  bool first = true;
  for (const auto& st : styles) {
    HeraldConfig c = cfg;
    c.styles = {st};
    c.granularity = st.num_cores() >= 3 ? o.granularity_3way : o.granularity_2way;
    c.baselines = baselines && first;
    c.progress = o.progress;  // the run's own line: design points done, with an ETA
    if (o.progress)
      std::fprintf(stderr, "herald experiments: %s %s %s\n", wl.c_str(), cls.c_str(),
                   st.label().c_str());
    HeraldResult r = run_herald(c);
    if (InterruptGuard::interrupted()) break;  // the caller drops this run
    std::map<int, int> remap;
    for (std::size_t i = 0; i < r.styles.size(); ++i) {
      remap[static_cast<int>(i)] = static_cast<int>(merged.styles.size());
      merged.styles.push_back(r.styles[i]);
    }
    for (auto p : r.points) {
      p.style = remap[p.style];
      merged.points.push_back(p);
    }
    merged.layers = r.layers;
    merged.schedule_seconds += r.schedule_seconds;
    merged.design_points += r.design_points;
    first = false;
  }
  mark_pareto(merged.points);
  return ExperimentRun{merged, cfg};
}

// Fig. 11 and what Table V and the comparison with the baselines need.
Scenario scenario(const std::string& wl, const std::string& cls, const ExperimentRun& r) {
  Scenario s;
  s.workload = wl;
  s.cls = cls;
  s.layers = r.all.layers;
  for (const auto& style : arch::table3_styles()) {
    const std::string label = style.label();
    const auto p = best_of_style(r.all, label);
    if (!p) continue;
    bool front = false;
    for (const auto& q : r.all.points)
      if (r.all.styles[static_cast<std::size_t>(q.style)].label() == label && q.pareto)
        front = true;
    s.styles.push_back(StyleBest{label, *p, front});
  }
  s.maelstrom = best_of_style(r.all, kMaelstrom);
  s.fda = best_of_kind(r.all, arch::StyleKind::FDA);
  s.smfda = best_of_kind(r.all, arch::StyleKind::SMFDA);
  s.rda = best_of_kind(r.all, arch::StyleKind::RDA);
  return s;
}

std::vector<BatchRow> batch_study(const ExperimentOptions& o) {
  std::vector<BatchRow> out;
  const std::vector<arch::AcceleratorStyle> maelstrom = {arch::parse_style("nvdla,shi")};
  for (const auto& cls : kClasses)
    for (const auto& wl : {std::string("mlperf"), std::string("mlperf-b8")}) {
      const ExperimentRun r = run(o, wl, cls, maelstrom, true);
      if (InterruptGuard::interrupted()) return out;
      const auto m = best_of_style(r.all, kMaelstrom);
      const auto fda = best_of_kind(r.all, arch::StyleKind::FDA);
      const auto rda = best_of_kind(r.all, arch::StyleKind::RDA);  // one point
      if (m && fda && rda) out.push_back(BatchRow{cls, wl == "mlperf" ? 1 : 8, *m, *fda, *rda});
    }
  return out;
}

// Fig. 12: one DNN at batch 4 (four instances) on the cloud class.
std::vector<SingleDnnRow> single_dnn(const ExperimentOptions& o) {
  std::vector<SingleDnnRow> out;
  for (const auto& model : {std::string("unet"), std::string("resnet50")}) {
    workload::Workload w = workload::load_workload(model);
    w.models[0].instances = 4;
    HeraldConfig c;
    c.workload = w;
    c.cls = arch::accelerator_class("cloud");
    c.styles = {arch::parse_style("nvdla,shi")};
    c.granularity = o.granularity_2way;
    c.threads = o.threads;
    c.maestro_compat = o.maestro_compat;
    c.compat_search_tiles = o.compat_search_tiles;
    const HeraldResult r = run_herald(c);
    if (InterruptGuard::interrupted()) return out;
    const DesignPoint* mono = nullptr;
    for (int idx : {r.best_fda, r.rda})
      if (idx >= 0 && (!mono || r.points[static_cast<std::size_t>(idx)].edp() < mono->edp()))
        mono = &r.points[static_cast<std::size_t>(idx)];
    out.push_back(SingleDnnRow{model, r.points[static_cast<std::size_t>(r.best)], *mono,
                               r.points[static_cast<std::size_t>(r.rda)]});
  }
  return out;
}

// Fig. 13: each workload scheduled on Maelstrom's best design for another (mobile class).
std::vector<WorkloadChangeRow> workload_change(const ExperimentOptions& o,
                                               const std::vector<Scenario>& scenarios) {
  auto find = [&](const std::string& wl) -> const Scenario& {
    for (const auto& s : scenarios)
      if (s.workload == wl && s.cls == "mobile") return s;
    throw InternalError("workload_change: no mobile scenario for " + wl);
  };
  std::vector<WorkloadChangeRow> out;
  for (const auto& design_for : kWorkloads) {
    const DesignPoint& m = *find(design_for).maelstrom;
    WorkloadChangeRow row{design_for, {}};
    for (const auto& target : kWorkloads) {
      const DesignPoint& tuned = *find(target).maelstrom;
      const auto acc = arch::build_accelerator(arch::accelerator_class("mobile"),
                                               arch::parse_style("nvdla,shi"), m.partition);
      cost::CostCache cache(arch::default_technology(),
                            mapper::herald_cost_model(o.maestro_compat, cost::CoreObjective::EDP,
                                                      {}, o.compat_search_tiles));
      const auto p =
          schedule::build_problem(workload::flatten(workload::load_workload(target)), acc, cache);
      const auto s = schedule::schedule_layers(p, schedule::Options{});
      row.cells.push_back(WorkloadChangeCell{target, s.latency_cycles, s.energy_pj,
                                             tuned.latency_cycles, tuned.energy_pj});
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

std::vector<const Scenario*> scenarios_by_name(const std::vector<Scenario>& scenarios) {
  std::vector<const Scenario*> out;
  out.reserve(scenarios.size());
  for (const auto& s : scenarios) out.push_back(&s);
  std::sort(out.begin(), out.end(), [](const Scenario* a, const Scenario* b) {
    return std::tie(a->workload, a->cls) < std::tie(b->workload, b->cls);
  });
  return out;
}

namespace {

std::vector<GreedyRow> scheduler_vs_greedy(const ExperimentOptions& o,
                                           const std::vector<Scenario>& scenarios) {
  std::vector<GreedyRow> out;
  const std::vector<arch::AcceleratorStyle> maelstrom = {arch::parse_style("nvdla,shi")};
  for (const Scenario* sp : scenarios_by_name(scenarios)) {
    const Scenario& s = *sp;
    const ExperimentRun g = run(o, s.workload, s.cls, maelstrom, false, true);
    if (InterruptGuard::interrupted()) return out;
    const auto mg = best_of_style(g.all, kMaelstrom);
    if (s.maelstrom && mg) out.push_back(GreedyRow{s.workload, s.cls, *s.maelstrom, *mg});
  }
  return out;
}

// Table VII: the wall time of one schedule with its cost table ready (at least 0.2 s of repeats).
std::vector<SchedulingTimeRow> scheduling_time(const ExperimentOptions& o) {
  using Clock = std::chrono::steady_clock;
  std::vector<SchedulingTimeRow> out;
  for (const auto& wl : kWorkloads)
    for (int k : {2, 3}) {
      if (InterruptGuard::interrupted()) return out;
      const auto style =
          k == 2 ? arch::parse_style("nvdla,shi") : arch::parse_style("nvdla,shi,eyeriss");
      const auto acc = arch::build_accelerator(arch::accelerator_class("mobile"), style, {});
      const auto g = workload::flatten(workload::load_workload(wl));
      cost::CostCache cache(arch::default_technology(),
                            mapper::herald_cost_model(o.maestro_compat, cost::CoreObjective::EDP,
                                                      {}, o.compat_search_tiles));
      const auto p = schedule::build_problem(g, acc, cache);
      const auto t0 = Clock::now();
      int reps = 0;
      do {
        (void)schedule::schedule_layers(p, schedule::Options{});
        ++reps;
      } while (std::chrono::duration<double>(Clock::now() - t0).count() < 0.2);
      const double s = std::chrono::duration<double>(Clock::now() - t0).count() / reps;
      out.push_back(SchedulingTimeRow{wl, static_cast<std::int64_t>(g.nodes.size()), k, s});
    }
  return out;
}

}  // namespace

HeraldExperiments run_herald_experiments(const ExperimentOptions& o) {
  std::vector<arch::AcceleratorStyle> hdas;
  for (const auto& s : arch::table3_styles())
    if (s.kind == arch::StyleKind::HDA) hdas.push_back(s);
  HeraldExperiments e;
  // Ctrl-C: the experiments (table rows) finished so far are kept and the result is marked
  // interrupted; the run under way is dropped. (Nested guards of run_herald keep the flag.)
  const InterruptGuard guard;
  const auto stopped = [&] { return e.interrupted = InterruptGuard::interrupted(); };
  for (const auto& wl : kWorkloads)
    for (const auto& cls : kClasses) {
      const ExperimentRun r = run(o, wl, cls, hdas, true);
      if (stopped()) return e;
      e.scenarios.push_back(scenario(wl, cls, r));
    }
  e.batch = batch_study(o);
  if (stopped()) return e;
  e.single_dnn = single_dnn(o);
  if (stopped()) return e;
  e.workload_change = workload_change(o, e.scenarios);
  e.greedy = scheduler_vs_greedy(o, e.scenarios);
  if (stopped()) return e;
  e.scheduling_time = scheduling_time(o);
  stopped();
  return e;
}

}  // namespace mosaic::search

#include "search/H3m.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <random>

#include <fmt/format.h>

#include "common/Error.h"
#include "search/ChunkTransport.h"
#include "search/CmaEs.h"
#include "search/H3mDistributed.h"
#include "search/Progress.h"
#include "search/SearchThreads.h"
#include "search/SweepBudget.h"

namespace mosaic::search {

H3mSearch parse_h3m_search(const std::string& s) {
  if (s == "cmaes" || s == "cma-es") return H3mSearch::CmaEs;
  if (s == "random") return H3mSearch::Random;
  if (s == "exhaustive") return H3mSearch::Exhaustive;
  throw UserError(SourceLocation{"", 0, "--search"},
                  fmt::format("unknown search '{}'; expected cmaes, random or exhaustive", s));
}

std::string_view h3m_search_name(H3mSearch s) {
  switch (s) {
    case H3mSearch::CmaEs:
      return "cmaes";
    case H3mSearch::Random:
      return "random";
    case H3mSearch::Exhaustive:
      return "exhaustive";
  }
  return "?";
}

H3mSpace homogeneous_space(const H3mSpace& s) {
  H3mSpace h = s;
  h.max_subs = 1;
  h.gang_levels = {H3mSpace::kFission};
  h.one_granularity = false;
  return h;
}

H3mSpace homogeneous_static_space(const H3mSpace& s) {
  H3mSpace h = s;
  h.max_subs = 1;
  h.one_granularity = false;
  std::erase(h.gang_levels, H3mSpace::kFission);
  if (h.gang_levels.empty()) h.gang_levels = {0};
  return h;
}

H3mSpace fixed_granularity_space(const H3mSpace& s) {
  H3mSpace h = s;
  h.gang_levels = {0};
  h.one_granularity = true;
  return h;
}

bool lift_choice(const H3mSpace& from, const H3mSpace& to, const H3mChoice& c, H3mChoice& out) {
  if (from.share_units != to.share_units || static_cast<int>(c.size()) > to.max_subs) return false;
  auto index = [](const auto& list, const auto& same) {
    const auto it = std::find_if(list.begin(), list.end(), same);
    return it == list.end() ? -1 : static_cast<int>(it - list.begin());
  };
  out.clear();
  for (const auto& t : c) {
    const auto& g = from.granularities[static_cast<std::size_t>(t.granularity)];
    const int level = from.gang_levels[static_cast<std::size_t>(t.gang_level)];
    H3mSlot u;
    u.units = t.units;
    u.dataflow = index(to.dataflows, [&](const std::string& d) {
      return d == from.dataflows[static_cast<std::size_t>(t.dataflow)];
    });
    u.granularity = index(to.granularities, [&](const arch::DpuCore& h) {
      return h.name == g.name && h.pp == g.pp && h.icp == g.icp && h.ocp == g.ocp;
    });
    u.gang_level = index(to.gang_levels, [&](int l) { return l == level; });
    if (u.dataflow < 0 || u.granularity < 0 || u.gang_level < 0) return false;
    out.push_back(u);
  }
  if (to.one_granularity)
    for (const auto& t : out)
      if (t.granularity != out.front().granularity) return false;
  out = canonical(to, std::move(out));
  return true;
}

bool h3m_better(const H3mEvaluation& a, const H3mEvaluation& b) {
  if (a.feasible != b.feasible) return a.feasible;
  if (!a.feasible) return false;
  const bool am = a.sla_violation <= 0, bm = b.sla_violation <= 0;
  if (am != bm) return am;
  if (!am && a.sla_violation != b.sla_violation) return a.sla_violation < b.sla_violation;
  return a.edp < b.edp;
}

double h3m_fitness(const H3mEvaluation& e) {
  if (!e.feasible || !(e.edp > 0) || !std::isfinite(e.edp)) return 1e3;
  if (e.sla_violation > 0) return 500 + std::log1p(e.sla_violation);
  return std::log(e.edp);
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kMaxExhaustive = 2'000'000;

// CPU time of the whole process (every thread), in seconds.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

bool stopped() {
  return InterruptGuard::interrupted();
}

// Evaluates a batch of new designs: locally, or on mosaic-mpi's workers when there are any
// (then fewer, a prefix, when interrupted).
using BatchEvaluator = std::function<std::vector<H3mEvaluation>(const std::vector<H3mChoice>&)>;
BatchEvaluator batch_evaluator(H3mEvaluator& ev, const H3mConfig& c, const std::string& run,
                               const H3mSpace& s) {
  if (c.transport != nullptr && c.transport->workers() > 0)
    return [&c, run, &s](const std::vector<H3mChoice>& cs) {
      return evaluate_h3m_remote(*c.transport, c, run, s, cs, stopped);
    };
  return [&ev, &s](const std::vector<H3mChoice>& cs) { return ev.evaluate(s, cs); };
}

// Search state shared by the three methods: a memo of evaluated designs, the best, the curve.
class Searcher {
 public:
  Searcher(BatchEvaluator ev, Progress* progress) : ev_(std::move(ev)), progress_(progress) {}

  // Evaluates a batch of choices in order; returns each one's fitness (h3m_fitness).
  std::vector<double> run(const std::vector<H3mChoice>& cs) {
    std::vector<H3mChoice> fresh;
    for (const auto& c : cs)
      if (!memo_.count(c) && std::find(fresh.begin(), fresh.end(), c) == fresh.end())
        fresh.push_back(c);
    const auto evs = ev_(fresh);
    for (std::size_t i = 0; i < evs.size(); ++i) {
      memo_.emplace(fresh[i], h3m_fitness(evs[i]));
      evaluations_ += 1;
      if (!best_.feasible && !evs[i].feasible && best_.design.why.empty())
        best_ = evs[i];  // says why, until a feasible design comes
      if (evs[i].feasible && (!best_.feasible || h3m_better(evs[i], best_))) {
        best_ = evs[i];
        best_at_ = evaluations_;
      }
    }
    samples_ += static_cast<std::int64_t>(cs.size());
    if (progress_) progress_->add(static_cast<std::int64_t>(cs.size()));
    if (best_.feasible) curve_.push_back({samples_, best_.edp});
    std::vector<double> out;
    out.reserve(cs.size());
    for (const auto& c : cs) {
      const auto it = memo_.find(c);  // missing: interrupted (as an infeasible design)
      out.push_back(it == memo_.end() ? h3m_fitness(H3mEvaluation{}) : it->second);
    }
    return out;
  }

  void finish(H3mRun& r) const {
    r.best = best_;
    r.evaluations = evaluations_;
    r.best_at_evaluation = best_at_;
    r.convergence = curve_;
  }
  std::int64_t samples() const { return samples_; }

  static constexpr double kInf = std::numeric_limits<double>::infinity();

 private:
  BatchEvaluator ev_;
  Progress* progress_;
  std::map<H3mChoice, double> memo_;
  H3mEvaluation best_ = [] {
    H3mEvaluation e;
    e.edp = kInf;
    return e;
  }();
  std::int64_t evaluations_ = 0, best_at_ = 0, samples_ = 0;
  std::vector<H3mConvergencePoint> curve_;
};

void run_exhaustive(Searcher& s, const std::vector<H3mChoice>& all) {
  constexpr std::size_t kBatch = 512;
  for (std::size_t i = 0; i < all.size() && !stopped(); i += kBatch)
    s.run(
        std::vector<H3mChoice>(all.begin() + static_cast<long>(i),
                               all.begin() + static_cast<long>(std::min(all.size(), i + kBatch))));
}

void run_random(Searcher& s, const H3mSpace& space, std::int64_t budget, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const int n = h3m_dimension(space);
  while (s.samples() < budget && !stopped()) {
    std::vector<H3mChoice> batch;
    for (std::int64_t k = 0; k < 256 && s.samples() + k < budget; ++k) {
      std::vector<double> x(static_cast<std::size_t>(n));
      for (auto& v : x) v = u(rng);
      batch.push_back(decode_h3m(space, x));
    }
    s.run(batch);
  }
}

void run_cmaes(Searcher& s, const H3mSpace& space, std::int64_t budget, std::uint64_t seed) {
  CmaEsOptions o;
  o.x0.assign(static_cast<std::size_t>(h3m_dimension(space)), 0.5);
  o.sigma0 = 0.3;
  o.seed = seed;
  o.max_evaluations = budget;
  o.max_restarts = 1000;
  o.tol_fun = 1e-9;
  o.tol_x = 1e-4;  // below a tenth of a gene's smallest cell nothing decodes differently
  o.restart_lower = 0;
  o.restart_upper = 1;
  auto f = [&](const std::vector<std::vector<double>>& xs) {
    std::vector<H3mChoice> cs;
    cs.reserve(xs.size());
    for (const auto& x : xs) cs.push_back(decode_h3m(space, x));
    std::vector<double> out = s.run(cs);
    for (std::size_t i = 0; i < xs.size(); ++i) {
      // Plus a quadratic penalty outside the unit box (decoding clamps).
      double pen = 0;
      for (double v : xs[i]) pen += std::pow(std::max({0.0, -v, v - 1}), 2);
      out[i] += 10 * pen;
    }
    return out;
  };
  cma_es_minimize(f, o, [](const CmaEsPoint&) { return !stopped(); });
}

H3mRun search_space(H3mEvaluator& ev, const H3mConfig& c, const std::string& name,
                    const H3mSpace& space, H3mSearch method) {
  const std::int64_t budget = c.evaluations;
  const std::uint64_t seed = c.seed;
  const bool progress = c.progress;
  const auto t0 = Clock::now();
  const double cpu0 = process_cpu_seconds();
  const double tables0 = ev.table_seconds();
  H3mRun r;
  r.name = name;
  r.space = space;
  std::vector<H3mChoice> all;
  if (method == H3mSearch::Exhaustive) {
    if (count_h3m(space, kMaxExhaustive) > kMaxExhaustive)
      throw UserError(SourceLocation{"", 0, "--search"},
                      fmt::format("the space has more than {} designs, too many to enumerate; "
                                  "restrict --max-sub-accelerators, --granularities, "
                                  "--dataflows or --share-units",
                                  kMaxExhaustive));
    all = enumerate_h3m(space);
    r.space_size = static_cast<std::int64_t>(all.size());
  }
  Progress bar(fmt::format("h3m {} ({})", name, h3m_search_name(method)),
               method == H3mSearch::Exhaustive ? r.space_size : budget, progress);
  Searcher s(batch_evaluator(ev, c, name, space), &bar);
  if (method == H3mSearch::Exhaustive) run_exhaustive(s, all);
  if (method == H3mSearch::Random) run_random(s, space, budget, seed);
  if (method == H3mSearch::CmaEs) run_cmaes(s, space, budget, seed);
  bar.finish();
  s.finish(r);
  r.method = std::string(h3m_search_name(method));
  r.wall_seconds = seconds_since(t0);
  r.cpu_seconds = process_cpu_seconds() - cpu0;
  r.table_seconds = ev.table_seconds() - tables0;
  return r;
}

void check_budget(const H3mConfig& c) {
  if (c.space.dataflows.empty() || c.space.granularities.empty())
    throw UserError(SourceLocation{"", 0, "--granularities"}, "no dataflow or granularity");
  if (c.space.max_subs < 1)
    throw UserError(SourceLocation{"", 0, "--max-sub-accelerators"}, "must be at least 1");
  if (c.evaluations < 1)
    throw UserError(SourceLocation{"", 0, "--evaluations"}, "must be at least 1");
  for (const auto& g : c.space.granularities)
    if (arch::cores_that_fit(c.platform, g) > 0) return;
  const auto& g = c.space.granularities.front();
  throw UserError(
      SourceLocation{"", 0, "--platform"},
      fmt::format("the budget of platform '{}' fits no core of the granularities asked for "
                  "(the smallest, {}, needs {} LUT, {} BRAM36K, {} DSP; the platform has {} LUT, "
                  "{} BRAM36K, {} DSP, {} ASIC MACs)",
                  c.platform.name, g.name, g.lut, g.bram36k, g.dsp, c.platform.lut,
                  c.platform.bram36k, c.platform.dsp, c.platform.asic_macs));
}

// Baselines: exhaustive when their restricted space fits the budget, otherwise the main method.
H3mRun run_baseline(H3mEvaluator& ev, const H3mConfig& c, const std::string& name) {
  const H3mSpace space = h3m_run_space(c, name);
  const std::int64_t budget = std::max<std::int64_t>(c.evaluations, 1);
  const H3mSearch m = count_h3m(space, budget) <= budget ? H3mSearch::Exhaustive : c.search;
  return search_space(ev, c, name, space, m);
}

// The evaluations the run makes (the search's, and each baseline's up to the same budget) and a
// lower bound on their time: 1.5 M layer-evaluations per second per thread, above the fastest
// rate bench_h3m measured (8,986 evaluations of the 158-layer nlp set per CPU-second, 1.42 M).
SweepEstimate h3m_estimate(const H3mConfig& c, std::int64_t layers, int threads) {
  SweepEstimate e;
  e.what = "h3m design evaluations";
  const double budget = static_cast<double>(std::max<std::int64_t>(c.evaluations, 1));
  e.points = c.search == H3mSearch::Exhaustive
                 ? static_cast<double>(count_h3m(c.space, kMaxExhaustive))
                 : budget;
  if (c.baselines) e.points += 3 * budget;
  e.bytes = (c.search == H3mSearch::Exhaustive ? e.points : 0) * sizeof(H3mChoice);
  e.seconds = e.points * static_cast<double>(layers) / (1.5e6 * std::max(1, threads));
  e.suggestion =
      "lower --evaluations or restrict --granularities, --dataflows or "
      "--max-sub-accelerators";
  return e;
}

// The baselines' spaces are restrictions of the searched space: their best designs are members
// of it. Each is evaluated as such (the same design, the searched space's evaluation) and kept
// when it beats what the search found, so the result is the best of every design evaluated
// (best_from names the baseline; docs/h3m.md).
void adopt_baseline_designs(H3mEvaluator& ev, const H3mConfig& config, H3mResult& res) {
  H3mRun& r = res.best;
  if (r.space_size > 0) return;  // exhaustive: every design of the space was evaluated
  for (const auto& b : res.baselines) {
    if (stopped() || !b.best.feasible) continue;
    H3mChoice c;
    if (!lift_choice(b.space, config.space, b.best.design.choice, c)) continue;
    const H3mEvaluation e = ev.evaluate(config.space, {c}).at(0);
    if (!e.feasible || (r.best.feasible && !h3m_better(e, r.best))) continue;
    // Better than every design the search evaluated, so not one of them: one more evaluation
    // (a design that is not better may have been evaluated already and is not counted).
    r.evaluations += 1;
    r.best = e;
    r.best_at_evaluation = r.evaluations;
    r.best_from = b.name;
    r.convergence.push_back(
        {r.convergence.empty() ? 1 : r.convergence.back().evaluation + 1, e.edp});
  }
}

}  // namespace

void check_h3m_sweep(const H3mConfig& config) {
  check_budget(config);
  const H3mEvaluator ev(config);  // flattens the workload; evaluates nothing
  check_sweep(h3m_estimate(config, ev.layers(), search_threads(config.threads)), machine_limits(),
              config.allow_large, "--evaluations");
}

H3mResult run_h3m(const H3mConfig& config) {
  const auto t0 = Clock::now();
  check_budget(config);
  InterruptGuard guard;
  const SearchThreads limit(config.threads);
  const int threads = limit.count;
  H3mEvaluator ev(config);
  check_sweep(h3m_estimate(config, ev.layers(), threads), machine_limits(), config.allow_large,
              "--evaluations");
  H3mResult res;
  res.threads = threads;
  res.best = search_space(ev, config, "h3m", config.space, config.search);
  res.search_table_seconds = ev.table_seconds();
  if (config.baselines && !stopped()) {
    res.baselines.push_back(run_baseline(ev, config, "homogeneous"));
    if (!stopped()) res.baselines.push_back(run_baseline(ev, config, "homogeneous_static"));
    if (!stopped()) res.baselines.push_back(run_baseline(ev, config, "fixed_granularity_hda"));
  }
  adopt_baseline_designs(ev, config, res);
  res.interrupted = stopped();
  if (res.best.best.feasible) {
    ev.evaluate_one(config.space, res.best.best.design.choice, &res.problem, &res.schedule,
                    &res.gang_names);
    // Finish time of every model instance (group).
    const int groups = res.problem.num_groups();
    res.model_finish_s.assign(static_cast<std::size_t>(groups), 0);
    for (std::size_t i = 0; i < res.problem.nodes.size(); ++i) {
      const auto g = static_cast<std::size_t>(res.problem.nodes[i].group);
      res.model_finish_s[g] = std::max(
          res.model_finish_s[g], res.schedule.placed[i].end / (config.platform.clock_mhz * 1e6));
    }
    for (const auto& sp : ev.graph().spans) {
      const auto& e = config.workload.models[static_cast<std::size_t>(sp.model)];
      res.group_names.push_back(e.instances > 1 ? fmt::format("{}#{}", e.name, sp.instance)
                                                : e.name);
    }
  }
  res.layers = ev.layers();
  res.unique_shapes = ev.unique_shapes();
  res.cost_tables = ev.tables();
  res.table_seconds = ev.table_seconds();
  res.wall_seconds = seconds_since(t0);
  return res;
}

}  // namespace mosaic::search

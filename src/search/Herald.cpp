#include "search/Herald.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <cstring>
#include <unordered_set>

#include "common/Error.h"
#include "common/Pareto.h"
#include "search/ChunkTransport.h"
#include "search/DesignEvaluator.h"
#include "search/Progress.h"
#include "search/ResultStore.h"
#include "search/SearchThreads.h"
#include "search/SweepBudget.h"

namespace mosaic::search {

SearchMode parse_search_mode(const std::string& s) {
  if (s == "exhaustive") return SearchMode::Exhaustive;
  if (s == "binary") return SearchMode::Binary;
  if (s == "random") return SearchMode::Random;
  throw UserError(SourceLocation{"", 0, "search"},
                  fmt::format("unknown search '{}'; expected exhaustive, binary or random", s));
}

std::string_view search_mode_name(SearchMode m) {
  switch (m) {
    case SearchMode::Exhaustive:
      return "exhaustive";
    case SearchMode::Binary:
      return "binary";
    case SearchMode::Random:
      return "random";
  }
  return "?";
}

double objective_value(schedule::Metric m, const DesignPoint& p) {
  return objective_cost(m, p.latency_cycles, p.energy_pj);
}

namespace {

using Clock = std::chrono::steady_clock;

// Units -> partition.
arch::Partition from_units(const arch::AcceleratorClass& cls, const std::vector<int>& pe_units,
                           const std::vector<int>& bw_units, int g) {
  arch::Partition p;
  std::int64_t pes_left = cls.total_pes;
  double bw_left = cls.noc_gbps;
  const int k = static_cast<int>(pe_units.size());
  for (int i = 0; i < k; ++i) {
    const auto u = static_cast<std::size_t>(i);
    if (i + 1 == k) {
      p.pes.push_back(pes_left);
      p.bw_gbps.push_back(bw_left);
    } else {
      const std::int64_t pes = cls.total_pes * pe_units[u] / g;
      const double bw = cls.noc_gbps * bw_units[u] / g;
      p.pes.push_back(pes);
      p.bw_gbps.push_back(bw);
      pes_left -= pes;
      bw_left -= bw;
    }
  }
  return p;
}

void compositions(int total, int parts, std::vector<int>& cur, std::vector<std::vector<int>>& out) {
  if (parts == 1) {
    cur.push_back(total);
    out.push_back(cur);
    cur.pop_back();
    return;
  }
  for (int first = 1; first <= total - (parts - 1); ++first) {
    cur.push_back(first);
    compositions(total - first, parts - 1, cur, out);
    cur.pop_back();
  }
}

std::vector<std::vector<int>> all_compositions(int total, int parts) {
  std::vector<std::vector<int>> out;
  std::vector<int> cur;
  if (parts >= 1 && total >= parts) compositions(total, parts, cur, out);
  return out;
}

std::vector<int> random_composition(int total, int parts, std::mt19937_64& rng) {
  // Choose parts-1 distinct cut points in 1..total-1.
  std::vector<int> cuts;
  while (static_cast<int>(cuts.size()) < parts - 1) {
    const int c = 1 + static_cast<int>(rng() % static_cast<std::uint64_t>(total - 1));
    if (std::find(cuts.begin(), cuts.end(), c) == cuts.end()) cuts.push_back(c);
  }
  std::sort(cuts.begin(), cuts.end());
  std::vector<int> out;
  int prev = 0;
  for (int c : cuts) {
    out.push_back(c - prev);
    prev = c;
  }
  out.push_back(total - prev);
  return out;
}

// Herald's design points: a style at a partition of the class, built into an accelerator and
// evaluated by the shared DesignEvaluator.
class Engine {
 public:
  explicit Engine(const HeraldConfig& c)
      : cfg_(c),
        evaluator_(c.workload, c.params, c.technology, c.objective, c.scheduler, c.maestro_compat,
                   c.compat_search_tiles, c.cost_analysis) {}

  const workload::WorkloadGraph& graph() const { return evaluator_.graph(); }
  std::int64_t unique_shapes() const { return evaluator_.unique_shapes(); }
  std::int64_t configs() const { return evaluator_.configs(); }
  double cost_seconds() const { return evaluator_.cost_seconds(); }

  arch::Accelerator accelerator(const arch::AcceleratorStyle& style,
                                const arch::Partition& part) const {
    return arch::build_accelerator(cfg_.cls, style, part, cfg_.params);
  }

  void prepare(const std::vector<arch::Accelerator>& accs) { evaluator_.prepare(accs); }

  DesignPoint evaluate(int style_index, const arch::AcceleratorStyle& style,
                       const arch::Partition& part, schedule::Schedule* keep = nullptr,
                       schedule::Problem* keep_problem = nullptr) const {
    const DesignEvaluation e = evaluator_.evaluate(accelerator(style, part), keep, keep_problem);
    DesignPoint d;
    d.style = style_index;
    d.partition = part;
    d.latency_cycles = e.latency_cycles;
    d.energy_pj = e.energy_pj;
    return d;
  }

 private:
  const HeraldConfig& cfg_;
  DesignEvaluator evaluator_;
};

}  // namespace

std::vector<arch::Partition> exhaustive_partitions(const arch::AcceleratorClass& cls, int cores,
                                                   int granularity) {
  std::vector<arch::Partition> out;
  const auto comps = all_compositions(granularity, cores);
  for (const auto& pe : comps)
    for (const auto& bw : comps) out.push_back(from_units(cls, pe, bw, granularity));
  return out;
}

void mark_pareto(std::vector<DesignPoint>& points) {
  std::vector<double> v;
  v.reserve(2 * points.size());
  for (auto& p : points) {
    v.push_back(p.latency_cycles);
    v.push_back(p.energy_pj);
    p.pareto = false;
  }
  for (std::size_t i : pareto_indices(v, 2, ParetoTies::KeepAll)) points[i].pareto = true;
}

namespace {

struct Job {
  int style;
  arch::Partition part;
};

// One run of the search: the styles, the design points evaluated so far and the bests.
class Search {
 public:
  Search(const HeraldConfig& cfg, int threads) : cfg_(cfg), engine_(cfg_) {
    res_.threads = threads;
    res_.layers = static_cast<std::int64_t>(engine_.graph().nodes.size());
    for (const auto& n : engine_.graph().nodes) res_.node_names.push_back(n.name);
  }

  // The sweep's estimate against the machine's limits (refused unless allow_large).
  void check() {
    if (res_.styles.empty()) add_styles();
    check_sweep(herald_estimate(), machine_limits(), cfg_.allow_large,
                cfg_.mode == SearchMode::Random ? "--samples" : "--granularity");
  }

  HeraldResult run() {
    check();
    const std::vector<Job> jobs = initial_jobs();
    Progress progress("herald design points", static_cast<std::int64_t>(jobs.size()),
                      cfg_.progress);
    for (auto& d : evaluate_chunked(jobs, &progress)) res_.points.push_back(std::move(d));
    if (cfg_.mode == SearchMode::Binary && !cfg_.fixed_partition)
      for (int si : res_.searched) {
        if (res_.interrupted) break;
        if (!binary_search(si)) break;
      }
    progress.finish();
    pick_bests();
    mark_pareto(res_.points);
    res_.design_points = static_cast<std::int64_t>(res_.points.size());
    if (res_.best >= 0) {
      const auto& b = res_.points[static_cast<std::size_t>(res_.best)];
      engine_.prepare({engine_.accelerator(style(b.style), b.partition)});  // when read back
      engine_.evaluate(b.style, style(b.style), b.partition, &res_.best_schedule,
                       &res_.best_problem);
    }
    res_.unique_layer_shapes = engine_.unique_shapes();
    res_.core_configs = engine_.configs();
    res_.cost_seconds = engine_.cost_seconds();
    return std::move(res_);
  }

  // A worker rank: computes the chunks the leader sends.
  void serve(ChunkTransport& transport) {
    add_styles();
    const std::vector<Job> jobs = initial_jobs();
    std::vector<arch::Accelerator> accs;
    accs.reserve(jobs.size());
    for (const auto& j : jobs) accs.push_back(engine_.accelerator(style(j.style), j.part));
    engine_.prepare(accs);
    transport.serve([&](std::int64_t c) { return compute_chunk(jobs, c); }, res_.threads);
  }

 private:
  const arch::AcceleratorStyle& style(int si) const {
    return res_.styles[static_cast<std::size_t>(si)];
  }

  // The styles: searched ones first, then the baselines.
  void add_styles() {
    if (cfg_.fixed_partition &&
        (cfg_.styles.size() != 1 ||
         cfg_.fixed_partition->pes.size() != static_cast<std::size_t>(cfg_.styles[0].num_cores())))
      throw UserError(SourceLocation{"", 0, "fixed_partition"},
                      "a fixed partition needs one style with one share per core");
    for (const auto& s : cfg_.styles) {
      if (!cfg_.fixed_partition && s.num_cores() > cfg_.granularity &&
          s.kind != arch::StyleKind::SMFDA)
        throw UserError(SourceLocation{"", 0, "granularity"},
                        fmt::format("{} has {} cores; the granularity must be at least that",
                                    s.label(), s.num_cores()));
      res_.searched.push_back(static_cast<int>(res_.styles.size()));
      res_.styles.push_back(s);
    }
    if (cfg_.baselines)
      for (const auto& s : arch::table3_styles()) {
        if (s.kind == arch::StyleKind::HDA) continue;
        baselines_.push_back(static_cast<int>(res_.styles.size()));
        res_.styles.push_back(s);
      }
  }

  // The design points initial_jobs() will make, the memory they hold (jobs, results, the
  // partitions built on the way) and a lower bound on their time: 1.0 us per layer per design
  // point on one thread, the fastest rate bench_herald measured (bench/README.md).
  SweepEstimate herald_estimate() const {
    SweepEstimate e;
    e.what = "herald design points";
    int k_max = 1;
    for (int si : res_.searched) {
      const int k = style(si).num_cores();
      double n = 1;
      if (!cfg_.fixed_partition && style(si).kind == arch::StyleKind::HDA && k > 1) {
        if (cfg_.mode == SearchMode::Exhaustive)
          n = std::pow(binomial(cfg_.granularity - 1, k - 1), 2);
        else if (cfg_.mode == SearchMode::Random)
          n = cfg_.random_samples;
      }
      e.points += n;
      k_max = std::max(k_max, k);
    }
    // A job and its result, and the partition's PE and bandwidth shares in three copies.
    const double per_point = static_cast<double>(sizeof(Job) + sizeof(DesignPoint)) +
                             3.0 * (sizeof(arch::Partition) + 2.0 * 8 * k_max);
    e.points += static_cast<double>(baselines_.size());
    e.bytes = e.points * per_point;
    e.seconds = e.points * static_cast<double>(res_.layers) * 1.0e-6 / std::max(1, res_.threads);
    e.suggestion = cfg_.mode == SearchMode::Random
                       ? "lower --samples"
                       : fmt::format(
                             "lower --granularity (now {}) or use --search random "
                             "--samples N or --search binary",
                             cfg_.granularity);
    return e;
  }

  // Design points of the non-adaptive part: every searched style's partitions (exhaustive or
  // random; the even one for the binary search's start and for single-core styles), then the
  // baselines'.
  std::vector<Job> initial_jobs() {
    std::vector<Job> jobs;
    std::mt19937_64 rng(cfg_.seed);
    for (int si : res_.searched) {
      const int k = style(si).num_cores();
      if (cfg_.fixed_partition) {
        jobs.push_back({si, *cfg_.fixed_partition});
        continue;
      }
      if (style(si).kind != arch::StyleKind::HDA || k == 1) {
        jobs.push_back({si, arch::even_partition(cfg_.cls, style(si))});
        continue;
      }
      if (cfg_.mode == SearchMode::Exhaustive) {
        for (auto& p : exhaustive_partitions(cfg_.cls, k, cfg_.granularity))
          jobs.push_back({si, std::move(p)});
      } else if (cfg_.mode == SearchMode::Random) {
        std::set<std::pair<std::vector<int>, std::vector<int>>> seen;
        const int wanted = cfg_.random_samples;
        for (int tries = 0; static_cast<int>(seen.size()) < wanted && tries < 50 * wanted;
             ++tries) {
          auto pe = random_composition(cfg_.granularity, k, rng);
          auto bw = random_composition(cfg_.granularity, k, rng);
          if (seen.emplace(pe, bw).second)
            jobs.push_back({si, from_units(cfg_.cls, pe, bw, cfg_.granularity)});
        }
      }
    }
    for (int si : baselines_) jobs.push_back({si, arch::even_partition(cfg_.cls, style(si))});
    return jobs;
  }

  // Evaluates design points in parallel; Ctrl-C keeps the finished ones (in job order).
  std::vector<DesignPoint> evaluate(const std::vector<Job>& js, Progress* progress) {
    std::vector<arch::Accelerator> accs;
    accs.reserve(js.size());
    for (const auto& j : js) accs.push_back(engine_.accelerator(style(j.style), j.part));
    engine_.prepare(accs);
    std::vector<DesignPoint> out(js.size());
    std::vector<std::uint8_t> done(js.size(), 0);
    const auto ts = Clock::now();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, js.size(), 1),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i != r.end(); ++i) {
                          if (InterruptGuard::interrupted()) return;
                          out[i] = engine_.evaluate(js[i].style, style(js[i].style), js[i].part);
                          done[i] = 1;
                          if (progress) progress->add();
                        }
                      });
    res_.schedule_seconds += seconds_since(ts);
    std::vector<DesignPoint> kept;
    for (std::size_t i = 0; i < js.size(); ++i)
      if (done[i]) kept.push_back(out[i]);
    if (kept.size() < js.size()) res_.interrupted = true;
    return kept;
  }

  static std::pair<std::size_t, std::size_t> chunk_range(std::size_t jobs, std::int64_t c) {
    const std::size_t first = static_cast<std::size_t>(c) * kHeraldChunkPoints;
    return {first, std::min(jobs, first + kHeraldChunkPoints)};
  }

  // A chunk's record: latency and energy of each of its design points (prepared engine).
  std::string compute_chunk(const std::vector<Job>& js, std::int64_t c) const {
    const auto [first, end] = chunk_range(js.size(), c);
    std::string out;
    for (std::size_t i = first; i < end; ++i) {
      const DesignPoint d = engine_.evaluate(js[i].style, style(js[i].style), js[i].part);
      for (double v : {d.latency_cycles, d.energy_pj})
        out.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    return out;
  }

  void decode_chunk(const std::vector<Job>& js, std::int64_t c, std::string_view payload,
                    std::vector<DesignPoint>& out) const {
    const auto [first, end] = chunk_range(js.size(), c);
    if (payload.size() != (end - first) * 2 * sizeof(double))
      throw InternalError("result store: a Herald chunk record has the wrong size");
    for (std::size_t i = first; i < end; ++i) {
      DesignPoint& d = out[i];
      d.style = js[i].style;
      d.partition = js[i].part;
      std::memcpy(&d.latency_cycles, payload.data() + (i - first) * 16, sizeof(double));
      std::memcpy(&d.energy_pj, payload.data() + (i - first) * 16 + 8, sizeof(double));
    }
  }

  // The chunks `cs` computed here (local threads) or on the workers; finished ones go to `done`.
  void compute_chunks(const std::vector<Job>& js, const std::vector<std::int64_t>& cs,
                      ChunkTransport* remote, const ChunkTransport::Done& done) {
    if (remote != nullptr) {
      remote->compute(cs, done, &InterruptGuard::interrupted);
      return;
    }
    std::vector<arch::Accelerator> accs;
    for (auto c : cs) {
      const auto [first, end] = chunk_range(js.size(), c);
      for (std::size_t i = first; i < end; ++i)
        accs.push_back(engine_.accelerator(style(js[i].style), js[i].part));
    }
    engine_.prepare(accs);
    std::vector<std::string> out(cs.size());
    std::vector<std::uint8_t> ok(cs.size(), 0);
    tbb::parallel_for(std::size_t{0}, cs.size(), [&](std::size_t k) {
      if (InterruptGuard::interrupted()) return;
      out[k] = compute_chunk(js, cs[k]);
      ok[k] = 1;
    });
    for (std::size_t k = 0; k < cs.size(); ++k)
      if (ok[k] != 0) done(cs[k], std::move(out[k]));
  }

  // The non-adaptive design points in chunks: read back from the store, computed here or on the
  // workers, committed wave by wave. Without a store or workers: evaluate().
  std::vector<DesignPoint> evaluate_chunked(const std::vector<Job>& js, Progress* progress) {
    ChunkTransport* remote =
        cfg_.transport != nullptr && cfg_.transport->workers() > 0 ? cfg_.transport : nullptr;
    if (cfg_.store == nullptr && remote == nullptr) return evaluate(js, progress);
    const auto ts = Clock::now();
    const auto n =
        static_cast<std::int64_t>((js.size() + kHeraldChunkPoints - 1) / kHeraldChunkPoints);
    res_.chunks_total = n;
    ResultStore* store = cfg_.store;
    std::int64_t run_id = 0;
    std::unordered_set<std::string> stored;
    std::pair<std::int64_t, std::int64_t> lost{0, 0};
    if (store != nullptr) {
      std::vector<std::pair<int, arch::Partition>> pts;
      pts.reserve(js.size());
      for (const auto& j : js) pts.emplace_back(j.style, j.part);
      res_.stale_runs = runs_of_other_format(*store, "herald", kHeraldStoreFormat);
      const auto run =
          store->open_run("herald", herald_run_config(cfg_, engine_.graph(), pts, res_.styles));
      run_id = run.id;
      res_.run_hash = run.hash;
      if (!run.created) stored = store->keys(run_id);
      if (const auto m = store->meta(run_id, "under_way"); m && m->find(':') != std::string::npos)
        lost = {std::stoll(m->substr(0, m->find(':'))), std::stoll(m->substr(m->find(':') + 1))};
    }
    std::vector<DesignPoint> out(js.size());
    std::vector<std::uint8_t> have(static_cast<std::size_t>(n), 0);
    std::vector<std::int64_t> todo;
    for (std::int64_t c = 0; c < n; ++c) {
      const auto rec = stored.count(std::to_string(c)) != 0 ? store->get(run_id, std::to_string(c))
                                                            : std::optional<ResultStore::Record>{};
      if (!rec) {
        todo.push_back(c);
        continue;
      }
      decode_chunk(js, c, rec->payload, out);
      have[static_cast<std::size_t>(c)] = 1;
      ++res_.chunks_reused;
      if (progress)
        progress->add(static_cast<std::int64_t>(chunk_range(js.size(), c).second -
                                                chunk_range(js.size(), c).first));
    }
    const std::size_t wave = static_cast<std::size_t>(
        remote != nullptr ? 16 * remote->workers() : 8 * std::max(1, res_.threads));
    for (std::size_t w0 = 0; w0 < todo.size() && !InterruptGuard::interrupted(); w0 += wave) {
      const std::vector<std::int64_t> cs(
          todo.begin() + static_cast<std::ptrdiff_t>(w0),
          todo.begin() + static_cast<std::ptrdiff_t>(std::min(todo.size(), w0 + wave)));
      if (store != nullptr)
        store->set_meta(run_id, "under_way", fmt::format("{}:{}", cs.front(), cs.back() + 1));
      std::vector<ResultStore::Record> recs;
      compute_chunks(js, cs, remote, [&](std::int64_t c, std::string&& payload) {
        decode_chunk(js, c, payload, out);
        have[static_cast<std::size_t>(c)] = 1;
        ++res_.chunks_computed;
        if (c >= lost.first && c < lost.second) ++res_.chunks_recomputed;
        const auto [first, end] = chunk_range(js.size(), c);
        if (progress) progress->add(static_cast<std::int64_t>(end - first));
        if (store != nullptr) recs.push_back({std::to_string(c), c, std::move(payload)});
      });
      if (store != nullptr) store->put(run_id, recs);
      if (cfg_.stop_after_chunks > 0 && res_.chunks_computed >= cfg_.stop_after_chunks)
        std::raise(SIGINT);  // as a Ctrl-C here would (the guard's handler sets the flag)
    }
    res_.schedule_seconds += seconds_since(ts);
    std::vector<DesignPoint> kept;
    for (std::int64_t c = 0; c < n; ++c) {
      if (have[static_cast<std::size_t>(c)] == 0) {
        res_.interrupted = true;
        continue;
      }
      const auto [first, end] = chunk_range(js.size(), c);
      for (std::size_t i = first; i < end; ++i) kept.push_back(out[i]);
    }
    return kept;
  }

  // Binary sampling of one HDA: start from the even partition and move shares between cores by
  // a step that halves whenever no neighbour improves the objective. False when interrupted
  // before its first point.
  bool binary_search(int si) {
    const int k = style(si).num_cores();
    if (style(si).kind != arch::StyleKind::HDA || k == 1) return true;
    const int g = cfg_.granularity;
    std::vector<int> pe(static_cast<std::size_t>(k), g / k), bw(static_cast<std::size_t>(k), g / k);
    pe.back() += g - (g / k) * k;
    bw.back() += g - (g / k) * k;
    std::set<std::pair<std::vector<int>, std::vector<int>>> seen;
    auto cost_of = [&](const DesignPoint& d) { return objective_value(cfg_.objective, d); };
    seen.emplace(pe, bw);
    auto pts = evaluate({{si, from_units(cfg_.cls, pe, bw, g)}}, nullptr);
    if (pts.empty()) return false;
    DesignPoint current = pts[0];
    res_.points.push_back(current);
    int step = std::max(1, g / 4);
    while (step >= 1 && !res_.interrupted) {
      std::vector<Job> cands;
      std::vector<std::pair<std::vector<int>, std::vector<int>>> units;
      for (int dim = 0; dim < 2; ++dim)
        for (int a = 0; a < k; ++a)
          for (int b = 0; b < k; ++b) {
            if (a == b) continue;
            auto npe = pe, nbw = bw;
            auto& v = dim == 0 ? npe : nbw;
            if (v[static_cast<std::size_t>(a)] - step < 1) continue;
            v[static_cast<std::size_t>(a)] -= step;
            v[static_cast<std::size_t>(b)] += step;
            if (!seen.emplace(npe, nbw).second) continue;
            cands.push_back({si, from_units(cfg_.cls, npe, nbw, g)});
            units.emplace_back(npe, nbw);
          }
      auto evaluated = evaluate(cands, nullptr);
      int best = -1;
      for (std::size_t i = 0; i < evaluated.size(); ++i) {
        res_.points.push_back(evaluated[i]);
        if (cost_of(evaluated[i]) < cost_of(current) &&
            (best < 0 ||
             cost_of(evaluated[i]) < cost_of(evaluated[static_cast<std::size_t>(best)])))
          best = static_cast<int>(i);
      }
      if (best >= 0) {
        current = evaluated[static_cast<std::size_t>(best)];
        pe = units[static_cast<std::size_t>(best)].first;
        bw = units[static_cast<std::size_t>(best)].second;
      } else {
        step /= 2;
      }
    }
    return true;
  }

  // The best searched point and the best baseline of each kind (ties: the earlier point).
  void pick_bests() {
    auto better = [&](int a, int b) {
      if (b < 0) return true;
      return objective_value(cfg_.objective, res_.points[static_cast<std::size_t>(a)]) <
             objective_value(cfg_.objective, res_.points[static_cast<std::size_t>(b)]);
    };
    for (std::size_t i = 0; i < res_.points.size(); ++i) {
      const int ii = static_cast<int>(i);
      const int si = res_.points[i].style;
      const auto kind = style(si).kind;
      const bool searched =
          std::find(res_.searched.begin(), res_.searched.end(), si) != res_.searched.end();
      if (searched) {
        if (better(ii, res_.best)) res_.best = ii;
      } else if (kind == arch::StyleKind::FDA) {
        if (better(ii, res_.best_fda)) res_.best_fda = ii;
      } else if (kind == arch::StyleKind::SMFDA) {
        if (better(ii, res_.best_smfda)) res_.best_smfda = ii;
      } else if (kind == arch::StyleKind::RDA) {
        if (better(ii, res_.rda)) res_.rda = ii;
      }
    }
  }

  const HeraldConfig& cfg_;
  Engine engine_;
  HeraldResult res_;
  std::vector<int> baselines_;
};

}  // namespace

namespace {

// The loop-nest analysis applies to a fixed design whose cores all have a loop-nest view, without
// baselines (built from the class: no memory hierarchy) and without MAESTRO-compat costs.
void check_cost_analysis(const HeraldConfig& c) {
  if (c.cost_analysis != mapper::CostAnalysis::LoopNest) return;
  auto fail = [](const std::string& m) { throw UserError(SourceLocation{"", 0, "cost"}, m); };
  if (!c.fixed_partition)
    fail(
        "the loop-nest analysis needs cores with a memory hierarchy; a searched class and style "
        "build cores with the directive view only (give a fixed design whose cores have one)");
  const auto& views = c.fixed_partition->loop_nest;
  for (std::size_t k = 0; k < c.fixed_partition->pes.size(); ++k)
    if (k >= views.size() || !views[k])
      fail(
          fmt::format("the loop-nest analysis needs every core's memory hierarchy; core {} has "
                      "none",
                      k));
  if (c.baselines)
    fail(
        "the loop-nest analysis does not apply to the FDA, SM-FDA and RDA baselines (their "
        "cores have no memory hierarchy)");
  if (c.maestro_compat) fail("MAESTRO-compat costs are the directive analysis'");
}

void check_config(const HeraldConfig& config) {
  if (config.granularity < 1)
    throw UserError(SourceLocation{"", 0, "granularity"}, "must be at least 1");
  if (config.styles.empty())
    throw UserError(SourceLocation{"", 0, "styles"}, "no accelerator style");
  check_cost_analysis(config);
}

}  // namespace

void check_herald_sweep(const HeraldConfig& config) {
  check_config(config);
  HeraldConfig cfg = config;
  cfg.scheduler.metric = cfg.objective;
  Search(cfg, search_threads(cfg.threads)).check();
}

HeraldResult run_herald(const HeraldConfig& config) {
  const auto t0 = Clock::now();
  check_config(config);
  InterruptGuard guard;  // from here on, Ctrl-C stops the search and keeps finished points
  HeraldConfig cfg = config;
  cfg.scheduler.metric = cfg.objective;
  const SearchThreads threads(cfg.threads);
  HeraldResult res = Search(cfg, threads.count).run();
  res.wall_seconds = seconds_since(t0);
  if (cfg.transport != nullptr && cfg.transport->workers() > 0)
    res.threads = std::max(1, cfg.transport->worker_threads());
  return res;
}

void serve_herald(const HeraldConfig& config, ChunkTransport& transport) {
  HeraldConfig cfg = config;
  cfg.scheduler.metric = cfg.objective;
  const SearchThreads threads(cfg.threads);
  Search(cfg, threads.count).serve(transport);
}

}  // namespace mosaic::search

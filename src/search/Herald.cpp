#include "search/Herald.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include "common/Error.h"
#include "cost/CoreCost.h"
#include "mapper/SubAcceleratorCost.h"
#include "schedule/HeraldProblem.h"
#include "search/Progress.h"

namespace mosaic::search {

SearchMode parse_search_mode(const std::string& s) {
  if (s == "exhaustive") return SearchMode::Exhaustive;
  if (s == "binary") return SearchMode::Binary;
  if (s == "random") return SearchMode::Random;
  throw UserError(SourceLocation{"", 0, "--search"},
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
  switch (m) {
    case schedule::Metric::Latency:
      return p.latency_cycles;
    case schedule::Metric::Energy:
      return p.energy_pj;
    case schedule::Metric::EDP:
      return p.edp();
  }
  return p.edp();
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

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

using CurveKey = std::tuple<std::string, std::int64_t, double, double>;

struct ConfigKey {
  std::string dataflow;
  std::int64_t pes, noc_bw, offchip_bw;
  double buffer_per_pe = 0, local_bw_per_pe = 0;  // the sub-accelerator model's per-core values
  bool operator<(const ConfigKey& o) const {
    return std::tie(dataflow, pes, noc_bw, offchip_bw, buffer_per_pe, local_bw_per_pe) <
           std::tie(o.dataflow, o.pes, o.noc_bw, o.offchip_bw, o.buffer_per_pe, o.local_bw_per_pe);
  }
  ConfigKey(std::string df, const arch::Core& c)
      : dataflow(std::move(df)),
        pes(c.num_pes),
        noc_bw(c.noc_bw),
        offchip_bw(c.offchip_bw),
        buffer_per_pe(c.subacc_buffer_bytes_per_pe),
        local_bw_per_pe(c.local_elements_per_pe_cycle) {}
  // The analyses that do not depend on the NoC and DRAM shares.
  CurveKey curve() const { return {dataflow, pes, buffer_per_pe, local_bw_per_pe}; }
};

class Engine {
 public:
  explicit Engine(const HeraldConfig& c) : cfg_(c) {
    graph_ = workload::flatten(cfg_.workload, workload::Granularity::Compute);
    if (graph_.nodes.empty())
      throw UserError(SourceLocation{"", 0, "--workload"}, "the workload has no layers");
    // Unique layer shapes (instances and repeated blocks share costs).
    std::unordered_map<std::string, std::int32_t> ids;
    for (const auto& n : graph_.nodes) {
      const workload::Layer& l = n.layer;
      std::string key = fmt::format(
          "{}|{},{},{},{},{},{},{},{}|{},{},{},{},{},{},{},{},{},{}|{},{},{},{}",
          static_cast<int>(l.op), l.N, l.G, l.K, l.C, l.Y, l.X, l.R, l.S, l.stride_y, l.stride_x,
          l.dilation_y, l.dilation_x, l.pad_top, l.pad_bottom, l.pad_left, l.pad_right,
          l.output_pad_y, l.output_pad_x, l.input_bits, l.weight_bits, l.output_bits, l.num_inputs);
      auto [it, inserted] = ids.emplace(key, static_cast<std::int32_t>(shapes_.size()));
      if (inserted) shapes_.push_back(&n.layer);
      shape_of_.push_back(it->second);
    }
  }

  const workload::WorkloadGraph& graph() const { return graph_; }
  std::int64_t unique_shapes() const { return static_cast<std::int64_t>(shapes_.size()); }
  std::int64_t configs() const { return static_cast<std::int64_t>(table_.size()); }
  std::int64_t analyses() const {
    return static_cast<std::int64_t>(curves_.size() * shapes_.size());
  }
  double cost_seconds = 0;

  arch::Accelerator accelerator(const arch::AcceleratorStyle& style,
                                const arch::Partition& part) const {
    return arch::build_accelerator(cfg_.cls, style, part, cfg_.params);
  }

  // Computes the cost tables of every core configuration the accelerators need. The directive
  // analysis runs once per (dataflow, PEs, layer shape); each NoC bandwidth and DRAM share then
  // only re-times the top level's cases.
  void prepare(const std::vector<arch::Accelerator>& accs) {
    const auto t0 = Clock::now();
    std::set<ConfigKey> wanted;
    for (const auto& a : accs)
      for (const auto& core : a.cores) {
        std::vector<std::string> dfs = a.style.kind == arch::StyleKind::RDA
                                           ? a.style.dataflows
                                           : std::vector<std::string>{core.dataflow};
        for (const auto& df : dfs) wanted.insert(ConfigKey(df, core));
      }
    std::vector<ConfigKey> missing;
    std::set<CurveKey> curve_keys;
    for (const auto& k : wanted)
      if (!table_.count(k)) {
        missing.push_back(k);
        if (!curves_.count(k.curve())) curve_keys.insert(k.curve());
      }
    if (missing.empty()) return;
    if (cfg_.maestro_compat) {
      prepare_compat(missing);
      cost_seconds += seconds_since(t0);
      return;
    }
    // 1. Curves.
    const std::vector<CurveKey> ck(curve_keys.begin(), curve_keys.end());
    std::vector<std::vector<cost::CoreCostCurve>> curves(ck.size());
    for (auto& v : curves) v.resize(shapes_.size());
    const std::size_t tasks = ck.size() * shapes_.size();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, tasks, 8),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t t = r.begin(); t != r.end(); ++t) {
                          const std::size_t k = t / shapes_.size();
                          const std::size_t sh = t % shapes_.size();
                          curves[k][sh] =
                              mapper::subaccel_curve(*shapes_[sh], std::get<0>(ck[k]),
                                                     curve_options(ck[k]), cfg_.technology);
                        }
                      });
    for (std::size_t k = 0; k < ck.size(); ++k) curves_.emplace(ck[k], std::move(curves[k]));
    // 2. Tables at each bandwidth.
    std::vector<std::vector<cost::CoreLayerCost>> results(missing.size());
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, missing.size(), 4),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t k = r.begin(); k != r.end(); ++k) {
                          const auto& cv = curves_.at(missing[k].curve());
                          arch::Core core;
                          core.num_pes = missing[k].pes;
                          core.noc_bw = missing[k].noc_bw;
                          core.offchip_bw = missing[k].offchip_bw;
                          core.vector_width = cfg_.params.vector_width;
                          core.noc_hops = 1;
                          core.noc_hop_latency = cfg_.params.noc_latency_cycles;
                          results[k].reserve(shapes_.size());
                          for (const auto& c : cv)
                            results[k].push_back(cost::cost_at(c, core, core_objective()));
                        }
                      });
    for (std::size_t k = 0; k < missing.size(); ++k)
      table_.emplace(missing[k], std::move(results[k]));
    cost_seconds += seconds_since(t0);
  }

  cost::CoreObjective core_objective() const {
    return cfg_.objective == schedule::Metric::Latency  ? cost::CoreObjective::Latency
           : cfg_.objective == schedule::Metric::Energy ? cost::CoreObjective::Energy
                                                        : cost::CoreObjective::EDP;
  }

  mapper::SubAccelCurveOptions curve_options(const CurveKey& key) const {
    mapper::SubAccelCurveOptions o;
    o.num_pes = std::get<1>(key);
    o.vector_width = cfg_.params.vector_width;
    o.noc_latency = cfg_.params.noc_latency_cycles;
    o.precision_bits = 8 * cfg_.params.bytes_per_element;
    o.l1_bytes_per_pe = cfg_.params.l1_bytes_per_pe;
    o.sub.buffer_bytes_per_pe = std::get<2>(key);
    o.sub.local_elements_per_pe_cycle = std::get<3>(key);
    return o;
  }

  arch::Core core_of(const ConfigKey& k) const {
    arch::Core core;
    core.num_pes = k.pes;
    core.noc_bw = k.noc_bw;
    core.offchip_bw = k.offchip_bw;
    core.vector_width = cfg_.params.vector_width;
    core.noc_hops = 1;
    core.noc_hop_latency = cfg_.params.noc_latency_cycles;
    core.precision_bits = 8 * cfg_.params.bytes_per_element;
    return core;
  }

  // MAESTRO-compat tables: the NoC share applies at every cluster level, so each (dataflow,
  // PEs, bandwidth) is analysed on its own.
  void prepare_compat(const std::vector<ConfigKey>& missing) {
    std::vector<std::vector<cost::CoreLayerCost>> results(missing.size());
    for (auto& v : results) v.resize(shapes_.size());
    const std::size_t tasks = missing.size() * shapes_.size();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, tasks, 8),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t t = r.begin(); t != r.end(); ++t) {
                          const std::size_t k = t / shapes_.size();
                          const std::size_t sh = t % shapes_.size();
                          results[k][sh] =
                              mapper::maestro_compat_cost(*shapes_[sh], missing[k].dataflow,
                                                          core_of(missing[k]), cfg_.technology);
                        }
                      });
    for (std::size_t k = 0; k < missing.size(); ++k)
      table_.emplace(missing[k], std::move(results[k]));
  }

  schedule::Problem problem(const arch::Accelerator& acc) const {
    std::vector<std::vector<const std::vector<cost::CoreLayerCost>*>> tables(acc.cores.size());
    for (std::size_t c = 0; c < acc.cores.size(); ++c) {
      const auto& core = acc.cores[c];
      const std::vector<std::string> dfs = acc.style.kind == arch::StyleKind::RDA
                                               ? acc.style.dataflows
                                               : std::vector<std::string>{core.dataflow};
      for (const auto& df : dfs) tables[c].push_back(&table_.at(ConfigKey(df, core)));
    }
    return schedule::build_problem(graph_, acc, shape_of_, tables, cfg_.technology.dram_pj,
                                   cfg_.objective);
  }

  DesignPoint evaluate(int style_index, const arch::AcceleratorStyle& style,
                       const arch::Partition& part, schedule::Schedule* keep = nullptr,
                       schedule::Problem* keep_problem = nullptr) const {
    const arch::Accelerator acc = accelerator(style, part);
    schedule::Problem p = problem(acc);
    schedule::Options o = cfg_.scheduler;
    const schedule::Schedule s = schedule::schedule_layers(p, o);
    DesignPoint d;
    d.style = style_index;
    d.partition = part;
    d.latency_cycles = s.latency_cycles;
    d.energy_pj = s.energy_pj;
    if (keep) *keep = s;
    if (keep_problem) *keep_problem = std::move(p);
    return d;
  }

 private:
  const HeraldConfig& cfg_;
  workload::WorkloadGraph graph_;
  std::vector<const workload::Layer*> shapes_;
  std::vector<std::int32_t> shape_of_;
  std::map<ConfigKey, std::vector<cost::CoreLayerCost>> table_;
  std::map<CurveKey, std::vector<cost::CoreCostCurve>> curves_;
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
  for (auto& p : points) {
    p.pareto = true;
    for (const auto& q : points) {
      if (&p == &q) continue;
      const bool no_worse = q.latency_cycles <= p.latency_cycles && q.energy_pj <= p.energy_pj;
      const bool better = q.latency_cycles < p.latency_cycles || q.energy_pj < p.energy_pj;
      if (no_worse && better) {
        p.pareto = false;
        break;
      }
    }
  }
}

HeraldResult run_herald(const HeraldConfig& config) {
  const auto t0 = Clock::now();
  if (config.granularity < 1)
    throw UserError(SourceLocation{"", 0, "--granularity"}, "must be at least 1");
  if (config.styles.empty())
    throw UserError(SourceLocation{"", 0, "--styles"}, "no accelerator style");
  InterruptGuard guard;  // from here on, Ctrl-C stops the search and keeps finished points
  HeraldConfig cfg = config;
  cfg.scheduler.metric = cfg.objective;
  const int threads =
      cfg.threads > 0 ? cfg.threads : static_cast<int>(tbb::this_task_arena::max_concurrency());
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  Engine engine(cfg);
  HeraldResult res;
  res.threads = threads;
  res.layers = static_cast<std::int64_t>(engine.graph().nodes.size());
  for (const auto& n : engine.graph().nodes) res.node_names.push_back(n.name);

  // The styles: searched ones first, then the baselines.
  if (cfg.fixed_partition &&
      (cfg.styles.size() != 1 ||
       cfg.fixed_partition->pes.size() != static_cast<std::size_t>(cfg.styles[0].num_cores())))
    throw UserError(SourceLocation{"", 0, "--accelerator"},
                    "a fixed partition needs one style with one share per core");
  for (const auto& s : cfg.styles) {
    if (!cfg.fixed_partition && s.num_cores() > cfg.granularity && s.kind != arch::StyleKind::SMFDA)
      throw UserError(SourceLocation{"", 0, "--granularity"},
                      fmt::format("{} has {} cores; the granularity must be at least that",
                                  s.label(), s.num_cores()));
    res.searched.push_back(static_cast<int>(res.styles.size()));
    res.styles.push_back(s);
  }
  std::vector<int> baseline_styles;
  if (cfg.baselines) {
    for (const auto& s : arch::table3_styles()) {
      if (s.kind == arch::StyleKind::HDA) continue;
      baseline_styles.push_back(static_cast<int>(res.styles.size()));
      res.styles.push_back(s);
    }
  }

  // Design points of the non-adaptive part.
  struct Job {
    int style;
    arch::Partition part;
  };
  std::vector<Job> jobs;
  std::mt19937_64 rng(cfg.seed);
  for (int si : res.searched) {
    const auto& style = res.styles[static_cast<std::size_t>(si)];
    const int k = style.num_cores();
    if (cfg.fixed_partition) {
      jobs.push_back({si, *cfg.fixed_partition});
      continue;
    }
    if (style.kind != arch::StyleKind::HDA || k == 1) {
      jobs.push_back({si, arch::even_partition(cfg.cls, style)});
      continue;
    }
    if (cfg.mode == SearchMode::Exhaustive) {
      for (auto& p : exhaustive_partitions(cfg.cls, k, cfg.granularity))
        jobs.push_back({si, std::move(p)});
    } else if (cfg.mode == SearchMode::Random) {
      std::set<std::pair<std::vector<int>, std::vector<int>>> seen;
      const int wanted = cfg.random_samples;
      for (int tries = 0; static_cast<int>(seen.size()) < wanted && tries < 50 * wanted; ++tries) {
        auto pe = random_composition(cfg.granularity, k, rng);
        auto bw = random_composition(cfg.granularity, k, rng);
        if (seen.emplace(pe, bw).second)
          jobs.push_back({si, from_units(cfg.cls, pe, bw, cfg.granularity)});
      }
    }
  }
  for (int si : baseline_styles)
    jobs.push_back({si, arch::even_partition(cfg.cls, res.styles[static_cast<std::size_t>(si)])});

  auto evaluate_jobs = [&](const std::vector<Job>& js, Progress* progress) {
    std::vector<arch::Accelerator> accs;
    accs.reserve(js.size());
    for (const auto& j : js)
      accs.push_back(engine.accelerator(res.styles[static_cast<std::size_t>(j.style)], j.part));
    engine.prepare(accs);
    std::vector<DesignPoint> out(js.size());
    std::vector<std::uint8_t> done(js.size(), 0);
    const auto ts = Clock::now();
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, js.size(), 1),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i != r.end(); ++i) {
                          if (InterruptGuard::interrupted()) return;
                          out[i] = engine.evaluate(
                              js[i].style, res.styles[static_cast<std::size_t>(js[i].style)],
                              js[i].part);
                          done[i] = 1;
                          if (progress) progress->add();
                        }
                      });
    res.schedule_seconds += seconds_since(ts);
    std::vector<DesignPoint> kept;
    for (std::size_t i = 0; i < js.size(); ++i)
      if (done[i]) kept.push_back(out[i]);
    if (kept.size() < js.size()) res.interrupted = true;
    return kept;
  };

  Progress progress("herald design points", static_cast<std::int64_t>(jobs.size()), cfg.progress);
  for (auto& d : evaluate_jobs(jobs, &progress)) res.points.push_back(std::move(d));

  // Binary sampling: start from the even partition and move shares between cores by a step that
  // halves whenever no neighbour improves the objective.
  if (cfg.mode == SearchMode::Binary && !res.interrupted && !cfg.fixed_partition) {
    for (int si : res.searched) {
      const auto& style = res.styles[static_cast<std::size_t>(si)];
      const int k = style.num_cores();
      if (style.kind != arch::StyleKind::HDA || k == 1) continue;
      const int g = cfg.granularity;
      std::vector<int> pe(static_cast<std::size_t>(k), g / k),
          bw(static_cast<std::size_t>(k), g / k);
      pe.back() += g - (g / k) * k;
      bw.back() += g - (g / k) * k;
      std::set<std::pair<std::vector<int>, std::vector<int>>> seen;
      auto cost_of = [&](const DesignPoint& d) { return objective_value(cfg.objective, d); };
      std::vector<Job> first{{si, from_units(cfg.cls, pe, bw, g)}};
      seen.emplace(pe, bw);
      auto pts = evaluate_jobs(first, nullptr);
      if (pts.empty()) break;
      DesignPoint current = pts[0];
      res.points.push_back(current);
      int step = std::max(1, g / 4);
      while (step >= 1 && !res.interrupted) {
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
              cands.push_back({si, from_units(cfg.cls, npe, nbw, g)});
              units.emplace_back(npe, nbw);
            }
        auto evaluated = evaluate_jobs(cands, nullptr);
        int best = -1;
        for (std::size_t i = 0; i < evaluated.size(); ++i) {
          res.points.push_back(evaluated[i]);
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
    }
  }
  progress.finish();

  // Bests (ties: the earlier point) and the Pareto front.
  auto better = [&](int a, int b) {
    if (b < 0) return true;
    return objective_value(cfg.objective, res.points[static_cast<std::size_t>(a)]) <
           objective_value(cfg.objective, res.points[static_cast<std::size_t>(b)]);
  };
  for (std::size_t i = 0; i < res.points.size(); ++i) {
    const int ii = static_cast<int>(i);
    const auto kind = res.styles[static_cast<std::size_t>(res.points[i].style)].kind;
    const bool searched = std::find(res.searched.begin(), res.searched.end(),
                                    res.points[i].style) != res.searched.end();
    if (searched) {
      if (better(ii, res.best)) res.best = ii;
    } else if (kind == arch::StyleKind::FDA) {
      if (better(ii, res.best_fda)) res.best_fda = ii;
    } else if (kind == arch::StyleKind::SMFDA) {
      if (better(ii, res.best_smfda)) res.best_smfda = ii;
    } else if (kind == arch::StyleKind::RDA) {
      if (better(ii, res.rda)) res.rda = ii;
    }
  }
  mark_pareto(res.points);
  res.design_points = static_cast<std::int64_t>(res.points.size());
  if (res.best >= 0) {
    const auto& b = res.points[static_cast<std::size_t>(res.best)];
    engine.evaluate(b.style, res.styles[static_cast<std::size_t>(b.style)], b.partition,
                    &res.best_schedule, &res.best_problem);
  }
  res.unique_layer_shapes = engine.unique_shapes();
  res.core_configs = engine.configs();
  res.cost_seconds = engine.cost_seconds;
  res.wall_seconds = seconds_since(t0);
  return res;
}

}  // namespace mosaic::search

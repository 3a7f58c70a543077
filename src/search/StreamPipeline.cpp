#include "search/StreamPipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/Error.h"
#include "search/ChunkTransport.h"
#include "search/StreamExhaustive.h"
#include "search/StreamGa.h"
#include "search/StreamMilp.h"

namespace mosaic::search {

namespace {

using Genome = std::vector<int>;

struct Problem {
  StreamRun& run;
  mapper::StreamCostTable& table;
  std::vector<int> base_core;  // per CN: fixed core or -1
  std::vector<int> gene_of_cn;

  std::vector<int> cores_for(const Genome& g) const {
    std::vector<int> c = base_core;
    for (std::size_t i = 0; i < c.size(); ++i)
      if (c[i] < 0) c[i] = g[static_cast<std::size_t>(gene_of_cn[i])];
    return c;
  }
  const mapper::StreamCnCost* cost(int cn, int core) {
    const auto& g = run.graph;
    const auto& node = g.cns[static_cast<std::size_t>(cn)];
    const auto u = static_cast<std::size_t>(node.unique);
    const auto& c = table.get(g.tile_layers[u], core, g.unique_stack_size[u] == 1,
                              g.inter_splits[static_cast<std::size_t>(node.layer)]);
    if (!c.valid)
      throw UserError(SourceLocation{run.acc.source_file(), 0, "cores"},
                      fmt::format("layer '{}' is allocated to core {}, which has no compute units",
                                  g.tile_layers[u].name, core));
    return &c;
  }
  // Fills the cost table for every (unique tile, allowed core) before parallel evaluation.
  void prepare() {
    const auto& g = run.graph;
    for (std::size_t i = 0; i < g.cns.size(); ++i) {
      if (base_core[i] >= 0) {
        cost(static_cast<int>(i), base_core[i]);
        continue;
      }
      for (int c : run.gene_choices[static_cast<std::size_t>(gene_of_cn[i])])
        cost(static_cast<int>(i), c);
    }
  }
  schedule::StreamScheduleResult evaluate(const Genome& g, bool details) {
    const auto cores = cores_for(g);
    std::vector<const mapper::StreamCnCost*> costs(cores.size());
    for (std::size_t i = 0; i < cores.size(); ++i) costs[i] = cost(static_cast<int>(i), cores[i]);
    return schedule::schedule_stream(run.graph, run.acc, cores, costs, details);
  }
};

// mosaic-mpi: an allocation goes to a worker as its genes (int32 each) and comes back as its
// latency and energy; one missing (interrupted) keeps an empty genome.
std::string genome_request(const Genome& g) {
  std::string out;
  for (int v : g) {
    const auto x = static_cast<std::int32_t>(v);
    out.append(reinterpret_cast<const char*>(&x), sizeof x);
  }
  return out;
}

Genome genome_of(const std::string& request) {
  Genome g(request.size() / sizeof(std::int32_t));
  for (std::size_t i = 0; i < g.size(); ++i) {
    std::int32_t x = 0;
    std::memcpy(&x, request.data() + i * sizeof x, sizeof x);
    g[i] = x;
  }
  return g;
}

void evaluate_remote(ChunkTransport& remote, const std::vector<StreamGenome>& gs,
                     const std::vector<std::size_t>& unique, std::vector<StreamGenome>& res,
                     const std::function<bool()>& stop) {
  std::vector<std::string> requests;
  requests.reserve(unique.size());
  for (std::size_t i : unique) requests.push_back(genome_request(gs[i].core));
  remote.compute_requests(
      requests,
      [&](std::int64_t k, std::string&& payload) {
        auto& r = res[static_cast<std::size_t>(k)];
        if (payload.size() != 2 * sizeof(double))
          throw InternalError("stream: a worker's schedule reply has the wrong size");
        r.core = gs[unique[static_cast<std::size_t>(k)]].core;
        std::memcpy(&r.latency_cycles, payload.data(), sizeof(double));
        std::memcpy(&r.energy_pj, payload.data() + sizeof(double), sizeof(double));
      },
      stop);
}

// A worker rank: schedules the allocations rank 0 sends.
void serve_allocations(Problem& pb, ChunkTransport& transport, int threads) {
  transport.serve_requests(
      [&](std::int64_t, const std::string& request) {
        const Genome g = genome_of(request);
        if (g.size() != pb.run.gene_choices.size())
          throw InternalError("stream: an allocation of another problem reached this rank");
        const auto r = pb.evaluate(g, false);
        std::string out(2 * sizeof(double), '\0');
        std::memcpy(out.data(), &r.latency_cycles, sizeof(double));
        std::memcpy(out.data() + sizeof(double), &r.energy_pj, sizeof(double));
        return out;
      },
      threads);
}

// Schedules the batch (memo hits and duplicates once); true when every allocation has a result.
// Ctrl-C (`stop`) leaves the allocations not yet begun unscheduled, at +inf.
bool evaluate_all(Problem& pb, std::vector<StreamGenome>& gs, std::map<Genome, StreamGenome>& memo,
                  int threads, std::int64_t& evaluations, ChunkTransport* remote = nullptr,
                  const std::function<bool()>& stop = {}) {
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < gs.size(); ++i) {
    auto it = memo.find(gs[i].core);
    if (it != memo.end())
      gs[i] = it->second;
    else
      todo.push_back(i);
  }
  // Duplicates within the batch are evaluated once.
  std::vector<std::size_t> unique;
  std::map<Genome, std::size_t> first;
  for (std::size_t i : todo)
    if (first.emplace(gs[i].core, i).second) unique.push_back(i);
  std::vector<StreamGenome> res(unique.size());
  auto body = [&](std::size_t k) {
    if (stop && stop()) return;
    auto r = pb.evaluate(gs[unique[k]].core, false);
    res[k] = {gs[unique[k]].core, r.latency_cycles, r.energy_pj};
  };
  if (remote != nullptr && remote->workers() > 0) {
    evaluate_remote(*remote, gs, unique, res, stop);
  } else {
    tbb::task_arena arena(std::max(1, threads));
    arena.execute([&] { tbb::parallel_for(std::size_t{0}, unique.size(), body); });
  }
  for (std::size_t k = 0; k < unique.size(); ++k)
    if (!res[k].core.empty()) {
      memo[res[k].core] = res[k];
      ++evaluations;
    }
  bool complete = true;
  for (std::size_t i : todo) {
    const auto it = memo.find(gs[i].core);
    if (it != memo.end()) {
      gs[i] = it->second;
    } else {
      gs[i].latency_cycles = gs[i].energy_pj = std::numeric_limits<double>::infinity();
      complete = false;
    }
  }
  return complete;
}

// The per-gene, per-choice summed CN runtimes and the fixed CNs' runtime per (stack, core), from
// the cost table: what the informed GA individuals and the MILP balance.
GaSpace ga_space(Problem& pb) {
  auto& run = pb.run;
  const auto& g = run.graph;
  GaSpace sp;
  sp.choices = run.gene_choices;
  sp.runtime_cycles.resize(sp.choices.size());
  for (std::size_t k = 0; k < sp.choices.size(); ++k)
    sp.runtime_cycles[k].assign(sp.choices[k].size(), 0);
  std::vector<int> stack_of_layer(run.workload.layers.size(), 0);
  for (std::size_t s = 0; s < g.stacks.size(); ++s)
    for (int l : g.stacks[s]) stack_of_layer[static_cast<std::size_t>(l)] = static_cast<int>(s);
  sp.fixed_cycles.assign(std::max<std::size_t>(1, g.stacks.size()),
                         std::vector<double>(static_cast<std::size_t>(run.acc.num_cores()), 0));
  sp.stack.assign(sp.choices.size(), 0);
  for (std::size_t i = 0; i < g.cns.size(); ++i) {
    const auto stack =
        static_cast<std::size_t>(stack_of_layer[static_cast<std::size_t>(g.cns[i].layer)]);
    if (pb.base_core[i] >= 0) {
      sp.fixed_cycles[stack][static_cast<std::size_t>(pb.base_core[i])] +=
          pb.cost(static_cast<int>(i), pb.base_core[i])->runtime_cycles;
      continue;
    }
    const auto gene = static_cast<std::size_t>(pb.gene_of_cn[i]);
    sp.stack[gene] = static_cast<int>(stack);
    for (std::size_t c = 0; c < sp.choices[gene].size(); ++c)
      sp.runtime_cycles[gene][c] +=
          pb.cost(static_cast<int>(i), sp.choices[gene][c])->runtime_cycles;
  }
  return sp;
}

// The first allocation of a search's Pareto front; a search stopped before it scheduled any
// allocation is an error naming the search.
template <class Run>
const Genome& front_best(const Run& run, const char* search) {
  if (run.pareto.empty())
    throw UserError(
        SourceLocation{"", 0, "--allocation"},
        fmt::format("the {} allocation was stopped before any allocation was scheduled", search));
  return run.pareto.front().core;
}

Genome run_ga(Problem& pb, const StreamOptions& o) {
  auto& run = pb.run;
  GaSettings s;
  s.generations = o.generations;
  s.population = o.population;
  s.seed = o.seed;
  s.informed = o.informed_individuals;
  s.polish_schedules = o.polish_schedules;
  s.progress = o.progress;
  s.interrupted = o.interrupted;
  std::map<Genome, StreamGenome> memo;
  bool complete = true;  // every batch fully scheduled (Ctrl-C inside one: false)
  const auto res = run_stream_ga(ga_space(pb), s, [&](std::vector<StreamGenome>& batch) {
    complete &=
        evaluate_all(pb, batch, memo, o.threads, run.evaluations, o.transport, o.interrupted);
  });
  run.stopped_early = res.stopped_early || !complete;
  run.polish_moves = res.polish_moves;
  run.polish_schedules = res.polish_schedules;
  run.pareto = res.pareto;
  return front_best(run, "genetic");
}

Genome run_exhaustive(Problem& pb, const StreamOptions& o) {
  auto& run = pb.run;
  double total = 1;
  for (const auto& c : run.gene_choices) total *= static_cast<double>(c.size());
  if (total > static_cast<double>(o.exhaustive_limit))
    throw UserError(
        SourceLocation{"", 0, "--allocation"},
        fmt::format("exhaustive allocation would schedule {} allocations (limit {}); use ga", total,
                    o.exhaustive_limit));
  ExhaustiveSettings s;
  s.batch = o.exhaustive_batch;
  s.min_batch = std::max(16, 4 * o.threads);
  s.progress = o.progress;
  s.interrupted = o.interrupted;
  const auto res = run_stream_exhaustive(run.gene_choices, s, [&](std::vector<StreamGenome>& b) {
    std::map<Genome, StreamGenome> memo;  // no allocation repeats: one per batch
    evaluate_all(pb, b, memo, o.threads, run.evaluations, o.transport, o.interrupted);
  });
  run.stopped_early = res.stopped_early;
  run.allocations_total = res.total;
  run.allocations_scheduled = res.scheduled;
  run.pareto = res.pareto;
  return front_best(run, "exhaustive");
}

Genome run_milp(Problem& pb, const StreamOptions& o) {
  auto& run = pb.run;
  const auto sp = ga_space(pb);
  std::vector<double> fixed(static_cast<std::size_t>(run.acc.num_cores()), 0);
  for (const auto& stack : sp.fixed_cycles)
    for (std::size_t k = 0; k < fixed.size(); ++k) fixed[k] += stack[k];
  const auto& load = sp.runtime_cycles;
  MilpControl control;
  control.progress = o.progress;
  control.interrupted = o.interrupted;
  const auto m = solve_allocation_milp(run.gene_choices, load, fixed, 60, control);
  run.stopped_early = m.interrupted;
  run.milp_objective = m.objective;
  run.milp_bound = m.bound;
  run.milp_gap = m.gap;
  run.milp_optimal = m.optimal;
  run.milp_from_cbc = m.from_cbc;
  run.milp_nodes = m.nodes;
  return m.core;
}

}  // namespace

SweepEstimate stream_estimate(StreamAllocation allocation,
                              const std::vector<std::vector<int>>& gene_choices, int population,
                              int generations, int polish_schedules, std::int64_t cns,
                              int threads) {
  SweepEstimate e;
  const double genes = static_cast<double>(gene_choices.size());
  // A genome: its result and cores, in the list scheduled and in the memo (key and value).
  const double per_point = 3.0 * static_cast<double>(sizeof(StreamGenome)) + 3.0 * 4.0 * genes;
  if (allocation == StreamAllocation::Exhaustive) {
    e.what = fmt::format("allocations ({} genes)", gene_choices.size());
    e.points = 1;
    for (const auto& c : gene_choices) e.points *= static_cast<double>(c.size());
    e.suggestion = "use --allocation ga (or milp)";
  } else if (allocation == StreamAllocation::Ga) {
    e.what = "GA genomes";
    e.points = static_cast<double>(std::max(2, population)) * (generations + 1.0) +
               static_cast<double>(std::max(0, polish_schedules));
    e.suggestion = "lower --population, --generations or --polish";
  } else {
    e.what = "allocations";
    return e;
  }
  // Schedules: at most one per distinct allocation (the memo answers repeats).
  double allocations = 1;
  for (const auto& c : gene_choices) allocations *= static_cast<double>(c.size());
  e.bytes = e.points * per_point;
  e.seconds = std::min(e.points, allocations) * static_cast<double>(cns) /
              (kStreamCnSchedulesPerSecond * std::max(1, threads));
  return e;
}

std::string stream_partial_note(const StreamRun& run) {
  if (!run.stopped_early) return "";
  if (run.allocation == "exhaustive")
    return fmt::format("interrupted after {} of {} allocations scheduled; the best of those",
                       run.allocations_scheduled, run.allocations_total);
  if (run.allocation == "milp")
    return run.milp_from_cbc ? fmt::format(
                                   "interrupted; CBC's best incumbent, not proven optimal "
                                   "(gap {:.1f}%)",
                                   100 * run.milp_gap)
                             : "interrupted before CBC had an allocation; a greedy load balance";
  return "interrupted; the best of the allocations scheduled so far";
}

StreamRun run_stream(const std::string& accelerator_path, const std::string& workload_path,
                     const std::string& mapping_path, const StreamOptions& o) {
  StreamRun run;
  run.acc = arch::read_stream_accelerator(accelerator_path);
  run.workload = workload::stream_workload_from_file(workload_path);
  const auto mapping = workload::read_stream_mapping(mapping_path);
  for (const auto& e : mapping.entries)
    for (int c : e.core_allocation)
      if (c < 0 || c >= run.acc.num_cores())
        throw UserError(SourceLocation{mapping.source_file, e.source_line, "core_allocation"},
                        fmt::format("entry '{}': core {} does not exist in {} (cores 0 to {})",
                                    e.name, c, accelerator_path, run.acc.num_cores() - 1));
  double weight_capacity = 0;
  for (int c = 0; c < run.acc.num_cores(); ++c) {
    if (c == run.acc.offchip_core_id()) continue;
    const arch::LoopNestHardware& hw = run.acc.hw(c);
    const int m = arch::top_memory_of(hw, "I2");
    if (m >= 0)
      weight_capacity += static_cast<double>(hw.memories[static_cast<std::size_t>(m)].size_bits);
  }
  const auto stacks =
      workload::make_layer_stacks(run.workload, o.mode, o.layer_stacks, weight_capacity);
  run.graph = workload::split_workload(run.workload, mapping, stacks, o.mode);
  const auto& g = run.graph;
  mapper::StreamCostOptions co;
  co.lpf_limit = o.lpf_limit;
  mapper::StreamCostTable table(run.acc, co);
  Problem pb{run, table, {}, {}};
  pb.base_core.assign(g.cns.size(), -1);
  pb.gene_of_cn.assign(g.cns.size(), -1);
  std::map<std::pair<int, int>, int> gene_index;
  for (std::size_t i = 0; i < g.cns.size(); ++i) {
    const auto& c = g.cns[i];
    const auto& alloc = g.core_allocation[static_cast<std::size_t>(c.layer)];
    if (c.fixed_core >= 0) {
      pb.base_core[i] = c.fixed_core;
    } else if (alloc.size() == 1) {
      pb.base_core[i] = alloc.front();
    } else {
      const auto key = std::make_pair(c.layer, c.group);
      auto it = gene_index.find(key);
      if (it == gene_index.end()) {
        it = gene_index.emplace(key, static_cast<int>(run.genes.size())).first;
        run.genes.push_back(key);
        run.gene_choices.push_back(alloc);
      }
      pb.gene_of_cn[i] = it->second;
    }
  }
  if (o.progress)
    o.progress(fmt::format("{} CNs, {} edges, {} free allocation genes", g.cns.size(),
                           g.edges.size(), run.genes.size()));
  pb.prepare();
  run.cost_table_entries = static_cast<std::int64_t>(table.size());
  if (o.progress) o.progress(fmt::format("cost table: {} (tile, core) entries", table.size()));
  if (o.transport != nullptr && !o.transport->leader()) {
    serve_allocations(pb, *o.transport, o.threads);
    return run;
  }
  Genome best;
  run.allocation = "fixed";
  if (!run.genes.empty())
    check_sweep(
        stream_estimate(o.allocation, run.gene_choices, o.population, o.generations,
                        o.polish_schedules, static_cast<std::int64_t>(g.cns.size()), o.threads),
        machine_limits(), o.allow_large, "--allocation");
  if (!run.genes.empty()) {
    if (o.allocation == StreamAllocation::Fixed) {
      const auto& [layer, group] = run.genes.front();
      throw UserError(
          SourceLocation{mapping_path, 0, "core_allocation"},
          fmt::format("layer '{}' may run on {} cores but is not split over them; use "
                      "--allocation ga or exhaustive, or give one core per inter-core split",
                      g.tile_layers.empty()
                          ? ""
                          : run.workload.layers[static_cast<std::size_t>(layer)].name,
                      run.gene_choices.front().size()));
    }
    if (o.allocation == StreamAllocation::Ga) {
      best = run_ga(pb, o);
      run.allocation = "ga";
    } else if (o.allocation == StreamAllocation::Milp) {
      best = run_milp(pb, o);
      run.allocation = "milp";
    } else {
      best = run_exhaustive(pb, o);
      run.allocation = "exhaustive";
    }
  }
  run.core_of_cn = pb.cores_for(best);
  run.schedule = pb.evaluate(best, true);
  ++run.evaluations;
  for (std::size_t i = 0; i < g.cns.size(); ++i)
    run.cn_cost.push_back(*pb.cost(static_cast<int>(i), run.core_of_cn[i]));
  return run;
}

}  // namespace mosaic::search

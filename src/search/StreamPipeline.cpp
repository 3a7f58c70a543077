#include "search/StreamPipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <numeric>
#include <random>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "common/Error.h"
#include "search/ChunkTransport.h"
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
      throw UserError(SourceLocation{run.acc.source_file, 0, "cores"},
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

bool dominates(const StreamGenome& a, const StreamGenome& b) {
  return a.energy_pj <= b.energy_pj && a.latency_cycles <= b.latency_cycles &&
         (a.energy_pj < b.energy_pj || a.latency_cycles < b.latency_cycles);
}

std::vector<StreamGenome> pareto_front(const std::vector<StreamGenome>& all) {
  std::vector<StreamGenome> f;
  for (const auto& a : all) {
    bool dom = false;
    for (const auto& b : all)
      if (dominates(b, a)) dom = true;
    bool dup = false;
    for (const auto& x : f)
      if (x.core == a.core) dup = true;
    if (!dom && !dup) f.push_back(a);
  }
  std::sort(f.begin(), f.end(), [](const auto& a, const auto& b) {
    return std::tie(a.latency_cycles, a.energy_pj, a.core) <
           std::tie(b.latency_cycles, b.energy_pj, b.core);
  });
  return f;
}

// NSGA-II selection of `mu` individuals: non-dominated fronts, then crowding distance; ties by
// position (deterministic).
std::vector<StreamGenome> select_nsga2(const std::vector<StreamGenome>& pop, std::size_t mu) {
  std::vector<int> rank(pop.size(), -1);
  std::vector<std::vector<int>> fronts;
  std::vector<int> left(pop.size());
  std::iota(left.begin(), left.end(), 0);
  while (!left.empty()) {
    std::vector<int> f, rest;
    for (int i : left) {
      bool dom = false;
      for (int j : left)
        if (dominates(pop[static_cast<std::size_t>(j)], pop[static_cast<std::size_t>(i)]))
          dom = true;
      (dom ? rest : f).push_back(i);
    }
    fronts.push_back(f);
    left = rest;
  }
  std::vector<StreamGenome> out;
  for (auto& f : fronts) {
    if (out.size() + f.size() <= mu) {
      for (int i : f) out.push_back(pop[static_cast<std::size_t>(i)]);
      continue;
    }
    std::map<int, double> crowd;
    for (int obj = 0; obj < 2; ++obj) {
      auto val = [&](int i) {
        const auto& g = pop[static_cast<std::size_t>(i)];
        return obj == 0 ? g.energy_pj : g.latency_cycles;
      };
      std::vector<int> s = f;
      std::stable_sort(s.begin(), s.end(), [&](int a, int b) { return val(a) < val(b); });
      const double span = val(s.back()) - val(s.front());
      crowd[s.front()] = crowd[s.back()] = std::numeric_limits<double>::infinity();
      for (std::size_t k = 1; k + 1 < s.size(); ++k)
        if (span > 0) crowd[s[k]] += (val(s[k + 1]) - val(s[k - 1])) / span;
    }
    std::stable_sort(f.begin(), f.end(), [&](int a, int b) { return crowd[a] > crowd[b]; });
    for (int i : f) {
      if (out.size() == mu) break;
      out.push_back(pop[static_cast<std::size_t>(i)]);
    }
    break;
  }
  return out;
}

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

void evaluate_all(Problem& pb, std::vector<StreamGenome>& gs, std::map<Genome, StreamGenome>& memo,
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
    if (!res[k].core.empty()) memo[res[k].core] = res[k];
  evaluations += static_cast<std::int64_t>(unique.size());
  for (std::size_t i : todo) {
    const auto it = memo.find(gs[i].core);
    if (it != memo.end())
      gs[i] = it->second;
    else
      gs[i].latency_cycles = gs[i].energy_pj = std::numeric_limits<double>::infinity();
  }
}

// DEAP's cxTwoPoint: the genes between two cut points are exchanged.
void cx_two_point(Genome& a, Genome& b, std::mt19937_64& rng) {
  const std::size_t size = std::min(a.size(), b.size());
  if (size < 2) return;
  std::size_t p1 = 1 + static_cast<std::size_t>(rng() % size);        // randint(1, size)
  std::size_t p2 = 1 + static_cast<std::size_t>(rng() % (size - 1));  // randint(1, size - 1)
  if (p2 >= p1)
    ++p2;
  else
    std::swap(p1, p2);
  for (std::size_t i = p1; i < p2 && i < size; ++i) std::swap(a[i], b[i]);
}

// DEAP's cxOrdered, which Stream applies to genomes longer than 10 genes although they are core
// ids, not permutations: gene values index the "holes" (values must be < the length; else
// two-point crossover is used). The in-place aliasing of DEAP's code is kept.
void cx_ordered(Genome& a, Genome& b, std::mt19937_64& rng) {
  const std::size_t size = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < size; ++i)
    if (a[i] < 0 || b[i] < 0 || static_cast<std::size_t>(a[i]) >= size ||
        static_cast<std::size_t>(b[i]) >= size)
      return cx_two_point(a, b, rng);
  std::size_t x = static_cast<std::size_t>(rng() % size);
  std::size_t y = static_cast<std::size_t>(rng() % (size - 1));
  if (y >= x) ++y;  // random.sample(range(size), 2): two distinct positions
  if (x > y) std::swap(x, y);
  std::vector<bool> h1(size, true), h2(size, true);
  for (std::size_t i = 0; i < size; ++i)
    if (i < x || i > y) {
      h1[static_cast<std::size_t>(b[i])] = false;
      h2[static_cast<std::size_t>(a[i])] = false;
    }
  std::size_t k1 = y + 1, k2 = y + 1;
  for (std::size_t i = 0; i < size; ++i) {
    const int v1 = a[(i + y + 1) % size];
    if (!h1[static_cast<std::size_t>(v1)]) a[k1++ % size] = v1;
    const int v2 = b[(i + y + 1) % size];
    if (!h2[static_cast<std::size_t>(v2)]) b[k2++ % size] = v2;
  }
  for (std::size_t i = x; i <= y; ++i) std::swap(a[i], b[i]);
}

// Stream's GeneticAlgorithm.mutate: with probability 0.75 every gene moves with probability
// 1/length to another allowed core; otherwise the cores of two random genes are swapped.
void mutate(Genome& g, const std::vector<std::vector<int>>& choices, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u01(0, 1);
  const std::size_t n = g.size();
  if (u01(rng) < 0.75) {
    for (std::size_t i = 0; i < n; ++i) {
      if (u01(rng) >= 1.0 / static_cast<double>(n)) continue;
      std::vector<int> other;
      for (int c : choices[i])
        if (c != g[i]) other.push_back(c);
      if (!other.empty()) g[i] = other[static_cast<std::size_t>(rng() % other.size())];
    }
  } else if (n >= 2) {
    const std::size_t a = static_cast<std::size_t>(rng() % n);
    std::size_t b = static_cast<std::size_t>(rng() % (n - 1));
    if (b >= a) ++b;
    std::swap(g[a], g[b]);
  }
}

// Stream's GeneticAlgorithm: DEAP's eaMuPlusLambda with mu = population / 2, lambda =
// population, crossover 0.3 (two-point, ordered above 10 genes), mutation 0.7, NSGA-II
// selection; the answer is the lowest-latency point of the Pareto front of all evaluated.
Genome run_ga(Problem& pb, const StreamOptions& o) {
  auto& run = pb.run;
  std::mt19937_64 rng(o.seed);
  const std::size_t n_genes = run.gene_choices.size();
  auto random_gene = [&](std::size_t i) {
    const auto& ch = run.gene_choices[i];
    return ch[static_cast<std::size_t>(rng() % ch.size())];
  };
  const std::size_t lambda = static_cast<std::size_t>(std::max(2, o.population));
  const std::size_t mu = std::max<std::size_t>(2, lambda / 2);
  std::vector<StreamGenome> pop(lambda);
  for (auto& g : pop) {
    g.core.resize(n_genes);
    for (std::size_t i = 0; i < n_genes; ++i) g.core[i] = random_gene(i);
  }
  std::map<Genome, StreamGenome> memo;
  evaluate_all(pb, pop, memo, o.threads, run.evaluations, o.transport, o.interrupted);
  std::uniform_real_distribution<double> u01(0, 1);
  for (int gen = 0; gen < o.generations; ++gen) {
    if (o.interrupted && o.interrupted()) {
      run.stopped_early = true;
      break;
    }
    std::vector<StreamGenome> off(lambda);
    for (auto& child : off) {  // DEAP's varOr
      const double r = u01(rng);
      if (r < 0.3 && pop.size() >= 2 && n_genes > 1) {
        const std::size_t i = static_cast<std::size_t>(rng() % pop.size());
        std::size_t j = static_cast<std::size_t>(rng() % (pop.size() - 1));
        if (j >= i) ++j;
        child = pop[i];
        Genome other = pop[j].core;
        if (n_genes > 10)
          cx_ordered(child.core, other, rng);
        else
          cx_two_point(child.core, other, rng);
      } else {
        child = pop[static_cast<std::size_t>(rng() % pop.size())];
        mutate(child.core, run.gene_choices, rng);
      }
    }
    evaluate_all(pb, off, memo, o.threads, run.evaluations, o.transport, o.interrupted);
    std::vector<StreamGenome> all = pop;
    all.insert(all.end(), off.begin(), off.end());
    pop = select_nsga2(all, mu);
    if (o.progress) {
      double best = std::numeric_limits<double>::infinity();
      for (const auto& g : pop) best = std::min(best, g.latency_cycles);
      o.progress(fmt::format("generation {}/{}: best latency {} cycles, {} schedules", gen + 1,
                             o.generations, best, run.evaluations));
    }
  }
  std::vector<StreamGenome> all;
  for (const auto& [k, v] : memo) all.push_back(v);
  run.pareto = pareto_front(all);
  return run.pareto.front().core;
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
  std::vector<StreamGenome> all;
  Genome g(run.gene_choices.size(), 0);
  std::vector<std::size_t> idx(g.size(), 0);
  while (true) {
    StreamGenome x;
    for (std::size_t i = 0; i < g.size(); ++i) x.core.push_back(run.gene_choices[i][idx[i]]);
    all.push_back(x);
    std::size_t i = 0;
    while (i < idx.size() && ++idx[i] == run.gene_choices[i].size()) idx[i++] = 0;
    if (i == idx.size()) break;
  }
  std::map<Genome, StreamGenome> memo;
  evaluate_all(pb, all, memo, o.threads, run.evaluations, o.transport, o.interrupted);
  run.pareto = pareto_front(all);
  return run.pareto.front().core;
}

Genome run_milp(Problem& pb) {
  auto& run = pb.run;
  const auto& g = run.graph;
  std::vector<std::vector<double>> load(run.gene_choices.size());
  for (std::size_t k = 0; k < load.size(); ++k) load[k].assign(run.gene_choices[k].size(), 0);
  std::vector<double> fixed(run.acc.cores.size(), 0);
  for (std::size_t i = 0; i < g.cns.size(); ++i) {
    if (pb.base_core[i] >= 0) {
      fixed[static_cast<std::size_t>(pb.base_core[i])] +=
          pb.cost(static_cast<int>(i), pb.base_core[i])->runtime_cycles;
      continue;
    }
    const auto gene = static_cast<std::size_t>(pb.gene_of_cn[i]);
    for (std::size_t c = 0; c < run.gene_choices[gene].size(); ++c)
      load[gene][c] += pb.cost(static_cast<int>(i), run.gene_choices[gene][c])->runtime_cycles;
  }
  const auto m = solve_allocation_milp(run.gene_choices, load, fixed, 60);
  run.milp_objective = m.objective;
  run.milp_bound = m.bound;
  run.milp_gap = m.gap;
  run.milp_optimal = m.optimal;
  return m.core;
}

}  // namespace

StreamRun run_stream(const std::string& accelerator_path, const std::string& workload_path,
                     const std::string& mapping_path, const StreamOptions& o) {
  StreamRun run;
  run.acc = arch::read_stream_accelerator(accelerator_path);
  run.workload = workload::stream_workload_from_file(workload_path);
  const auto mapping = workload::read_stream_mapping(mapping_path);
  for (const auto& e : mapping.entries)
    for (int c : e.core_allocation)
      if (c < 0 || c >= static_cast<int>(run.acc.cores.size()))
        throw UserError(
            SourceLocation{mapping.source_file, e.source_line, "core_allocation"},
            fmt::format("entry '{}': core {} does not exist in {} (cores 0 to {})", e.name, c,
                        accelerator_path, static_cast<int>(run.acc.cores.size()) - 1));
  double weight_capacity = 0;
  for (const auto& c : run.acc.cores) {
    if (c.id == run.acc.offchip_core_id) continue;
    const int m = arch::top_memory_of(c, "I2");
    if (m >= 0)
      weight_capacity += static_cast<double>(c.hw.memories[static_cast<std::size_t>(m)].size_bits);
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
      best = run_milp(pb);
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

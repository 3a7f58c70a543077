#include "search/StreamGa.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <tuple>

#include <fmt/format.h>

#include "search/Progress.h"

namespace mosaic::search {

namespace {

using Genome = std::vector<int>;

bool dominates(const StreamGenome& a, const StreamGenome& b) {
  return a.energy_pj <= b.energy_pj && a.latency_cycles <= b.latency_cycles &&
         (a.energy_pj < b.energy_pj || a.latency_cycles < b.latency_cycles);
}

// Lower latency first, then lower energy, then the genome (a total, thread-independent order).
bool better_genome(const StreamGenome& a, const StreamGenome& b) {
  return std::tie(a.latency_cycles, a.energy_pj, a.core) <
         std::tie(b.latency_cycles, b.energy_pj, b.core);
}

// NSGA-II's non-dominated fronts (indices into pop, in their order).
std::vector<std::vector<int>> nondominated_fronts(const std::vector<StreamGenome>& pop) {
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
  return fronts;
}

// NSGA-II's crowding distance over (energy, latency) of one front.
std::map<int, double> crowding(const std::vector<StreamGenome>& pop, const std::vector<int>& f) {
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
  return crowd;
}

// NSGA-II selection of `mu` individuals: non-dominated fronts, then crowding distance; ties by
// position (deterministic).
std::vector<StreamGenome> select_nsga2(const std::vector<StreamGenome>& pop, std::size_t mu) {
  std::vector<StreamGenome> out;
  for (auto& f : nondominated_fronts(pop)) {
    if (out.size() + f.size() <= mu) {
      for (int i : f) out.push_back(pop[static_cast<std::size_t>(i)]);
      continue;
    }
    auto crowd = crowding(pop, f);
    std::stable_sort(f.begin(), f.end(), [&](int a, int b) { return crowd[a] > crowd[b]; });
    for (int i : f) {
      if (out.size() == mu) break;
      out.push_back(pop[static_cast<std::size_t>(i)]);
    }
    break;
  }
  return out;
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

// Every evaluated genome (finite results only), for the final Pareto front.
struct Archive {
  std::map<Genome, StreamGenome> seen;
  void add(const std::vector<StreamGenome>& gs) {
    for (const auto& g : gs)
      if (!g.core.empty() && g.latency_cycles < std::numeric_limits<double>::infinity())
        seen.emplace(g.core, g);
  }
  std::vector<StreamGenome> all() const {
    std::vector<StreamGenome> out;
    for (const auto& [k, v] : seen) out.push_back(v);
    return out;
  }
};

std::vector<StreamGenome> initial_population(const GaSpace& space, const GaSettings& s,
                                             std::size_t lambda, std::mt19937_64& rng) {
  std::vector<StreamGenome> pop;
  if (s.informed)
    for (auto& g : informed_genomes(space))
      if (pop.size() < lambda) pop.push_back(StreamGenome{std::move(g), 0, 0});
  while (pop.size() < lambda) {
    StreamGenome g;
    for (const auto& ch : space.choices)
      g.core.push_back(ch[static_cast<std::size_t>(rng() % ch.size())]);
    pop.push_back(std::move(g));
  }
  return pop;
}

// DEAP's varOr: each child is a crossover of two distinct parents (probability 0.3; two-point,
// ordered above 10 genes) or a mutated copy of one.
std::vector<StreamGenome> offspring(const std::vector<StreamGenome>& pop, std::size_t lambda,
                                    const GaSpace& space, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u01(0, 1);
  const std::size_t n_genes = space.choices.size();
  std::vector<StreamGenome> off(lambda);
  for (auto& child : off) {
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
      mutate(child.core, space.choices, rng);
    }
  }
  return off;
}

// All single-gene moves of `g`, gene by gene from `first` (cyclically), then choice order.
std::vector<Genome> one_gene_moves(const GaSpace& space, const Genome& g, std::size_t first) {
  std::vector<Genome> out;
  const std::size_t n = space.choices.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (first + k) % n;
    for (int c : space.choices[i])
      if (c != g[i]) {
        out.push_back(g);
        out.back()[i] = c;
      }
  }
  return out;
}

std::size_t changed_gene(const Genome& a, const Genome& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return i;
  return 0;
}

// One-gene-move hill climb from `start`: the moves of the current point are scheduled in
// batches of `batch` (0: all of them at once), starting at the gene after the last move; the
// best of a batch (latency, then energy, then genome) is taken when its latency is strictly
// lower. Stops when every move of the current point was tried without gain, or at the budget.
void polish(const GaSpace& space, const GaSettings& s, const GaEvaluate& evaluate,
            StreamGenome start, Archive& archive, GaResult& res) {
  StreamGenome cur = std::move(start);
  std::int64_t left = s.polish_schedules;
  std::size_t first = 0;
  while (left > 0) {
    const auto moves = one_gene_moves(space, cur.core, first);
    bool moved = false;
    for (std::size_t at = 0; at < moves.size() && left > 0 && !moved;) {
      if (s.interrupted && s.interrupted()) {
        res.stopped_early = true;
        return;
      }
      std::size_t take =
          s.polish_batch > 0 ? static_cast<std::size_t>(s.polish_batch) : moves.size();
      take = std::min({take, moves.size() - at, static_cast<std::size_t>(left)});
      std::vector<StreamGenome> batch;
      for (std::size_t k = at; k < at + take; ++k) batch.push_back(StreamGenome{moves[k], 0, 0});
      at += take;
      left -= static_cast<std::int64_t>(take);
      res.polish_schedules += static_cast<std::int64_t>(take);
      evaluate(batch);
      archive.add(batch);
      const auto best = std::min_element(batch.begin(), batch.end(), better_genome);
      if (best->latency_cycles < cur.latency_cycles) {
        first = (changed_gene(cur.core, best->core) + 1) % space.choices.size();
        cur = *best;
        moved = true;
        ++res.polish_moves;
        if (s.progress)
          s.progress(fmt::format("polish move {}: latency {} cycles", res.polish_moves,
                                 cur.latency_cycles));
      }
    }
    if (!moved) return;
  }
}

}  // namespace

std::vector<StreamGenome> stream_pareto_front(const std::vector<StreamGenome>& all) {
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
  std::sort(f.begin(), f.end(), better_genome);
  return f;
}

std::vector<std::vector<int>> informed_genomes(const GaSpace& space) {
  const std::size_t n = space.choices.size();
  // Every gene on its fastest allowed core (the first of equals).
  Genome fastest(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& rt = space.runtime_cycles[i];
    fastest[i] = space.choices[i][static_cast<std::size_t>(std::min_element(rt.begin(), rt.end()) -
                                                           rt.begin())];
  }
  // Per stack, genes in topological order onto the core whose summed runtime in that stack
  // (fixed CNs included) ends lowest with the gene added (ties: the first allowed core).
  Genome balanced(n);
  auto load = space.fixed_cycles;
  for (std::size_t i = 0; i < n; ++i) {
    auto& l = load[static_cast<std::size_t>(space.stack[i])];
    std::size_t best = 0;
    double best_end = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < space.choices[i].size(); ++k) {
      const double end =
          l[static_cast<std::size_t>(space.choices[i][k])] + space.runtime_cycles[i][k];
      if (end < best_end) best_end = end, best = k;
    }
    balanced[i] = space.choices[i][best];
    l[static_cast<std::size_t>(balanced[i])] = best_end;
  }
  std::vector<std::vector<int>> out{fastest};
  if (balanced != fastest) out.push_back(balanced);
  return out;
}

// Stream's GeneticAlgorithm: DEAP's eaMuPlusLambda with mu = population / 2, lambda =
// population, crossover 0.3, mutation 0.7, NSGA-II selection; the answer is the lowest-latency
// point of the Pareto front of all evaluated (after the polish, when asked for).
GaResult run_stream_ga(const GaSpace& space, const GaSettings& s, const GaEvaluate& evaluate) {
  GaResult res;
  const auto t0 = std::chrono::steady_clock::now();
  std::mt19937_64 rng(s.seed);
  const std::size_t lambda = static_cast<std::size_t>(std::max(2, s.population));
  const std::size_t mu = std::max<std::size_t>(2, lambda / 2);
  Archive archive;
  auto pop = initial_population(space, s, lambda, rng);
  evaluate(pop);
  archive.add(pop);
  std::int64_t schedules = static_cast<std::int64_t>(pop.size());
  for (int gen = 0; gen < s.generations; ++gen) {
    if (s.interrupted && s.interrupted()) {
      res.stopped_early = true;
      break;
    }
    auto off = offspring(pop, lambda, space, rng);
    evaluate(off);
    archive.add(off);
    schedules += static_cast<std::int64_t>(off.size());
    std::vector<StreamGenome> all = pop;
    all.insert(all.end(), off.begin(), off.end());
    pop = select_nsga2(all, mu);
    if (s.progress) {
      double best = std::numeric_limits<double>::infinity();
      for (const auto& g : pop) best = std::min(best, g.latency_cycles);
      // "GA generations: 2/4 (50%) 1.2 s, ETA 1 s; best latency ... cycles, 12 genomes"
      const std::chrono::duration<double> t = std::chrono::steady_clock::now() - t0;
      s.progress(fmt::format("{}; best latency {} cycles, {} genomes",
                             progress_line("GA generations", t.count(), gen + 1, s.generations),
                             best, schedules));
    }
  }
  if (!res.stopped_early && s.polish_schedules > 0 && !archive.seen.empty())
    polish(space, s, evaluate, stream_pareto_front(archive.all()).front(), archive, res);
  res.pareto = stream_pareto_front(archive.all());
  return res;
}

}  // namespace mosaic::search

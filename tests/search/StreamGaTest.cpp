// Stream's GA additions (search/StreamGa.h) on hand-made problems: the informed initial
// individuals computed by hand, and the one-gene-move polish on a separable latency (whose
// one-gene local optimum is the global one), its batches and its budget.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "search/StreamGa.h"

namespace mosaic::search {
namespace {

TEST(StreamGa, InformedIndividualsByHand) {
  GaSpace sp;
  sp.choices = {{0, 1}, {0, 1}, {0, 1}};
  sp.runtime_cycles = {{10, 5}, {4, 4}, {6, 5}};
  sp.stack = {0, 0, 0};
  sp.fixed_cycles = {{0, 3}};
  // Fastest: 5 on core 1; 4 = 4, the first; 5 on core 1.
  // Balanced, loads start at {0, 3}: gene 0 ends at 10 on core 0 or 8 on core 1 -> 1 (loads
  // {0, 8}); gene 1: 4 or 12 -> 0 ({4, 8}); gene 2: 10 or 13 -> 0.
  const auto g = informed_genomes(sp);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0], (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(g[1], (std::vector<int>{1, 0, 0}));
}

TEST(StreamGa, BalanceRestartsPerStack) {
  GaSpace sp;
  sp.choices = {{2, 3}, {2, 3}};
  sp.runtime_cycles = {{7, 7}, {7, 7}};
  sp.stack = {0, 1};
  // Core ids index the per-stack loads: stack 1 has 100 fixed cycles on core 2.
  sp.fixed_cycles = {{0, 0, 0, 0}, {0, 0, 100, 0}};
  const auto g = informed_genomes(sp);
  // Fastest is {2, 2} (first of equals); the balance puts gene 1 on core 3, away from the fixed
  // CNs of its own stack (gene 0's load in stack 0 does not count there).
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0], (std::vector<int>{2, 2}));
  EXPECT_EQ(g[1], (std::vector<int>{2, 3}));
}

// Latency = sum of per-gene costs (separable: one-gene moves reach the optimum), energy 0.
struct Separable {
  std::vector<std::vector<double>> cost;  // per gene, per core id
  std::vector<std::size_t> batches;
  void operator()(std::vector<StreamGenome>& gs) {
    batches.push_back(gs.size());
    for (auto& g : gs) {
      g.latency_cycles = 0;
      for (std::size_t i = 0; i < g.core.size(); ++i)
        g.latency_cycles += cost[i][static_cast<std::size_t>(g.core[i])];
      g.energy_pj = 0;
    }
  }
};

GaSpace space_of(const Separable& f) {
  GaSpace sp;
  for (const auto& c : f.cost) {
    std::vector<int> ch(c.size());
    std::iota(ch.begin(), ch.end(), 0);
    sp.choices.push_back(ch);
    sp.runtime_cycles.push_back(c);
    sp.stack.push_back(0);
  }
  sp.fixed_cycles = {std::vector<double>(4, 0)};
  return sp;
}

TEST(StreamGa, PolishReachesTheOptimumOfASeparableLatency) {
  Separable f;
  f.cost = {{5, 1, 9, 4}, {2, 8, 3, 7}, {6, 6, 0, 6}, {9, 9, 9, 1}, {3, 2, 5, 4}, {8, 1, 8, 8}};
  GaSettings s;
  s.generations = 0;
  s.population = 2;
  s.informed = false;
  s.polish_schedules = 1000;
  auto eval = [&f](std::vector<StreamGenome>& gs) { f(gs); };
  const auto r = run_stream_ga(space_of(f), s, eval);
  ASSERT_FALSE(r.pareto.empty());
  EXPECT_EQ(r.pareto.front().core, (std::vector<int>{1, 0, 2, 3, 1, 1}));
  EXPECT_DOUBLE_EQ(r.pareto.front().latency_cycles, 1 + 2 + 0 + 1 + 2 + 1);
  EXPECT_GT(r.polish_moves, 0);
  // Batches of 8 moves at most after the initial population; the last full pass over the 18
  // moves of the optimum found no gain, so the polish stopped before its budget.
  for (std::size_t k = 1; k < f.batches.size(); ++k) EXPECT_LE(f.batches[k], 8u);
  EXPECT_LT(r.polish_schedules, 1000);
  // Deterministic: the same run again gives the same batches and answer.
  Separable f2{f.cost, {}};
  auto eval2 = [&f2](std::vector<StreamGenome>& gs) { f2(gs); };
  const auto r2 = run_stream_ga(space_of(f2), s, eval2);
  EXPECT_EQ(f2.batches, f.batches);
  EXPECT_EQ(r2.pareto.front().core, r.pareto.front().core);
}

TEST(StreamGa, PolishKeepsToItsBudget) {
  Separable f;
  f.cost = {{5, 1, 9, 4}, {2, 8, 3, 7}, {6, 6, 0, 6}};
  GaSettings s;
  s.generations = 0;
  s.population = 2;
  s.informed = false;
  s.polish_schedules = 5;
  auto eval = [&f](std::vector<StreamGenome>& gs) { f(gs); };
  const auto r = run_stream_ga(space_of(f), s, eval);
  EXPECT_EQ(r.polish_schedules, 5);
  ASSERT_EQ(f.batches.size(), 2u);  // the initial population, then one batch of 5
  EXPECT_EQ(f.batches[0], 2u);
  EXPECT_EQ(f.batches[1], 5u);
  // No polish: only the initial population is scheduled.
  Separable g{f.cost, {}};
  s.polish_schedules = 0;
  auto eval0 = [&g](std::vector<StreamGenome>& gs) { g(gs); };
  const auto r0 = run_stream_ga(space_of(g), s, eval0);
  EXPECT_EQ(g.batches, (std::vector<std::size_t>{2}));
  EXPECT_EQ(r0.polish_schedules, 0);
}

}  // namespace
}  // namespace mosaic::search

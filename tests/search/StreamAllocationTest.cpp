// `stream`'s exhaustive allocation in batches (search/StreamExhaustive.h) and the CBC core-load
// MILP with its event handler (search/StreamMilp.h), on problems small enough to check by hand:
// the batched front equals one batch's whatever the batch size, an interrupt keeps the front of
// what was scheduled and says so; the MILP's normal solve is the C interface's, and a stopped
// solve returns a feasible allocation marked interrupted, not optimal. No timing.
#include <gtest/gtest.h>

#include <Cbc_C_Interface.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>

#include "search/StreamExhaustive.h"
#include "search/StreamMilp.h"

namespace mosaic::search {
namespace {

// Two genes: gene 0 on core 0 or 1, gene 1 on core 0, 1 or 2. Latency and energy add up per
// gene (cycles, pJ):
//   gene 0: core 0 -> 10, 7;  core 1 -> 20, 2
//   gene 1: core 0 ->  5, 1;  core 1 ->  1, 9;  core 2 -> 3, 4
// The six allocations (latency, energy): [0,0] 15, 8; [1,0] 25, 3; [0,1] 11, 16; [1,1] 21, 11;
// [0,2] 13, 11; [1,2] 23, 6. Only [1,1] is dominated (by [0,0]).
const std::vector<std::vector<int>> kChoices = {{0, 1}, {0, 1, 2}};

void schedule_by_hand(std::vector<StreamGenome>& batch) {
  const double lat[2][3] = {{10, 20, 0}, {5, 1, 3}};
  const double pj[2][3] = {{7, 2, 0}, {1, 9, 4}};
  for (auto& g : batch) {
    g.latency_cycles = lat[0][g.core[0]] + lat[1][g.core[1]];
    g.energy_pj = pj[0][g.core[0]] + pj[1][g.core[1]];
  }
}

std::vector<std::vector<int>> cores_of(const std::vector<StreamGenome>& front) {
  std::vector<std::vector<int>> out;
  for (const auto& g : front) out.push_back(g.core);
  return out;
}

TEST(StreamExhaustive, EnumerationOrderFirstGeneFastest) {
  EXPECT_EQ(exhaustive_allocation_count(kChoices), 6);
  std::vector<std::vector<int>> all;
  for (std::int64_t i = 0; i < 6; ++i) all.push_back(exhaustive_allocation(kChoices, i));
  EXPECT_EQ(all, (std::vector<std::vector<int>>{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 2}, {1, 2}}));
  EXPECT_EQ(exhaustive_allocation_count({}), 1);  // no gene: the one empty allocation
}

TEST(StreamExhaustive, EveryBatchSizeGivesTheSameFront) {
  const std::vector<std::vector<int>> front = {{0, 1}, {0, 2}, {0, 0}, {1, 2}, {1, 0}};
  for (std::int64_t batch : {1, 2, 4, 5, 6, 100, 0}) {
    ExhaustiveSettings s;
    s.batch = batch;
    int calls = 0;
    const auto r = run_stream_exhaustive(kChoices, s, [&](std::vector<StreamGenome>& b) {
      ++calls;
      schedule_by_hand(b);
    });
    EXPECT_EQ(cores_of(r.pareto), front) << "batch " << batch;
    EXPECT_DOUBLE_EQ(r.pareto.front().latency_cycles, 11);
    EXPECT_DOUBLE_EQ(r.pareto.front().energy_pj, 16);
    EXPECT_DOUBLE_EQ(r.pareto.back().latency_cycles, 25);
    EXPECT_DOUBLE_EQ(r.pareto.back().energy_pj, 3);
    EXPECT_EQ(r.total, 6);
    EXPECT_EQ(r.scheduled, 6);
    EXPECT_FALSE(r.stopped_early);
    const std::int64_t b = batch > 0 ? batch : 16;  // adaptive: 16 first
    EXPECT_EQ(calls, (6 + b - 1) / b) << "batch " << batch;
  }
}

TEST(StreamExhaustive, InterruptAfterTheFirstBatchKeepsItsFrontMarkedPartial) {
  ExhaustiveSettings s;
  s.batch = 2;
  bool flag = false;
  s.interrupted = [&] { return flag; };
  std::vector<std::string> lines;
  s.progress = [&](const std::string& l) { lines.push_back(l); };
  const auto r = run_stream_exhaustive(kChoices, s, [&](std::vector<StreamGenome>& b) {
    schedule_by_hand(b);
    flag = true;  // Ctrl-C during the first batch, which still completes
  });
  EXPECT_TRUE(r.stopped_early);
  EXPECT_EQ(r.scheduled, 2);
  EXPECT_EQ(r.total, 6);
  // [0,0] (15, 8) and [1,0] (25, 3): neither dominates the other.
  EXPECT_EQ(cores_of(r.pareto), (std::vector<std::vector<int>>{{0, 0}, {1, 0}}));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("exhaustive allocations: 2/6 (33%) ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(", ETA "), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("; best latency 15 cycles, front of 2"), std::string::npos) << lines[0];
}

TEST(StreamExhaustive, InterruptInsideABatchDropsTheUnscheduled) {
  ExhaustiveSettings s;
  s.batch = 4;
  const auto r = run_stream_exhaustive(kChoices, s, [&](std::vector<StreamGenome>& b) {
    schedule_by_hand(b);
    b.back().latency_cycles = b.back().energy_pj = std::numeric_limits<double>::infinity();
  });
  // Allocations 0-2 scheduled, [1,1] left out: [0,1] 11, [0,0] 15, [1,0] 25.
  EXPECT_TRUE(r.stopped_early);
  EXPECT_EQ(r.scheduled, 3);
  EXPECT_EQ(cores_of(r.pareto), (std::vector<std::vector<int>>{{0, 1}, {0, 0}, {1, 0}}));
}

// Three genes on cores 0 and 1; loads (cycles) gene 0: 4 or 6, gene 1: 3 or 3, gene 2: 5 or 2;
// fixed load 1 on core 0. Of the eight allocations, [0,1,1] alone reaches the optimum: core 0
// 1 + 4 = 5, core 1 3 + 2 = 5 (the next best, 8: [0,0,1] and [1,0,1]).
const std::vector<std::vector<int>> kMilpChoices = {{0, 1}, {0, 1}, {0, 1}};
const std::vector<std::vector<double>> kMilpLoad = {{4, 6}, {3, 3}, {5, 2}};
const std::vector<double> kMilpFixed = {1, 0};

TEST(StreamMilp, NormalSolveByHand) {
  std::vector<std::string> lines;
  MilpControl c;
  c.progress = [&](const std::string& l) { lines.push_back(l); };
  const auto m = solve_allocation_milp(kMilpChoices, kMilpLoad, kMilpFixed, 60, c);
  EXPECT_EQ(m.core, (std::vector<int>{0, 1, 1}));
  EXPECT_DOUBLE_EQ(m.objective, 5);
  EXPECT_DOUBLE_EQ(m.bound, 5);
  EXPECT_DOUBLE_EQ(m.gap, 0);
  EXPECT_TRUE(m.optimal);
  EXPECT_FALSE(m.interrupted);
  EXPECT_DOUBLE_EQ(milp_max_load(kMilpChoices, kMilpLoad, kMilpFixed, m.core), 5);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines.front(), "MILP (CBC): 3 genes, 2 cores, 7 columns, 5 rows; time limit 60 s");
  EXPECT_EQ(lines.back().rfind("MILP (CBC): optimal in ", 0), 0u) << lines.back();
}

TEST(StreamMilp, GreedyBalanceByHand) {
  // Gene 0: core 0 ends at 1 + 4 = 5, core 1 at 6 -> 0; gene 1: 8 or 3 -> 1; gene 2: 10 or 5
  // -> 1.
  EXPECT_EQ(greedy_milp_allocation(kMilpChoices, kMilpLoad, kMilpFixed),
            (std::vector<int>{0, 1, 1}));
  EXPECT_DOUBLE_EQ(milp_max_load(kMilpChoices, kMilpLoad, kMilpFixed, {1, 1, 1}), 11);
}

// n genes on 4 cores, pseudo-random loads (cycles): unrelated-machine makespan, which CBC
// branches on.
struct MilpProblem {
  std::vector<std::vector<int>> choices;
  std::vector<std::vector<double>> load;
  std::vector<double> fixed;
};

MilpProblem random_milp(int genes, int core_spread = 900) {
  MilpProblem p;
  std::uint64_t x = 12345;
  const auto next = [&x](int n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>((x >> 33) % static_cast<std::uint64_t>(n));
  };
  for (int g = 0; g < genes; ++g) {
    p.choices.push_back({0, 1, 2, 3});
    const double base = 100 + next(900);
    std::vector<double> l;
    for (int c = 0; c < 4; ++c) l.push_back(base + next(core_spread));
    p.load.push_back(l);
  }
  p.fixed = {0, 50, 0, 25};
  return p;
}

bool milp_feasible(const MilpProblem& p, const std::vector<int>& core) {
  if (core.size() != p.choices.size()) return false;
  for (std::size_t g = 0; g < core.size(); ++g)
    if (std::find(p.choices[g].begin(), p.choices[g].end(), core[g]) == p.choices[g].end())
      return false;
  return true;
}

TEST(StreamMilp, InterruptedBeforeTheSolveGivesTheGreedyBalanceMarkedPartial) {
  const auto p = random_milp(12);
  MilpControl c;
  c.interrupted = [] { return true; };
  const auto m = solve_allocation_milp(p.choices, p.load, p.fixed, 60, c);
  EXPECT_TRUE(m.interrupted);
  EXPECT_FALSE(m.optimal);
  EXPECT_FALSE(m.from_cbc);
  EXPECT_EQ(m.core, greedy_milp_allocation(p.choices, p.load, p.fixed));
  EXPECT_TRUE(milp_feasible(p, m.core));
  EXPECT_DOUBLE_EQ(m.objective, milp_max_load(p.choices, p.load, p.fixed, m.core));
}

// The same model solved through CBC 2.10's C interface, as StreamMilp.cpp solved it before it
// moved to the C++ API: the reference for "the normal solve is unchanged".
MilpAllocation solve_with_c_interface(const MilpProblem& p) {
  std::unique_ptr<Cbc_Model, void (*)(Cbc_Model*)> m(Cbc_newModel(), Cbc_deleteModel);
  Cbc_setLogLevel(m.get(), 0);
  Cbc_setMaximumSeconds(m.get(), 60);
  Cbc_setParameter(m.get(), "threads", "1");
  Cbc_addCol(m.get(), "T", 0, 1e30, 1.0, 0, 0, nullptr, nullptr);
  std::vector<std::vector<int>> col(p.choices.size());
  int next = 1;
  for (std::size_t g = 0; g < p.choices.size(); ++g)
    for (std::size_t i = 0; i < p.choices[g].size(); ++i) {
      const std::string name = "x" + std::to_string(g) + "_" + std::to_string(i);
      Cbc_addCol(m.get(), name.c_str(), 0, 1, 0, 1, 0, nullptr, nullptr);
      col[g].push_back(next++);
    }
  for (std::size_t g = 0; g < p.choices.size(); ++g) {
    std::vector<double> ones(col[g].size(), 1.0);
    const std::string name = "one" + std::to_string(g);
    Cbc_addRow(m.get(), name.c_str(), static_cast<int>(col[g].size()), col[g].data(), ones.data(),
               'E', 1.0);
  }
  for (std::size_t k = 0; k < p.fixed.size(); ++k) {
    std::vector<int> cols{0};
    std::vector<double> coef{-1.0};
    for (std::size_t g = 0; g < p.choices.size(); ++g)
      for (std::size_t i = 0; i < p.choices[g].size(); ++i)
        if (p.choices[g][i] == static_cast<int>(k)) {
          cols.push_back(col[g][i]);
          coef.push_back(p.load[g][i]);
        }
    if (cols.size() == 1 && p.fixed[k] == 0) continue;
    const std::string name = "core" + std::to_string(k);
    Cbc_addRow(m.get(), name.c_str(), static_cast<int>(cols.size()), cols.data(), coef.data(), 'L',
               -p.fixed[k]);
  }
  Cbc_setObjSense(m.get(), 1.0);
  Cbc_solve(m.get());
  const double* x = Cbc_getColSolution(m.get());
  MilpAllocation out;
  for (std::size_t g = 0; g < p.choices.size(); ++g) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < p.choices[g].size(); ++i)
      if (x[col[g][i]] > x[col[g][best]]) best = i;
    out.core.push_back(p.choices[g][best]);
  }
  out.objective = Cbc_getObjValue(m.get());
  out.bound = Cbc_getBestPossibleObjValue(m.get());
  out.optimal = Cbc_isProvenOptimal(m.get()) != 0;
  out.nodes = Cbc_getNodeCount(m.get());
  return out;
}

TEST(StreamMilp, SameSolveAsTheCInterface) {
  // 6 genes: solved at the root; 8: 4 nodes of branch and bound.
  for (int genes : {6, 8}) {
    const auto p = random_milp(genes);
    const auto ref = solve_with_c_interface(p);
    const auto m = solve_allocation_milp(p.choices, p.load, p.fixed, 60);
    EXPECT_EQ(m.core, ref.core) << genes << " genes";
    EXPECT_EQ(m.objective, ref.objective) << genes << " genes";
    EXPECT_EQ(m.bound, ref.bound) << genes << " genes";
    EXPECT_EQ(m.optimal, ref.optimal) << genes << " genes";
    EXPECT_EQ(m.nodes, ref.nodes) << genes << " genes";
    EXPECT_FALSE(m.interrupted);
  }
}

// 20 genes of nearly equal load on 4 cores (a partition problem): CBC proves its optimum, 3,258
// cycles, only after about 10^5 nodes (54 s here). Stopped at CBC's first event (the interrupt
// callback is polled once before the solve, then at every event), the allocation is CBC's
// incumbent of that moment: feasible, its largest load recomputed, not optimal.
TEST(StreamMilp, InterruptedDuringTheSolveKeepsCbcsIncumbent) {
  const auto p = random_milp(20, 10);
  MilpControl c;
  int calls = 0;
  c.interrupted = [&] { return ++calls > 1; };
  std::vector<std::string> lines;
  c.progress = [&](const std::string& l) { lines.push_back(l); };
  const auto m = solve_allocation_milp(p.choices, p.load, p.fixed, 60, c);
  EXPECT_GE(calls, 2);  // CBC reached an event
  EXPECT_TRUE(m.interrupted);
  EXPECT_FALSE(m.optimal);
  EXPECT_TRUE(m.from_cbc);
  EXPECT_TRUE(milp_feasible(p, m.core));
  EXPECT_DOUBLE_EQ(m.objective, milp_max_load(p.choices, p.load, p.fixed, m.core));
  EXPECT_GE(m.objective, 3258);
  EXPECT_LE(m.bound, 3258);
  EXPECT_LT(m.objective, milp_max_load(p.choices, p.load, p.fixed,
                                       greedy_milp_allocation(p.choices, p.load, p.fixed)));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back().rfind("MILP (CBC): interrupted, CBC's best incumbent in ", 0), 0u)
      << lines.back();
}

}  // namespace
}  // namespace mosaic::search

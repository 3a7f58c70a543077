// Dynamic fission inside an H3M sub-accelerator: the task assignment to the parts of a design
// (search/H3mPartition.h) and the fission schedule of the tasks a part gets, by hand.
#include <gtest/gtest.h>

#include "schedule/Fission.h"
#include "search/H3mPartition.h"

namespace mosaic::search {
namespace {

// One-layer tasks; `cycles[t][col]` and `energy[t][col]` per column (gang or allocation size).
schedule::Problem one_layer_tasks(const std::vector<std::vector<double>>& cycles,
                                  const std::vector<std::vector<double>>& energy) {
  schedule::Problem p;
  p.num_cores = static_cast<int>(cycles.front().size());
  for (std::size_t g = 0; g < cycles.size(); ++g) {
    schedule::Node n;
    n.name = "t" + std::to_string(g);
    n.group = static_cast<std::int32_t>(g);
    p.nodes.push_back(n);
    for (std::size_t c = 0; c < cycles[g].size(); ++c) {
      p.cycles.push_back(cycles[g][c]);
      p.energy_pj.push_back(energy[g][c]);
      p.l2_bytes.push_back(0);
      p.feasible.push_back(1);
      p.variant.push_back(0);
    }
  }
  p.capacity_bytes = 1e9;
  return p;
}

// Part 0: static, one gang. Part 1: a fission sub-accelerator of 4 cores (columns = 1..4 cores).
// Tasks A, B as in Fission.TwoTasksOnFourCoresByHand; C runs well on the static gang.
struct Design {
  schedule::Problem gang = one_layer_tasks({{1000}, {1000}, {300}}, {{10}, {10}, {3}});
  schedule::Problem fission =
      one_layer_tasks({{400, 200, 140, 100}, {100, 50, 40, 30}, {800, 400, 280, 200}},
                      {{4, 6, 7, 8}, {1, 2, 3, 4}, {8, 9, 10, 11}});
  std::vector<TaskPart> parts() const { return {{&gang, false}, {&fission, true}}; }
};

TEST(H3mPartition, EstimatesByHand) {
  const Design d;
  // A on the fission part: chain = fastest allocation, 100; work = min over m of m/4 x cycles
  // = min(100, 100, 105, 100) = 100 at 1 core (the first), energy there 4.
  const auto a = estimate_task({&d.fission, true}, 0);
  EXPECT_DOUBLE_EQ(a.chain_cycles, 100);
  EXPECT_DOUBLE_EQ(a.work_cycles, 100);
  EXPECT_DOUBLE_EQ(a.energy_pj, 4);
  // B: work min(25, 25, 30, 30) = 25, chain 30.
  const auto b = estimate_task({&d.fission, true}, 1);
  EXPECT_DOUBLE_EQ(b.work_cycles, 25);
  EXPECT_DOUBLE_EQ(b.chain_cycles, 30);
  // C on the static gang: 300 both ways, energy 3.
  const auto c = estimate_task({&d.gang, false}, 2);
  EXPECT_DOUBLE_EQ(c.chain_cycles, 300);
  EXPECT_DOUBLE_EQ(c.work_cycles, 300);
  EXPECT_DOUBLE_EQ(c.energy_pj, 3);
}

TEST(H3mPartition, TwoTasksOnAFourCoreFissionSubAcceleratorByHand) {
  const Design d;
  // Order by least work: C (min(300, 200) = 200), A (100), B (25).
  // C: static -> makespan 300 x energy 3 = 900; fission -> 200 x 8 = 1600: static.
  // A: fission -> max(300, max(100, 100)) = 300 x (3 + 4) = 2100; static -> max(1000, 1300)
  //    x 13: fission.
  // B: fission -> max(300, max(100, 100 + 25)) x (7 + 1) = 2400; static -> 1300 x 17: fission.
  const auto assign = assign_tasks(d.parts());
  EXPECT_EQ(assign, (std::vector<int>{1, 1, 0}));
  // The fission sub-accelerator runs A and B: Fission.TwoTasksOnFourCoresByHand's schedule.
  const auto f = restrict_groups(d.fission, {0, 1}, 5e8);
  ASSERT_EQ(f.nodes.size(), 2u);
  EXPECT_EQ(f.num_cores, 4);
  EXPECT_DOUBLE_EQ(f.capacity_bytes, 5e8);
  const auto s = schedule::schedule_fission(f, {});
  EXPECT_TRUE(schedule::validate_fission(f, s).empty());
  EXPECT_NEAR(s.latency_cycles, 900.0 / 7, 1e-9);  // A: 3 cores, then 4 after B ends at 100
  EXPECT_NEAR(s.energy_pj, 5 + 2.0 / 7 * 8 + 1, 1e-9);
  // The static gang runs C alone: renumbered to group 0, its row kept.
  const auto g = restrict_groups(d.gang, {2}, 5e8);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].group, 0);
  EXPECT_EQ(g.nodes[0].name, "t2");
  EXPECT_DOUBLE_EQ(g.cycles[0], 300);
  // The design: latency max(900/7, 300) = 300; energy (5 + 16/7 + 1) + 3.
}

TEST(H3mPartition, OnePartTakesEveryTaskAndRestrictionKeepsPredecessors) {
  const Design d;
  EXPECT_EQ(assign_tasks({{&d.fission, true}}), (std::vector<int>{0, 0, 0}));
  // Chained layers: the kept nodes' predecessors are renumbered.
  schedule::Problem p = one_layer_tasks({{1}, {2}, {3}}, {{1}, {1}, {1}});
  p.nodes[2].group = 1;
  p.nodes[2].preds = {1};
  const auto r = restrict_groups(p, {1}, 1);
  ASSERT_EQ(r.nodes.size(), 2u);
  EXPECT_EQ(r.nodes[1].preds, (std::vector<std::int32_t>{0}));
  EXPECT_DOUBLE_EQ(r.cycles[1], 3);
}

// A task no part can run stays on part 0, whose scheduler then reports it.
TEST(H3mPartition, UnrunnableTaskStaysOnPartZero) {
  Design d;
  d.gang.feasible[0] = 0;
  for (int m = 0; m < 4; ++m) d.fission.feasible[static_cast<std::size_t>(m)] = 0;
  EXPECT_FALSE(estimate_task({&d.gang, false}, 0).feasible);
  EXPECT_EQ(assign_tasks(d.parts())[0], 0);
}

}  // namespace
}  // namespace mosaic::search

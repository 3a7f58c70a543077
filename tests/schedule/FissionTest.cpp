#include <gtest/gtest.h>

#include <random>

#include "common/Error.h"
#include "schedule/Fission.h"

namespace mosaic::schedule {
namespace {

// Tasks (groups) of chained layers on N cores; `cycles[t][layer][m-1]` and `energy` likewise.
Problem tasks(const std::vector<std::vector<std::vector<double>>>& cycles,
              const std::vector<std::vector<std::vector<double>>>& energy, int cores) {
  Problem p;
  p.num_cores = cores;
  for (std::size_t g = 0; g < cycles.size(); ++g)
    for (std::size_t i = 0; i < cycles[g].size(); ++i) {
      Node n;
      n.name = "t" + std::to_string(g) + "l" + std::to_string(i);
      n.group = static_cast<std::int32_t>(g);
      if (i > 0) n.preds = {static_cast<std::int32_t>(p.nodes.size()) - 1};
      p.nodes.push_back(n);
    }
  const std::size_t cells = p.nodes.size() * static_cast<std::size_t>(cores);
  p.cycles.assign(cells, 0);
  p.energy_pj.assign(cells, 0);
  p.l2_bytes.assign(cells, 0);
  p.feasible.assign(cells, 1);
  p.variant.assign(cells, 0);
  std::size_t node = 0;
  for (std::size_t g = 0; g < cycles.size(); ++g)
    for (std::size_t i = 0; i < cycles[g].size(); ++i, ++node)
      for (int m = 0; m < cores; ++m) {
        p.cycles[p.at(node, m)] = cycles[g][i][static_cast<std::size_t>(m)];
        p.energy_pj[p.at(node, m)] = energy[g][i][static_cast<std::size_t>(m)];
      }
  p.capacity_bytes = 1e9;
  return p;
}

// Two one-layer tasks on 4 cores. A: 400, 200, 140, 100 cycles on 1-4 cores (energy 4, 6, 7, 8
// pJ); B: 100, 50, 40, 30 (energy 1, 2, 3, 4).
Problem two_on_four() {
  return tasks({{{400, 200, 140, 100}}, {{100, 50, 40, 30}}}, {{{4, 6, 7, 8}}, {{1, 2, 3, 4}}}, 4);
}

TEST(Fission, TwoTasksOnFourCoresByHand) {
  const Problem p = two_on_four();
  const FissionSchedule s = schedule_fission(p, FissionOptions{});
  EXPECT_TRUE(validate_fission(p, s).empty());
  // t = 0: one core each, 2 free; A's 400 remaining cycles are the latest finish: A steps to 2
  // cores (200), still the latest: to 3 (140). B runs alone on 1 core and ends at 100.
  // t = 100: A has done 100/140 = 5/7 (energy 5/7 x 7 = 5 pJ); alone, it takes all 4 cores and
  // ends 2/7 x 100 cycles later = 900/7; energy 5 + 2/7 x 8.
  ASSERT_EQ(s.segments.size(), 3u);
  EXPECT_EQ(s.segments[0].node, 1);  // B closes first (at 100)
  EXPECT_EQ(s.segments[0].cores, 1);
  EXPECT_DOUBLE_EQ(s.segments[0].end, 100);
  EXPECT_EQ(s.segments[1].node, 0);
  EXPECT_EQ(s.segments[1].cores, 3);
  EXPECT_DOUBLE_EQ(s.segments[1].end, 100);
  EXPECT_EQ(s.segments[2].cores, 4);
  EXPECT_NEAR(s.latency_cycles, 900.0 / 7, 1e-9);
  EXPECT_NEAR(s.group_finish[0], 900.0 / 7, 1e-9);
  EXPECT_DOUBLE_EQ(s.group_finish[1], 100);
  EXPECT_NEAR(s.energy_pj, 5 + 2.0 / 7 * 8 + 1, 1e-9);
  EXPECT_EQ(s.reallocations, 2);
}

TEST(Fission, DeadlineGetsTheFewestCoresThatMeetIt) {
  const Problem p = two_on_four();
  FissionOptions o;
  o.deadline_cycles = {0, 45};  // B: 2 cores take 50 > 45, 3 take 40
  const FissionSchedule s = schedule_fission(p, o);
  EXPECT_TRUE(validate_fission(p, s).empty());
  // B on 3 cores ends at 40; A ran on the one core left: 40/400 done, then 4 cores: 0.9 x 100.
  EXPECT_DOUBLE_EQ(s.group_finish[1], 40);
  EXPECT_NEAR(s.group_finish[0], 130, 1e-9);
  EXPECT_NEAR(s.energy_pj, 0.1 * 4 + 0.9 * 8 + 3, 1e-9);
  // A deadline no allocation meets changes nothing: the policy without deadlines.
  o.deadline_cycles = {0, 10};
  const FissionSchedule u = schedule_fission(p, o);
  EXPECT_DOUBLE_EQ(u.group_finish[1], 100);
  EXPECT_NEAR(u.latency_cycles, 900.0 / 7, 1e-9);
}

TEST(Fission, MoreTasksThanCoresWaitAndIdleCoresStayIdle) {
  // Three one-layer tasks on 2 cores, no speed-up from a second core: two run, the third waits
  // for them and runs on one core (the other idles).
  Problem flat = tasks({{{10, 10}}, {{10, 10}}, {{10, 10}}}, {{{1, 1}}, {{1, 1}}, {{1, 1}}}, 2);
  FissionSchedule s = schedule_fission(flat, FissionOptions{});
  EXPECT_TRUE(validate_fission(flat, s).empty());
  EXPECT_DOUBLE_EQ(s.group_finish[2], 20);
  EXPECT_EQ(s.segments.back().cores, 1);
  // With a speed-up (6 cycles on 2 cores) the third takes both: 10 + 6.
  Problem fast = tasks({{{10, 6}}, {{10, 6}}, {{10, 6}}}, {{{1, 1}}, {{1, 1}}, {{1, 1}}}, 2);
  s = schedule_fission(fast, FissionOptions{});
  EXPECT_TRUE(validate_fission(fast, s).empty());
  EXPECT_DOUBLE_EQ(s.latency_cycles, 16);
  EXPECT_EQ(s.segments.back().cores, 2);
}

TEST(Fission, PlateauIsSteppedOver) {
  // One task: 2 cores are no faster than 1 (ceil effects), 3 are: it takes 3 of its 3 cores.
  Problem p = tasks({{{90, 90, 30}}}, {{{1, 1, 1}}}, 3);
  const FissionSchedule s = schedule_fission(p, FissionOptions{});
  EXPECT_DOUBLE_EQ(s.latency_cycles, 30);
  EXPECT_EQ(s.segments.at(0).cores, 3);
}

TEST(Fission, OutputsSpillToDramWhenTheBufferIsFull) {
  // One task of two layers, 10-byte activations; DRAM at 1 pJ/byte.
  Problem p = tasks({{{5}, {5}}}, {{{0}, {0}}}, 1);
  for (auto& n : p.nodes) n.output_bytes = 10;
  p.dram_pj_per_byte = 1;
  p.capacity_bytes = 100;  // the intermediate stays on chip: only the model output is written
  FissionSchedule s = schedule_fission(p, FissionOptions{});
  EXPECT_DOUBLE_EQ(s.dram_bytes, 10);
  EXPECT_TRUE(validate_fission(p, s).empty());
  p.capacity_bytes = 5;  // written and read back, plus the model output
  s = schedule_fission(p, FissionOptions{});
  EXPECT_DOUBLE_EQ(s.dram_bytes, 30);
  EXPECT_DOUBLE_EQ(s.energy_pj, 30);
  EXPECT_TRUE(validate_fission(p, s).empty());
}

TEST(Fission, LayerNoCoreRunsIsAUserError) {
  Problem p = two_on_four();
  p.feasible[p.at(1, 0)] = 0;
  try {
    schedule_fission(p, FissionOptions{});
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("t1l0"), std::string::npos) << e.what();
  }
}

TEST(Fission, RandomProblemsValidate) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> groups(1, 6), len(1, 5), cores(1, 6);
  std::uniform_real_distribution<double> base(10, 500), speed(0.3, 1.05);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = cores(rng);
    std::vector<std::vector<std::vector<double>>> cyc, en;
    for (int g = groups(rng); g > 0; --g) {
      cyc.emplace_back();
      en.emplace_back();
      for (int l = len(rng); l > 0; --l) {
        std::vector<double> c{base(rng)}, e{base(rng)};
        for (int m = 1; m < n; ++m) {
          c.push_back(c.back() * speed(rng));
          e.push_back(e.back() * (2 - speed(rng)));
        }
        cyc.back().push_back(c);
        en.back().push_back(e);
      }
    }
    const Problem p = tasks(cyc, en, n);
    const FissionSchedule s = schedule_fission(p, FissionOptions{});
    const auto bad = validate_fission(p, s);
    EXPECT_TRUE(bad.empty()) << "trial " << trial << ": " << bad.front();
    EXPECT_GT(s.latency_cycles, 0);
  }
}

}  // namespace
}  // namespace mosaic::schedule

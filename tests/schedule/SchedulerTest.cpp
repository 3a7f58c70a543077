#include <gtest/gtest.h>

#include <random>

#include "common/Error.h"
#include "schedule/Schedule.h"

namespace mosaic::schedule {
namespace {

// A problem with `groups` chains of `len` layers, costs given per (node, core).
Problem chains(int groups, int len, int cores) {
  Problem p;
  p.num_cores = cores;
  for (int g = 0; g < groups; ++g)
    for (int i = 0; i < len; ++i) {
      Node n;
      n.name = "g" + std::to_string(g) + "l" + std::to_string(i);
      n.group = g;
      if (i > 0) n.preds = {static_cast<std::int32_t>(p.nodes.size()) - 1};
      n.output_bytes = 10;
      p.nodes.push_back(n);
    }
  const std::size_t cells = p.nodes.size() * static_cast<std::size_t>(cores);
  p.cycles.assign(cells, 10);
  p.energy_pj.assign(cells, 1);
  p.l2_bytes.assign(cells, 1);
  p.feasible.assign(cells, 1);
  p.variant.assign(cells, 0);
  for (std::size_t i = 0; i < p.nodes.size(); ++i)
    for (int c = 0; c < cores; ++c) p.variant[p.at(i, c)] = c;
  p.capacity_bytes = 1e9;
  return p;
}

TEST(Scheduler, TwoIndependentChainsRunInParallel) {
  // Two chains of 3 layers, 10 cycles each on either core: in parallel they take 30 cycles.
  Problem p = chains(2, 3, 2);
  const Schedule s = schedule_layers(p, Options{});
  EXPECT_TRUE(validate_schedule(p, s).empty());
  EXPECT_DOUBLE_EQ(s.latency_cycles, 30);
  EXPECT_DOUBLE_EQ(s.energy_pj, 6);
  EXPECT_DOUBLE_EQ(s.core_busy_cycles[0] + s.core_busy_cycles[1], 60);
}

TEST(Scheduler, BestFitCoreByMetric) {
  Problem p = chains(1, 2, 2);
  // Layer 0 is cheaper on core 1, layer 1 on core 0.
  p.cycles[p.at(0, 0)] = 50;
  p.cycles[p.at(1, 1)] = 50;
  Options o;
  o.metric = Metric::Latency;
  const Schedule s = schedule_layers(p, o);
  EXPECT_EQ(s.placed[0].core, 1);
  EXPECT_EQ(s.placed[1].core, 0);
  EXPECT_DOUBLE_EQ(s.latency_cycles, 20);
}

TEST(Scheduler, LoadBalancingUsesTheSecondBestCore) {
  // Four independent layers, all best on core 0 (10 cycles) and 15 cycles on core 1.
  Problem p = chains(4, 1, 2);
  for (std::size_t i = 0; i < 4; ++i) p.cycles[p.at(i, 1)] = 15;
  Options greedy;
  greedy.greedy = true;
  greedy.metric = Metric::Latency;
  const Schedule g = schedule_layers(p, greedy);
  EXPECT_DOUBLE_EQ(g.latency_cycles, 40);  // all on core 0
  Options herald;
  herald.metric = Metric::Latency;
  herald.load_balance_factor = 1.0;
  const Schedule h = schedule_layers(p, herald);
  EXPECT_TRUE(validate_schedule(p, h).empty());
  EXPECT_LT(h.latency_cycles, 40);  // core 1 takes some layers: 30 (core 0: 3 layers, core 1: 1)
  EXPECT_DOUBLE_EQ(h.latency_cycles, 30);
}

TEST(Scheduler, GlobalBufferCapacityDelaysLayers) {
  // Two independent layers whose tiles (60 bytes each) cannot share a 100-byte buffer.
  Problem p = chains(2, 1, 2);
  p.l2_bytes.assign(p.l2_bytes.size(), 60);
  p.nodes[0].output_bytes = p.nodes[1].output_bytes = 0;
  p.capacity_bytes = 100;
  const Schedule s = schedule_layers(p, Options{});
  std::vector<MemoryPoint> mem;
  EXPECT_TRUE(validate_schedule(p, s, &mem).empty());
  EXPECT_DOUBLE_EQ(s.latency_cycles, 20);  // one after the other
  double peak = 0;
  for (const auto& m : mem) peak = std::max(peak, m.bytes);
  EXPECT_DOUBLE_EQ(peak, 60);
}

TEST(Scheduler, OutputsThatDoNotFitGoToDram) {
  Problem p = chains(1, 2, 1);
  p.nodes[0].output_bytes = 500;  // larger than the buffer
  p.capacity_bytes = 100;
  p.dram_pj_per_byte = 2;
  const Schedule s = schedule_layers(p, Options{});
  EXPECT_TRUE(validate_schedule(p, s).empty());
  EXPECT_TRUE(s.placed[0].output_in_dram);
  // Layer 0 writes 500 bytes, layer 1 reads them back, layer 1's own output (10 bytes) is a model
  // output written to DRAM: (500 + 500 + 10) x 2 pJ plus 2 x 1 pJ on chip.
  EXPECT_DOUBLE_EQ(s.energy_pj, 1010 * 2 + 2);
}

TEST(Scheduler, LayerTooLargeForTheBufferIsAnError) {
  Problem p = chains(1, 1, 1);
  p.l2_bytes[0] = 1000;
  p.capacity_bytes = 100;
  try {
    schedule_layers(p, Options{});
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot fit even layer by layer"), std::string::npos)
        << e.what();
  }
}

TEST(Scheduler, InfeasibleEverywhereIsAnError) {
  Problem p = chains(1, 1, 2);
  p.feasible.assign(2, 0);
  EXPECT_THROW(schedule_layers(p, Options{}), UserError);
}

TEST(Scheduler, ReconfigurationPenalty) {
  // One core, two variants alternating: every change costs 5 cycles.
  Problem p = chains(1, 3, 1);
  p.variant = {0, 1, 0};
  p.reconfig_cycles = 5;
  p.reconfig_pj = 3;
  const Schedule s = schedule_layers(p, Options{});
  EXPECT_TRUE(validate_schedule(p, s).empty());
  EXPECT_DOUBLE_EQ(s.latency_cycles, 40);
  EXPECT_DOUBLE_EQ(s.energy_pj, 3 + 6);
}

// More than 64 cores (the scheduler kept per-core arrays of 64: core 64 and above were written
// past them). 100 independent layers on 100 cores, each best on its own core: one wave.
TEST(Scheduler, MoreThan64Cores) {
  const int cores = 100;
  Problem p = chains(cores, 1, cores);
  for (std::size_t i = 0; i < p.nodes.size(); ++i)
    for (int c = 0; c < cores; ++c) p.cycles[p.at(i, c)] = c == static_cast<int>(i) ? 10 : 1000;
  Options o;
  o.metric = Metric::Latency;
  const Schedule s = schedule_layers(p, o);
  EXPECT_TRUE(validate_schedule(p, s).empty());
  EXPECT_DOUBLE_EQ(s.latency_cycles, 10);
  for (std::size_t i = 0; i < p.nodes.size(); ++i) EXPECT_EQ(s.placed[i].core, static_cast<int>(i));
  ASSERT_EQ(s.core_busy_cycles.size(), static_cast<std::size_t>(cores));
  EXPECT_DOUBLE_EQ(s.core_busy_cycles[99], 10);
}

TEST(Validator, CatchesEveryKindOfViolation) {
  Problem p = chains(1, 2, 2);
  Schedule s = schedule_layers(p, Options{});
  ASSERT_TRUE(validate_schedule(p, s).empty());
  Schedule bad = s;
  bad.placed[1].start = 0;  // before its predecessor ends (and wrong duration)
  EXPECT_FALSE(validate_schedule(p, bad).empty());
  bad = s;
  bad.placed[1].core = bad.placed[0].core;
  bad.placed[1].start = bad.placed[0].start;
  bad.placed[1].end = bad.placed[0].end;
  EXPECT_FALSE(validate_schedule(p, bad).empty());
  bad = s;
  bad.energy_pj += 1;
  EXPECT_FALSE(validate_schedule(p, bad).empty());
  Problem small = p;
  small.capacity_bytes = 5;
  EXPECT_FALSE(validate_schedule(small, s).empty());  // 1-byte tiles + 10-byte outputs
}

// Property: on random DAG workloads with random costs and a tight buffer, every schedule the
// Herald scheduler and the greedy baseline produce is valid, and every layer is placed once.
TEST(Scheduler, PropertyRandomWorkloadsAlwaysValid) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    Problem p;
    p.num_cores = 1 + static_cast<int>(rng() % 4);
    const int groups = 1 + static_cast<int>(rng() % 5);
    for (int g = 0; g < groups; ++g) {
      const int len = 1 + static_cast<int>(rng() % 12);
      const auto first = static_cast<std::int32_t>(p.nodes.size());
      for (int i = 0; i < len; ++i) {
        Node n;
        n.name = "n" + std::to_string(p.nodes.size());
        n.group = g;
        const auto self = static_cast<std::int32_t>(p.nodes.size());
        for (std::int32_t q = first; q < self; ++q)
          if (q == self - 1 || rng() % 5 == 0) n.preds.push_back(q);
        n.output_bytes = static_cast<double>(rng() % 50);
        n.weight_bytes = static_cast<double>(rng() % 50);
        p.nodes.push_back(n);
      }
    }
    const std::size_t cells = p.nodes.size() * static_cast<std::size_t>(p.num_cores);
    for (std::size_t k = 0; k < cells; ++k) {
      p.cycles.push_back(static_cast<double>(rng() % 100));
      p.energy_pj.push_back(static_cast<double>(1 + rng() % 100));
      p.l2_bytes.push_back(static_cast<double>(rng() % 40));
      p.feasible.push_back(rng() % 6 != 0 ? 1 : 0);
      p.variant.push_back(static_cast<std::int32_t>(rng() % 3));
    }
    for (std::size_t i = 0; i < p.nodes.size(); ++i)
      p.feasible[p.at(i, 0)] = 1;  // some core always works
    p.capacity_bytes = 60 + static_cast<double>(rng() % 100);
    p.reconfig_cycles = static_cast<double>(rng() % 3);
    p.rearrange_cycles_per_byte = rng() % 2 ? 0.1 : 0;
    p.dram_pj_per_byte = 1;
    for (bool greedy : {false, true}) {
      Options o;
      o.greedy = greedy;
      o.ordering = rng() % 2 ? Ordering::DepthFirst : Ordering::BreadthFirst;
      o.metric = static_cast<Metric>(rng() % 3);
      const Schedule s = schedule_layers(p, o);
      const auto issues = validate_schedule(p, s);
      ASSERT_TRUE(issues.empty()) << "trial " << trial << ": " << issues.front();
    }
  }
}

}  // namespace
}  // namespace mosaic::schedule

// Stream's tutorial labs (../shared/reference/stream/tutorial) against the numbers the Python
// original measured (reference README). Where mosaic does not match yet, the test pins mosaic's
// own number and the size of the gap documented in docs/stream.md.
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "search/StreamPipeline.h"

namespace mosaic::test {
namespace {

std::string lab(const std::string& n, const std::string& rel) {
  return (shared_dir() / "reference/stream/tutorial" / n / "inputs" / rel).string();
}

search::StreamRun run_lab(const std::string& n, search::StreamOptions o) {
  return search::run_stream(lab(n, "hardware/hda_bus.yaml"), lab(n, "workload/4_convs.onnx"),
                            lab(n, "mapping/mapping.yaml"), o);
}

TEST(StreamLab, Lab1LayerByLayer) {
  MOSAIC_REQUIRE_SHARED();
  const auto r = run_lab("lab1", {});
  EXPECT_EQ(r.graph.cns.size(), 4u);
  EXPECT_EQ(r.graph.edges.size(), 3u);
  // Energy equals Stream's 6,143,532 pJ.
  EXPECT_NEAR(r.schedule.energy_pj, 6143532, 6143532 * 1e-6);
  // Latency: Stream 79,340; mosaic 79,272 (-0.09 %, docs/stream.md).
  EXPECT_NEAR(r.schedule.latency_cycles, 79272, 1e-6);
  EXPECT_NEAR(r.schedule.latency_cycles, 79340, 79340 * 1e-3);
  // Layer by layer, every operand streams from DRAM: the CNs run back to back.
  double sum = 0;
  for (const auto& c : r.cn_cost) sum += c.runtime_cycles;
  EXPECT_DOUBLE_EQ(sum, r.schedule.latency_cycles);
  for (const auto& c : r.cn_cost) EXPECT_EQ(c.too_large.size(), 3u);
}

TEST(StreamLab, Lab2SplitOverThreeCores) {
  MOSAIC_REQUIRE_SHARED();
  const auto r = run_lab("lab2", {});
  EXPECT_EQ(r.graph.cns.size(), 12u);
  EXPECT_EQ(r.graph.edges.size(), 27u);
  // Energy equals Stream's 11,553,280 pJ; latency: Stream 128,831, mosaic 128,823 (-0.006 %).
  EXPECT_NEAR(r.schedule.energy_pj, 11553280, 11553280 * 1e-6);
  EXPECT_NEAR(r.schedule.latency_cycles, 128823, 1e-6);
  EXPECT_NEAR(r.schedule.latency_cycles, 128831, 128831 * 1e-4);
  // K = 8 padded to 9 and split in three: every tile has K = 3, one per core.
  for (const auto& c : r.graph.cns) EXPECT_EQ(c.ranges[1].second - c.ranges[1].first, 3);
  for (std::size_t i = 0; i < r.graph.cns.size(); ++i)
    EXPECT_EQ(r.core_of_cn[i], static_cast<int>(i % 3));
}

TEST(StreamLab, Lab3FusedGraphAndSearches) {
  MOSAIC_REQUIRE_SHARED();
  search::StreamOptions o;
  o.mode = workload::StackMode::Fused;
  o.allocation = search::StreamAllocation::Ga;
  o.seed = 1;
  const auto ga1 = run_lab("lab3", o);
  EXPECT_EQ(ga1.graph.cns.size(), 224u);
  EXPECT_EQ(ga1.graph.edges.size(), 718u);
  o.threads = 2;
  const auto ga2 = run_lab("lab3", o);
  EXPECT_EQ(ga1.schedule.latency_cycles, ga2.schedule.latency_cycles);
  EXPECT_EQ(ga1.schedule.energy_pj, ga2.schedule.energy_pj);
  EXPECT_EQ(ga1.core_of_cn, ga2.core_of_cn);
  o.allocation = search::StreamAllocation::Exhaustive;
  const auto ex = run_lab("lab3", o);
  EXPECT_EQ(ex.evaluations, 81 + 1);  // 3^4 allocations, then the best once more with details
  EXPECT_LE(ex.schedule.latency_cycles, ga1.schedule.latency_cycles);
  // The true optimum under mosaic's model (Stream's GA reports 24,153 cycles).
  EXPECT_NEAR(ex.schedule.latency_cycles, 25842, 1e-6);
  // The core-load MILP (CBC) is solved to optimality (gap 0) but balances loads, not the
  // pipelined schedule: 13,440 cycles of largest core load, a 50,110-cycle schedule.
  o.allocation = search::StreamAllocation::Milp;
  const auto milp = run_lab("lab3", o);
  EXPECT_TRUE(milp.milp_optimal);
  EXPECT_NEAR(milp.milp_gap, 0, 1e-9);
  EXPECT_NEAR(milp.milp_objective, 13440, 1e-6);
  EXPECT_GE(milp.schedule.latency_cycles, ex.schedule.latency_cycles);
  EXPECT_NEAR(milp.schedule.latency_cycles, 50110, 1e-6);
}

}  // namespace
}  // namespace mosaic::test

// The size estimates of `map`, `memsize` and `stream` (search/MappingBudget.h,
// search/StreamPipeline.h stream_estimate, mapper::optimize_memory_hierarchies), against
// hand-computed numbers.
#include <gtest/gtest.h>

#include <cmath>

#include "mapper/LoopNestMapper.h"
#include "mapper/MemorySizing.h"
#include "search/MappingBudget.h"
#include "search/StreamPipeline.h"

namespace mosaic::search {
namespace {

// 1.2e7 orders over 3 layers on 8 threads: 3 layers mapped at once.
TEST(MappingBudget, MapEstimateCountsOrdersAndLayerParallelism) {
  const auto e = map_estimate(1.2e7, 3, 8, 6);
  EXPECT_EQ(e.what, "loop orders over 3 layers");
  EXPECT_DOUBLE_EQ(e.points, 1.2e7);
  EXPECT_DOUBLE_EQ(e.seconds, 1.2e7 / (kLoopOrdersPerSecond * 3));
  EXPECT_DOUBLE_EQ(e.bytes, 3.0 * sizeof(mapper::LayerMapResult));
  EXPECT_NE(e.suggestion.find("lower --lpf-limit (now 6)"), std::string::npos);
  // One thread: all 1.2e7 orders in a row.
  EXPECT_DOUBLE_EQ(map_estimate(1.2e7, 3, 1, 6).seconds, 1.2e7 / kLoopOrdersPerSecond);
}

// Optimize: 2 to 85 hierarchies of 1,000 orders each; the points count the most, the time the
// fewest.
TEST(MappingBudget, MemsizeEstimateCountsHierarchies) {
  const auto e = memsize_estimate(1000, 4, 2, 85, 2, 6);
  EXPECT_EQ(e.what, "loop orders (up to 85 hierarchies, at least 2, x 4 layers)");
  EXPECT_DOUBLE_EQ(e.points, 85000);
  EXPECT_DOUBLE_EQ(e.seconds, 2 * 1000 / (kLoopOrdersPerSecond * 2));
  const auto s = memsize_estimate(1000, 4, 30, 30, 1, 6);
  EXPECT_EQ(s.what, "loop orders (30 hierarchies x 4 layers)");
  EXPECT_DOUBLE_EQ(s.points, 30000);
}

// The default optimizer lists (rf 8..512, rf2 32..1024, gb 32 KB..1 MB, ratio 8):
// phase 1: every rf <= gb / 8 holds for all 7 x 6 pairs (512 x 8 = 4 KB <= 32 KB): 42;
// phase 2 at the largest buffer: r2 >= 8 r1 and r2 <= gb / 8: r1 = 8: r2 64..1024 (5),
// 16: 128..1024 (4), 32: 256.. (3), 64: 512.. (2), 128: 1024 (1), 256, 512: none = 15;
// fewest: the baseline, one phase-1 point and the first r2 of each of the 5 r1 with one = 7.
TEST(MappingBudget, OptimizeMemoryHierarchyBounds) {
  mapper::MemsizeOptions mo;
  EXPECT_EQ(mapper::optimize_memory_hierarchies(mo), std::make_pair(7, 1 + 42 + 15));
  mo.two_level_rf = false;
  EXPECT_EQ(mapper::optimize_memory_hierarchies(mo), std::make_pair(2, 43));
}

// Exhaustive: 3 x 2 x 4 = 24 allocations of 100 CNs; GA: 8 x (4 + 1) + 100 = 140 genomes.
TEST(MappingBudget, StreamEstimateCountsAllocations) {
  const std::vector<std::vector<int>> choices = {{0, 1, 2}, {0, 1}, {0, 1, 2, 3}};
  const auto x = stream_estimate(StreamAllocation::Exhaustive, choices, 8, 4, 100, 100, 2);
  EXPECT_EQ(x.what, "allocations (3 genes)");
  EXPECT_DOUBLE_EQ(x.points, 24);
  EXPECT_DOUBLE_EQ(x.seconds, 24 * 100 / (kStreamCnSchedulesPerSecond * 2));
  EXPECT_GT(x.bytes, 24 * 3 * 3 * 4.0);
  const auto g = stream_estimate(StreamAllocation::Ga, choices, 8, 4, 100, 100, 1);
  EXPECT_EQ(g.what, "GA genomes");
  EXPECT_DOUBLE_EQ(g.points, 140);
  // 140 genomes, but only 24 distinct allocations to schedule (the memo answers repeats).
  EXPECT_DOUBLE_EQ(g.seconds, 24 * 100 / kStreamCnSchedulesPerSecond);
  const std::vector<std::vector<int>> wide(10, {0, 1, 2, 3});  // 4^10 allocations > 140
  EXPECT_DOUBLE_EQ(stream_estimate(StreamAllocation::Ga, wide, 8, 4, 100, 100, 1).seconds,
                   140 * 100 / kStreamCnSchedulesPerSecond);
  EXPECT_NE(g.suggestion.find("--population"), std::string::npos);
  // A population below 2 runs as 2 (run_stream_ga).
  EXPECT_DOUBLE_EQ(stream_estimate(StreamAllocation::Ga, choices, 1, 4, 0, 100, 1).points, 10);
  // 40 genes of 4 cores: 4^40 = 1.2e24 allocations, petabytes and years.
  const std::vector<std::vector<int>> many(40, {0, 1, 2, 3});
  EXPECT_DOUBLE_EQ(stream_estimate(StreamAllocation::Exhaustive, many, 8, 4, 0, 10, 1).points,
                   std::pow(4.0, 40));
  EXPECT_DOUBLE_EQ(stream_estimate(StreamAllocation::Milp, many, 8, 4, 0, 10, 1).points, 0);
}

}  // namespace
}  // namespace mosaic::search

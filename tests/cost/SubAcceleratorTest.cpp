// The sub-accelerator model's global-NoC side: hand-counted traffic of given tilings, and the
// search against every tiling.
#include <gtest/gtest.h>

#include <algorithm>

#include "cost/SubAccelerator.h"
#include "dataflow/Dataflow.h"
#include "dataflow/Library.h"

namespace mosaic {
namespace {

using cost::GlobalTiling;

// K=4, C=2, a 6x6 input, 3x3 filter, stride 1: 4x4 outputs.
// Unique: input 2*36 = 72, weights 4*2*9 = 72, outputs 4*16 = 64.
dataflow::Problem small_conv() {
  workload::Layer l;
  l.name = "t";
  l.K = 4;
  l.C = 2;
  l.Y = l.X = 6;
  l.R = l.S = 3;
  return dataflow::problem_from_layer(l);
}

TEST(SubAcceleratorTiling, WholeLayerTileMovesEachTensorOnce) {
  const auto p = small_conv();
  const GlobalTiling g = cost::tiling_traffic(p, {4, 2, 4, 4}, {0, 1, 2, 3});
  EXPECT_DOUBLE_EQ(g.input_elements, 72);
  EXPECT_DOUBLE_EQ(g.weight_elements, 72);
  EXPECT_DOUBLE_EQ(g.output_elements, 64);
  EXPECT_DOUBLE_EQ(g.psum_elements, 0);
  EXPECT_DOUBLE_EQ(g.buffer_elements, 2 * 208);
  // A buffer of exactly that double-buffered footprint holds it.
  const GlobalTiling b = cost::best_global_tiling(p, 416);
  EXPECT_TRUE(b.fits);
  EXPECT_DOUBLE_EQ(b.total(), 208);
}

TEST(SubAcceleratorTiling, StationaryTileStaysAcrossIrrelevantLoops) {
  const auto p = small_conv();
  // One output channel per tile, K outermost: the whole input tile stays while K iterates.
  const GlobalTiling g = cost::tiling_traffic(p, {1, 2, 4, 4}, {0, 1, 2, 3});
  EXPECT_DOUBLE_EQ(g.input_elements, 72);
  EXPECT_DOUBLE_EQ(g.weight_elements, 4 * 18);
  EXPECT_DOUBLE_EQ(g.output_elements, 4 * 16);
}

TEST(SubAcceleratorTiling, SplitReductionSendsPartialSumsBack) {
  const auto p = small_conv();
  // Tiles of one K and one C, C outermost: every output tile leaves twice (once partial) and
  // the partial one comes back once: outputs 2 x 64 out, 64 back.
  const GlobalTiling cfirst = cost::tiling_traffic(p, {1, 1, 4, 4}, {1, 0, 2, 3});
  EXPECT_DOUBLE_EQ(cfirst.input_elements, 2 * 36);
  EXPECT_DOUBLE_EQ(cfirst.weight_elements, 8 * 9);
  EXPECT_DOUBLE_EQ(cfirst.output_elements, 128);
  EXPECT_DOUBLE_EQ(cfirst.psum_elements, 64);
  // K outermost instead: outputs stay while C iterates, the input is fetched once per K tile.
  const GlobalTiling kfirst = cost::tiling_traffic(p, {1, 1, 4, 4}, {0, 1, 2, 3});
  EXPECT_DOUBLE_EQ(kfirst.input_elements, 8 * 36);
  EXPECT_DOUBLE_EQ(kfirst.output_elements, 64);
  EXPECT_DOUBLE_EQ(kfirst.psum_elements, 0);
}

TEST(SubAcceleratorTiling, RowTilesRefetchTheHalo) {
  const auto p = small_conv();
  // Two tiles of 2 output rows: each needs 4 input rows, 8 of the 6 rows cross the NoC.
  const GlobalTiling g = cost::tiling_traffic(p, {4, 2, 2, 4}, {2, 0, 1, 3});
  EXPECT_DOUBLE_EQ(g.input_elements, 2 * (2 * 4 * 6));
  EXPECT_DOUBLE_EQ(g.output_elements, 64);
}

TEST(SubAcceleratorTiling, SearchEqualsEveryTilingAndOrder) {
  const auto p = small_conv();
  const std::vector<std::int64_t> dk{1, 2, 4}, dc{1, 2}, dy{1, 2, 4}, dx{1, 2, 4};
  for (double buffer : {60.0, 100.0, 150.0, 250.0, 400.0}) {
    double best = -1;
    for (auto k : dk)
      for (auto c : dc)
        for (auto y : dy)
          for (auto x : dx) {
            std::array<int, 4> o{0, 1, 2, 3};
            do {
              const GlobalTiling g = cost::tiling_traffic(p, {k, c, y, x}, o);
              if (g.buffer_elements > buffer) continue;
              if (best < 0 || g.total() < best) best = g.total();
            } while (std::next_permutation(o.begin(), o.end()));
          }
    const GlobalTiling s = cost::best_global_tiling(p, buffer);
    ASSERT_GT(best, 0) << buffer;
    EXPECT_TRUE(s.fits);
    EXPECT_DOUBLE_EQ(s.total(), best) << "buffer " << buffer;
    EXPECT_LE(s.buffer_elements, buffer);
  }
}

TEST(SubAcceleratorTiling, NothingFitsCountsTheSmallestTile) {
  const auto p = small_conv();
  const GlobalTiling g = cost::best_global_tiling(p, 10);
  EXPECT_FALSE(g.fits);
  EXPECT_GT(g.total(), 208);
}

}  // namespace
}  // namespace mosaic

namespace mosaic {
namespace {

TEST(SubAcceleratorTiling, StyleOrderFollowsTheTopLevel) {
  workload::Layer l;
  l.K = 4;
  l.C = 2;
  l.Y = l.X = 6;
  l.R = l.S = 3;
  const auto p = dataflow::problem_from_layer(l);
  // kcp_ws and shi_os: K, C, Y, X (Fig. 4's k1, c1, y1, x1); rs: Y', X', C, K.
  const auto nvdla = cost::style_tile_order(dataflow::library_dataflow("kcp_ws", p.type));
  const auto shi = cost::style_tile_order(dataflow::library_dataflow("shi_os", p.type));
  const auto eyeriss = cost::style_tile_order(dataflow::library_dataflow("rs", p.type));
  EXPECT_EQ(nvdla, (std::array<int, 4>{0, 1, 2, 3}));
  EXPECT_EQ(shi, (std::array<int, 4>{0, 1, 2, 3}));
  EXPECT_EQ(eyeriss, (std::array<int, 4>{2, 3, 1, 0}));
  // A fixed order can only cost more than the free one.
  for (double buffer : {60.0, 150.0})
    EXPECT_GE(cost::best_global_tiling(p, buffer, &eyeriss).total(),
              cost::best_global_tiling(p, buffer).total());
}

}  // namespace
}  // namespace mosaic

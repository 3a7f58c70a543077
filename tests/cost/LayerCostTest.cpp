#include <gtest/gtest.h>

#include "common/Error.h"
#include "cost/LayerCost.h"

namespace mosaic::cost {
namespace {

TEST(LayerCost, LevelsAreFoundByName) {
  LayerCost c;
  c.add_level("L1").energy_pj = 1;
  c.add_level("L2").energy_pj = 2;
  c.add_level("DRAM").energy_pj = 3;
  ASSERT_NE(c.find_level("DRAM"), nullptr);
  EXPECT_EQ(c.find_level("DRAM"), &c.levels[2]);
  EXPECT_DOUBLE_EQ(c.level_energy_pj("L2"), 2);
  EXPECT_DOUBLE_EQ(c.level_energy_pj("DRAM"), 3);
  EXPECT_EQ(c.find_level("rf_128B"), nullptr);
  EXPECT_DOUBLE_EQ(c.level_energy_pj("rf_128B"), 0);  // absent: no energy, not another level's
}

// add_level wrote past the fixed array without a check.
TEST(LayerCost, AddLevelBeyondTheArrayIsAnInternalError) {
  LayerCost c;
  for (int i = 0; i < kMaxLevels; ++i) c.add_level("m");
  EXPECT_EQ(c.num_levels, kMaxLevels);
  EXPECT_THROW(c.add_level("one too many"), InternalError);
  EXPECT_EQ(c.num_levels, kMaxLevels);
}

}  // namespace
}  // namespace mosaic::cost

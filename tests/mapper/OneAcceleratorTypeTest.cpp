// A ZigZag hardware file and a Herald class build the same accelerator type (arch::Accelerator
// of arch::Core), and both analyses produce the same cost type (cost::CoreLayerCost).
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "arch/Accelerator.h"
#include "arch/ZigZagHardware.h"
#include "cost/CoreCost.h"
#include "mapper/LoopNestMapper.h"

namespace mosaic::mapper {
namespace {

TEST(OneAcceleratorType, ZigZagFileIsAOneCoreAcceleratorWithALoopNestView) {
  const auto dir = test::source_dir() / "tests/data";
  const auto hw = arch::read_zigzag_hardware((dir / "zigzag_small_hw.yaml").string());
  const arch::Accelerator acc = arch::loop_nest_accelerator(hw);
  ASSERT_EQ(acc.cores.size(), 1U);
  ASSERT_TRUE(acc.cores[0].loop_nest.has_value());
  EXPECT_EQ(acc.cores[0].num_pes, arch::total_units(hw.array));
  EXPECT_EQ(acc.cores[0].loop_nest->memories.size(), hw.memories.size());
  EXPECT_TRUE(acc.links.empty());
}

TEST(OneAcceleratorType, HeraldClassesGiveDirectiveCoresAndOneLinkPerCore) {
  const auto acc = arch::build_accelerator(arch::accelerator_class("edge"),
                                           arch::parse_style("nvdla,shi"), arch::Partition{});
  ASSERT_EQ(acc.cores.size(), 2U);
  EXPECT_FALSE(acc.cores[0].loop_nest.has_value());
  ASSERT_EQ(acc.links.size(), 2U);
  EXPECT_EQ(acc.links[1].ends, (std::vector<int>{arch::kGlobalBufferEnd, 1}));
  EXPECT_DOUBLE_EQ(acc.links[0].bytes_per_cycle + acc.links[1].bytes_per_cycle, 16.0);  // 16 GB/s
}

// mosaic map's per-layer result carries the CoreLayerCost a scheduler takes: the loop-nest
// latency, and the energy without the outermost (DRAM) level.
TEST(OneAcceleratorType, MapProducesTheSchedulersCostType) {
  const auto dir = test::source_dir() / "tests/data";
  const auto acc = arch::loop_nest_accelerator(
      arch::read_zigzag_hardware((dir / "zigzag_small_hw.yaml").string()));
  const auto maps = dataflow::read_zigzag_mapping((dir / "zigzag_small_mapping.yaml").string());
  const auto layers = workload::read_zigzag_workload((dir / "zigzag_small_workload.yaml").string());
  const auto w = map_workload(layers, acc, maps, MapOptions{});
  ASSERT_EQ(w.layers.size(), layers.size());
  for (const auto& r : w.layers) {
    const cost::CoreLayerCost& c = r.core_cost;
    EXPECT_TRUE(c.feasible);
    EXPECT_DOUBLE_EQ(c.cycles, r.cost.latency_cycles) << r.layer_name;
    const cost::LayerCost lc = cost::to_layer_cost(r.problem, r.cost);
    EXPECT_DOUBLE_EQ(
        c.onchip_energy_pj,
        lc.energy_pj - lc.levels[static_cast<std::size_t>(lc.num_levels - 1)].energy_pj)
        << r.layer_name;
    EXPECT_GT(c.onchip_energy_pj, 0) << r.layer_name;
    EXPECT_LT(c.onchip_energy_pj, r.cost.energy_pj) << r.layer_name;
  }
  // The same totals as mapping on the bare hierarchy.
  const auto bare = map_workload(layers, *acc.cores[0].loop_nest, maps, MapOptions{});
  EXPECT_EQ(bare.energy_pj, w.energy_pj);
  EXPECT_EQ(bare.latency_cycles, w.latency_cycles);
}

}  // namespace
}  // namespace mosaic::mapper

// mosaic's fast temporal search must find the same or a better optimum than LOMA. It visits the
// same orders and only drops provably equivalent or strictly worse candidates, so it finds the
// very same mapping: checked on every layer of the fixture and (with ../shared) of ResNet-18 on
// the five reference accelerators, for the three objectives and several LPF limits.
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "arch/ZigZagHardware.h"
#include "mapper/FastSearch.h"
#include "mapper/LoopNestMapper.h"

namespace mosaic::mapper {
namespace {

int compare_all(const arch::LoopNestHardware& hw, const dataflow::LoopNestMappingSet& maps,
                const std::vector<workload::EinsumLayer>& layers, const std::vector<int>& lpfs) {
  int compared = 0;
  for (const auto& layer : layers) {
    const auto p =
        cost::compile_problem(layer, hw, dataflow::select_mapping(maps, layer.name, layer.op_type));
    for (Objective obj : {Objective::Latency, Objective::Energy, Objective::Edp}) {
      for (int lpf : lpfs) {
        LomaOptions o;
        o.objective = obj;
        o.lpf_limit = lpf;
        const auto a = loma_search(p, o);
        const auto b = fast_search(p, o);
        EXPECT_EQ(a.found, b.best.found) << layer.name;
        if (a.found != b.best.found) continue;
        if (!a.found) continue;
        ++compared;
        EXPECT_FALSE(better(obj, a.cost, b.best.cost))
            << layer.name << " " << objective_name(obj) << " lpf " << lpf;
        EXPECT_EQ(a.cost.energy_pj, b.best.cost.energy_pj)
            << layer.name << " " << objective_name(obj);
        EXPECT_EQ(a.cost.latency_cycles, b.best.cost.latency_cycles)
            << layer.name << " " << objective_name(obj);
        EXPECT_EQ(a.mapping.n, b.best.mapping.n);
        if (a.mapping.n != b.best.mapping.n) continue;
        for (int k = 0; k < a.mapping.n; ++k)
          EXPECT_EQ(a.mapping.order[static_cast<std::size_t>(k)].dim,
                    b.best.mapping.order[static_cast<std::size_t>(k)].dim);
        EXPECT_LE(b.stats.evaluations, a.stats.evaluations);
        EXPECT_EQ(b.stats.orders, a.stats.orders);
      }
    }
  }
  return compared;
}

TEST(FastSearch, SameOptimumAsLomaOnTheFixture) {
  const auto dir = test::source_dir() / "tests/data";
  const auto hw = arch::read_zigzag_hardware((dir / "zigzag_small_hw.yaml").string());
  const auto maps = dataflow::read_zigzag_mapping((dir / "zigzag_small_mapping.yaml").string());
  const auto layers = workload::read_zigzag_workload((dir / "zigzag_small_workload.yaml").string());
  EXPECT_EQ(compare_all(hw, maps, layers, {3, 4, 6, 7}), 5 * 3 * 4);
}

TEST(FastSearch, SameOptimumAsLomaOnResNet18Everywhere) {
  MOSAIC_REQUIRE_SHARED();
  const auto base = test::shared_dir() / "reference/zigzag/inputs";
  const auto layers = workload::read_zigzag_workload((base / "workload/resnet18.yaml").string());
  int compared = 0;
  for (const auto& [hw, map] :
       std::vector<std::pair<std::string, std::string>>{{"tpu_like", "tpu_like"},
                                                        {"edge_tpu_like", "edge_tpu_like"},
                                                        {"ascend_like", "ascend_like"},
                                                        {"meta_prototype", "meta_prototype_like"},
                                                        {"tesla_npu_like", "tesla_npu_like"}}) {
    compared += compare_all(
        arch::read_zigzag_hardware((base / "hardware" / (hw + ".yaml")).string()),
        dataflow::read_zigzag_mapping((base / "mapping" / (map + ".yaml")).string()), layers, {6});
  }
  EXPECT_EQ(compared, 5 * 31 * 3);
}

TEST(FastSearch, PrunesMostOrders) {
  const auto dir = test::source_dir() / "tests/data";
  const auto hw = arch::read_zigzag_hardware((dir / "zigzag_small_hw.yaml").string());
  const auto maps = dataflow::read_zigzag_mapping((dir / "zigzag_small_mapping.yaml").string());
  const auto layers = workload::read_zigzag_workload((dir / "zigzag_small_workload.yaml").string());
  const auto p = cost::compile_problem(layers[1], hw, maps.entries[0]);
  const auto r = fast_search(p, {});
  EXPECT_EQ(r.stats.orders, 720);
  EXPECT_EQ(r.stats.allocated, r.stats.duplicates + r.stats.bounded + r.stats.evaluations);
  EXPECT_LT(r.stats.evaluations, r.stats.orders / 4);
}

}  // namespace
}  // namespace mosaic::mapper

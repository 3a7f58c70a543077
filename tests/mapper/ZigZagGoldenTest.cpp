// Totals of ZigZag 3.8.2 (its own regression values, ../shared/reference/zigzag/README.md) and
// of runs of ZigZag on the small fixture in tests/data (made outside this repository). mosaic's
// loop-nest model + LOMA must reproduce them to relative 1e-6.
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "arch/ZigZagHardware.h"
#include "mapper/LoopNestMapper.h"

namespace mosaic::mapper {
namespace {

struct Row {
  const char* hw;
  const char* mapping;
  const char* workload;
  int lpf;
  Objective objective;
  double energy, latency;
};

WorkloadMapResult run(const std::string& dir_hw, const std::string& dir_map,
                      const std::string& dir_wl, const Row& r) {
  const auto hw = arch::read_zigzag_hardware(dir_hw + "/" + r.hw);
  const auto maps = dataflow::read_zigzag_mapping(dir_map + "/" + r.mapping);
  const auto layers = workload::read_zigzag_workload(dir_wl + "/" + r.workload);
  MapOptions o;
  o.lpf_limit = r.lpf;
  o.objective = r.objective;
  return map_workload(layers, hw, maps, o);
}

TEST(ZigZagGolden, SmallFixtureAllObjectives) {
  const std::string d = (test::source_dir() / "tests/data").string();
  const Row rows[] = {
      {"zigzag_small_hw.yaml", "zigzag_small_mapping.yaml", "zigzag_small_workload.yaml", 6,
       Objective::Latency, 375897.36999999994, 5157.0},
      {"zigzag_small_hw.yaml", "zigzag_small_mapping.yaml", "zigzag_small_workload.yaml", 6,
       Objective::Energy, 368264.41, 5183.0},
      {"zigzag_small_hw.yaml", "zigzag_small_mapping.yaml", "zigzag_small_workload.yaml", 4,
       Objective::Edp, 368266.57, 5183.0},
      {"zigzag_small_hw.yaml", "zigzag_small_mapping.yaml", "zigzag_small_workload.yaml", 3,
       Objective::Latency, 377380.79, 5161.0},
  };
  for (const auto& r : rows) {
    const auto w = run(d, d, d, r);
    EXPECT_NEAR(w.energy_pj, r.energy, 1e-6 * r.energy)
        << objective_name(r.objective) << " lpf " << r.lpf;
    EXPECT_NEAR(w.latency_cycles, r.latency, 1e-6 * r.latency)
        << objective_name(r.objective) << " lpf " << r.lpf;
  }
}

TEST(ZigZagGolden, ReferenceTableYamlRows) {
  MOSAIC_REQUIRE_SHARED();
  const std::string base = (test::shared_dir() / "reference/zigzag/inputs").string();
  const Row rows[] = {
      {"tpu_like.yaml", "tpu_like.yaml", "resnet18.yaml", 6, Objective::Latency, 2615172831.38,
       5584991.0},
      {"edge_tpu_like.yaml", "edge_tpu_like.yaml", "resnet18.yaml", 6, Objective::Latency,
       2413348670.67, 3741293.0},
      {"ascend_like.yaml", "ascend_like.yaml", "resnet18.yaml", 6, Objective::Latency,
       2449578483.76, 3980000.0},
      {"meta_prototype.yaml", "meta_prototype_like.yaml", "resnet18.yaml", 6, Objective::Latency,
       2373454257.72, 3316037.0},
      {"tesla_npu_like.yaml", "tesla_npu_like.yaml", "resnet18.yaml", 6, Objective::Latency,
       2363901208.14, 3313105.91},
      {"gemm_l1.yaml", "gemm_l1.yaml", "gemm_layer.yaml", 3, Objective::Latency, 511349.76, 8191},
      {"gemm_l1_l3.yaml", "gemm_l1_l3.yaml", "gemm_layer.yaml", 6, Objective::Latency, 1111828.48,
       8194},
  };
  for (const auto& r : rows) {
    const auto w = run(base + "/hardware", base + "/mapping", base + "/workload", r);
    EXPECT_NEAR(w.energy_pj, r.energy, 1e-6 * r.energy) << r.hw << " " << r.workload;
    EXPECT_NEAR(w.latency_cycles, r.latency, 1e-6 * r.latency) << r.hw << " " << r.workload;
  }
}

}  // namespace
}  // namespace mosaic::mapper

// Totals of ZigZag 3.8.2 (its own regression values, ../shared/reference/zigzag/README.md) and
// of runs of ZigZag on the small fixture in tests/data (made outside this repository). mosaic's
// loop-nest model + LOMA must reproduce them to relative 1e-6.
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "arch/ZigZagHardware.h"
#include "mapper/LoopNestMapper.h"
#include "workload/OnnxImport.h"

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
  const std::string wl = dir_wl + "/" + r.workload;
  const bool onnx = wl.size() > 5 && wl.substr(wl.size() - 5) == ".onnx";
  const auto layers = onnx ? workload::zigzag_layers(workload::import_onnx(wl))
                           : workload::read_zigzag_workload(wl);
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

TEST(ZigZagGolden, ReferenceTableOnnxRows) {
  MOSAIC_REQUIRE_SHARED();
  const std::string base = (test::shared_dir() / "reference/zigzag/inputs").string();
  const Row rows[] = {
      {"tpu_like.yaml", "tpu_like.yaml", "resnet18.onnx", 6, Objective::Latency, 1871436380.66,
       3703960.5},
      {"edge_tpu_like.yaml", "edge_tpu_like.yaml", "resnet18.onnx", 6, Objective::Latency,
       1903229377.55, 2887804.5},
      {"ascend_like.yaml", "ascend_like.yaml", "resnet18.onnx", 6, Objective::Latency,
       1940385435.76, 3032311.0},
      {"meta_prototype.yaml", "meta_prototype_like.yaml", "resnet18.onnx", 6, Objective::Latency,
       1863284164.16, 2700449.66},
      {"tesla_npu_like.yaml", "tesla_npu_like.yaml", "resnet18.onnx", 6, Objective::Latency,
       1859923747.33, 2719709.75},
  };
  for (const auto& r : rows) {
    const auto w = run(base + "/hardware", base + "/mapping", base + "/workload", r);
    EXPECT_EQ(w.layers.size(), 21u) << r.hw;  // 20 convolutions and the Gemm, as ZigZag keeps
    EXPECT_NEAR(w.energy_pj, r.energy, 1e-6 * r.energy) << r.hw << " " << r.workload;
    EXPECT_NEAR(w.latency_cycles, r.latency, 1e-6 * r.latency) << r.hw << " " << r.workload;
  }
}

// Other workloads, objectives and limits, with totals from ZigZag 3.8.2 runs made outside this
// repository (same inputs; see the report of issue 5).
TEST(ZigZagGolden, OtherWorkloadsAgainstZigZagRuns) {
  MOSAIC_REQUIRE_SHARED();
  const std::string base = (test::shared_dir() / "reference/zigzag/inputs").string();
  const Row rows[] = {
      {"tpu_like.yaml", "tpu_like.yaml", "alexnet.onnx", 6, Objective::Latency, 5593540606.896001,
       8988568.0},
      {"meta_prototype.yaml", "meta_prototype_like.yaml", "alexnet.onnx", 6, Objective::Energy,
       5742218938.36, 8032996.0},
      {"edge_tpu_like.yaml", "edge_tpu_like.yaml", "mobilenetv2.onnx", 6, Objective::Latency,
       1669169544.0100012, 2885468.0},
      {"tesla_npu_like.yaml", "tesla_npu_like.yaml", "mobilenetv2.onnx", 5, Objective::Latency,
       1746931748.3819997, 2161509.5},
      {"ascend_like.yaml", "ascend_like.yaml", "resnet18.yaml", 4, Objective::Edp, 2246628510.64,
       3980614.0},
  };
  for (const auto& r : rows) {
    const auto w = run(base + "/hardware", base + "/mapping", base + "/workload", r);
    EXPECT_NEAR(w.energy_pj, r.energy, 1e-6 * r.energy) << r.hw << " " << r.workload;
    EXPECT_NEAR(w.latency_cycles, r.latency, 1e-6 * r.latency) << r.hw << " " << r.workload;
  }
}

}  // namespace
}  // namespace mosaic::mapper

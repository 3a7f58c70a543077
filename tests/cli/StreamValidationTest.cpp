// The silicon validation of docs/stream-validation.md: mosaic stream on the chips whose Stream
// descriptions were translated into examples/validation/. The numbers asserted are what mosaic
// gives today (rel 1e-9), and the accuracy against the measured figure is the one the doc states.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

namespace fs = std::filesystem;

// Stream's poster (seed 004) defines accuracy as 1 - |estimate - measured| / measured.
double accuracy_percent(double estimate, double measured) {
  return 100.0 * (1.0 - std::abs(estimate - measured) / measured);
}

nlohmann::json run_chip(const std::string& chip, const std::string& accelerator,
                        const std::string& workload, const std::string& stacks,
                        const fs::path& out) {
  const fs::path dir = source_dir() / "examples/validation" / chip;
  const auto r = run_mosaic("stream --accelerator '" + (dir / accelerator).string() +
                            "' --workload '" + (dir / workload).string() + "' --mapping '" +
                            (dir / "mapping.yaml").string() + "' --mode fused --layer-stacks " +
                            stacks + " --out '" + out.string() + "' --quiet");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(read_file(out / "summary.json"));
}

TEST(StreamValidation, DepFiNFsrcnn) {
  TempDir tmp;
  const auto s = run_chip("depfin", "depfin.yaml", "fsrcnn.yaml", "0-7", tmp.path() / "o");
  const double latency = s["latency_cycles"].get<double>();
  EXPECT_NEAR(latency, 5018998.0, 5018998.0 * 1e-9);
  EXPECT_NEAR(s["energy_pj"].get<double>(), 58655549693.0, 58655549693.0 * 1e-9);
  EXPECT_EQ(s["cns"], 4320);  // 8 layers x 540 output rows
  EXPECT_EQ(s["edges"], 13482);
  const double peak_bytes = s["peak_memory_bytes"]["0"].get<double>();
  EXPECT_NEAR(peak_bytes, 1064312.0, 1064312.0 * 1e-9);
  // docs/stream-validation.md: latency 81.2 % (Stream 91 %). The peak is l1_act's capacity
  // (1 MiB, filled by layer 7's outputs, which Stream 21e5ad80 does not write back) plus the
  // weights, so it is not comparable with the chip's 238 KB.
  EXPECT_NEAR(accuracy_percent(latency, 6.18e6), 81.2, 0.05);
  EXPECT_NEAR(peak_bytes, 1048320.0 + 15992.0, 1e-9 * peak_bytes);
}

// (Slow: 7,840 CNs, about 1 s of CPU in Release, several under ASan.)
// Jia et al.: five AiMC cores that exchange activations only through the SRAMs neighbouring
// cores share (per-memory core_memory_sharing), ResNet-50 segment 3 in 5 x 1,568 CNs.
TEST(StreamValidationSlow, JiaResNet50Segment3) {
  TempDir tmp;
  const auto s = run_chip("jia", "jia.yaml", "resnet50_segment3.yaml", "0-4", tmp.path() / "o");
  const double latency = s["latency_cycles"].get<double>();
  EXPECT_NEAR(latency, 67715.0, 67715.0 * 1e-9);
  EXPECT_NEAR(s["energy_pj"].get<double>(), 478378123.2, 478378123.2 * 1e-9);
  EXPECT_EQ(s["cns"], 7840);  // 5 layers x 28 x 56 tiles of 2 columns of one row
  EXPECT_EQ(s["edges"], 38195);
  // No transfer between two AiMC cores: each reads its inputs where its neighbour wrote them.
  EXPECT_EQ(s["energy_breakdown"]["core_to_core_memory"].get<double>(), 0.0);
  EXPECT_EQ(s["energy_breakdown"]["core_to_core_link"].get<double>(), 0.0);
  // docs/stream-validation.md: Stream 09ad1c4d (June 2023) on its own inputs gives 67,878 cycles
  // (run outside the repository), mosaic is 0.24 % below it; both are far from the poster's
  // 3.68e5 and the measured 3.66e5.
  EXPECT_NEAR(100.0 * (67878.0 - latency) / 67878.0, 0.24, 0.005);
  EXPECT_NEAR(accuracy_percent(latency, 3.66e5), 18.5, 0.05);
}

// DIANA: a digital, a pooling, an analog and a SIMD core around ONE shared 256 KiB L1, each compute
// core with its own weight memory; the first ResNet-18 block with residuals, one CN per row.
TEST(StreamValidation, DianaResNet18FirstBlock) {
  TempDir tmp;
  const auto s =
      run_chip("diana", "diana.yaml", "resnet18_first_block.yaml", "0-8", tmp.path() / "o");
  const double latency = s["latency_cycles"].get<double>();
  EXPECT_NEAR(latency, 777053.0, 777053.0 * 1e-9);
  EXPECT_NEAR(s["energy_pj"].get<double>(), 2161537827.84, 2161537827.84 * 1e-9);
  EXPECT_EQ(s["cns"], 560);  // 112 rows of layer 0 + 8 layers x 56 rows
  EXPECT_EQ(s["edges"], 1607);
  EXPECT_EQ(s["energy_breakdown"]["core_to_core_memory"].get<double>(), 0.0);
  // The shared L1 is reported once, under its first core (0): 1,988,168 bits at its peak.
  EXPECT_NEAR(s["peak_memory_bytes"]["0"].get<double>(), 1988168.0 / 8 + 75264.0 / 8, 1e-6);
  // docs/stream-validation.md: 95.7 % against the measured 8.12e5 (Stream 96 %).
  EXPECT_NEAR(accuracy_percent(latency, 8.12e5), 95.7, 0.05);
}

}  // namespace
}  // namespace mosaic::test

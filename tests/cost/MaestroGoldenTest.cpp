// The MAESTRO-compatible mode against the public MAESTRO tool's own outputs: every golden CSV of
// ../shared/reference/maestro (33 mappings on accelerator_1 and the Eyeriss validation run).
#include <gtest/gtest.h>

#include <filesystem>

#include "MaestroCompare.h"
#include "TestSupport.h"
#include "arch/Core.h"
#include "cost/MaestroNetwork.h"
#include "outputs/MaestroCsv.h"
#include "workload/MaestroFormat.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;

std::string csv_for(const fs::path& mapping, const arch::Core& core) {
  const auto net = workload::maestro_format::parse_network_file(mapping);
  cost::MaestroEvalOptions opt;
  opt.maestro_compat = true;
  const auto report = cost::evaluate_maestro_network(net, core, opt);
  std::string out = outputs::maestro_csv_header() + "\n";
  for (const auto& row : report.layers) out += outputs::maestro_csv_row(row) + "\n";
  return out;
}

class GoldenAccelerator1 : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenAccelerator1, MatchesMaestro) {
  MOSAIC_REQUIRE_SHARED();
  const fs::path ref = test::shared_dir() / "reference/maestro";
  const arch::Core core = arch::read_maestro_hardware(ref / "inputs/hw/accelerator_1.m");
  const std::string name = GetParam();
  const std::string ours = csv_for(ref / "inputs/mapping" / (name + ".m"), core);
  const auto diff = test::compare_maestro_csv(
      test::read_file(ref / "golden/accelerator_1" / (name + ".csv")), ours);
  EXPECT_TRUE(diff.structural.empty()) << diff.structural;
  EXPECT_GT(diff.rows, 0);
  EXPECT_EQ(diff.differing_fields, 0) << [&] {
    std::string s;
    for (const auto& m : diff.first_mismatches) s += m + "\n";
    return s;
  }();
}

std::vector<std::string> golden_names() {
  std::vector<std::string> names;
  const fs::path dir = test::shared_dir() / "reference/maestro/golden/accelerator_1";
  if (!fs::exists(dir)) return {"(none)"};
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".csv") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Maestro, GoldenAccelerator1, ::testing::ValuesIn(golden_names()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(GoldenValidation, EyerissAlexNet) {
  MOSAIC_REQUIRE_SHARED();
  const fs::path ref = test::shared_dir() / "reference/maestro";
  // --noc_bw=14 --noc_hop_latency=1 --num_pes=168 --num_simd_lanes=1, no HW file: command-line
  // defaults elsewhere (off-chip 70000, unbounded buffers).
  arch::Core core;
  core.num_pes = 168;
  core.noc_bw = 14;
  core.noc_hops = 1;
  core.noc_hop_latency = 1;
  core.offchip_bw = 70000;
  core.vector_width = 1;
  const std::string ours = csv_for(ref / "inputs/validation/alexnet_rs_validation.m", core);
  const auto diff =
      test::compare_maestro_csv(test::read_file(ref / "golden/alexnet_rs_validation.csv"), ours);
  EXPECT_TRUE(diff.structural.empty()) << diff.structural;
  EXPECT_GT(diff.rows, 0);
  EXPECT_EQ(diff.differing_fields, 0) << [&] {
    std::string s;
    for (const auto& m : diff.first_mismatches) s += m + "\n";
    return s;
  }();
}

}  // namespace
}  // namespace mosaic

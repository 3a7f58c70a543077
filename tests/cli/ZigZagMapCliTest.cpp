#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

std::string fixture_path(const char* name) {
  return (source_dir() / "tests/data" / name).string();
}

std::string small_args() {
  return "map --workload '" + fixture_path("zigzag_small_workload.yaml") + "' --hw '" +
         fixture_path("zigzag_small_hw.yaml") + "' --mapping '" +
         fixture_path("zigzag_small_mapping.yaml") + "'";
}

TEST(MapCli, WritesZigZagTotalsAsJson) {
  TempDir tmp;
  const auto out = tmp.path() / "map.json";
  const auto r = run_mosaic(small_args() + " --json '" + out.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("total: energy 375897.37 pJ, latency 5157 cycles"), std::string::npos)
      << r.out;
  const auto j = nlohmann::json::parse(read_file(out));
  EXPECT_NEAR(j["energy_pj"].get<double>(), 375897.37, 1e-6 * 375897.37);
  EXPECT_NEAR(j["latency_cycles"].get<double>(), 5157, 1e-9);
  EXPECT_EQ(j["objective"], "latency");
  EXPECT_EQ(j["lpf_limit"], 6);
  ASSERT_EQ(j["layers"].size(), 5u);
  const auto& l0 = j["layers"][0];
  EXPECT_EQ(l0["name"], "conv_a");
  EXPECT_NEAR(l0["energy_pj"].get<double>(), 95558.78, 1e-6);
  EXPECT_EQ(l0["dataflow"], "K|C");
  EXPECT_EQ(l0["operands"].size(), 3u);
  double sum = l0["mac_energy_pj"].get<double>();
  for (const auto& op : l0["operands"])
    for (const auto& lv : op["levels"]) sum += lv["energy_pj"].get<double>();
  EXPECT_NEAR(sum, l0["energy_pj"].get<double>(), 1e-6);
}

TEST(MapCli, ObjectiveAndLpfLimit) {
  const auto r = run_mosaic(small_args() + " --objective energy --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("energy 368264.41 pJ, latency 5183 cycles"), std::string::npos) << r.out;
  const auto s = run_mosaic(small_args() + " --lpf-limit 3 --quiet");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("energy 377380.79 pJ, latency 5161 cycles"), std::string::npos) << s.out;
}

TEST(MapCli, RendersTheLoopNest) {
  const auto r = run_mosaic(small_args());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("parfor K in [0, 4) on D1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("for OY in [0, 8)"), std::string::npos) << r.out;
}

TEST(MapCli, BadObjectiveIsAUserError) {
  const auto r = run_mosaic(small_args() + " --objective area");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--objective"), std::string::npos) << r.err;
}

TEST(MapCli, BadLpfLimitIsAUserError) {
  const auto r = run_mosaic(small_args() + " --lpf-limit 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--lpf-limit"), std::string::npos) << r.err;
}

TEST(MapCli, MissingHardwareFileIsAUserError) {
  const auto r = run_mosaic("map --workload '" + fixture_path("zigzag_small_workload.yaml") +
                            "' --hw /nonexistent/hw.yaml --mapping '" +
                            fixture_path("zigzag_small_mapping.yaml") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent/hw.yaml"), std::string::npos) << r.err;
}

TEST(MapCli, BrokenHardwareNamesTheLine) {
  TempDir tmp;
  std::string hw = read_file(fixture_path("zigzag_small_hw.yaml"));
  hw.replace(hw.find("served_dimensions: [D1, D2]"), 27, "served_dimensions: [D1, D9]");
  write_file(tmp.path() / "hw.yaml", hw);
  const auto r = run_mosaic("map --workload '" + fixture_path("zigzag_small_workload.yaml") +
                            "' --hw '" + (tmp.path() / "hw.yaml").string() + "' --mapping '" +
                            fixture_path("zigzag_small_mapping.yaml") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("hw.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("D9"), std::string::npos) << r.err;
}

// The loop-nest model keeps at most 8 partially relevant dimensions per layer; a ninth relation
// is a user error, not a write past the end of its tables.
TEST(MapCli, TooManyDimensionRelationsIsAUserError) {
  TempDir tmp;
  std::string wl = read_file(fixture_path("zigzag_small_workload.yaml"));
  std::string many = "dimension_relations: [ix=2*ox+1*fx, iy=2*oy+1*fy";
  for (int k = 0; k < 7; ++k) many += ", ix=2*ox+1*fx";
  wl.replace(wl.find("dimension_relations: [ix=2*ox+1*fx, iy=2*oy+1*fy"), 48, many);
  write_file(tmp.path() / "wl.yaml", wl);
  const auto r = run_mosaic("map --workload '" + (tmp.path() / "wl.yaml").string() + "' --hw '" +
                            fixture_path("zigzag_small_hw.yaml") + "' --mapping '" +
                            fixture_path("zigzag_small_mapping.yaml") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("at most 8 relations"), std::string::npos) << r.err;
}

TEST(MapCli, UnsupportedWorkloadFormat) {
  const auto r = run_mosaic("map --workload net.txt --hw '" + fixture_path("zigzag_small_hw.yaml") +
                            "' --mapping '" + fixture_path("zigzag_small_mapping.yaml") + "'");
  EXPECT_EQ(r.exit_code, 1);
}

}  // namespace
}  // namespace mosaic::test

namespace mosaic::test {
namespace {

TEST(MapCli, SpatialSearchWithoutMappingFile) {
  const auto r =
      run_mosaic("map --workload '" + fixture_path("zigzag_small_workload.yaml") + "' --hw '" +
                 fixture_path("zigzag_small_hw.yaml") + "' --min-utilization 0.5 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("total: energy"), std::string::npos) << r.out;
  const auto bad =
      run_mosaic("map --workload '" + fixture_path("zigzag_small_workload.yaml") + "' --hw '" +
                 fixture_path("zigzag_small_hw.yaml") + "' --min-utilization 2");
  EXPECT_EQ(bad.exit_code, 1);
}

TEST(MemsizeCli, OptimizerReportsGain) {
  TempDir tmp;
  const auto r = run_mosaic("memsize --workload mlp-m --mode optimize --one-level --json '" +
                            (tmp.path() / "m.json").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("baseline rf512B-gb128KB-16x16"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gain"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(read_file(tmp.path() / "m.json"));
  EXPECT_GE(j["gain"].get<double>(), 1.0);
  EXPECT_LE(j["best"]["energy_pj"].get<double>(), j["baseline"]["energy_pj"].get<double>());
}

TEST(MemsizeCli, DataflowStudyPrintsHistogram) {
  const auto r = run_mosaic("memsize --workload mobilenet-conv14 --mode dataflows --batch 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("energy / best:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("best per U|V:"), std::string::npos) << r.out;
}

TEST(MemsizeCli, UserErrors) {
  EXPECT_EQ(run_mosaic("memsize --workload resnet").exit_code, 1);
  EXPECT_EQ(run_mosaic("memsize --workload mlp-m --array 16").exit_code, 1);
  EXPECT_EQ(run_mosaic("memsize --workload mlp-m --mode fly").exit_code, 1);
  const auto r = run_mosaic("memsize --workload mlp-m --technology /nonexistent/t.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent/t.yaml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mosaic::test

namespace mosaic::test {
namespace {

TEST(MapCli, OnnxWorkloadThroughTheImporter) {
  MOSAIC_REQUIRE_SHARED();
  const auto base = shared_dir() / "reference/zigzag/inputs";
  const auto r =
      run_mosaic("map --workload '" + (base / "workload/resnet18.onnx").string() + "' --hw '" +
                 (base / "hardware/tpu_like.yaml").string() + "' --mapping '" +
                 (base / "mapping/tpu_like.yaml").string() + "' --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("energy 1871436380.66 pJ, latency 3703960.5 cycles over 21 layers"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace mosaic::test

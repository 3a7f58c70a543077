// End-to-end tests of `mosaic maestro` (the drop-in), `mosaic eval` and `mosaic explain`.
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "../cost/MaestroCompare.h"
#include "TestSupport.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using test::count_lines;
using test::run_mosaic;

fs::path example_path(const std::string& rel) {
  return test::source_dir() / "examples" / rel;
}

TEST(MaestroDropIn, DerivedCsvNameAppendAndPrefixFlags) {
  test::TempDir d;
  fs::create_directories(d.path() / "data/mapping");
  fs::copy(example_path("networks/tiny_mapping.m"), d.path() / "data/mapping/tiny_mapping.m");
  fs::copy(example_path("hw/accelerator_256.m"), d.path() / "hw.m");
  // Boost-style unambiguous prefixes (--noc_bw= for --noc_bw_cstr) and "--name value".
  auto r = run_mosaic(
      "maestro --HW_file=hw.m --Mapping_file data/mapping/tiny_mapping.m --noc_bw=8 "
      "--print_res=false",
      d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(fs::exists(d.path() / "tiny_mapping.csv"));  // data/mapping/X.m -> X.csv
  EXPECT_EQ(count_lines(test::read_file(d.path() / "tiny_mapping.csv")), 3);
  EXPECT_NE(r.out.find("BW Analysis:"), std::string::npos);
  // Appended, header once.
  r = run_mosaic("maestro --HW_file=hw.m --Mapping_file=data/mapping/tiny_mapping.m --print_res=0",
                 d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_lines(test::read_file(d.path() / "tiny_mapping.csv")), 5);
  // Console lines that tools grep.
  r = run_mosaic(
      "maestro --HW_file=hw.m --Mapping_file=data/mapping/tiny_mapping.m "
      "--print_res_csv_file=false",
      d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Runtime: "), std::string::npos);
  EXPECT_NE(r.out.find(" cycles\n"), std::string::npos);
  EXPECT_NE(r.out.find("Num MACs: 18432"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Buffer Analysis:"), std::string::npos);
}

TEST(MaestroDropIn, FlagErrors) {
  auto r = run_mosaic("maestro --noc_=3 --Mapping_file=x.m");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ambiguous"), std::string::npos) << r.err;
  r = run_mosaic("maestro --frobnicate=3");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unrecognised option '--frobnicate'"), std::string::npos) << r.err;
  r = run_mosaic("maestro --print_res=maybe --Mapping_file=x.m");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("invalid"), std::string::npos) << r.err;
  r = run_mosaic("maestro --Mapping_file=/nonexistent/net.m --num_pes=4");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent/net.m"), std::string::npos) << r.err;
  r = run_mosaic("maestro --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--noc_bw_cstr"), std::string::npos);
}

TEST(MaestroDropIn, GoldenThroughTheCli) {
  MOSAIC_REQUIRE_SHARED();
  test::TempDir d;
  const fs::path ref = test::shared_dir() / "reference/maestro";
  fs::create_directories(d.path() / "data/mapping");
  fs::copy(ref / "inputs/mapping/Resnet50_kcp_ws.m", d.path() / "data/mapping/Resnet50_kcp_ws.m");
  const auto r = run_mosaic("maestro --HW_file='" + (ref / "inputs/hw/accelerator_1.m").string() +
                                "' --Mapping_file=data/mapping/Resnet50_kcp_ws.m --print_res=false",
                            d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto diff =
      test::compare_maestro_csv(test::read_file(ref / "golden/accelerator_1/Resnet50_kcp_ws.csv"),
                                test::read_file(d.path() / "Resnet50_kcp_ws.csv"));
  EXPECT_TRUE(diff.ok()) << diff.structural
                         << (diff.first_mismatches.empty() ? "" : diff.first_mismatches[0]);
  EXPECT_EQ(diff.rows, 66);
}

TEST(MaestroDropIn, InputsMaestroCrashesOnGiveAnAnswerOrOneLine) {
  MOSAIC_REQUIRE_SHARED();
  const fs::path ref = test::shared_dir() / "reference/maestro/inputs";
  test::TempDir d;
  fs::create_directories(d.path() / "data/mapping");
  const std::string hw = "--HW_file='" + (ref / "hw/accelerator_1.m").string() + "'";
  for (const char* name : {"Resnet50_rs", "vgg16_rs", "ResNeXt50_rs", "UNet_RS", "UNet_kcp_ws",
                           "googlenet_ykp_os", "mnasnet_ykp_os", "squeezenet1_0_ykp_os"}) {
    fs::copy(ref / "mapping" / (std::string(name) + ".m"), d.path() / "data/mapping");
    const auto r = run_mosaic("maestro " + hw + " --print_res=false --Mapping_file=data/mapping/" +
                                  std::string(name) + ".m",
                              d.path());
    EXPECT_LT(r.exit_code, 2) << name << " ended with a signal or crash";
    if (r.exit_code != 0) {
      EXPECT_EQ(count_lines(r.err), 1) << name << ": " << r.err;
      EXPECT_NE(r.err.find(std::string(name) + ".m:"), std::string::npos) << r.err;
    }
  }
  // A first layer without a dataflow (MAESTRO: segfault), cluster product above the PE count
  // (MAESTRO: SIGFPE), and `Dimensions {K:` without a space (MAESTRO: parse error).
  fs::copy(ref / "model/vgg16_model.m", d.path() / "data/mapping");
  auto r = run_mosaic(
      "maestro " + hw + " --print_res=false --Mapping_file=data/mapping/vgg16_model.m", d.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has no Dataflow block"), std::string::npos) << r.err;
  fs::copy(ref / "mapping/example.m", d.path() / "data/mapping");
  r = run_mosaic("maestro --print_res=false --Mapping_file=data/mapping/example.m",
                 d.path());  // default 7 PEs under Cluster(64)
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("multiply to 64 PEs but the hardware has 7"), std::string::npos) << r.err;
  test::write_file(
      d.path() / "nospace.m",
      "Network n {\nLayer L {\nType: CONV\nDimensions {K: 4, C: 4, R: 1, S: 1, Y: 4, X: 4}\n"
      "Dataflow {\nSpatialMap(1,1) K;\n}\n}\n}\n");
  r = run_mosaic("maestro --num_pes=4 --print_res=false --Mapping_file=nospace.m", d.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Eval, JsonAndCsvOnTheTinyMapping) {
  test::TempDir d;
  const auto r = run_mosaic("eval --mapping '" + example_path("networks/tiny_mapping.m").string() +
                            "' --hw '" + example_path("hw/accelerator_256.m").string() +
                            "' --json '" + (d.path() / "out.json").string() + "' --csv '" +
                            (d.path() / "out.csv").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("total"), std::string::npos);
  const auto j = nlohmann::json::parse(test::read_file(d.path() / "out.json"));
  ASSERT_EQ(j["layers"].size(), 2u);
  EXPECT_EQ(j["layers"][0]["macs"], 8 * 4 * 8 * 8 * 9);  // K C Y' X' R S
  EXPECT_EQ(j["layers"][1]["macs"], 8 * 8 * 8 * 9);      // depthwise
  EXPECT_EQ(j["totals"]["macs"], 18432 + 4608);
  double cycles = 0, energy = 0;
  for (const auto& l : j["layers"]) {
    cycles += l["latency_cycles"].get<double>();
    energy += l["energy_pj"].get<double>();
    // Energy breakdown adds up.
    const auto& e = l["energy_breakdown"];
    EXPECT_NEAR(e["mac_pj"].get<double>() + e["L1_pj"].get<double>() + e["L2_pj"].get<double>() +
                    e["DRAM_pj"].get<double>() + e["noc_pj"].get<double>(),
                l["energy_pj"].get<double>(), 1e-6 * l["energy_pj"].get<double>());
    EXPECT_NEAR(e["mac_pj"].get<double>(), 0.23 * l["macs"].get<double>(), 1e-9);
    EXPECT_GT(e["DRAM_pj"].get<double>(), 0);  // the default mode models DRAM
  }
  EXPECT_DOUBLE_EQ(j["totals"]["latency_cycles"].get<double>(), cycles);
  EXPECT_NEAR(j["totals"]["energy_pj"].get<double>(), energy, 1e-6 * energy);
  const std::string csv = test::read_file(d.path() / "out.csv");
  EXPECT_EQ(count_lines(csv), 3);
  EXPECT_EQ(std::count(csv.begin(), csv.begin() + static_cast<long>(csv.find('\n')), ','),
            51);  // 52 columns
}

TEST(Eval, CompatModeHasNoDramOrNocEnergy) {
  test::TempDir d;
  const auto r = run_mosaic("eval --compat maestro --quiet --mapping '" +
                            example_path("networks/tiny_mapping.m").string() + "' --hw '" +
                            example_path("hw/accelerator_256.m").string() + "' --json '" +
                            (d.path() / "c.json").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // --quiet: the summary line only (docs/cli.md), no table.
  EXPECT_EQ(r.out.rfind("total: ", 0), 0u) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  const auto j = nlohmann::json::parse(test::read_file(d.path() / "c.json"));
  EXPECT_EQ(j["mode"], "maestro");
  EXPECT_EQ(j["layers"][0]["energy_breakdown"]["DRAM_pj"], 0.0);
  EXPECT_EQ(j["layers"][0]["energy_breakdown"]["noc_pj"], 0.0);
}

TEST(Eval, NamedDataflowOnAModelFile) {
  for (const char* df : {"kcp_ws", "yxp_os", "rs", "xp_ws", "nlr", "tpu_ck", "maeri", "ckp_ws"}) {
    const auto r =
        run_mosaic(std::string("eval --quiet --mapping '") +
                   example_path("networks/vgg16.m").string() + "' --dataflow " + df + " --hw '" +
                   example_path("hw/edge_nvdla.yaml").string() + "' --json /dev/stdout");
    ASSERT_EQ(r.exit_code, 0) << df << ": " << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["totals"]["macs"], 15346630656LL) << df;  // VGG16's 13 convolutions, padded
    for (const auto& l : j["layers"])
      EXPECT_EQ(l["partial_sums"], l["macs"]) << df << " " << l["name"];
  }
}

TEST(Eval, Errors) {
  auto r = run_mosaic("eval --mapping /nonexistent.m --hw x");
  EXPECT_EQ(r.exit_code, 1);
  r = run_mosaic("eval --mapping '" + example_path("networks/vgg16.m").string() + "' --hw '" +
                 example_path("hw/accelerator_256.m").string() + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("vgg16.m:6: Layer CONV1: has no Dataflow block"), std::string::npos)
      << r.err;
  r = run_mosaic("eval --mapping '" + example_path("networks/vgg16.m").string() + "' --hw '" +
                 example_path("hw/accelerator_256.m").string() + "' --dataflow whatever");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown dataflow 'whatever'"), std::string::npos) << r.err;
  r = run_mosaic("eval --mapping '" + example_path("networks/vgg16.m").string() + "' --hw '" +
                 example_path("hw/accelerator_256.m").string() +
                 "' --dataflow rs --compat timeloop");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--compat"), std::string::npos) << r.err;
}

TEST(Explain, RendersLoopNest) {
  const auto r = run_mosaic("explain --mapping '" + example_path("networks/vgg16.m").string() +
                            "' --layer CONV3 --dataflow kcp_ws --pes 256");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("pfor (k0 = 0; k0 < 128; k0 += 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<== unit temporal iteration"), std::string::npos) << r.out;
  const auto bad = run_mosaic("explain --mapping '" + example_path("networks/vgg16.m").string() +
                              "' --layer NOPE");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("no layer named 'NOPE'"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace mosaic

// End-to-end tests of `mosaic dse`: numbers against `mosaic eval` and hand-computed pruning,
// outputs, resumption after an interrupt or a kill, the HTML report in a browser, and one test per
// user-facing error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "../outputs/HeadlessChromium.h"
#include "TestJson.h"
#include "TestSupport.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::count_lines;
using test::read_json;
using test::run_mosaic;

std::string quoted_example(const std::string& rel) {
  return "'" + (test::source_dir() / "examples" / rel).string() + "'";
}

// VGG16 CONV11 under kcp_ws on 64, 128 and 192 PEs, NoC 8..64, Eyeriss' budgets (the numbers are
// derived by hand in tests/search/DseEngineTest.cpp, HandComputedPruning).
std::string small_run(const fs::path& out) {
  return "dse --mapping " + quoted_example("networks/vgg16.m") +
         " --layer CONV11 --dataflow kcp_ws --pes 64,128,192 --bw 8:64:8 --area-mm2 16 "
         "--power-mw 450 --out '" +
         out.string() + "'";
}

TEST(DseCli, OneDesignEqualsEval) {
  test::TempDir d;
  test::write_file(d.path() / "core.yaml",
                   "pes: 256\nnoc_bw: 64\nnoc_latency: 1\noffchip_bw: 70000\n");
  auto r = run_mosaic("eval --mapping " + quoted_example("networks/vgg16.m") +
                          " --dataflow kcp_ws --hw core.yaml --quiet --json eval.json",
                      d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json ev = read_json(d.path() / "eval.json");
  const json& conv11 = ev["layers"][10];
  ASSERT_EQ(conv11["name"], "CONV11");
  r = run_mosaic("dse --mapping " + quoted_example("networks/vgg16.m") +
                     " --layer CONV11 --dataflow kcp_ws --pes 256 --bw 64 --out out --quiet",
                 d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = read_json(d.path() / "out/summary.json");
  EXPECT_EQ(s["designs_explored"], 1);
  EXPECT_EQ(s["designs_evaluated"], 1);
  EXPECT_EQ(s["designs_valid"], 1);  // no budget
  const json& best = s["best"]["throughput"];
  EXPECT_EQ(best["latency_cycles"].get<double>(), conv11["latency_cycles"].get<double>());
  EXPECT_DOUBLE_EQ(best["energy_pj"].get<double>(), conv11["energy_pj"].get<double>());
  EXPECT_EQ(best["l1_required_bytes"].get<double>(), conv11["l1_required_elements"].get<double>());
  EXPECT_EQ(best["l2_required_bytes"].get<double>(), conv11["l2_required_elements"].get<double>());
  // Exactly the buffers the mapping needs: the area and power `eval` reports for them.
  EXPECT_DOUBLE_EQ(best["area_um2"].get<double>(), conv11["area_um2"].get<double>());
  EXPECT_DOUBLE_EQ(best["power_mw"].get<double>(), conv11["power_mw"].get<double>());
}

TEST(DseCli, SmallSweepNumbersAndOutputs) {
  test::TempDir d;
  const auto out = d.path() / "out";
  auto r = run_mosaic(small_run(out) + " --designs both");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = read_json(out / "summary.json");
  EXPECT_EQ(s["designs_explored"], 24);
  EXPECT_EQ(s["designs_skipped"], 12);
  EXPECT_EQ(s["designs_evaluated"], 12);
  EXPECT_EQ(s["designs_valid"], 12);
  EXPECT_EQ(s["designs_illegal"], 0);
  EXPECT_TRUE(s["complete"].get<bool>());
  EXPECT_GT(s["wall_seconds"].get<double>(), 0);
  EXPECT_EQ(s["space"]["size"], 24);
  EXPECT_EQ(s["budgets"]["area_mm2"], 16.0);
  const json& bt = s["best"]["throughput"];
  EXPECT_EQ(bt["pes"], 128);
  EXPECT_EQ(bt["noc_bw"], 32);  // the widest NoC that fits 16 mm2 at 128 PEs
  EXPECT_NEAR(bt["throughput_macs_per_cycle"].get<double>(), 25.58, 0.01);
  EXPECT_NEAR(bt["power_mw"].get<double>(), 248.43, 0.01);
  EXPECT_EQ(s["best"]["perf_per_watt"]["pes"], 64);
  EXPECT_EQ(s["best"]["perf_per_watt"]["noc_bw"], 64);
  EXPECT_EQ(s["primary_objective"], "throughput");
  // Every evaluated design, in CSV (header + 12) and JSON.
  EXPECT_EQ(count_lines(test::read_file(out / "designs.csv")), 13);
  EXPECT_EQ(read_json(out / "designs.json").size(), 12u);
  const json pareto = read_json(out / "pareto.json");
  EXPECT_EQ(s["pareto"]["count"], pareto.size());
  EXPECT_GE(pareto.size(), 2u);
  EXPECT_TRUE(fs::exists(out / "pareto.csv"));
  EXPECT_TRUE(fs::exists(out / "report.html"));
  EXPECT_TRUE(fs::exists(out / "dse.sqlite"));
  for (const auto& e : fs::directory_iterator(out))
    EXPECT_NE(e.path().extension(), ".partial") << "left behind: " << e.path();
  EXPECT_NE(r.out.find("designs explored 24, skipped 12, evaluated 12, valid 12"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("best throughput    kcp_ws PEs=128 BW=32"), std::string::npos) << r.out;
}

TEST(DseCli, ReportRendersInHeadlessChromium) {
  const auto browser = test::find_chromium();
  if (!browser) GTEST_SKIP() << "chromium is not installed";
  test::TempDir d;
  const auto out = d.path() / "out";
  auto r = run_mosaic(small_run(out) + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (r.err.find("report.html has no charts") != std::string::npos)
    GTEST_SKIP() << "the chart bundles are not installed (scripts/setup.sh)";
  const auto page = test::load_in_chromium(*browser, out / "report.html");
  ASSERT_EQ(page.exit_code, 0);
  EXPECT_EQ(test::body_attribute(page.dom, "data-charts"), "4");
  EXPECT_EQ(test::body_attribute(page.dom, "data-charts-rendered"), "4");
  EXPECT_EQ(test::body_attribute(page.dom, "data-chart-errors"), "0");
  EXPECT_EQ(test::count_of(page.dom, "<canvas"), 4);
  EXPECT_TRUE(page.console.empty()) << page.console.front();
  for (const char* title : {"Area vs throughput", "Buffer vs throughput", "Power vs throughput",
                            "Energy vs throughput"})
    EXPECT_NE(test::read_file(out / "report.html").find(title), std::string::npos) << title;
}

TEST(DseCli, RepeatedSweepReusesTheStore) {
  test::TempDir d;
  const auto out = d.path() / "out";
  auto r = run_mosaic(small_run(out) + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = test::read_file(out / "designs.csv");
  r = run_mosaic(small_run(out) + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("chunks read from the store"), std::string::npos) << r.out;
  const json s = read_json(out / "summary.json");
  EXPECT_EQ(s["session"]["chunks_reused"], 2);  // 64 and 128 PEs (192 is skipped, never stored)
  EXPECT_EQ(s["session"]["analyses"], 0);
  EXPECT_EQ(s["designs_evaluated"], 12);
  EXPECT_EQ(test::read_file(out / "designs.csv"), csv);
  // Without the store the same outputs.
  r = run_mosaic(small_run(d.path() / "nostore") + " --quiet --no-store");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(test::read_file(d.path() / "nostore/designs.csv"), csv);
  EXPECT_FALSE(fs::exists(d.path() / "nostore/dse.sqlite"));
}

// A sweep long enough to be interrupted: NVDLA on VGG16 CONV2 with C and K tiles.
std::string long_run(const fs::path& out) {
  return "dse --mapping " + quoted_example("networks/vgg16.m") +
         " --layer CONV2 --dataflow kcp_ws --map-size C=1:32 --map-size K=1:12 --pes 64:1984:64 "
         "--bw 4:124:4 --area-mm2 16 --power-mw 450 --threads 2 --quiet --out '" +
         out.string() + "'";
}

// Runs `mosaic <args>` in the background, sends `signal` after `delay` seconds, and returns its
// exit code. Whether the signal lands early, late or after the end, the checks below hold.
int run_and_signal(const std::string& args, const char* signal, const char* delay) {
  test::TempDir d;
  const std::string cmd = "( '" + test::mosaic_binary().string() + "' " + args +
                          " >/dev/null 2>&1 & pid=$!; sleep " + delay + "; kill -" + signal +
                          " $pid 2>/dev/null; wait $pid; echo $? > '" + (d.path() / "rc").string() +
                          "' ) 2>/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return std::stoi(test::read_file(d.path() / "rc"));
}

TEST(DseCli, InterruptAndKillResume) {
  test::TempDir d;
  auto r = run_mosaic(long_run(d.path() / "clean") + " --no-store");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string clean_csv = test::read_file(d.path() / "clean/designs.csv");
  const json clean = read_json(d.path() / "clean/summary.json");
  for (const char* sig : {"INT", "KILL"}) {
    const auto out = d.path() / sig;
    const int rc = run_and_signal(long_run(out), sig, "0.25");
    if (std::string(sig) == "INT") {
      EXPECT_TRUE(rc == 130 || rc == 0) << rc;
    } else {
      EXPECT_TRUE(rc == 137 || rc == 0) << rc;
    }
    if (rc == 130) {
      // Interrupted: nothing half-written, the finished work in the store.
      EXPECT_FALSE(fs::exists(out / "summary.json"));
      EXPECT_FALSE(fs::exists(out / "designs.csv"));
      EXPECT_FALSE(fs::exists(out / "designs.csv.partial"));
      EXPECT_TRUE(fs::exists(out / "dse.sqlite"));
    }
    r = run_mosaic(long_run(out));
    ASSERT_EQ(r.exit_code, 0) << sig << ": " << r.err;
    const json s = read_json(out / "summary.json");
    for (const char* k : {"designs_explored", "designs_skipped", "designs_evaluated",
                          "designs_valid", "designs_illegal", "analyses"})
      EXPECT_EQ(s[k], clean[k]) << sig << " " << k;
    EXPECT_EQ(s["best"], clean["best"]) << sig;
    EXPECT_EQ(test::read_file(out / "designs.csv"), clean_csv) << sig;
    EXPECT_FALSE(fs::exists(out / "designs.csv.partial"));
  }
}

TEST(DseCli, NetworkWithItsOwnDataflowsAndCompat) {
  test::TempDir d;
  auto r =
      run_mosaic("dse --mapping " + quoted_example("networks/tiny_mapping.m") +
                     " --pes 4:32:4 --bw 1:8 --l1 16:256:x2 --l2 256:8K:x2 --compat maestro "
                     "--area-mm2 1 --objective energy --pareto latency,energy --quiet --out out",
                 d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = read_json(d.path() / "out/summary.json");
  EXPECT_EQ(s["mode"], "maestro-compat");
  EXPECT_EQ(s["dataflows"], json::array({"mapping"}));
  EXPECT_EQ(s["designs_explored"], 8 * 8 * 5 * 6);
  EXPECT_GT(s["designs_valid"].get<int>(), 0);
  const json& be = s["best"]["energy"];
  ASSERT_EQ(be["layers"].size(), 2u);
  EXPECT_EQ(be["layers"][0]["name"], "conv");
  EXPECT_EQ(be["layers"][1]["name"], "dw");
  EXPECT_DOUBLE_EQ(be["layers"][0]["latency_cycles"].get<double>() +
                       be["layers"][1]["latency_cycles"].get<double>(),
                   be["latency_cycles"].get<double>());
  EXPECT_EQ(s["primary_objective"], "energy");
  EXPECT_EQ(s["pareto"]["axes"], json::array({"latency", "energy"}));
  EXPECT_EQ(r.out.find("best energy"), r.out.find("best "));  // the primary objective first
}

TEST(DseCli, Workloads) {
  // A zoo model: its 54 MAC layers, repeated shapes analysed once and counted.
  test::TempDir d;
  auto r = run_mosaic(
      "dse --workload resnet50 --dataflow kcp_ws,rs --fit-clusters --pes 64:256:64 "
      "--bw 16,32 --area-mm2 16 --power-mw 450 --quiet --out out",
      d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json s = read_json(d.path() / "out/summary.json");
  std::int64_t layers = 0;
  for (const auto& l : s["workload"]["layers"]) layers += l["count"].get<std::int64_t>();
  EXPECT_EQ(layers, 54);
  EXPECT_LT(s["workload"]["layers"].size(), 54u);
  EXPECT_EQ(s["best"]["throughput"]["macs"], 4'089'184'256LL);  // the zoo's ResNet-50
  EXPECT_EQ(s["designs_explored"], 2 * 4 * 2);
  // One layer of it.
  r = run_mosaic(
      "dse --workload resnet50 --layer conv1 --dataflow rs --pes 64 --bw 16 --quiet "
      "--out one",
      d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  s = read_json(d.path() / "one/summary.json");
  ASSERT_EQ(s["workload"]["layers"].size(), 1u);
  EXPECT_EQ(s["workload"]["layers"][0]["name"], "resnet50/conv1");
}

// One test per user-facing error: exit code 1 (CLI11's own checks: 105/106/108) and a message
// naming the culprit.
TEST(DseCli, Errors) {
  test::TempDir d;
  const std::string vgg = quoted_example("networks/vgg16.m");
  const std::string base = " --pes 64 --bw 8 --out out";
  struct Case {
    std::string args;
    std::string message;
  };
  test::write_file(d.path() / "junk.sqlite", std::string(4096, 'j'));
  const std::vector<Case> cases = {
      {"dse" + base, "give the layers to explore"},
      {"dse --workload resnet50" + base, "choose them with --dataflow"},
      {"dse --workload no_such_model --dataflow kcp_ws" + base, "no_such_model"},
      {"dse --workload resnet50 --dataflow kcp_ws --layer nope" + base,
       "no MAC layer named 'nope'"},
      {"dse --mapping " + vgg + " --workload " + vgg + base, "not both"},
      {"dse --mapping missing.m" + base, "missing.m"},
      {"dse --mapping " + vgg + " --layer CONV99 --dataflow kcp_ws" + base,
       "no layer named 'CONV99'"},
      {"dse --mapping " + vgg + base, "has no Dataflow block; choose dataflows with --dataflow"},
      {"dse --mapping " + vgg + " --dataflow nope" + base, "nope"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --pes 8:4 --bw 8 --out out", "--pes"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --l1 12Q" + base, "--l1"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --map-size Y=1:2" + base,
       "sliding windows cannot be swept"},
      // The library names the value (map_sizes Y, pareto_axes, objective); the CLI its flag.
      {"dse --mapping " + vgg + " --dataflow kcp_ws --map-size Y=1:2" + base, "--map-size Y:"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --pareto latency" + base, "--pareto:"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --objective speed" + base, "--objective:"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --noc-latency=-1" + base, "--noc-latency:"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --map-size Z=1:2" + base, "is not a dimension"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --objective speed" + base, "unknown objective"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --pareto latency" + base, "2 to 4 axes"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --designs xml" + base, "choose csv, json"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --compat zigzag" + base,
       "only one is 'maestro'"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --precision-bits 0" + base, "--precision-bits"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --technology nope.yaml" + base, "nope.yaml"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --store junk.sqlite" + base,
       "not a usable mosaic result store"},
      {"dse --mapping " + vgg + " --dataflow kcp_ws --pes 64 --bw 8 --out /proc/mosaic-dse",
       "cannot create the output directory"},
  };
  for (const auto& c : cases) {
    const auto r = run_mosaic(c.args + " --quiet", d.path());
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
  }
  // CLI11's own checks.
  auto r = run_mosaic("dse --mapping " + vgg + " --dataflow kcp_ws --area-mm2 0" + base, d.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--area-mm2"), std::string::npos) << r.err;
  r = run_mosaic("dse --mapping " + vgg + " --dataflow kcp_ws --out out", d.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--pes"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mosaic

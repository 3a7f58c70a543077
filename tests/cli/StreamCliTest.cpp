// mosaic stream end to end: outputs on a Stream tutorial lab, and one clear error (non-zero
// exit, no output written) for each kind of bad input.
#include <algorithm>

#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "../outputs/HeadlessChromium.h"
#include "TestSupport.h"

namespace mosaic::test {
namespace {

namespace fs = std::filesystem;

std::string lab1(const std::string& rel) {
  return (shared_dir() / "reference/stream/tutorial/lab1/inputs" / rel).string();
}

// A copy of lab1's inputs in `dir` that a test may edit.
void copy_lab1(const fs::path& dir) {
  fs::copy(shared_dir() / "reference/stream/tutorial/lab1/inputs", dir,
           fs::copy_options::recursive);
}

std::string args(const fs::path& in, const fs::path& out) {
  return "stream --accelerator '" + (in / "hardware/hda_bus.yaml").string() + "' --workload '" +
         (in / "workload/4_convs.onnx").string() + "' --mapping '" +
         (in / "mapping/mapping.yaml").string() + "' --out '" + out.string() + "' --quiet";
}

TEST(StreamCli, Lab1WritesSummaryScheduleAndTrace) {
  MOSAIC_REQUIRE_SHARED();
  TempDir tmp;
  const auto r =
      run_mosaic(args(shared_dir() / "reference/stream/tutorial/lab1/inputs", tmp.path() / "o"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = nlohmann::json::parse(read_file(tmp.path() / "o/summary.json"));
  EXPECT_NEAR(s["energy_pj"].get<double>(), 6143532, 6143532 * 1e-6);
  EXPECT_EQ(s["cns"], 4);
  EXPECT_EQ(s["edges"], 3);
  EXPECT_EQ(s["allocation"][3]["cores"][0], 0);
  const auto sch = nlohmann::json::parse(read_file(tmp.path() / "o/schedule.json"));
  ASSERT_EQ(sch["cns"].size(), 4u);
  EXPECT_EQ(sch["cns"][1]["core"], 1);
  EXPECT_DOUBLE_EQ(sch["cns"][1]["start"].get<double>(), sch["cns"][0]["end"].get<double>());
  const auto tr = nlohmann::json::parse(read_file(tmp.path() / "o/trace.json"));
  int complete = 0;
  for (const auto& e : tr["traceEvents"])
    if (e["ph"] == "X" && e["cat"] == "cn") ++complete;
  EXPECT_EQ(complete, 4);
}

TEST(StreamCliSlow, ReportRendersInHeadlessChromium) {
  MOSAIC_REQUIRE_SHARED();
  const auto browser = find_chromium();
  if (!browser) GTEST_SKIP() << "chromium is not installed";
  TempDir tmp;
  const auto r =
      run_mosaic(args(shared_dir() / "reference/stream/tutorial/lab1/inputs", tmp.path() / "o"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto page = load_in_chromium(*browser, tmp.path() / "o/report.html");
  ASSERT_EQ(page.exit_code, 0);
  EXPECT_EQ(body_attribute(page.dom, "data-charts"), "3");
  if (body_attribute(page.dom, "data-charts-missing") == "true")
    GTEST_SKIP() << "the chart bundles are not installed (scripts/setup.sh)";
  EXPECT_EQ(body_attribute(page.dom, "data-charts-rendered"), "3");
  EXPECT_EQ(body_attribute(page.dom, "data-chart-errors"), "0");
  EXPECT_TRUE(page.console.empty()) << page.console.front();
}

struct BadCase {
  const char* file;
  const char* from;
  const char* to;
  const char* message;
};

TEST(StreamCli, BadInputsGiveOneClearMessage) {
  MOSAIC_REQUIRE_SHARED();
  const BadCase cases[] = {
      {"mapping/mapping.yaml", "core_allocation: [1]", "core_allocation: [7]",
       "core 7 does not exist"},
      {"hardware/hda_bus.yaml", "cores: [0, 1, 2]", "cores: [0, 1, 9]", "core 9 does not exist"},
      {"mapping/mapping.yaml",
       "- name: Layer1\n  core_allocation: [1]\n  intra_core_tiling:\n    - OY, all",
       "- name: Layer1\n  core_allocation: [1]\n  intra_core_tiling:\n    - QQ, all",
       "has no dimension QQ"},
      {"hardware/cores/offchip.yaml", "size: 4294967296", "size: 2000", "can never fit"},
      {"hardware/hda_bus.yaml", "unit_energy_cost: 0 ",
       "core_memory_sharing: [{cores: [0, 1], memory: no_such_sram}]\nunit_energy_cost: 0 ",
       "has no top memory 'no_such_sram'"},
  };
  for (const auto& c : cases) {
    TempDir tmp;
    copy_lab1(tmp.path() / "in");
    const auto f = tmp.path() / "in" / c.file;
    std::string text = read_file(f);
    const auto pos = text.find(c.from);
    ASSERT_NE(pos, std::string::npos) << c.from;
    text.replace(pos, std::string(c.from).size(), c.to);
    write_file(f, text);
    std::string extra;
    if (std::string(c.message) == "can never fit") extra = " --mode fused";
    const auto r = run_mosaic(args(tmp.path() / "in", tmp.path() / "o") + extra);
    EXPECT_NE(r.exit_code, 0) << c.message;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    // One message: a single line naming the file.
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(tmp.path() / "o")) << c.message;
  }
}

TEST(StreamCli, CyclicWorkloadIsAnError) {
  TempDir tmp;
  write_file(tmp.path() / "w.yaml", R"(- id: 0
  name: a
  operator_type: Conv
  equation: O[k]+=W[k][c]*I[c]
  loop_dims: [K, C]
  loop_sizes: [4, 4]
  operand_precision: {W: 8, I: 8, O: 16, O_final: 8}
  operand_source: {I: 1}
- id: 1
  name: b
  operator_type: Conv
  equation: O[k]+=W[k][c]*I[c]
  loop_dims: [K, C]
  loop_sizes: [4, 4]
  operand_precision: {W: 8, I: 8, O: 16, O_final: 8}
  operand_source: {I: 0}
)");
  if (!have_shared()) GTEST_SKIP() << "../shared is absent";
  const auto r =
      run_mosaic("stream --accelerator '" + lab1("hardware/hda_bus.yaml") + "' --workload '" +
                 (tmp.path() / "w.yaml").string() + "' --mapping '" + lab1("mapping/mapping.yaml") +
                 "' --out '" + (tmp.path() / "o").string() + "' --quiet");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("cyclic"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "o"));
}

// The GA's additions from the command line (docs/stream.md, "GA"): lab3 fused, seed 3. Stream's
// GA alone (--random-init --polish 0) ends at 25,614 cycles; the default (informed individuals,
// polish) at 24,153; a negative polish budget is refused before anything runs.
TEST(StreamCli, GaPolishAndRandomInitFlags) {
  MOSAIC_REQUIRE_SHARED();
  const auto in = shared_dir() / "reference/stream/tutorial/lab3/inputs";
  TempDir tmp;
  const std::string ga = " --mode fused --allocation ga --seed 3";
  const auto d = run_mosaic(args(in, tmp.path() / "d") + ga);
  ASSERT_EQ(d.exit_code, 0) << d.err;
  const auto sd = nlohmann::json::parse(read_file(tmp.path() / "d/summary.json"));
  EXPECT_DOUBLE_EQ(sd["latency_cycles"].get<double>(), 24153);
  EXPECT_GT(sd["search"]["polish"]["schedules"].get<int>(), 0);
  EXPECT_LE(sd["search"]["polish"]["schedules"].get<int>(), 100);
  const auto s = run_mosaic(args(in, tmp.path() / "s") + ga + " --random-init --polish 0");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const auto ss = nlohmann::json::parse(read_file(tmp.path() / "s/summary.json"));
  EXPECT_DOUBLE_EQ(ss["latency_cycles"].get<double>(), 25614);
  EXPECT_EQ(ss["search"]["polish"]["moves"], 0);
  EXPECT_EQ(ss["search"]["polish"]["schedules"], 0);
  const auto bad = run_mosaic(args(in, tmp.path() / "b") + ga + " --polish -1");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--polish"), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "b"));
}

// `--allocation exhaustive` on lab3 fused (3^4 = 81 allocations, scheduled in batches): the
// same numbers as the single batch it used to be (docs/stream.md: the optimum, Layer0 on core 1,
// the rest on core 2, 21,365 cycles; a front of 4), with a progress line and an ETA on stderr
// (after the first batch of 16, and at the end), none with --quiet.
TEST(StreamCli, ExhaustiveInBatchesShowsProgressAndKeepsTheNumbers) {
  MOSAIC_REQUIRE_SHARED();
  const auto in = shared_dir() / "reference/stream/tutorial/lab3/inputs";
  TempDir tmp;
  const std::string ex = " --mode fused --allocation exhaustive --threads 2";
  std::string loud = args(in, tmp.path() / "l") + ex;
  loud = loud.substr(0, loud.rfind(" --quiet")) + ex;
  const auto l = run_mosaic(loud);
  ASSERT_EQ(l.exit_code, 0) << l.err;
  EXPECT_NE(l.err.find("stream: exhaustive allocations: 16/81 (20%) "), std::string::npos) << l.err;
  EXPECT_NE(l.err.find(", ETA "), std::string::npos) << l.err;
  EXPECT_NE(l.err.find("stream: exhaustive allocations: 81/81 (100%) "), std::string::npos)
      << l.err;
  EXPECT_NE(l.err.find("; best latency 21365 cycles, front of 4"), std::string::npos) << l.err;
  EXPECT_EQ(l.err.find("interrupted"), std::string::npos) << l.err;
  EXPECT_NE(l.out.find("latency 21365 cycles, energy 2826895.6480000024 pJ, 224 CNs, 718 edges, "
                       "allocation exhaustive\n"),
            std::string::npos)
      << l.out;
  const auto s = nlohmann::json::parse(read_file(tmp.path() / "l/summary.json"));
  EXPECT_DOUBLE_EQ(s["latency_cycles"].get<double>(), 21365);
  EXPECT_EQ(s["partial"], false);
  EXPECT_EQ(s["search"]["schedules_evaluated"], 82);  // 81, then the best with details
  EXPECT_EQ(s["search"]["allocations"]["scheduled"], 81);
  const std::vector<std::vector<int>> front = {
      {1, 2, 2, 2}, {2, 2, 1, 1}, {2, 1, 1, 1}, {1, 1, 1, 1}};
  const std::vector<double> front_cycles = {21365, 24153, 25614, 30064};
  ASSERT_EQ(s["search"]["pareto"].size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(s["search"]["pareto"][i]["cores"].get<std::vector<int>>(), front[i]);
    EXPECT_DOUBLE_EQ(s["search"]["pareto"][i]["latency_cycles"].get<double>(), front_cycles[i]);
  }
  const auto q = run_mosaic(args(in, tmp.path() / "q") + ex);
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.err, "");
  const auto sq = nlohmann::json::parse(read_file(tmp.path() / "q/summary.json"));
  EXPECT_EQ(sq["search"]["pareto"], s["search"]["pareto"]);
}

// `--allocation milp` on lab3 fused through CBC's C++ API and its event handler: the numbers of
// the C interface it replaced (docs/stream.md: optimal core load 13,440 cycles, scheduled in
// 39,208), a line before and after the solve on stderr, not partial.
TEST(StreamCli, MilpShowsCbcProgressAndKeepsTheNumbers) {
  MOSAIC_REQUIRE_SHARED();
  const auto in = shared_dir() / "reference/stream/tutorial/lab3/inputs";
  TempDir tmp;
  std::string cmd = args(in, tmp.path() / "m");
  cmd = cmd.substr(0, cmd.rfind(" --quiet")) + " --mode fused --allocation milp";
  const auto r = run_mosaic(cmd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(
      r.err.find("stream: MILP (CBC): 4 genes, 4 cores, 13 columns, 7 rows; time limit 60 s\n"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("stream: MILP (CBC): optimal in "), std::string::npos) << r.err;
  const auto s = nlohmann::json::parse(read_file(tmp.path() / "m/summary.json"));
  EXPECT_DOUBLE_EQ(s["latency_cycles"].get<double>(), 39208);
  EXPECT_EQ(s["partial"], false);
  EXPECT_EQ(s["search"]["milp"]["optimal"], true);
  EXPECT_EQ(s["search"]["milp"]["from_cbc"], true);
  EXPECT_DOUBLE_EQ(s["search"]["milp"]["objective_cycles"].get<double>(), 13440);
  EXPECT_DOUBLE_EQ(s["search"]["milp"]["bound_cycles"].get<double>(), 13440);
}

}  // namespace
}  // namespace mosaic::test

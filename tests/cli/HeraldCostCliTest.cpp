// mosaic herald --cost directive|loopnest: the loop-nest analysis feeds Herald's sweep on a fixed
// design whose cores have a memory hierarchy, with the numbers `mosaic schedule --cost loopnest`
// gives on the same core; the default stays the directive analysis, its output unchanged.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

const std::filesystem::path kNet = "examples/networks/tiny_mapping.m";
const std::filesystem::path kHw = "tests/data/zigzag_small_hw.yaml";
const std::filesystem::path kMapping = "tests/data/zigzag_small_mapping.yaml";

std::string quoted(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

// One core with both views: the ZigZag file's 4x4 array (16 PEs), its mapping; the global
// buffer is the hierarchy's largest on-chip memory (buffer_16KB: 131072 bits = 16384 bytes), as
// `mosaic schedule` budgets it.
std::filesystem::path write_accelerator(const TempDir& tmp, bool with_hw = true) {
  const auto path = tmp.path() / "acc.yaml";
  std::string core = "  - {name: zz, dataflow: kcp_ws, noc_gbps: 32";
  core += with_hw ? ", hw: " + (source_dir() / kHw).string() +
                        ", mapping: " + (source_dir() / kMapping).string() + "}\n"
                  : ", pes: 16}\n";
  write_file(path, "name: zz\nglobal_buffer_bytes: 16384\ndram_gbps: 32\ncores:\n" + core);
  return path;
}

nlohmann::json herald(const TempDir& tmp, const std::string& extra, const std::string& dir) {
  const auto out = tmp.path() / dir;
  const auto r = run_mosaic("herald --workload " + quoted(source_dir() / kNet) +
                            " --objective latency --threads 1 --no-store --quiet --out " +
                            quoted(out) + " " + extra);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return {};
  auto j = nlohmann::json::parse(read_file(out / "summary.json"));
  j["schedule"] = nlohmann::json::parse(read_file(out / "schedule.json"));
  return j;
}

TEST(HeraldCostCli, LoopNestEqualsScheduleOnTheSameCore) {
  TempDir tmp;
  const auto acc = write_accelerator(tmp);
  const nlohmann::json h = herald(tmp, "--accelerator " + quoted(acc) + " --cost loopnest", "h");
  ASSERT_FALSE(h.is_null());
  const auto sched_json = tmp.path() / "schedule.json";
  const auto s =
      run_mosaic("schedule --workload " + quoted(source_dir() / kNet) + " --hw " +
                 quoted(source_dir() / kHw) + " --mapping " + quoted(source_dir() / kMapping) +
                 " --cost loopnest --objective latency --quiet --json " + quoted(sched_json));
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const auto sj = nlohmann::json::parse(read_file(sched_json));
  // The same schedule: latency, energy, and every layer's start and end.
  EXPECT_EQ(h["best"]["latency_cycles"].get<double>(), sj["latency_cycles"].get<double>());
  EXPECT_NEAR(h["best"]["energy_j"].get<double>() * 1e12, sj["energy_pj"].get<double>(),
              1e-9 * sj["energy_pj"].get<double>());
  const auto& recs = h["schedule"]["records"];
  ASSERT_EQ(recs.size(), sj["layers"].size());
  for (std::size_t i = 0; i < recs.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(recs[i]["start_cycle"].get<double>(), sj["layers"][i]["start"].get<double>());
    EXPECT_EQ(recs[i]["end_cycle"].get<double>(), sj["layers"][i]["end"].get<double>());
  }
  EXPECT_GT(sj["latency_cycles"].get<double>(), 0);
  // The cost mode names the analysis and the core's files; no baselines.
  const auto& cm = h["cost_mode"];
  EXPECT_EQ(cm["analysis"], "loopnest");
  ASSERT_EQ(cm["cores"].size(), 1U);
  EXPECT_EQ(cm["cores"][0]["hw"], (source_dir() / kHw).string());
  EXPECT_TRUE(h["baselines"]["fda"].is_null()) << h["baselines"];
  // The directive analysis on the same file differs (another model of the same core).
  const nlohmann::json d = herald(tmp, "--accelerator " + quoted(acc) + " --no-baselines", "d");
  ASSERT_FALSE(d.is_null());
  EXPECT_NE(d["best"]["latency_cycles"].get<double>(), h["best"]["latency_cycles"].get<double>());
}

// `--cost directive` is the default, and its summary has the cost mode it had before the choice
// existed (no `analysis` key).
TEST(HeraldCostCli, DirectiveIsTheUnchangedDefault) {
  TempDir tmp;
  const std::string run = "--accelerator " + quoted(write_accelerator(tmp));
  nlohmann::json a = herald(tmp, run, "a");
  nlohmann::json b = herald(tmp, run + " --cost directive", "b");
  ASSERT_FALSE(a.is_null());
  ASSERT_FALSE(b.is_null());
  EXPECT_FALSE(a["cost_mode"].contains("analysis"));
  EXPECT_EQ(a["cost_mode"]["cost_model"], "subaccelerator");
  for (auto* j : {&a, &b}) (*j).erase("search");  // timings
  EXPECT_EQ(a, b);
}

TEST(HeraldCostCli, LoopNestSaysWhereItDoesNotApply) {
  TempDir tmp;
  const std::string base = "herald --workload " + quoted(source_dir() / kNet) +
                           " --no-store --quiet --out " + quoted(tmp.path() / "x");
  // A searched class: its cores have no memory hierarchy.
  auto r = run_mosaic(base + " --cost loopnest");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--cost"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("memory hierarchy"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--accelerator"), std::string::npos) << r.err;
  // A fixed design whose core names no hardware file.
  r = run_mosaic(base + " --cost loopnest --accelerator " + quoted(write_accelerator(tmp, false)));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("core 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hw:"), std::string::npos) << r.err;
  // An unknown analysis.
  r = run_mosaic(base + " --cost maestro");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("directive or loopnest"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mosaic::test

// mosaic schedule: the same workload, core and scheduler with either cost analysis.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

std::string args(const std::string& cost, const std::filesystem::path& json) {
  return "schedule --workload '" + (source_dir() / "examples/networks/tiny_mapping.m").string() +
         "' --hw '" + (source_dir() / "tests/data/zigzag_small_hw.yaml").string() +
         "' --mapping '" + (source_dir() / "tests/data/zigzag_small_mapping.yaml").string() +
         "' --cost " + cost + " --json '" + json.string() + "'";
}

TEST(ScheduleCli, EitherCostAnalysisFeedsTheScheduler) {
  TempDir tmp;
  std::vector<nlohmann::json> runs;
  for (const std::string cost : {"directive", "loopnest"}) {
    const auto out = tmp.path() / (cost + ".json");
    const auto r = run_mosaic(args(cost, out));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(cost + " analysis"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("schedule: latency"), std::string::npos) << r.out;
    runs.push_back(nlohmann::json::parse(read_file(out)));
    EXPECT_EQ(runs.back()["cost"], cost);
  }
  ASSERT_EQ(runs[0]["layers"].size(), 2U);
  ASSERT_EQ(runs[1]["layers"].size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& d = runs[0]["layers"][i];
    const auto& l = runs[1]["layers"][i];
    EXPECT_EQ(d["name"], l["name"]);
    EXPECT_GT(d["cycles"].get<double>(), 0);
    // One core: each layer runs for its cost, one after the other.
    for (const auto* run : {&runs[0], &runs[1]}) {
      const auto& x = (*run)["layers"][i];
      EXPECT_GE(x["end"].get<double>() - x["start"].get<double>(), x["cycles"].get<double>());
    }
  }
  // Two analyses, two models: the schedules differ.
  EXPECT_NE(runs[0]["latency_cycles"].get<double>(), runs[1]["latency_cycles"].get<double>());
}

TEST(ScheduleCli, UnknownCostAnalysisNamesTheFlag) {
  TempDir tmp;
  const auto r = run_mosaic(args("maestro", tmp.path() / "x.json"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--cost"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("directive or loopnest"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mosaic::test

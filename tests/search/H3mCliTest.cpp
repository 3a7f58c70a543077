#include <gtest/gtest.h>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "outputs/HeadlessChromium.h"

namespace mosaic {
namespace {

TEST(H3mReportSlow, ReportRendersInHeadlessChromium) {
  const auto browser = test::find_chromium();
  if (!browser) GTEST_SKIP() << "chromium is not installed";
  test::TempDir d;
  const auto r = test::run_mosaic(
      "h3m --workload mobilenet_v1 --search random --evaluations 100 --granularities B512,B4096 "
      "--max-sub-accelerators 2 --quiet --out '" +
      d.path().string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (r.err.find("report.html has no charts") != std::string::npos)
    GTEST_SKIP() << "the chart bundles are not installed (scripts/setup.sh)";
  const auto page = test::load_in_chromium(*browser, d.path() / "report.html");
  ASSERT_EQ(page.exit_code, 0);
  EXPECT_EQ(test::body_attribute(page.dom, "data-charts"), "2");
  EXPECT_EQ(test::body_attribute(page.dom, "data-charts-rendered"), "2");
  EXPECT_EQ(test::body_attribute(page.dom, "data-chart-errors"), "0");
  const std::string html = test::read_file(d.path() / "report.html");
  for (const char* title : {"Convergence (best EDP so far)", "Schedule of the best design",
                            "homogeneous", "fixed_granularity_hda"})
    EXPECT_NE(html.find(title), std::string::npos) << title;
}

// Ctrl-C during the search stops it and writes the best design so far.
TEST(H3mCli, InterruptKeepsTheBest) {
  test::TempDir d;
  const std::string err = (d.path() / "err").string();
  const std::string cmd =
      "'" + test::mosaic_binary().string() +
      "' h3m --workload mobilenet_v1 --search random --evaluations 1000000 --no-baselines "
      "--granularities B512,B4096 "
      "--threads 1 --out '" +
      d.path().string() + "' >/dev/null 2> '" + err +
      "' & pid=$!; for i in $(seq 1 1200); do grep -q 'h3m h3m (random): [1-9]' '" + err +
      "' && break; sleep 0.1; done; kill -INT $pid; wait $pid; echo rc=$? > '" +
      (d.path() / "rc").string() + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string rc = test::read_file(d.path() / "rc");
  EXPECT_NE(rc.find("rc=130"), std::string::npos) << rc << test::read_file(d.path() / "err");
  const auto s = nlohmann::json::parse(test::read_file(d.path() / "summary.json"));
  EXPECT_TRUE(s["search"]["interrupted"].get<bool>());
  EXPECT_GT(s["best"]["edp"].get<double>(), 0);
  EXPECT_LT(s["search"]["evaluations"].get<std::int64_t>(), 1000000);
}

// A platform whose budget fits no core: one message naming the platform, not a crash.
TEST(H3mCli, BudgetThatFitsNoCore) {
  test::TempDir d;
  const auto yaml = d.path() / "tiny.yaml";
  {
    std::FILE* f = std::fopen(yaml.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("name: tiny\nlut: 100000\nbram36k: 20\ndsp: 50\ndram_gbps: 10\n", f);
    std::fclose(f);
  }
  const auto r = test::run_mosaic("h3m --workload alexnet --platform '" + yaml.string() +
                                  "' --quiet --out '" + d.path().string() + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("fits no core"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tiny"), std::string::npos) << r.err;
  std::FILE* f = std::fopen(yaml.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("name: tiny\nluts: 100000\n", f);
  std::fclose(f);
  const auto bad = test::run_mosaic("h3m --workload alexnet --platform '" + yaml.string() +
                                    "' --quiet --out '" + d.path().string() + "'");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("luts"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find(":2"), std::string::npos) << bad.err;  // the line
}

// Per-access energies come from a technology file when given: a dearer MAC costs more energy.
TEST(H3mCli, TechnologyFileChangesTheEnergy) {
  test::TempDir d;
  const auto tech = d.path() / "tech.yaml";
  {
    std::FILE* f = std::fopen(tech.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("mac_pj: 0.5\n", f);
    std::fclose(f);
  }
  const std::string args =
      "h3m --workload alexnet --search random --evaluations 50 --granularities B4096 "
      "--max-sub-accelerators 1 --no-baselines --quiet --out '";
  const auto a = test::run_mosaic(args + (d.path() / "a").string() + "'");
  const auto b =
      test::run_mosaic(args + (d.path() / "b").string() + "' --technology '" + tech.string() + "'");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const auto ja = nlohmann::json::parse(test::read_file(d.path() / "a" / "summary.json"));
  const auto jb = nlohmann::json::parse(test::read_file(d.path() / "b" / "summary.json"));
  EXPECT_GT(jb["best"]["energy_j"].get<double>(), ja["best"]["energy_j"].get<double>());
}

}  // namespace
}  // namespace mosaic

// A Herald sweep interrupted (deterministically: --stop-after-chunks raises SIGINT once that many
// chunks are stored, as a Ctrl-C there would) and resumed by the same command gives the same
// summary, Pareto set and schedule as an uninterrupted run.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace mosaic::search {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json summary_without_timing(const fs::path& dir) {
  json s = json::parse(test::read_file(dir / "summary.json"));
  s.erase("search");  // wall time, threads, chunk counts
  return s;
}

TEST(HeraldResumeSlow, InterruptedAndResumedEqualsUninterrupted) {
  test::TempDir d;
  const std::string args =
      "herald --workload arvr-a --class cloud --styles 'nvdla,shi' --granularity 16 "
      "--search exhaustive --threads 1 --quiet --out ";
  auto r = test::run_mosaic(args + "clean --no-store", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;

  r = test::run_mosaic(args + "resumed --stop-after-chunks 8", d.path());
  EXPECT_EQ(r.exit_code, 130) << r.err;  // as after Ctrl-C: finished chunks kept
  ASSERT_TRUE(fs::exists(d.path() / "resumed/herald.sqlite"));

  r = test::run_mosaic(args + "resumed", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.err, m, std::regex("herald: resumed: (\\d+) chunks read from the store, (\\d+) computed")))
      << r.err;
  EXPECT_EQ(std::stoi(m[1]), 8);  // the first run's wave of 8 chunks (one thread)
  EXPECT_GT(std::stoi(m[2]), 0);

  EXPECT_EQ(summary_without_timing(d.path() / "clean"),
            summary_without_timing(d.path() / "resumed"));
  for (const char* f : {"pareto.csv", "schedule.json"})
    EXPECT_EQ(test::read_file(d.path() / "clean" / f), test::read_file(d.path() / "resumed" / f))
        << f;
}

}  // namespace
}  // namespace mosaic::search

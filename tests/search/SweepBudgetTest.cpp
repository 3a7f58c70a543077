// The size of a sweep is estimated before it starts (search/SweepBudget.h): what will not fit in
// memory or would run longer than the limit is refused, with the numbers and a suggestion,
// unless --allow-large confirms it. One helper and one flag for herald, dse and h3m.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "TestSupport.h"
#include "common/Error.h"
#include "search/Progress.h"
#include "search/SweepBudget.h"

namespace mosaic::search {
namespace {

TEST(SweepBudget, Binomial) {
  EXPECT_EQ(binomial(15, 1), 15);
  EXPECT_EQ(binomial(15, 2), 105);
  EXPECT_EQ(binomial(4095, 2), 8382465);  // a 3-core style at granularity 4096
  EXPECT_EQ(binomial(3, 4), 0);
  EXPECT_EQ(binomial(3, -1), 0);
}

TEST(SweepBudget, Formats) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1.5 * 1024 * 1024 * 1024), "1.5 GB");
  EXPECT_EQ(format_duration(45), "45 s");
  EXPECT_EQ(format_duration(600), "10 min");
  EXPECT_EQ(format_duration(3 * 3600), "3.0 h");
  EXPECT_EQ(format_duration(3 * 86400), "3.0 days");
}

TEST(ProgressLine, EtaFromTheAverageRate) {
  EXPECT_EQ(progress_line("map: layers", 4.0, 3, 54), "map: layers: 3/54 (6%) 4.0 s, ETA 68 s");
  EXPECT_EQ(progress_line("x", 8.0, 10, 100), "x: 10/100 (10%) 8.0 s, ETA 72 s");
  EXPECT_EQ(progress_line("x", 60.0, 10, 100), "x: 10/100 (10%) 60.0 s, ETA 9 min");
  EXPECT_EQ(progress_line("x", 5.0, 1, 1000), "x: 1/1000 (0%) 5.0 s");  // below 1 %: no ETA
  EXPECT_EQ(progress_line("x", 5.0, 0, 10), "x: 0/10 (0%) 5.0 s");
  EXPECT_EQ(progress_line("x", 5.0, 10, 10), "x: 10/10 (100%) 5.0 s");
}

TEST(SweepBudget, RefusesWithNumbersUnlessAllowed) {
  SweepEstimate e;
  e.what = "design points";
  e.points = 2e9;
  e.bytes = 4.0 * 1024 * 1024 * 1024;  // 4 GB
  e.seconds = 7200;
  e.suggestion = "sweep fewer values";
  SweepLimits l;
  l.memory_bytes = 1024.0 * 1024 * 1024;  // 1 GB
  l.seconds = 3600;
  try {
    check_sweep(e, l, false, "--pes");
    FAIL() << "not refused";
  } catch (const UserError& err) {
    EXPECT_EQ(std::string(err.what()),
              "--pes: the sweep has 2e+09 design points: about 4.0 GB of memory (1.0 GB "
              "available) and at least 2.0 h (limit 60 min); sweep fewer values, or add "
              "--allow-large to run it anyway");
  }
  EXPECT_NO_THROW(check_sweep(e, l, true, "--pes"));  // confirmed
  e.bytes = 1024;
  e.seconds = 10;
  EXPECT_NO_THROW(check_sweep(e, l, false, "--pes"));  // fits
  e.seconds = 4000;                                    // only too long
  try {
    check_sweep(e, l, false, "--pes");
    FAIL() << "not refused";
  } catch (const UserError& err) {
    EXPECT_NE(std::string(err.what()).find(": at least 67 min (limit 60 min)"), std::string::npos)
        << err.what();
  }
}

// 3 cores at 1/4096 of the class: C(4095, 2)^2 = 7.03e13 PE x bandwidth partitions, whatever
// the machine (petabytes, years). Refused before anything is allocated, exit 1.
TEST(SweepBudgetCli, HeraldHugeGranularityRefused) {
  test::TempDir d;
  const auto r = test::run_mosaic(
      "herald --workload arvr-a --styles 'nvdla,shi,eyeriss' --granularity 4096 --threads 2 "
      "--no-store --quiet --out out",
      d.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--granularity: the sweep has 7.027e+13 herald design points: about "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("PB of memory"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lower --granularity (now 4096)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("or add --allow-large to run it anyway"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d.path() / "out"));  // refused before --out is made
}

TEST(SweepBudgetCli, HeraldHugeSamplesRefused) {
  test::TempDir d;
  const auto r = test::run_mosaic(
      "herald --workload arvr-a --search random --samples 1000000000 --threads 2 --no-store "
      "--quiet --out out",
      d.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--samples: the sweep has 1e+09 herald design points"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("lower --samples, or add --allow-large"), std::string::npos) << r.err;
}

// A small sweep over a (test-set) time limit of a nanosecond: refused; confirmed: runs.
TEST(SweepBudgetCli, HeraldTimeLimitAndConfirmation) {
  test::TempDir d;
  const std::string args =
      "herald --workload arvr-a --styles 'nvdla,shi' --granularity 2 --no-baselines --threads 1 "
      "--no-store --quiet --out out";
  ::setenv("MOSAIC_SWEEP_LIMIT_SECONDS", "1e-9", 1);  // inherited by the mosaic process
  auto r = test::run_mosaic(args, d.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("the sweep has 1 herald design points: at least 0 s (limit 0 s)"),
            std::string::npos)
      << r.err;
  r = test::run_mosaic(args + " --allow-large", d.path());
  ::unsetenv("MOSAIC_SWEEP_LIMIT_SECONDS");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// 10^6 x 10^6 designs: 10^12, at 20 M designs a second per thread at least 6.9 h on 2 threads.
TEST(SweepBudgetCli, DseHugeSweepRefused) {
  test::TempDir d;
  const auto r = test::run_mosaic(
      "dse --mapping '" + (test::source_dir() / "examples/networks/vgg16.m").string() +
          "' --layer CONV11 --dataflow kcp_ws --pes 1:1000000 --bw 1:1000000 --threads 2 "
          "--out out --quiet",
      d.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("sweep: the sweep has 1e+12 design points: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("at least 6.9 h (limit 60 min); sweep fewer values"), std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(d.path() / "out"));  // refused before writing anything
}

// 10^9 evaluations of the vision set (285 layers) and its three baselines: at 1.5 M
// layer-evaluations a second per thread, at least 4.4 days on 2 threads.
TEST(SweepBudgetCli, H3mHugeBudgetRefused) {
  test::TempDir d;
  const auto r = test::run_mosaic(
      "h3m --workload vision --search random --evaluations 1000000000 --threads 2 --quiet --out "
      "out",
      d.path());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--evaluations: the sweep has 4e+09 h3m design evaluations: at least "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("lower --evaluations"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d.path() / "out"));  // refused before --out is made
}

// A refused sweep leaves nothing behind: the estimate runs before --out is created or locked
// (no empty directory, no .mosaic.lock, no herald.sqlite). Herald with its store, h3m.
TEST(SweepBudgetCli, RefusedSweepLeavesNoOutDirectory) {
  test::TempDir d;
  ::setenv("MOSAIC_SWEEP_LIMIT_SECONDS", "1e-9", 1);  // inherited by the mosaic process
  const auto h = test::run_mosaic(
      "herald --workload arvr-a --styles 'nvdla,shi' --granularity 2 --no-baselines --threads 1 "
      "--quiet --out out/herald",
      d.path());
  const auto m = test::run_mosaic(
      "h3m --workload vision --search random --evaluations 10 --threads 1 --quiet --out out/h3m",
      d.path());
  ::unsetenv("MOSAIC_SWEEP_LIMIT_SECONDS");
  EXPECT_EQ(h.exit_code, 1) << h.err;
  EXPECT_NE(h.err.find("--granularity: the sweep has 1 herald design points: at least 0 s "
                       "(limit 0 s); lower --granularity (now 2)"),
            std::string::npos)
      << h.err;
  EXPECT_EQ(m.exit_code, 1) << m.err;
  // 10 random evaluations and 3 baselines of 10 each: 40.
  EXPECT_NE(m.err.find("--evaluations: the sweep has 40 h3m design evaluations: at least "),
            std::string::npos)
      << m.err;
  EXPECT_NE(m.err.find("or add --allow-large to run it anyway"), std::string::npos) << m.err;
  EXPECT_FALSE(std::filesystem::exists(d.path() / "out"));
}

}  // namespace
}  // namespace mosaic::search

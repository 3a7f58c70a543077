// `map`, `memsize` and `stream` estimate their search before it starts (search/MappingBudget.h,
// search/StreamPipeline.h stream_estimate) and refuse, with the numbers and a suggestion, what
// would run longer than the limit unless --allow-large confirms it; their progress lines carry
// an ETA (docs/resources.md). The time limit is set to a nanosecond (MOSAIC_SWEEP_LIMIT_SECONDS)
// so that small, fast inputs are refused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

namespace fs = std::filesystem;

std::string quoted_fixture(const char* name) {
  return "'" + (source_dir() / "tests/data" / name).string() + "'";
}

std::string map_args() {
  return "map --workload " + quoted_fixture("zigzag_small_workload.yaml") + " --hw " +
         quoted_fixture("zigzag_small_hw.yaml") + " --mapping " +
         quoted_fixture("zigzag_small_mapping.yaml") + " --threads 1";
}

// Runs `args` with the time limit at a nanosecond.
RunResult run_limited(const std::string& args, const fs::path& cwd = {}) {
  ::setenv("MOSAIC_SWEEP_LIMIT_SECONDS", "1e-9", 1);  // inherited by the mosaic process
  auto r = run_mosaic(args, cwd);
  ::unsetenv("MOSAIC_SWEEP_LIMIT_SECONDS");
  return r;
}

// The five small layers' loop orders at --lpf-limit 6: 720 + 720 + 360 + 12 + 180 = 1,992 (e.g.
// `add`: G 16 over 4 columns leaves G 2 x 2, OY 3, OX 3: 4! / 2! = 12 orders; six distinct
// factors: 6! = 720). Refused; with --allow-large it runs, and LOMA visits exactly the orders
// counted.
TEST(MappingBudgetCli, MapRefusedThenConfirmed) {
  TempDir d;
  const auto r = run_limited(map_args() + " --quiet");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--lpf-limit: the sweep has 1992 loop orders over 5 layers: at least "
                       "0 s (limit 0 s); lower --lpf-limit (now 6)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("or add --allow-large to run it anyway"), std::string::npos) << r.err;
  const auto out = d.path() / "m.json";
  const auto ok = run_limited(map_args() + " --quiet --allow-large --json '" + out.string() + "'");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const auto j = nlohmann::json::parse(read_file(out));
  std::int64_t orders = 0;
  for (const auto& l : j["layers"]) orders += l["search"]["orders"].get<std::int64_t>();
  EXPECT_EQ(orders, 1992);
  EXPECT_EQ(j["layers"][3]["search"]["orders"], 12);
}

// Without a time limit: 3 layers of mlp-m, one register-file level, 1,440 orders a hierarchy,
// 2 to 43 hierarchies: 61,920 orders at most. Progress lines with an ETA (not with --quiet).
TEST(MappingBudgetCli, MemsizeRefusedThenConfirmedWithEta) {
  const std::string args = "memsize --workload mlp-m --one-level --threads 1";
  const auto r = run_limited(args + " --quiet");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--lpf-limit: the sweep has 6.192e+04 loop orders (up to 43 hierarchies, "
                       "at least 2, x 3 layers): at least 0 s (limit 0 s)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--allow-large"), std::string::npos) << r.err;
  const auto ok = run_limited(args + " --allow-large");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("memsize: hierarchies (at most): 1/43 (2%) "), std::string::npos) << ok.err;
  EXPECT_NE(ok.err.find(", ETA "), std::string::npos) << ok.err;
  EXPECT_NE(ok.out.find("gain 1.27x"), std::string::npos) << ok.out;
  const auto quiet = run_mosaic(args + " --quiet");
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("ETA"), std::string::npos) << quiet.err;
}

std::string lab3(const fs::path& out) {
  const auto in = shared_dir() / "reference/stream/tutorial/lab3/inputs";
  return "stream --accelerator '" + (in / "hardware/hda_bus.yaml").string() + "' --workload '" +
         (in / "workload/4_convs.onnx").string() + "' --mapping '" +
         (in / "mapping/mapping.yaml").string() + "' --out '" + out.string() +
         "' --mode fused --threads 1";
}

// lab3 fused has 4 free genes. GA: 4 x (4 + 1) + 100 polish = 120 genomes; a population and
// generations of a million: 1e12 genomes, refused whatever the limit; exhaustive: refused at a
// nanosecond. Nothing is written when refused; confirmed, the GA runs with an ETA per generation.
TEST(MappingBudgetCli, StreamRefusedThenConfirmed) {
  MOSAIC_REQUIRE_SHARED();
  TempDir d;
  const auto huge = run_mosaic(
      lab3(d.path() / "h") + " --quiet --allocation ga --population 1000000 --generations 1000000");
  EXPECT_EQ(huge.exit_code, 1) << huge.err;
  EXPECT_NE(huge.err.find("--allocation: the sweep has 1e+12 GA genomes: about "),
            std::string::npos)
      << huge.err;
  EXPECT_NE(huge.err.find("lower --population, --generations or --polish, or add --allow-large"),
            std::string::npos)
      << huge.err;
  EXPECT_FALSE(fs::exists(d.path() / "h"));
  const auto ga = run_limited(lab3(d.path() / "g") + " --quiet --allocation ga");
  EXPECT_EQ(ga.exit_code, 1) << ga.err;
  EXPECT_NE(ga.err.find("the sweep has 120 GA genomes: at least 0 s (limit 0 s)"),
            std::string::npos)
      << ga.err;
  const auto ex = run_limited(lab3(d.path() / "x") + " --quiet --allocation exhaustive");
  EXPECT_EQ(ex.exit_code, 1) << ex.err;
  EXPECT_NE(ex.err.find("the sweep has 81 allocations (4 genes): at least 0 s (limit 0 s); use "
                        "--allocation ga"),
            std::string::npos)
      << ex.err;
  EXPECT_FALSE(fs::exists(d.path() / "g"));
  EXPECT_FALSE(fs::exists(d.path() / "x"));
  const auto ok = run_limited(lab3(d.path() / "o") + " --allocation ga --seed 3 --allow-large");
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("stream: GA generations: 1/4 (25%) "), std::string::npos) << ok.err;
  EXPECT_NE(ok.err.find(", ETA "), std::string::npos) << ok.err;
  const auto s = nlohmann::json::parse(read_file(d.path() / "o/summary.json"));
  EXPECT_DOUBLE_EQ(s["latency_cycles"].get<double>(), 24153);  // as StreamCli.GaPolish...
}

}  // namespace
}  // namespace mosaic::test

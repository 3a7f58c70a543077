// mosaic-mpi h3m: rank 0 keeps the search and the workers evaluate each batch of designs; the
// best design, the baselines, the ratios, the convergence curve and the schedule equal one
// `mosaic h3m` process's for exhaustive, random and CMA-ES searches. Skipped without mpirun.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "MpiTestSupport.h"
#include "TestSupport.h"
#include "search/H3mDistributed.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// summary.json without what depends on the run: the timing, the thread count and the cost
// tables this process built (under mosaic-mpi rank 0 builds only the best design's).
json h3m_comparable(json s) {
  for (const char* k :
       {"wall_seconds", "cpu_seconds", "total_wall_seconds", "evaluations_per_second",
        "evaluations_per_cpu_second", "cost_table_seconds",
        "evaluations_per_second_excluding_cost_tables", "threads", "cost_tables"})
    s["search"].erase(k);
  for (const char* k : {"wall_seconds", "cpu_seconds"}) s["best"]["search"].erase(k);
  for (auto& [name, b] : s["baselines"].items())
    for (const char* k : {"wall_seconds", "cpu_seconds"}) b["search"].erase(k);
  return s;
}

// The console lines of the best design and the baselines (timing-free).
std::string design_lines(const std::string& out) {
  std::string b;
  std::regex re("^(best|homogeneous|homogeneous_static|fixed_granularity_hda) .*$",
                std::regex::multiline);
  for (std::sregex_iterator it(out.begin(), out.end(), re), end; it != end; ++it)
    b += it->str() + "\n";
  return b;
}

// Runs `args` with plain mosaic (out "one") and with 3 ranks (out "mpi"); expects the same.
// `evaluations`: the designs an exhaustive search evaluates (0: only more than none).
void expect_same_h3m(const std::string& args, std::int64_t evaluations) {
  test::TempDir d;
  const auto one = test::run_mosaic(args + " --out one", d.path());
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto r = test::run_shell(test::mpirun(3) + args + " --out mpi", d.path(), "mpi");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("h3m: 3 MPI ranks: rank 0 searches, 2 evaluate the designs"),
            std::string::npos)
      << r.err;
  const json a = test::read_json(d.path() / "one/summary.json");
  const json b = test::read_json(d.path() / "mpi/summary.json");
  EXPECT_EQ(h3m_comparable(a), h3m_comparable(b));
  if (evaluations > 0) {
    EXPECT_EQ(b["search"]["evaluations"], evaluations);
  }
  EXPECT_GT(b["search"]["evaluations"].get<std::int64_t>(), 10);
  EXPECT_TRUE(b["best"]["feasible"].get<bool>());
  EXPECT_EQ(b["baselines"].size(), 3U);  // homogeneous (fission), homogeneous_static, Herald-like
  EXPECT_EQ(b["ratios"].size(), 3U);
  for (const char* f : {"convergence.csv", "schedule.json"})
    EXPECT_EQ(test::read_file(d.path() / "one" / f), test::read_file(d.path() / "mpi" / f)) << f;
  EXPECT_EQ(design_lines(one.out), design_lines(r.out));
  EXPECT_FALSE(design_lines(r.out).empty());
}

const std::string kSpace =
    "h3m --workload nlp --max-sub-accelerators 2 --granularities B512,B1024,B4096 --threads 1";

TEST(MpiH3m, ExhaustiveThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  // 2,700 designs at halves of the budget (4 dataflows, 6 gang levels with fission).
  expect_same_h3m(kSpace + " --share-units 2 --search exhaustive", 2700);
}

TEST(MpiH3m, CmaEsThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  // Each generation's population is evaluated on the workers; rank 0 keeps CMA-ES's state.
  expect_same_h3m(kSpace + " --search cmaes --evaluations 150 --seed 3", 0);
}

TEST(MpiH3m, RandomThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  expect_same_h3m(kSpace + " --search random --evaluations 150 --seed 2", 0);
}

// The space of the issue (eighths of the budget, 4 dataflows, 6 gang levels with fission):
// 18,252 designs.
TEST(MpiH3mSlow, ExhaustiveEighthsThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  expect_same_h3m(kSpace + " --search exhaustive", 18252);
}

// Ctrl-C on mpirun: rank 0 stops handing out designs and writes the best so far (the workers
// ignore mpirun's SIGTERM so that Open MPI does not end the job before rank 0 has written).
TEST(MpiH3mSlow, CtrlCWritesTheBestSoFar) {
  MOSAIC_REQUIRE_MPIRUN();
  test::TempDir d;
  const std::string cmd =
      "cd '" + d.path().string() + "' && { " + test::mpirun(3) +
      "h3m --workload vision --search exhaustive --max-sub-accelerators 2 "
      "--granularities B512,B1024,B4096 --threads 1 --out mpi >run.out 2>run.err </dev/null & "
      "echo $! >mpirun.pid; }";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const auto pid = static_cast<pid_t>(std::stol(test::read_file(d.path() / "mpirun.pid")));
  // The most designs a progress line reports so far (lines are throttled to five a second, so
  // any particular count may never be printed).
  auto designs_in = [&] {
    const std::string err = test::read_file(d.path() / "run.err");
    std::int64_t most = 0;
    for (auto at = err.find("/18252"); at != std::string::npos; at = err.find("/18252", at + 1)) {
      auto from = at;
      while (from > 0 && std::isdigit(static_cast<unsigned char>(err[from - 1])) != 0) --from;
      if (from < at) most = std::max<std::int64_t>(most, std::stoll(err.substr(from, at - from)));
    }
    return most;
  };
  bool started = false;
  for (int i = 0; i < 600 && !started; ++i) {  // until 1,024 designs are in (a minute at most)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    started = designs_in() >= 1024;
  }
  ASSERT_TRUE(started) << test::read_file(d.path() / "run.err");
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  bool ended = false;
  for (int i = 0; i < 150 && !ended; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ended = ::kill(pid, 0) != 0;
  }
  ASSERT_TRUE(ended) << "mpirun still running 15 s after SIGINT";
  ASSERT_TRUE(fs::exists(d.path() / "mpi/summary.json")) << test::read_file(d.path() / "run.err");
  const json s = test::read_json(d.path() / "mpi/summary.json");
  EXPECT_TRUE(s["search"]["interrupted"].get<bool>());
  EXPECT_GE(s["search"]["evaluations"].get<std::int64_t>(), 1024);
  EXPECT_LT(s["search"]["evaluations"].get<std::int64_t>(), 18252);
  EXPECT_TRUE(s["best"]["feasible"].get<bool>());
  EXPECT_NE(test::read_file(d.path() / "run.out").find("interrupted: best so far kept"),
            std::string::npos);
}

TEST(H3mDistributed, ReplyRoundTrip) {
  search::H3mSpace space;
  space.granularities = arch::parse_granularities("B512,B4096");
  const arch::Platform platform = arch::platform_by_name("u200");
  const search::H3mChoice c = {
      search::H3mSlot{.units = 3, .dataflow = 1, .granularity = 0, .gang_level = 2},
      search::H3mSlot{.units = 5, .dataflow = 2, .granularity = 1, .gang_level = 4}};
  search::H3mEvaluation e;
  e.design = search::build_design(space, platform, c);
  ASSERT_TRUE(e.design.feasible);
  e.feasible = true;
  e.latency_cycles = 1.25e7;
  e.energy_pj = 3.5e10;
  e.latency_s = 0.0416666;
  e.energy_j = 0.035;
  e.edp = e.latency_s * e.energy_j;
  e.sla_violation = 0.25;
  e.reallocations = 7;
  e.group_finish_s = {0.01, 0.03};
  e.task_sub = {1, -1};
  const auto back = search::decode_h3m_reply(search::encode_h3m_reply(e), space, platform, c);
  EXPECT_EQ(back.design.choice, c);
  EXPECT_EQ(back.design.subs.size(), e.design.subs.size());
  EXPECT_EQ(back.design.subs[1].cores, e.design.subs[1].cores);
  EXPECT_TRUE(back.feasible);
  EXPECT_EQ(back.latency_cycles, e.latency_cycles);
  EXPECT_EQ(back.energy_pj, e.energy_pj);
  EXPECT_EQ(back.edp, e.edp);
  EXPECT_EQ(back.sla_violation, 0.25);
  EXPECT_EQ(back.reallocations, 7);
  EXPECT_EQ(back.group_finish_s, e.group_finish_s);
  EXPECT_EQ(back.task_sub, e.task_sub);
  // An infeasible design keeps its reason.
  e.feasible = false;
  e.design.feasible = false;
  e.design.why = "layer X: no dataflow of the design maps it";
  const auto bad = search::decode_h3m_reply(search::encode_h3m_reply(e), space, platform, c);
  EXPECT_FALSE(bad.feasible);
  EXPECT_FALSE(bad.design.feasible);
  EXPECT_EQ(bad.design.why, e.design.why);
  EXPECT_THROW(search::decode_h3m_reply("x", space, platform, c), InternalError);
}

}  // namespace
}  // namespace mosaic

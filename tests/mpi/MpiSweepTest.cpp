// End-to-end tests of mosaic-mpi: a sweep spread over 3 MPI ranks gives the same designs, Pareto
// set and best designs as one `mosaic` process; a rank killed with SIGKILL in the middle of a
// run loses only unfinished chunks, and the rerun completes the same results and logs how many
// chunks it recomputed. Skipped when mpirun is absent.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "MpiTestSupport.h"
#include "TestSupport.h"
#include "search/ResultStore.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using test::example;
using test::mpirun;
using test::read_json;
using test::run_shell;

// summary.json without what depends on the run (timing, threads, the store session).
json dse_comparable(json s) {
  for (const char* k : {"wall_seconds", "threads", "rates", "session"}) s.erase(k);
  return s;
}

void expect_same_dse(const fs::path& a, const fs::path& b) {
  EXPECT_EQ(dse_comparable(read_json(a / "summary.json")),
            dse_comparable(read_json(b / "summary.json")));
  for (const char* f : {"designs.csv", "designs.json", "pareto.csv", "pareto.json"}) {
    ASSERT_TRUE(fs::exists(a / f)) << f;
    EXPECT_EQ(test::read_file(a / f), test::read_file(b / f)) << f;
  }
}

// 2 dataflows x 8 PE counts = 16 chunks of 8 bandwidths each.
std::string dse_sweep(const std::string& out) {
  return "dse --mapping " + example("networks/vgg16.m") +
         " --layer CONV11 --dataflow kcp_ws,rs --pes 32:256:32 --bw 8:64:8 --area-mm2 16 "
         "--power-mw 450 --designs both --no-html --threads 1 --out " +
         out;
}

TEST(MpiDse, ThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  test::TempDir d;
  const auto one = test::run_mosaic(dse_sweep("one") + " --quiet", d.path());
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto r = run_shell(mpirun(3) + dse_sweep("mpi"), d.path(), "mpi");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("3 MPI ranks"), std::string::npos) << r.err;
  expect_same_dse(d.path() / "one", d.path() / "mpi");
  const json s = read_json(d.path() / "mpi/summary.json");
  EXPECT_EQ(s["designs_explored"], 2 * 8 * 8);
  EXPECT_EQ(s["session"]["chunks_computed"], 16);
  // The best designs printed on the console are the same too.
  const auto bests = [](const std::string& out) {
    std::string b;
    std::regex re("^best .*$", std::regex::multiline);
    for (std::sregex_iterator it(out.begin(), out.end(), re), end; it != end; ++it)
      b += it->str() + "\n";
    return b;
  };
  EXPECT_EQ(bests(one.out), bests(r.out));
  EXPECT_FALSE(bests(r.out).empty());
}

// herald summary.json without the search statistics (timing, threads, cost tables computed).
json herald_comparable(json s) {
  s.erase("search");
  return s;
}

// Over 5 s on this machine (the 57 design points at granularity 8, twice): a Slow suite.
TEST(MpiHeraldSlow, ExhaustiveThreeRanksEqualOneProcess) {
  MOSAIC_REQUIRE_MPIRUN();
  test::TempDir d;
  const std::string args =
      "herald --workload arvr-a --class edge --styles 'nvdla,shi' --granularity 8 "
      "--search exhaustive --threads 1 --quiet --out ";
  auto r = test::run_mosaic(args + "one --no-store", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_shell(mpirun(3) + args + "mpi", d.path(), "mpi");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(herald_comparable(read_json(d.path() / "one/summary.json")),
            herald_comparable(read_json(d.path() / "mpi/summary.json")));
  for (const char* f : {"pareto.csv", "schedule.json"})
    EXPECT_EQ(test::read_file(d.path() / "one" / f), test::read_file(d.path() / "mpi" / f)) << f;
  // 7 x 7 partitions of the HDA + the 7 baselines of Table III, all in the csv.
  const std::string csv = test::read_file(d.path() / "mpi/pareto.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 49 + 7);
  // A rerun by the plain executable reads every chunk back from the distributed run's store.
  r = test::run_mosaic(args + "mpi", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("herald: resumed: 7 chunks read from the store, 0 computed now"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(test::read_file(d.path() / "one/pareto.csv"),
            test::read_file(d.path() / "mpi/pareto.csv"));
}

// The pid of the process of MPI rank `rank` started by mpirun `parent` (0 when not found yet).
pid_t rank_pid(pid_t parent, int rank) {
  const std::string want = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string pid, comm, state;
    long ppid = 0;
    if (!(stat >> pid >> comm >> state >> ppid) || ppid != parent) continue;
    std::ifstream env(e.path() / "environ", std::ios::binary);
    std::string var;
    while (std::getline(env, var, '\0'))
      if (var == want) return static_cast<pid_t>(std::stol(name));
  }
  return 0;
}

std::string fmt_kept(std::int64_t n) {
  return "resumed: " + std::to_string(n) + " chunks read from the store";
}

std::int64_t stored_records(const fs::path& store) {
  if (!fs::exists(store)) return 0;
  try {
    auto st = search::ResultStore::open(store);
    std::int64_t n = 0;
    for (std::int64_t run = 1; run <= 4; ++run) n += st.count(run);
    return n;
  } catch (...) {
    return 0;
  }
}

// VGG16's 13 layers, 2 dataflows x 64 PE counts x 3 vector widths = 384 chunks (about 3 s on
// one thread).
std::string long_sweep(const std::string& out) {
  return "dse --mapping " + example("networks/vgg16.m") +
         " --dataflow kcp_ws,rs --pes 16:1024:16 --vector-width 1,2,4 --bw 1:64 "
         "--designs csv --no-html --threads 1 --out " +
         out;
}

// Starts 3 ranks on long_sweep("mpi") in the background; returns mpirun's pid.
pid_t start_background(const fs::path& dir) {
  const std::string cmd = "cd '" + dir.string() + "' && { " + mpirun(3) + long_sweep("mpi") +
                          " >killed.out 2>killed.err </dev/null & echo $! >mpirun.pid; }";
  if (std::system(cmd.c_str()) != 0) return 0;
  return static_cast<pid_t>(std::stol(test::read_file(dir / "mpirun.pid")));
}

bool wait_exit(pid_t pid, int tenths) {
  for (int i = 0; i < tenths && ::kill(pid, 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return ::kill(pid, 0) != 0;
}

TEST(MpiDseSlow, KilledRankRerunEqualsUninterrupted) {
  MOSAIC_REQUIRE_MPIRUN();
  test::TempDir d;
  // SIGKILL rank 1 once some chunks are stored.
  const pid_t mpirun_pid = start_background(d.path());
  ASSERT_GT(mpirun_pid, 0);
  pid_t victim = 0;
  bool killed = false;
  for (int i = 0; i < 600 && !killed; ++i) {  // up to a minute on a loaded machine
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (victim == 0) victim = rank_pid(mpirun_pid, 1);
    if (victim != 0 && stored_records(d.path() / "mpi/dse.sqlite") > 0)
      killed = ::kill(victim, SIGKILL) == 0;
    if (::kill(mpirun_pid, 0) != 0) break;  // mpirun ended
  }
  ASSERT_TRUE(killed) << "no rank 1 to kill before the run ended";
  ASSERT_TRUE(wait_exit(mpirun_pid, 300)) << "mpirun did not end after a rank died";
  EXPECT_FALSE(fs::exists(d.path() / "mpi/summary.json"));
  // Rerun (3 ranks again): resumes from the store and logs how many chunks it recomputed.
  auto r = run_shell(mpirun(3) + long_sweep("mpi"), d.path(), "rerun");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.err, m,
      std::regex("resumed: (\\d+) chunks read from the store, (\\d+) computed now, of which "
                 "(\\d+) recomputed")))
      << r.err;
  const long reused = std::stol(m[1]), computed = std::stol(m[2]), recomputed = std::stol(m[3]);
  EXPECT_GT(reused, 0);
  EXPECT_LE(recomputed, computed);
  const json s = read_json(d.path() / "mpi/summary.json");
  EXPECT_EQ(s["session"]["chunks_reused"], reused);
  EXPECT_EQ(s["session"]["chunks_recomputed"], recomputed);
  // The same results as one uninterrupted process.
  r = test::run_mosaic(long_sweep("one") + " --quiet", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(dse_comparable(read_json(d.path() / "one/summary.json")),
            dse_comparable(read_json(d.path() / "mpi/summary.json")));
  for (const char* f : {"designs.csv", "pareto.csv", "pareto.json"})
    EXPECT_EQ(test::read_file(d.path() / "one" / f), test::read_file(d.path() / "mpi" / f)) << f;
}

TEST(MpiDseSlow, CtrlCStopsEveryRankAndKeepsFinishedChunks) {
  MOSAIC_REQUIRE_MPIRUN();
  test::TempDir d;
  const pid_t mpirun_pid = start_background(d.path());
  ASSERT_GT(mpirun_pid, 0);
  pid_t worker = 0;
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (worker == 0) worker = rank_pid(mpirun_pid, 2);
    if (worker != 0 && stored_records(d.path() / "mpi/dse.sqlite") > 0) break;
  }
  ASSERT_NE(worker, 0);
  ASSERT_EQ(::kill(mpirun_pid, SIGINT), 0);  // what Ctrl-C sends
  ASSERT_TRUE(wait_exit(mpirun_pid, 100)) << "mpirun still running 10 s after SIGINT";
  EXPECT_TRUE(wait_exit(worker, 50)) << "a worker rank outlived mpirun";
  const std::int64_t kept = stored_records(d.path() / "mpi/dse.sqlite");
  EXPECT_GT(kept, 0);
  // The plain executable resumes the distributed run's store.
  const auto r = test::run_mosaic(long_sweep("mpi") + " --quiet", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(fmt_kept(kept)), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mosaic

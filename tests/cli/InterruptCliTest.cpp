// Ctrl-C in the verbs that had no handling of it (map, memsize, herald --experiment): a SIGINT
// sent to a running verb ends it with exit 130 and keeps what was finished, marked partial.
// No timing assertions: the waits below only bound how long a broken run may hang the test.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;

// The file's text, or "" while it does not exist yet (the shell creates it).
std::string read_file(const fs::path& p) {
  return fs::exists(p) ? test::read_file(p) : std::string();
}

struct Interrupted {
  bool signalled = false;  // the marker appeared and SIGINT was sent
  int exit_code = -1;
  std::string out, err;
};

// Runs `mosaic <args>` in `dir` in the background, sends it SIGINT once `marker` appears on its
// stderr, and waits for it to end.
Interrupted interrupt_when(const std::string& args, const fs::path& dir,
                           const std::string& marker) {
  const std::string cmd = "cd '" + dir.string() + "' && { '" + test::mosaic_binary().string() +
                          "' " + args +
                          " >run.out 2>run.err </dev/null & echo $! >run.pid; wait $!; "
                          "echo $? >run.rc; } >/dev/null 2>&1 &";
  Interrupted r;
  if (std::system(cmd.c_str()) != 0) return r;
  const auto sleep = [] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); };
  for (int i = 0; i < 2400 && !fs::exists(dir / "run.rc"); ++i) {  // 2 min at most
    if (read_file(dir / "run.err").find(marker) != std::string::npos) {
      const auto pid = static_cast<pid_t>(std::stol(read_file(dir / "run.pid")));
      r.signalled = ::kill(pid, SIGINT) == 0;
      break;
    }
    sleep();
  }
  for (int i = 0; i < 1200 && !fs::exists(dir / "run.rc"); ++i) sleep();  // 1 min at most
  for (int i = 0; i < 100 && read_file(dir / "run.rc").empty(); ++i) sleep();
  const std::string rc = read_file(dir / "run.rc");
  r.exit_code = rc.empty() ? -1 : std::stoi(rc);
  r.out = read_file(dir / "run.out");
  r.err = read_file(dir / "run.err");
  return r;
}

std::string data(const char* name) {
  return (test::source_dir() / "tests/data" / name).string();
}

// ResNet-50 (54 mapped layers) with the spatial search: SIGINT after the first layer.
TEST(InterruptCliSlow, MapKeepsFinishedLayersMarkedPartial) {
  test::TempDir d;
  const auto r = interrupt_when("map --workload '" + data("onnx/resnet50.onnx") + "' --hw '" +
                                    data("zigzag_small_hw.yaml") + "' --json map.json",
                                d.path(), "map: layers: 1/");
  ASSERT_TRUE(r.signalled) << r.err;
  if (r.exit_code == 0) GTEST_SKIP() << "the run ended before the signal arrived";
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("map: interrupted; the results above are partial"), std::string::npos);
  EXPECT_NE(r.out.find("(partial: interrupted, "), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(read_file(d.path() / "map.json"));
  EXPECT_EQ(j["partial"], true);
  const auto done = j["layers"].size();
  EXPECT_GE(done, 1u);
  EXPECT_LT(done, j["layers_total"].get<std::size_t>());
}

// The memory optimizer prints every configuration it evaluates on stderr: SIGINT after the first.
TEST(InterruptCliSlow, MemsizeKeepsFinishedPointsMarkedPartial) {
  test::TempDir d;
  const auto r = interrupt_when("memsize --workload alexnet --mode optimize --json ms.json",
                                d.path(), " pJ\n");
  ASSERT_TRUE(r.signalled) << r.err;
  if (r.exit_code == 0) GTEST_SKIP() << "the run ended before the signal arrived";
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("memsize: interrupted; the results above are partial"), std::string::npos);
  const auto j = nlohmann::json::parse(read_file(d.path() / "ms.json"));
  EXPECT_EQ(j["partial"], true);
  EXPECT_GE(j["evaluated"].size(), 1u);  // the baseline at least
}

// herald --experiment used to swallow Ctrl-C (each Herald run reset the flag) and exit 0 with a
// table row missing: now the experiments stop, experiments.md says it is partial, exit 130.
TEST(InterruptCliSlow, HeraldExperimentStopsAndSaysPartial) {
  test::TempDir d;
  const auto r = interrupt_when("herald --experiment --threads 1 --out exp", d.path(),
                                "herald experiments: arvr-a edge");
  ASSERT_TRUE(r.signalled) << r.err;
  EXPECT_EQ(r.exit_code, 130) << r.err;
  const std::string md = read_file(d.path() / "exp/experiments.md");
  EXPECT_EQ(md.rfind("**Partial: interrupted (Ctrl-C)", 0), 0u) << md.substr(0, 200);
  EXPECT_NE(r.err.find("experiments.md is partial"), std::string::npos) << r.err;
}

// `stream --allocation exhaustive` on FSRCNN (8 layers, each on any of lab3's 3 cores: 6,561
// allocations of 4,320 CNs, minutes of scheduling): SIGINT after the first batch's progress line.
// The best of the allocations scheduled is written and printed, said to be partial; exit 130.
TEST(InterruptCliSlow, StreamExhaustiveKeepsTheBestMarkedPartial) {
  if (!test::have_shared()) GTEST_SKIP() << "../shared is absent";
  const auto lab3 = test::shared_dir() / "reference/stream/tutorial/lab3/inputs";
  const auto fsrcnn = test::shared_dir() / "reference/stream/examples/workload/fsrcnn.onnx";
  test::TempDir d;
  const auto r = interrupt_when(
      "stream --accelerator '" + (lab3 / "hardware/hda_bus.yaml").string() + "' --workload '" +
          fsrcnn.string() + "' --mapping '" + (lab3 / "mapping/mapping.yaml").string() +
          "' --mode fused --allocation exhaustive --threads 1 --out o",
      d.path(), "stream: exhaustive allocations: 16/6561 ");
  ASSERT_TRUE(r.signalled) << r.err;
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("stream: interrupted; the results above are partial"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("allocation exhaustive (partial: interrupted after "), std::string::npos)
      << r.out;
  const auto s = nlohmann::json::parse(read_file(d.path() / "o/summary.json"));
  EXPECT_EQ(s["partial"], true);
  const auto scheduled = s["search"]["allocations"]["scheduled"].get<std::int64_t>();
  EXPECT_GE(scheduled, 16);
  EXPECT_LT(scheduled, 6561);
  EXPECT_EQ(s["search"]["allocations"]["total"], 6561);
  EXPECT_EQ(s["search"]["stopped_early"], true);
  ASSERT_GE(s["search"]["pareto"].size(), 1u);
  EXPECT_EQ(s["latency_cycles"], s["search"]["pareto"][0]["latency_cycles"]);
  EXPECT_TRUE(fs::exists(d.path() / "o/report.html"));
}

}  // namespace
}  // namespace mosaic

// Whole-process start-up: runs the mosaic binary as a child process (what tools that shell out to
// MAESTRO once per evaluation do) and reports the child's CPU time (user + system, from wait4's
// rusage) per run. `mosaic --version` (the static front alone), `mosaic workload show resnet50`
// (the front, then mosaic-full by exec; no ONNX: the plugin stays unloaded), the same model read
// from ONNX (plugin loaded), and the MAESTRO drop-in on ResNet-50 (../shared/reference/maestro;
// skipped when absent). Side by side: MAESTRO itself on the same run when MOSAIC_BENCH_MAESTRO
// names its executable (built outside the repository); /bin/true, and a static "return 0"
// (bench/floor/startup_floor.cpp) as the floor of any process on the machine.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

std::string mosaic_binary() {
  // The bench binaries live in build/<preset>/bench; mosaic one directory up.
  return (fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "mosaic").string();
}

// Runs argv with stdout/stderr to /dev/null; returns the child's CPU seconds (-1 on failure).
double run_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  struct rusage usage {};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return -1;
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

void run(benchmark::State& state, const std::vector<std::string>& args) {
  double cpu = 0;
  for (auto _ : state) {
    const double s = run_child(args);
    if (s < 0) {
      state.SkipWithError("the child run failed");
      return;
    }
    cpu += s;
    state.SetIterationTime(s);
  }
  state.counters["child_cpu_ms"] =
      benchmark::Counter(1e3 * cpu / static_cast<double>(state.iterations()));
}

void BM_Version(benchmark::State& state) {
  run(state, {mosaic_binary(), "--version"});
}
BENCHMARK(BM_Version)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_ZooModel(benchmark::State& state) {
  run(state, {mosaic_binary(), "workload", "show", "resnet50", "--summary"});
}
BENCHMARK(BM_ZooModel)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_OnnxModel(benchmark::State& state) {
  run(state, {mosaic_binary(), "workload", "show",
              std::string(MOSAIC_SOURCE_DIR) + "/tests/data/onnx/resnet50.onnx", "--summary"});
}
BENCHMARK(BM_OnnxModel)->UseManualTime()->Unit(benchmark::kMillisecond);

// Runs `command` as the MAESTRO tool on ResNet-50 in a scratch directory (MAESTRO writes its CSV
// beside the mapping file, named after it).
void run_maestro_resnet50(benchmark::State& state, std::vector<std::string> command) {
  const fs::path ref = fs::path(MOSAIC_SHARED_DIR) / "reference/maestro/inputs";
  if (!fs::exists(ref / "mapping/Resnet50_kcp_ws.m")) {
    state.SkipWithError("../shared/reference/maestro is absent");
    return;
  }
  const fs::path dir = fs::temp_directory_path() / "mosaic_bench_startup";
  fs::create_directories(dir);
  fs::copy_file(ref / "hw/accelerator_1.m", dir / "hw.m", fs::copy_options::overwrite_existing);
  fs::copy_file(ref / "mapping/Resnet50_kcp_ws.m", dir / "Resnet50_kcp_ws.m",
                fs::copy_options::overwrite_existing);
  const fs::path previous = fs::current_path();
  fs::current_path(dir);
  for (const char* flag :
       {"--HW_file=hw.m", "--Mapping_file=Resnet50_kcp_ws.m", "--print_res=false"})
    command.emplace_back(flag);
  run(state, command);
  fs::current_path(previous);
}

void BM_MaestroResnet50(benchmark::State& state) {
  run_maestro_resnet50(state, {mosaic_binary(), "maestro"});
}
BENCHMARK(BM_MaestroResnet50)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_MaestroToolResnet50(benchmark::State& state) {
  const char* maestro = std::getenv("MOSAIC_BENCH_MAESTRO");
  if (maestro == nullptr || *maestro == '\0') {
    state.SkipWithError("set MOSAIC_BENCH_MAESTRO to a MAESTRO executable to compare");
    return;
  }
  run_maestro_resnet50(state, {maestro});
}
BENCHMARK(BM_MaestroToolResnet50)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_BinTrue(benchmark::State& state) {
  run(state, {"/bin/true"});
}
BENCHMARK(BM_BinTrue)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_StaticReturn0(benchmark::State& state) {
  run(state, {(fs::read_symlink("/proc/self/exe").parent_path() / "startup_floor").string()});
}
BENCHMARK(BM_StaticReturn0)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

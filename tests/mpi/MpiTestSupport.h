// Helpers of the mosaic-mpi end-to-end tests: mpirun command lines, shell runs with their
// output in files, JSON files.
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "TestJson.h"
#include "TestSupport.h"

namespace mosaic::test {

inline bool have_mpirun() {
  return std::system("command -v mpirun >/dev/null 2>&1") == 0;
}

#define MOSAIC_REQUIRE_MPIRUN()                                             \
  do {                                                                      \
    if (!::mosaic::test::have_mpirun()) GTEST_SKIP() << "mpirun is absent"; \
  } while (0)

// Under the sanitizer build, LeakSanitizer reports Open MPI's own allocations at exit (libmpi and
// its dlopen'ed components, freed by nobody): leak checking is off for the ranks only. mosaic's
// verbs are leak-checked by the single-process tests.
inline std::string mpirun(int ranks) {
  return "ASAN_OPTIONS=detect_leaks=0 mpirun --allow-run-as-root --oversubscribe -np " +
         std::to_string(ranks) + " '" + std::string(MOSAIC_MPI_BINARY) + "' ";
}

// Runs a shell command in `cwd`; stdout and stderr into files there.
inline RunResult run_shell(const std::string& cmd, const std::filesystem::path& cwd,
                           const std::string& tag) {
  const std::string full =
      "cd '" + cwd.string() + "' && " + cmd + " >" + tag + ".out 2>" + tag + ".err </dev/null";
  const int status = std::system(full.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(cwd / (tag + ".out"));
  r.err = read_file(cwd / (tag + ".err"));
  return r;
}

inline std::string example(const std::string& rel) {
  return "'" + (source_dir() / "examples" / rel).string() + "'";
}

}  // namespace mosaic::test

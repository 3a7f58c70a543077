// Helpers shared by every test executable: paths to the repository and to the shared reference
// data, running the mosaic binary, temporary directories.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>

namespace mosaic::test {

// The repository root.
std::filesystem::path source_dir();
// ../shared next to the repository; tests that need it call GTEST_SKIP when it is absent.
std::filesystem::path shared_dir();
bool have_shared();
// The built mosaic executable.
std::filesystem::path mosaic_binary();

// A fresh empty directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `mosaic <args>` through /bin/sh in `cwd` (default: current directory).
RunResult run_mosaic(const std::string& args, const std::filesystem::path& cwd = {});

std::string read_file(const std::filesystem::path& p);

// The number of '\n' in s.
inline int count_lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}
void write_file(const std::filesystem::path& p, const std::string& text);

}  // namespace mosaic::test

#define MOSAIC_REQUIRE_SHARED()                                                \
  do {                                                                         \
    if (!::mosaic::test::have_shared()) GTEST_SKIP() << "../shared is absent"; \
  } while (0)

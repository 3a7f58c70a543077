#include "TestSupport.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mosaic::test {

namespace fs = std::filesystem;

fs::path source_dir() {
  return fs::path(MOSAIC_SOURCE_DIR);
}
fs::path shared_dir() {
  return fs::path(MOSAIC_SHARED_DIR);
}
bool have_shared() {
  return fs::exists(shared_dir() / "reference");
}
fs::path mosaic_binary() {
  return fs::path(MOSAIC_BINARY);
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() /
          ("mosaic-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& text) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

RunResult run_mosaic(const std::string& args, const fs::path& cwd) {
  TempDir capture;
  const fs::path out_file = capture.path() / "stdout";
  const fs::path err_file = capture.path() / "stderr";
  std::string cmd;
  if (!cwd.empty()) cmd += "cd '" + cwd.string() + "' && ";
  cmd += "'" + mosaic_binary().string() + "' " + args + " >'" + out_file.string() + "' 2>'" +
         err_file.string() + "'";
  const int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(out_file);
  r.err = read_file(err_file);
  return r;
}

}  // namespace mosaic::test

#include "cli/Front.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cli/Commands.h"

namespace mosaic::cli {
namespace {

// mosaic-full beside this executable (the link /proc/self/exe names it, symbolic links resolved).
std::string full_executable_path() {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  std::string dir = n > 0 ? std::string(self, static_cast<std::size_t>(n)) : std::string();
  const auto slash = dir.rfind('/');
  dir = slash == std::string::npos ? std::string(".") : dir.substr(0, slash);
  return dir + "/" + std::string(kFullExecutable);
}

}  // namespace

int run_front(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::fwrite(kMosaicVersion.data(), 1, kMosaicVersion.size(), stdout);
    std::fputc('\n', stdout);
    return 0;
  }
  if (argc >= 2) {
    if (const auto* raw = find_raw_command(argv[1])) {
      return run_guarded([&] {
        const std::vector<std::string> args(argv + 2, argv + argc);
        return (*raw)(args);
      });
    }
  }
  // Every other verb, --help and --parse-only: the same command line, in the same process
  // (signals and the exit status reach the caller unchanged).
  const std::string full = full_executable_path();
  ::execv(full.c_str(), argv);
  const int why = errno;
  std::fprintf(stderr,
               "mosaic: cannot run %s (%s): every verb but maestro lives in that executable; "
               "build the mosaic target (it builds both)\n",
               full.c_str(), std::strerror(why));
  return 3;
}

}  // namespace mosaic::cli

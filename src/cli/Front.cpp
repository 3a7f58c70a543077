#include "cli/Front.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace mosaic::cli {

bool front_runs_in_process(int argc, char** argv) {
  return argc >= 2 && std::strcmp(argv[1], "maestro") == 0;
}

int exec_full(char** argv) {
  // mosaic-full beside this executable (the link /proc/self/exe names it, symbolic links
  // resolved); plain buffers, no allocation.
  char path[PATH_MAX + 32];
  ssize_t n = ::readlink("/proc/self/exe", path, PATH_MAX);
  if (n < 0) n = 0;
  while (n > 0 && path[n - 1] != '/') --n;
  if (n == 0) path[n++] = '.', path[n++] = '/';
  kFullExecutable.copy(path + n, kFullExecutable.size());
  path[n + static_cast<ssize_t>(kFullExecutable.size())] = '\0';
  // Every other verb, --help and --parse-only: the same command line, in the same process
  // (signals and the exit status reach the caller unchanged).
  ::execv(path, argv);
  const int why = errno;
  std::fprintf(stderr,
               "mosaic: cannot run %s (%s): every verb but maestro lives in that executable; "
               "build the mosaic target (it builds both)\n",
               path, std::strerror(why));
  return 3;
}

int run_front(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::fwrite(kMosaicVersion.data(), 1, kMosaicVersion.size(), stdout);
    std::fputc('\n', stdout);
    return 0;
  }
  if (front_runs_in_process(argc, argv)) {
    if (const int code = run_raw_command(argc, argv); code >= 0) return code;
  }
  return exec_full(argv);
}

}  // namespace mosaic::cli

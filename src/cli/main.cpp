// mosaic: design heterogeneous dataflow DNN accelerators and schedule multi-DNN workloads on them.
// This is the start-up front (cli/Front.h): --version and maestro here, the rest in mosaic-full.
#include <unistd.h>

#include <cstring>

#include "cli/Front.h"

namespace {

// `mosaic --version` is answered, and a command line for mosaic-full handed to it, before the
// C++ static initialisers (iostreams, locales, the command registry) run: glibc calls the
// functions of .init_array with (argc, argv, envp), in the order of their priority, 101 first.
void dispatch_early(int argc, char** argv, char** /*envp*/) {
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    char line[64];
    const auto n = mosaic::cli::kMosaicVersion.copy(line, sizeof line - 1);
    line[n] = '\n';
    const ssize_t written = ::write(STDOUT_FILENO, line, n + 1);
    ::_exit(written == static_cast<ssize_t>(n + 1) ? 0 : 1);
  }
  if (!mosaic::cli::front_runs_in_process(argc, argv)) ::_exit(mosaic::cli::exec_full(argv));
}

using InitFunction = void (*)(int, char**, char**);
[[gnu::used, gnu::section(".init_array.00101")]] const InitFunction kDispatchEarly =
    &dispatch_early;

}  // namespace

int main(int argc, char** argv) {
  return mosaic::cli::run_front(argc, argv);
}

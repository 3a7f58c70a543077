// The start-up front: `mosaic` itself is a small, fully static executable (no dynamic loader, no
// shared libraries) that answers `--version` and runs the `maestro` drop-in in process, and
// hands every other command line to `mosaic-full` (every verb; TBB, CBC, SQLite, ONNX) by exec,
// in the same process. Tools that shell out to MAESTRO once per evaluation pay the start-up at
// every call; bench/README.md ("Whole-process start-up") has the measurements.
#pragma once

#include <functional>
#include <string_view>

namespace mosaic::cli {

inline constexpr std::string_view kMosaicVersion = "mosaic 0.1.0";

// The executable every other verb lives in, beside `mosaic`.
inline constexpr std::string_view kFullExecutable = "mosaic-full";

// Runs `body` and turns what it throws into mosaic's error message and exit code (1 for a user's
// error, 3 for an internal one; "out of memory" with the allocation context for bad_alloc).
int run_guarded(const std::function<int()>& body);

// Runs the raw command argv[1] (cli/Commands.h) with argv[2..] under run_guarded; -1 when there is
// no such command. (Here, not in Front.cpp, so that the front's start-up code and mosaic-full's
// main() do not compile CLI11.)
int run_raw_command(int argc, char** argv);

// Parses the command line and runs the verb; prints errors and returns the exit code (the body
// of main() of mosaic-full and mosaic-mpi).
int run_main(int argc, char** argv);

// The body of main() of `mosaic`: `--version` and `maestro` here, anything else by exec of
// mosaic-full (exit 3 with a message when it cannot be run).
int run_front(int argc, char** argv);

// Whether the front runs this command line itself (`maestro`); every other one is mosaic-full's.
bool front_runs_in_process(int argc, char** argv);

// Replaces the process by mosaic-full (beside this executable) with the same arguments; prints
// why and returns 3 when it cannot. Uses no C++ static object: callable before they exist.
int exec_full(char** argv);

}  // namespace mosaic::cli

// The command line: every verb is a library call plus argument parsing and output formatting.
// A verb registers itself from its own file with a static CommandRegistrar, so verbs can be
// added without touching main.cpp.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/Error.h"

namespace mosaic::cli {

// Adds a subcommand to `app` and sets its callback. The callback stores the verb's exit code in
// `exit_code` (0 = success); errors are thrown as mosaic::UserError and reported by main().
using CommandSetup = std::function<void(CLI::App& app, int& exit_code)>;

struct CommandRegistrar {
  CommandRegistrar(std::string name, CommandSetup setup);
};

struct RegisteredCommand {
  std::string name;
  CommandSetup setup;
};

// Every registered command, sorted by name.
std::vector<RegisteredCommand> registered_commands();

// Verbs that take over argument parsing completely (the `maestro` drop-in, which must accept
// Boost-style flags): called with argv[2..] when argv[1] equals the name.
using RawCommand = std::function<int(const std::vector<std::string>& args)>;
struct RawCommandRegistrar {
  RawCommandRegistrar(std::string name, RawCommand run);
  // With the one-line description `mosaic --help` shows for it.
  RawCommandRegistrar(std::string name, std::string description, RawCommand run);
};
const RawCommand* find_raw_command(const std::string& name);

// Library errors describe the value at fault by its library name (a configuration field such as
// "granularity" or "noc_bw"); the command line says where the value came from. An error with no
// line whose field is one of the library names the command line fills from a flag (or starts
// with one and a space: "map_sizes C") comes back naming the flag ("--granularity", "--bw",
// "--map-size C"); any other error comes back unchanged. main() applies it to every error.
UserError with_flag_name(const UserError& e);

// Every raw command's name and description, sorted by name.
std::vector<std::pair<std::string, std::string>> raw_command_descriptions();

// run_main, the body of main() of mosaic-full and mosaic-mpi, is declared in cli/Front.h.

}  // namespace mosaic::cli

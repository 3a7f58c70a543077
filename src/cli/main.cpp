// mosaic: design heterogeneous dataflow DNN accelerators and schedule multi-DNN workloads on them.
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/Commands.h"
#include "common/Error.h"

namespace {
constexpr std::string_view kVersion = "mosaic 0.1.0";
}  // namespace

int main(int argc, char** argv) {
  try {
    // `mosaic --version` answers before the command table is built (start-up time is measured in
    // bench/README.md).
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
      std::cout << kVersion << "\n";
      return 0;
    }
    if (argc >= 2) {
      if (const auto* raw = mosaic::cli::find_raw_command(argv[1])) {
        std::vector<std::string> args(argv + 2, argv + argc);
        return (*raw)(args);
      }
    }
    CLI::App app{"mosaic: heterogeneous dataflow accelerator design and multi-DNN scheduling"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(kVersion));
    int exit_code = 0;
    for (const auto& command : mosaic::cli::registered_commands()) command.setup(app, exit_code);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e);
    }
    return exit_code;
  } catch (const mosaic::UserError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const mosaic::InternalError& e) {
    std::cerr << "mosaic: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

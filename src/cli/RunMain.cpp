// The body of `mosaic`'s main(), shared by the plain executable and mosaic-mpi.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/Commands.h"
#include "common/Error.h"

namespace mosaic::cli {

int run_main(int argc, char** argv) {
  try {
    if (argc >= 2) {
      if (const auto* raw = find_raw_command(argv[1])) {
        std::vector<std::string> args(argv + 2, argv + argc);
        return (*raw)(args);
      }
    }
    CLI::App app{"mosaic: heterogeneous dataflow accelerator design and multi-DNN scheduling"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "mosaic 0.1.0");
    int exit_code = 0;
    for (const auto& command : registered_commands()) command.setup(app, exit_code);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e);
    }
    return exit_code;
  } catch (const UserError& e) {
    std::cerr << "error: " << with_flag_name(e).what() << "\n";
    return 1;
  } catch (const InternalError& e) {
    std::cerr << "mosaic: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mosaic::cli

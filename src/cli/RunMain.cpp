// The body of main() of `mosaic` and `mosaic-mpi`: the verbs' command line.
#include <algorithm>
#include <exception>
#include <functional>
#include <iostream>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/Commands.h"
#include "cli/Front.h"
#include "common/Suggest.h"

namespace mosaic::cli {

namespace {
// The deepest subcommand that was parsed (the verb whose flags were given).
const CLI::App* parsed_verb(const CLI::App& app) {
  const CLI::App* at = &app;
  for (;;) {
    const auto subs = at->get_subcommands();
    if (subs.empty()) return at;
    at = subs.front();
  }
}

// CLI11 reports unknown arguments as "The following arguments were not expected"; say which
// verb they were given to, and the nearest flag of that verb.
int report_unknown_arguments(const CLI::App& app, const CLI::ExtrasError& e) {
  const CLI::App* verb = parsed_verb(app);
  std::vector<std::string> flags;
  for (const CLI::Option* option : verb->get_options()) {
    for (const auto& l : option->get_lnames()) flags.push_back("--" + l);
    for (const auto& s : option->get_snames()) flags.push_back("-" + s);
  }
  const std::string where = verb == &app ? "mosaic" : "mosaic " + verb->get_name();
  const auto extras = verb->remaining();
  if (extras.empty()) {
    std::cerr << "error: " << where << ": " << e.what() << "\n";
    return 2;
  }
  for (const auto& extra : extras) {
    const std::string word = extra.substr(0, extra.find('='));
    std::cerr << "error: " << where << ": unexpected argument '" << extra << "'"
              << (word.starts_with("-") ? mosaic::did_you_mean(word, flags) : std::string())
              << "\n";
  }
  std::cerr << "run '" << where << " --help' for its arguments\n";
  return 2;
}

// `mosaic --parse-only VERB ...`: parsing checks the verb, the flags, their arity, CLI11-checked
// values and the required flags; the top level's parse-complete callback, which CLI11 runs after
// all of that and before any verb's callback, then stops the run. (The verbs' callbacks are not
// replaced: each owns the values its flags are parsed into.)
struct ParseOnlyDone {};
}  // namespace

int run_main(int argc, char** argv) {
  return run_guarded([&]() -> int {
    // `mosaic --version` answers before the command table is built (start-up time is measured in
    // bench/README.md).
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
      std::cout << kMosaicVersion << "\n";
      return 0;
    }
    // --parse-only (first argument): parse the command line as usual, run nothing, exit 0 when
    // it parses (the README/docs command test checks its long commands this way).
    const bool parse_only = argc >= 2 && std::string_view(argv[1]) == "--parse-only";
    if (parse_only) {
      argv[1] = argv[0];
      ++argv;
      --argc;
    }
    if (argc >= 2) {
      if (const auto* raw = find_raw_command(argv[1])) {
        if (parse_only) {
          std::cerr << "error: --parse-only: '" << argv[1] << "' parses its own flags when run\n";
          return 2;
        }
        std::vector<std::string> args(argv + 2, argv + argc);
        return (*raw)(args);
      }
    }
    std::vector<std::string> verbs;
    for (const auto& command : registered_commands()) verbs.push_back(command.name);
    for (const auto& [name, description] : raw_command_descriptions()) verbs.push_back(name);
    if (argc >= 2 && argv[1][0] != '-' &&
        std::find(verbs.begin(), verbs.end(), argv[1]) == verbs.end()) {
      std::cerr << "error: unknown command '" << argv[1] << "'"
                << mosaic::did_you_mean(argv[1], verbs) << "; 'mosaic --help' lists the commands\n";
      return 2;
    }
    CLI::App app{"mosaic: heterogeneous dataflow accelerator design and multi-DNN scheduling"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(kMosaicVersion));
    int exit_code = 0;
    for (const auto& command : registered_commands()) command.setup(app, exit_code);
    // Raw commands parse their own flags (dispatched above); listed here for --help.
    for (const auto& [name, description] : raw_command_descriptions())
      app.add_subcommand(name, description)->prefix_command();
    app.add_flag("--parse-only")
        ->description(
            "(first argument) check the command line of the verb that follows and exit "
            "without running it");
    if (parse_only) app.parse_complete_callback([] { throw ParseOnlyDone{}; });
    if (argc == 1) {
      std::cerr << app.help() << "\nerror: give a command (see the list above)\n";
      return 2;
    }
    try {
      app.parse(argc, argv);
    } catch (const ParseOnlyDone&) {
      return 0;
    } catch (const CLI::ExtrasError& e) {
      return report_unknown_arguments(app, e);
    } catch (const CLI::ValidationError& e) {
      // A flag's value refused by the shared validation layer (cli/FlagRules.h): a bad value,
      // exit 1 as for a bad value in a file (2 is for usage: unknown verbs and flags).
      const CLI::App* verb = parsed_verb(app);
      std::cerr << "error: " << (verb == &app ? "mosaic" : "mosaic " + verb->get_name()) << ": "
                << e.what() << "\n";
      return 1;
    } catch (const CLI::ParseError& e) {
      return app.exit(e);
    }
    return exit_code;
  });
}

}  // namespace mosaic::cli

// The flags every verb shares, declared once so that each means the same everywhere (the table
// of docs/cli.md):
//   --workload   one front end: built-ins, zoo models, ONNX, MAESTRO .m, ZigZag YAML, mosaic
//                YAML/JSON (workload::load_workload / load_einsum_layers)
//   --out DIR    every verb that writes several files; default mosaic-out/<verb>
//   --json FILE  one result as JSON
//   --quiet      no progress on stderr and no per-layer / per-design detail on stdout; the
//                result summary, warnings and errors still print
//   --threads N  worker threads where work runs in parallel (0: all); results do not depend on it
//   sizes        bytes with an optional unit (common/Validate.h parse_bytes: 2MiB, 64K, 512B)
//   names        a closed set of names (objectives, modes, engines, ...) refused with "did you
//                mean"
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/Objective.h"
#include "common/Validate.h"

namespace mosaic::cli {

// The one description of a workload argument (`extra` adds the verb's own named sets).
std::string workload_help(std::string_view extra = "");
CLI::Option* add_workload_option(CLI::App* cmd, std::string& value, std::string_view extra = "");

CLI::Option* add_quiet_flag(CLI::App* cmd, bool& quiet);
CLI::Option* add_threads_option(CLI::App* cmd, int& threads);
CLI::Option* add_json_option(CLI::App* cmd, std::string& file, std::string_view what);
// True when a --json FILE is standard output ("-" or /dev/stdout): --quiet then prints nothing
// else on stdout, so that the JSON can be piped.
bool is_stdout(const std::string& file);

// --out DIR with the default mosaic-out/<verb> (shown by --help).
CLI::Option* add_out_option(CLI::App* cmd, std::string& dir, std::string_view verb);
std::string default_out_dir(std::string_view verb);

// A size in bytes: rewrites "2MiB" into "2097152" before CLI11 converts the value (each value of
// a multi-value option alike); bad text is refused naming the flag, exit 1.
CLI::Option* check_size(CLI::Option* option, std::int64_t min_bytes = 1);
// The same for a real number of bytes (an average per PE), checked against `rule`.
CLI::Option* check_size_number(CLI::Option* option, const NumberRule& rule);

// One of `names` (case-sensitive); anything else: "unknown value 'X'; choose a, b or c (did you
// mean 'b'?)".
CLI::Option* check_choice(CLI::Option* option, const std::vector<std::string>& names);

// An objective by any of its accepted names (common/Objective.h objective_from_name), rewritten to
// the verb's own spelling of it; objectives the verb does not optimise are refused with the list.
CLI::Option* check_objective(CLI::Option* option,
                             const std::vector<std::pair<Objective, std::string>>& spellings);
// The spellings of the verbs that optimise latency, energy and EDP.
std::vector<std::pair<Objective, std::string>> latency_energy_edp();

}  // namespace mosaic::cli

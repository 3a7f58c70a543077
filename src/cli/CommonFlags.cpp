#include "cli/CommonFlags.h"

#include <fmt/format.h>

#include "cli/FlagRules.h"
#include "common/Suggest.h"
#include "common/Validate.h"

namespace mosaic::cli {

std::string workload_help(std::string_view extra) {
  return fmt::format(
      "Workload: {}a built-in (arvr-a, arvr-b, mlperf, mlperf-b8), a zoo model (mosaic workload "
      "zoo), an ONNX file, a MAESTRO .m file, a ZigZag workload YAML or a mosaic workload "
      "YAML/JSON",
      extra.empty() ? std::string() : std::string(extra) + ", ");
}

CLI::Option* add_workload_option(CLI::App* cmd, std::string& value, std::string_view extra) {
  return cmd->add_option("--workload", value, workload_help(extra));
}

CLI::Option* add_quiet_flag(CLI::App* cmd, bool& quiet) {
  return cmd->add_flag("--quiet", quiet,
                       "No progress on stderr and no per-layer or per-design detail on stdout (the "
                       "result summary, warnings and errors still print)");
}

CLI::Option* add_threads_option(CLI::App* cmd, int& threads) {
  return check_integer(
      cmd->add_option("--threads", threads,
                      "Worker threads (0: all; default 0); the results do not depend on it"),
      threads_rule());
}

CLI::Option* add_json_option(CLI::App* cmd, std::string& file, std::string_view what) {
  return cmd->add_option("--json", file, fmt::format("Write {} as JSON to FILE", what))
      ->type_name("FILE");
}

bool is_stdout(const std::string& file) {
  return file == "-" || file == "/dev/stdout";
}

std::string default_out_dir(std::string_view verb) {
  return fmt::format("mosaic-out/{}", verb);
}

CLI::Option* add_out_option(CLI::App* cmd, std::string& dir, std::string_view verb) {
  dir = default_out_dir(verb);
  return cmd->add_option("--out", dir, "Output directory")->type_name("DIR")->capture_default_str();
}

CLI::Option* check_size(CLI::Option* option, std::int64_t min_bytes) {
  return option->transform(CLI::Validator(
      [min_bytes](std::string& text) -> std::string {
        try {
          text = std::to_string(parse_bytes(text, IntRule::at_least(min_bytes), SourceLocation{}));
          return "";
        } catch (const UserError& e) {
          return e.message();
        }
      },
      "SIZE", ""));
}

CLI::Option* check_size_number(CLI::Option* option, const NumberRule& rule) {
  return option->transform(CLI::Validator(
      [rule](std::string& text) -> std::string {
        try {
          text = fmt::format("{}", parse_bytes_number(text, rule, SourceLocation{}));
          return "";
        } catch (const UserError& e) {
          return e.message();
        }
      },
      "SIZE", ""));
}

namespace {
std::string choice_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}
}  // namespace

CLI::Option* check_choice(CLI::Option* option, const std::vector<std::string>& names) {
  return option->check(CLI::Validator(
      [names](std::string& text) -> std::string {
        for (const auto& n : names)
          if (n == text) return "";
        return fmt::format("unknown value '{}'; choose {}{}", text, choice_list(names),
                           did_you_mean(text, names));
      },
      "", ""));
}

CLI::Option* check_objective(CLI::Option* option,
                             const std::vector<std::pair<Objective, std::string>>& spellings) {
  return option->transform(CLI::Validator(
      [spellings](std::string& text) -> std::string {
        std::vector<std::string> own;
        own.reserve(spellings.size());
        for (const auto& [o, name] : spellings) own.push_back(name);
        if (const auto o = objective_from_name(text)) {
          for (const auto& [obj, name] : spellings)
            if (obj == *o) {
              text = name;
              return "";
            }
          return fmt::format("'{}' is not an objective of this command; choose {}", text,
                             choice_list(own));
        }
        std::vector<std::string> all = own;
        for (const auto& n : objective_names()) all.push_back(n);
        return fmt::format("unknown objective '{}'; choose {}{}", text, choice_list(own),
                           did_you_mean(text, all));
      },
      "", ""));
}

std::vector<std::pair<Objective, std::string>> latency_energy_edp() {
  return {{Objective::Latency, "latency"}, {Objective::Energy, "energy"}, {Objective::Edp, "edp"}};
}

}  // namespace mosaic::cli

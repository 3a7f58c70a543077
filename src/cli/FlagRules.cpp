#include "cli/FlagRules.h"

namespace mosaic::cli {

CLI::Option* check_number(CLI::Option* option, const NumberRule& rule) {
  return option->check(CLI::Validator(
      [rule](std::string& text) -> std::string {
        try {
          parse_number(text, rule, SourceLocation{});
          return "";
        } catch (const UserError& e) {
          return e.message();
        }
      },
      "", ""));
}

CLI::Option* check_integer(CLI::Option* option, const IntRule& rule) {
  return option->check(CLI::Validator(
      [rule](std::string& text) -> std::string {
        try {
          parse_integer(text, rule, SourceLocation{});
          return "";
        } catch (const UserError& e) {
          return e.message();
        }
      },
      "", ""));
}

}  // namespace mosaic::cli

// Command-line flags checked by the one validation layer (common/Validate.h): a CLI11 validator
// per rule, so `--load-balance nan`, `--threads -3` or `--samples 1.5` are refused before the
// verb runs, with the flag named ("--load-balance: must be a number >= 1, got 'nan'") and exit 1.
#pragma once

#include <CLI/CLI.hpp>

#include "common/Validate.h"

namespace mosaic::cli {

CLI::Option* check_number(CLI::Option* option, const NumberRule& rule);
CLI::Option* check_integer(CLI::Option* option, const IntRule& rule);

// The rules shared by several verbs.
inline IntRule threads_rule() {
  return IntRule::between(0, 4096);
}  // 0: all hardware threads
inline IntRule seed_rule() {
  return IntRule::non_negative();
}

}  // namespace mosaic::cli

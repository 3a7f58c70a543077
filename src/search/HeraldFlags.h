// The flags of `mosaic herald` (and the Python module's `mosaic.herald`) turned into a
// HeraldConfig: one place for the parsing, the defaults and the messages of both front ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arch/Accelerator.h"
#include "common/Validate.h"
#include "schedule/Schedule.h"
#include "search/Herald.h"

namespace mosaic::search {

// The values as the user gave them (the CLI's defaults). Errors name the flag (`--granularity`).
struct HeraldFlags {
  std::string workload = "arvr-a";
  std::string cls = "edge";
  std::string styles = "nvdla,shi";
  std::string accelerator;  // a fixed design (YAML) instead of a searched style; empty: none
  int granularity = 16;
  std::string search = "exhaustive";
  int samples = 256;
  std::uint64_t seed = 1;
  std::string objective = "edp";
  std::string scheduler = "herald";
  std::string ordering = "breadth-first";
  double load_balance = 2.0;
  int lookahead = 4;
  double rearrange_cycles_per_byte = 0;
  std::string compat = "none";       // none or maestro
  double subacc_buffer_per_pe = -1;  // bytes; < 0: the default of ExecutionParams
  double local_bw_per_pe = -1;       // elements per PE and cycle; < 0: the default
  bool search_tiles = false;         // with compat maestro: the styles' best tiles
  std::string cost = "directive";    // directive or loopnest (mapper/CostAnalysis.h)
  bool no_baselines = false;
  int threads = 0;
  bool progress = false;
  bool allow_large = false;  // --allow-large: run a sweep its estimate refuses
};

// The value rules of the numeric flags (common/Validate.h), one table for both front ends: the CLI
// installs them as its flags' validators (cli/CmdHerald.cpp), check_herald_flags applies them to
// values given otherwise (the Python module's mosaic.herald).
struct HeraldFlagRule {
  const char* flag;
  std::optional<IntRule> integer;  // an integer flag's rule; unset: a number flag's, `number`
  NumberRule number;
  double (*value)(const HeraldFlags&);
  bool unset_below_zero = false;  // a negative value is the "not given" default (not checked)
};
const std::vector<HeraldFlagRule>& herald_flag_rules();

// Throws UserError "mosaic herald: <flag>: <message>" (the CLI's words) for the first value a
// rule refuses.
void check_herald_flags(const HeraldFlags& flags);

// Loads the workload (and the class or accelerator file) and checks every value. Throws
// UserError naming the flag.
HeraldConfig herald_config(const HeraldFlags& flags);

// "edp", "latency" or "energy".
schedule::Metric parse_herald_metric(std::string_view text, std::string_view flag);

// "nvdla,shi|fda:rs|rda" ('|'-separated styles) or "all" (every HDA of Table III).
std::vector<arch::AcceleratorStyle> parse_herald_styles(const std::string& text);

}  // namespace mosaic::search

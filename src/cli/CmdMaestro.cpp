// `mosaic maestro ...`: a drop-in for the public MAESTRO tool's `maestro` binary. Same flags
// (Boost program_options style: --name=value or --name value, any unambiguous prefix of a flag
// name, booleans as true/false/1/0/yes/no/on/off), the HW file overriding the hardware flags, the
// same derived CSV file name (appended, header written once) and the same console lines, so tools
// that shell out to MAESTRO work unchanged. The numbers are mosaic's MAESTRO-compatible mode.
//
// The argument parser is written by hand: CLI11 has no unambiguous-prefix matching, and the
// drop-in must accept exactly what Boost accepts.
#include <climits>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "arch/Core.h"
#include "cli/Commands.h"
#include "common/Error.h"
#include "cost/MaestroNetwork.h"
#include "outputs/MaestroCsv.h"
#include "workload/MaestroFormat.h"

namespace mosaic::cli {
namespace {

enum class Kind { Int, Bool, Text, Real, Flag };

struct Option {
  const char* name;
  Kind kind;
  const char* help;
};

// MAESTRO's options, all of them (many are parsed and ignored by MAESTRO itself).
const Option kOptions[] = {
    {"help", Kind::Flag, "Display help message"},
    {"print_res", Kind::Bool, "Print the per-layer results to the console (default true)"},
    {"print_res_csv_file", Kind::Bool, "Write the per-layer CSV (default true)"},
    {"print_log_file", Kind::Bool, "(accepted; mosaic writes no log.txt)"},
    {"msg_print_lv", Kind::Int, "(accepted, ignored)"},
    {"dataflow_file", Kind::Text, "(legacy, ignored)"},
    {"layer_file", Kind::Text, "(legacy, ignored)"},
    {"Mapping_file", Kind::Text, "The mapping file (network + per-layer dataflow)"},
    {"HW_file", Kind::Text, "The hardware file; overrides the hardware flags"},
    {"offchip_bw_cstr", Kind::Int, "Off-chip bandwidth, elements/cycle (default 70000)"},
    {"noc_bw_cstr", Kind::Int, "NoC bandwidth, elements/cycle (default unbounded)"},
    {"noc_hops", Kind::Int, "Average NoC hops (default 1)"},
    {"noc_hop_latency", Kind::Int, "Latency per hop (default 0)"},
    {"noc_mc_support", Kind::Bool, "(accepted, ignored as in MAESTRO)"},
    {"top_bw_only", Kind::Bool, "(accepted; see --bw_sweep)"},
    {"bw_sweep", Kind::Bool, "(not supported)"},
    {"num_pes", Kind::Int, "Number of PEs (default 7)"},
    {"num_simd_lanes", Kind::Int, "ALUs per PE (default 1)"},
    {"do_implicit_reduction", Kind::Bool, "(accepted, ignored)"},
    {"do_fg_sync", Kind::Bool, "(accepted, ignored)"},
    {"do_reduction_op", Kind::Bool, "(accepted, ignored)"},
    {"full_buffer", Kind::Bool, "(accepted, ignored)"},
    {"do_dse", Kind::Bool, "(accepted, ignored: use `mosaic dse`)"},
    {"verbose", Kind::Bool, "(accepted, ignored)"},
    {"print_design_space", Kind::Bool, "(accepted, ignored)"},
    {"print_space", Kind::Bool, "(accepted, ignored)"},
    {"l1_size_cstr", Kind::Int, "L1 size per PE (checked, warnings only)"},
    {"l2_size_cstr", Kind::Int, "L2 size (checked, warnings only)"},
    {"min_num_PEs", Kind::Int, "(accepted, ignored)"},
    {"min_noc_bw", Kind::Int, "(accepted, ignored)"},
    {"max_num_PEs", Kind::Int, "(accepted, ignored)"},
    {"max_noc_bw", Kind::Int, "(accepted, ignored)"},
    {"pe_tick", Kind::Int, "(accepted, ignored)"},
    {"bw_tick", Kind::Int, "(accepted, ignored)"},
    {"area_constraint", Kind::Real, "(accepted, ignored)"},
    {"power_constraint", Kind::Real, "(accepted, ignored)"},
    {"optimization_target", Kind::Text, "(accepted, ignored)"},
};

[[noreturn]] void usage_error(const std::string& msg) {
  throw UserError(SourceLocation{"", 0, "mosaic maestro"}, msg);
}

const Option& find_option(const std::string& given) {
  const Option* exact = nullptr;
  std::vector<const Option*> prefixed;
  for (const auto& o : kOptions) {
    const std::string name = o.name;
    if (name == given) exact = &o;
    if (name.rfind(given, 0) == 0) prefixed.push_back(&o);
  }
  if (exact != nullptr) return *exact;
  if (prefixed.size() == 1) return *prefixed[0];
  if (prefixed.empty()) usage_error(fmt::format("unrecognised option '--{}'", given));
  std::string names;
  for (const auto* o : prefixed) names += std::string(" --") + o->name;
  usage_error(fmt::format("option '--{}' is ambiguous; it could be:{}", given, names));
}

bool parse_bool(const std::string& flag, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  usage_error(fmt::format("the argument ('{}') for option '--{}' is invalid", v, flag));
}

std::int64_t parse_int(const std::string& flag, const std::string& v) {
  try {
    std::size_t pos = 0;
    const long long x = std::stoll(v, &pos);
    if (pos == v.size()) return x;
  } catch (const std::exception&) {
  }
  usage_error(fmt::format("the argument ('{}') for option '--{}' is invalid", v, flag));
}

// The CSV name MAESTRO derives from the mapping path: drop everything up to the first '/' twice,
// cut at the first '.', append ".csv" (relative to the working directory).
std::string derived_csv_name(const std::string& mapping) {
  std::string s = mapping;
  for (int i = 0; i < 2; ++i) {
    const auto p = s.find('/');
    s = p == std::string::npos ? s : s.substr(p + 1);
  }
  const auto dot = s.find('.');
  if (dot != std::string::npos) s = s.substr(0, dot);
  return s + ".csv";
}

int run_maestro(const std::vector<std::string>& args) {
  std::map<std::string, std::string> values;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0 || a.size() == 2)
      usage_error(fmt::format("unexpected argument '{}' (options start with --)", a));
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Option& opt = find_option(name);
    if (opt.kind == Kind::Flag) {
      values[opt.name] = "1";
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size())
        usage_error(fmt::format("option '--{}' requires an argument", opt.name));
      value = args[++i];
    }
    if (values.count(opt.name))
      usage_error(fmt::format("option '--{}' cannot be specified more than once", opt.name));
    if (opt.kind == Kind::Bool) parse_bool(opt.name, *value);
    if (opt.kind == Kind::Int) parse_int(opt.name, *value);
    values[opt.name] = *value;
  }
  if (values.count("help")) {
    std::cout << "mosaic maestro: a drop-in for MAESTRO's command line (MAESTRO-compatible "
                 "numbers).\nOptions (any unambiguous prefix works):\n";
    for (const auto& o : kOptions) std::cout << fmt::format("  --{:<24} {}\n", o.name, o.help);
    return 0;
  }
  auto get_bool = [&](const char* n, bool dflt) {
    auto it = values.find(n);
    return it == values.end() ? dflt : parse_bool(n, it->second);
  };
  auto get_int = [&](const char* n, std::int64_t dflt) {
    auto it = values.find(n);
    return it == values.end() ? dflt : parse_int(n, it->second);
  };
  if (get_bool("bw_sweep", false) && get_bool("top_bw_only", false))
    usage_error(
        "--bw_sweep with --top_bw_only (MAESTRO's hard-coded NoC sweep) is not supported; "
        "use `mosaic dse --bw MIN:MAX:STEP`");
  const std::string mapping = values.count("Mapping_file") ? values["Mapping_file"] : "";
  if (mapping.empty()) usage_error("--Mapping_file is required");

  arch::Core core;
  core.name = "maestro";
  core.num_pes = get_int("num_pes", 7);
  core.vector_width = get_int("num_simd_lanes", 1);
  core.noc_bw = get_int("noc_bw_cstr", INT_MAX);
  core.offchip_bw = get_int("offchip_bw_cstr", 70000);
  core.l1_bytes = get_int("l1_size_cstr", INT_MAX);
  core.l2_bytes = get_int("l2_size_cstr", INT_MAX);
  core.noc_hops = get_int("noc_hops", 1);
  core.noc_hop_latency = get_int("noc_hop_latency", 0);
  const bool print_res = get_bool("print_res", true);
  const bool print_csv = get_bool("print_res_csv_file", true);
  if (values.count("HW_file") && !values["HW_file"].empty()) {
    const arch::Core hw = arch::read_maestro_hardware(values["HW_file"]);
    core.num_pes = hw.num_pes;
    core.l1_bytes = hw.l1_bytes;
    core.l2_bytes = hw.l2_bytes;
    core.offchip_bw = hw.offchip_bw;
    core.noc_bw = hw.noc_bw;
    core.noc_hops = 1;
    core.noc_hop_latency = hw.noc_hop_latency;
  }
  arch::validate(core, values.count("HW_file") ? values["HW_file"] : "");

  const auto net = workload::maestro_format::parse_network_file(mapping);
  cost::MaestroEvalOptions opt;
  opt.maestro_compat = true;
  const auto report = cost::evaluate_maestro_network(net, core, opt);
  for (const auto& note : report.notes) std::cerr << "note: " << note << "\n";

  if (print_res) {
    if (values.count("HW_file")) std::cout << "\n";  // MAESTRO's HW parser prints a blank line
    outputs::write_maestro_console(std::cout, report, core, true, false);
  }
  if (print_csv) {
    const std::string csv = derived_csv_name(mapping);
    const bool exists = std::filesystem::exists(csv);
    std::ofstream out(csv, std::ios::app);
    if (!out) throw UserError(SourceLocation{csv, 0, ""}, "cannot write the CSV file");
    std::string text;
    if (!exists) text = outputs::maestro_csv_header() + "\n";
    text.reserve(text.size() + report.layers.size() * 512);
    for (const auto& row : report.layers) {
      outputs::append_maestro_csv_row(text, row);
      text += '\n';
    }
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    outputs::write_maestro_console(std::cout, report, core, false, true);
  }
  return 0;
}

const RawCommandRegistrar kMaestroRegistrar(
    "maestro", "Drop-in for the MAESTRO tool: its flags, its CSV (mosaic maestro --help)",
    run_maestro);

}  // namespace
}  // namespace mosaic::cli

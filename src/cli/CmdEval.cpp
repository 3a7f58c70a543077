// `mosaic eval`: the directive (MAESTRO) cost model on a mapping file and a hardware file.
#include <climits>
#include <iostream>

#include <fmt/format.h>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "cli/Commands.h"
#include "cli/CommonFlags.h"
#include "common/Error.h"
#include "common/MemoryContext.h"
#include "common/OutputFile.h"
#include "cost/MaestroNetwork.h"
#include "mapper/DirectiveMapper.h"
#include "outputs/EvalHtml.h"
#include "outputs/EvalReport.h"
#include "outputs/MaestroCsv.h"
#include "workload/MaestroFormat.h"
#include "workload/WorkloadFile.h"
#include "workload/WorkloadWriter.h"

namespace mosaic::cli {
namespace {

struct EvalArgs {
  std::string mapping, workload, hw, dataflow, compat, json_out, csv_out, technology, search_tiles;
  std::string report_out;
  bool quiet = false;
};

// The mapping file, or any workload (the one front end, docs/cli.md) as MAESTRO's layers
// (workload::maestro_network: MAC layers, padding folded into the input) costed with --dataflow.
workload::maestro_format::NetworkSyntax eval_network(const EvalArgs& a) {
  if (a.mapping.empty() == a.workload.empty())
    throw UserError(SourceLocation{"", 0, "--mapping"}, "give --mapping FILE.m or --workload W");
  if (!a.mapping.empty()) return workload::maestro_format::parse_network_file(a.mapping);
  if (a.dataflow.empty())
    throw UserError(SourceLocation{"", 0, "--dataflow"},
                    "a workload has no dataflows of its own; choose one with --dataflow (e.g. "
                    "kcp_ws)");
  const workload::Workload w = workload::load_workload(a.workload);
  if (w.models.size() != 1)
    throw UserError(SourceLocation{a.workload, 0, "--workload"},
                    fmt::format("eval costs one network; this workload has {} models (cost them "
                                "one by one, or schedule them with herald)",
                                w.models.size()));
  return workload::maestro_format::parse_network_text(workload::maestro_network(w.models[0]),
                                                      a.workload);
}

int run(const EvalArgs& a) {
  const MemoryContext memory("running the directive analysis of the network");
  bool compat = false;
  if (!a.compat.empty()) {
    if (a.compat != "maestro")
      throw UserError(SourceLocation{"", 0, "--compat"},
                      "unknown compatibility mode '" + a.compat + "'; the only one is 'maestro'");
    compat = true;
  }
  const arch::Core core = arch::read_hardware(a.hw);
  cost::MaestroEvalOptions opt;
  opt.maestro_compat = compat;
  if (!a.dataflow.empty()) opt.dataflow_name = a.dataflow;
  if (!a.technology.empty()) opt.technology = arch::read_technology(a.technology);
  if (!a.search_tiles.empty()) {
    if (compat)
      throw UserError(SourceLocation{"", 0, "--search-tiles"},
                      "the MAESTRO-compat mode evaluates the mapping as written");
    mapper::DirectiveMapperOptions mo = mapper::mapper_options(core);
    if (a.search_tiles == "latency")
      mo.objective = cost::CoreObjective::Latency;
    else if (a.search_tiles == "energy")
      mo.objective = cost::CoreObjective::Energy;
    else if (a.search_tiles == "edp")
      mo.objective = cost::CoreObjective::EDP;
    else
      throw UserError(
          SourceLocation{"", 0, "--search-tiles"},
          "unknown objective '" + a.search_tiles + "'; expected edp, latency or energy");
    if (core.l1_bytes < INT_MAX) mo.l1_elements = core.l1_bytes * 8 / core.precision_bits;
    const arch::Technology tech = opt.technology;
    opt.search_tiles = [mo, tech](const dataflow::Problem& p, const dataflow::Dataflow& style) {
      const auto r = mapper::map_directives(p, style, mo, tech);
      if (!r.feasible) throw UserError(SourceLocation{"", 0, "--search-tiles"}, r.why);
      return r.best.directives;
    };
  }
  const auto net = eval_network(a);
  const auto report = cost::evaluate_maestro_network(net, core, opt);
  if (!a.quiet) {
    outputs::write_eval_table(std::cout, report, core, opt.technology, compat);
  } else if (!is_stdout(a.json_out)) {  // --quiet keeps the summary (docs/cli.md)
    const auto t = outputs::eval_json(report, core, opt.technology, compat)["totals"];
    std::cout << fmt::format("total: {} MACs, {:.0f} cycles, energy {:.6g} pJ\n",
                             t["macs"].get<std::int64_t>(), t["latency_cycles"].get<double>(),
                             t["energy_pj"].get<double>());
  }
  if (!a.json_out.empty())
    write_file_atomically(a.json_out,
                          outputs::eval_json(report, core, opt.technology, compat).dump(2) + "\n",
                          "--json");
  if (!a.report_out.empty())  // outputs/EvalHtml.h
    write_file_atomically(
        a.report_out,
        outputs::eval_report_html(outputs::eval_json(report, core, opt.technology, compat)),
        "--report");
  if (!a.csv_out.empty()) {
    std::string csv = outputs::maestro_csv_header() + "\n";
    for (const auto& row : report.layers) csv += outputs::maestro_csv_row(row) + "\n";
    write_file_atomically(a.csv_out, csv, "--csv");
  }
  return 0;
}

const CommandRegistrar kEvalRegistrar("eval", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<EvalArgs>();
  auto* cmd = app.add_subcommand(
      "eval", "Cost every layer of a mapping file (network + dataflows) on a core (MAESTRO model)");
  cmd->add_option("--mapping", args->mapping, "MAESTRO-format network/mapping file (.m)");
  add_workload_option(cmd, args->workload)
      ->description(workload_help() + " (one model); needs --dataflow; instead of --mapping");
  cmd->add_option("--hw", args->hw, "Hardware: a MAESTRO .m hardware file or a core YAML")
      ->required();
  cmd->add_option("--dataflow", args->dataflow,
                  "Use this named dataflow (or .m file) for every layer instead of the file's own");
  cmd->add_option("--compat", args->compat,
                  "'maestro': reproduce the public MAESTRO tool number for number");
  check_objective(
      cmd->add_option("--search-tiles", args->search_tiles,
                      "Search each layer's tile sizes and array shape within its dataflow style "
                      "(edp, latency or energy; under the hardware's L1 size)"),
      latency_energy_edp());
  add_json_option(cmd, args->json_out, "every figure");
  cmd->add_option("--report", args->report_out,
                  "Write an HTML report (per-layer, per-level breakdown, the bottleneck named)");
  cmd->add_option("--csv", args->csv_out, "Write MAESTRO's 52-column CSV");
  cmd->add_option("--technology", args->technology, "Technology YAML (energies, area, power)");
  add_quiet_flag(cmd, args->quiet);
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
});

}  // namespace
}  // namespace mosaic::cli

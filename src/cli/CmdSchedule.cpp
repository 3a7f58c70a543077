// mosaic schedule: Herald's layer scheduler on a core that has both views (a ZigZag hardware
// file), fed by either cost analysis (--cost directive|loopnest): the same scheduler, workload
// and accelerator, only the per-layer CoreLayerCost changes.
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "arch/ZigZagHardware.h"
#include "cli/Commands.h"
#include "cli/CommonFlags.h"
#include "common/Error.h"
#include "common/OutputFile.h"
#include "mapper/CostAnalysis.h"
#include "schedule/HeraldProblem.h"
#include "workload/WorkloadFile.h"

namespace mosaic::cli {
namespace {

struct ScheduleArgs {
  std::string workload;
  std::string hw;
  std::string mapping;
  std::string cost = "directive";
  std::string dataflow = "kcp_ws";
  std::string objective = "latency";
  std::string json_out;
  bool quiet = false;
};

nlohmann::json schedule_json(const workload::WorkloadGraph& g, const schedule::Problem& p,
                             const schedule::Schedule& s, const ScheduleArgs& a) {
  nlohmann::json j;
  j["cost"] = a.cost;
  j["dataflow"] = a.dataflow;
  j["latency_cycles"] = s.latency_cycles;
  j["energy_pj"] = s.energy_pj;
  j["dram_bytes"] = s.dram_bytes;
  nlohmann::json layers = nlohmann::json::array();
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const auto& pl = s.placed[i];
    layers.push_back({{"name", g.nodes[i].name},
                      {"cycles", p.cycles[p.at(i, 0)]},
                      {"onchip_energy_pj", p.energy_pj[p.at(i, 0)]},
                      {"start", pl.start},
                      {"end", pl.end},
                      {"energy_pj", pl.energy_pj}});
  }
  j["layers"] = layers;
  return j;
}

int run(const ScheduleArgs& a) {
  mapper::CostAnalysisOptions opt;
  opt.analysis = mapper::parse_cost_analysis(a.cost);
  if (!mapper::parse_objective(a.objective, opt.map.objective))
    throw UserError(SourceLocation{"", 0, "--objective"},
                    fmt::format("'{}' is not latency, energy or edp", a.objective));
  if (!a.mapping.empty()) opt.mappings = dataflow::read_zigzag_mapping(a.mapping);
  const arch::Accelerator acc =
      mapper::schedulable_accelerator(arch::read_zigzag_hardware(a.hw), a.dataflow);
  const workload::WorkloadGraph g = workload::flatten(workload::load_workload(a.workload));
  const schedule::CostLookup lookup = [&](std::size_t node, const arch::Core& core,
                                          const std::string& df) {
    return mapper::analysed_cost(g.nodes[node].layer, core, df, opt);
  };
  const schedule::Problem p =
      schedule::build_problem(g, acc, lookup, opt.technology.dram_pj, opt.map.objective);
  schedule::Options so;
  so.metric = opt.map.objective;
  const schedule::Schedule s = schedule::schedule_layers(p, so);
  if (!a.quiet) {
    std::cout << fmt::format(
        "{} on {} ({} analysis{}): {} layers\n", a.workload, acc.name, a.cost,
        opt.analysis == mapper::CostAnalysis::Directive ? ", dataflow " + a.dataflow : "",
        g.nodes.size());
    std::cout << fmt::format("{:<40} {:>14} {:>16}\n", "layer", "cycles", "on-chip pJ");
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
      std::cout << fmt::format("{:<40} {:>14.0f} {:>16.4g}\n", g.nodes[i].name,
                               p.cycles[p.at(i, 0)], p.energy_pj[p.at(i, 0)]);
  }
  if (!a.quiet || !is_stdout(a.json_out))  // --quiet keeps the summary (docs/cli.md)
    std::cout << fmt::format("schedule: latency {:.0f} cycles, energy {:.6g} pJ, DRAM {:.0f} B\n",
                             s.latency_cycles, s.energy_pj, s.dram_bytes);
  if (!a.json_out.empty())
    write_file_atomically(a.json_out, schedule_json(g, p, s, a).dump(2) + "\n", "--json");
  return 0;
}

const CommandRegistrar kScheduleRegistrar("schedule", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ScheduleArgs>();
  auto* cmd = app.add_subcommand(
      "schedule",
      "Schedule a workload on a ZigZag core with either cost analysis (--cost directive|loopnest)");
  add_workload_option(cmd, args->workload)->required();
  cmd->add_option("--hw", args->hw, "ZigZag hardware YAML (the core's both views)")->required();
  cmd->add_option("--mapping", args->mapping,
                  "ZigZag mapping YAML (spatial mapping of the loop-nest analysis)");
  check_choice(cmd->add_option("--cost", args->cost, "directive | loopnest (default directive)"),
               {"directive", "loopnest"});
  cmd->add_option("--dataflow", args->dataflow,
                  "Named dataflow of the directive analysis (default kcp_ws)");
  check_objective(
      cmd->add_option("--objective", args->objective,
                      "latency | energy | edp: the scheduler's and the mapper's (default latency)"),
      latency_energy_edp());
  add_json_option(cmd, args->json_out, "the costs and the schedule");
  add_quiet_flag(cmd, args->quiet);
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
});

}  // namespace
}  // namespace mosaic::cli

// `mosaic explain`: a layer's mapping as a loop nest, with the unit temporal iteration marked.
#include <iostream>

#include <fmt/format.h>

#include "arch/Core.h"
#include "cli/Commands.h"
#include "cli/FlagRules.h"
#include "common/Error.h"
#include "cost/DirectiveAnalysis.h"
#include "dataflow/Legality.h"
#include "dataflow/Library.h"
#include "dataflow/LoopNest.h"
#include "workload/MaestroFormat.h"

namespace mosaic::cli {
namespace {

struct ExplainArgs {
  std::string mapping, layer, dataflow, hw;
  std::int64_t pes = 256;
};

int run(const ExplainArgs& a) {
  namespace mf = workload::maestro_format;
  const auto net = mf::parse_network_file(a.mapping);
  if (net.layers.empty()) throw UserError(SourceLocation{a.mapping, 0, ""}, "no layers");
  std::size_t index = 0;
  std::optional<dataflow::Dataflow> df;
  bool found = a.layer.empty();
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (net.layers[i].has_dataflow)
      df = dataflow::from_syntax(net.layers[i].dataflow, net.layers[i].name, net.file);
    if (!a.layer.empty() && net.layers[i].name == a.layer) {
      index = i;
      found = true;
      break;
    }
  }
  if (!found) {
    std::string names;
    for (const auto& l : net.layers) names += " " + l.name;
    throw UserError(SourceLocation{a.mapping, 0, "--layer"},
                    fmt::format("no layer named '{}'; the layers are:{}", a.layer, names));
  }
  if (a.layer.empty())
    df = net.layers[0].has_dataflow ? std::optional(dataflow::from_syntax(
                                          net.layers[0].dataflow, net.layers[0].name, net.file))
                                    : std::nullopt;
  const auto& ls = net.layers[index];
  const dataflow::Problem p = dataflow::problem_from_syntax(ls, net.file);
  if (!a.dataflow.empty())
    df = dataflow::adapt_to_problem(dataflow::library_dataflow(a.dataflow, p.type), p);
  if (!df)
    throw UserError(SourceLocation{a.mapping, ls.line, "Layer " + ls.name},
                    "has no Dataflow block; choose one with --dataflow");
  cost::DirectiveHardware hw;
  hw.num_pes = a.pes;
  if (!a.hw.empty()) hw.num_pes = arch::read_hardware(a.hw).num_pes;
  const auto bound = dataflow::clamp_to_problem(dataflow::bind(*df, p), p);
  cost::DirectiveOptions dopt;
  dopt.keep_levels = true;
  const auto r = cost::analyze_directives(p, bound, hw, dopt);
  std::vector<dataflow::LoopNestLevel> levels;
  for (std::size_t l = 0; l < r.levels.size(); ++l)
    levels.push_back({r.levels[l], r.level_sub_clusters[l]});
  std::string dims;
  for (int i = 0; i < dataflow::kNumDims; ++i) {
    const auto d = static_cast<dataflow::Dim>(i);
    if (p.has(d)) dims += fmt::format(" {}={}", dataflow::dim_name(d), p[d]);
  }
  std::cout << fmt::format("// layer {} ({}):{}\n// dataflow {} on {} PEs ({} usable)\n", ls.name,
                           ls.type, dims, df->name, hw.num_pes, r.active_pes);
  for (const auto& issue : dataflow::check_legality(dataflow::bind(*df, p), p))
    std::cout << fmt::format("// note: {}: {} ({})\n", issue.directive, issue.message,
                             dataflow::rule_name(issue.rule));
  std::cout << dataflow::render_loop_nest(p, levels);
  return 0;
}

const CommandRegistrar kExplainRegistrar("explain", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ExplainArgs>();
  auto* cmd = app.add_subcommand("explain", "Show a layer's mapping as a loop nest");
  cmd->add_option("--mapping", args->mapping, "MAESTRO-format network/mapping file")->required();
  cmd->add_option("--layer", args->layer, "Layer name (default: the first)");
  cmd->add_option("--dataflow", args->dataflow,
                  "Named dataflow (or .m file) instead of the file's");
  cmd->add_option("--pes", args->pes, "Number of PEs (default 256)");
  cmd->add_option("--hw", args->hw, "Hardware file (takes the PE count from it)");
  // Values checked by the shared validation layer (docs/input-validation.md).
  check_integer(cmd->get_option("--pes"), IntRule::positive());
  cmd->callback([args, &exit_code] { exit_code = run(*args); });
});

}  // namespace
}  // namespace mosaic::cli

// The CLI verbs as functions returning what their JSON files hold, as dicts: same argument names
// as the flags (underscored), same defaults, same library calls, same errors.
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include "arch/Accelerator.h"
#include "common/Error.h"
#include "common/OutputFile.h"
#include "cost/MaestroNetwork.h"
#include "outputs/EvalReport.h"
#include "outputs/HeraldReport.h"
#include "python/PyCommon.h"
#include "search/Herald.h"
#include "workload/MaestroFormat.h"
#include "workload/WorkloadFile.h"
#include "workload/WorkloadWriter.h"

namespace mosaic::python {

namespace {

// `mosaic eval --mapping M --hw H [--dataflow D] [--compat maestro] [--technology T] --json`.
py::object eval(const std::string& mapping, const std::string& hw,
                const std::optional<std::string>& dataflow,
                const std::optional<std::string>& compat,
                const std::optional<std::string>& technology) {
  PyDataflow df;
  df.name = dataflow;  // as --dataflow: a name or a .m path, resolved per layer class
  const cost::MaestroEvalOptions opt = eval_options(df, compat, technology);
  nlohmann::json j;
  {
    py::gil_scoped_release release;
    const arch::Core core = arch::read_hardware(hw);
    const auto net = workload::maestro_format::parse_network_file(mapping);
    const auto report = cost::evaluate_maestro_network(net, core, opt);
    j = outputs::eval_json(report, core, opt.technology, opt.maestro_compat);
  }
  return to_python(j);
}

// As `mosaic workload`'s --granularity.
workload::Granularity parse_granularity(const std::string& s) {
  if (s == "compute") return workload::Granularity::Compute;
  if (s == "all") return workload::Granularity::All;
  throw UserError(SourceLocation{"", 0, "--granularity"},
                  fmt::format("'{}' is not compute or all", s));
}

// `mosaic workload show W --json [--granularity G] [--summary]`.
py::object workload_show(const std::string& workload, const std::string& granularity,
                         bool all_layers, bool summary) {
  nlohmann::json j;
  {
    py::gil_scoped_release release;
    const workload::Workload w = workload::load_workload(workload);
    const auto g = all_layers ? workload::Granularity::All : parse_granularity(granularity);
    j = workload::workload_json(w, g);
    if (summary)
      for (auto& m : j["models"]) m.erase("layers");
  }
  return to_python(j);
}

schedule::Metric parse_metric(const std::string& s) {
  if (s == "edp") return schedule::Metric::EDP;
  if (s == "latency") return schedule::Metric::Latency;
  if (s == "energy") return schedule::Metric::Energy;
  throw UserError(SourceLocation{"", 0, "--objective"},
                  fmt::format("unknown objective '{}'; expected edp, latency or energy", s));
}

std::vector<arch::AcceleratorStyle> parse_styles(const std::string& text) {
  std::vector<arch::AcceleratorStyle> out;
  if (text == "all") {
    for (const auto& s : arch::table3_styles())
      if (s.kind == arch::StyleKind::HDA) out.push_back(s);
    return out;
  }
  std::string item;
  std::stringstream ss(text);
  while (std::getline(ss, item, '|'))
    if (!item.empty()) out.push_back(arch::parse_style(item));
  if (out.empty()) throw UserError(SourceLocation{"", 0, "--styles"}, "no style given");
  return out;
}

struct HeraldArgs {
  std::string workload, cls, styles;
  std::optional<std::string> accelerator;
  int granularity = 16;
  std::string search;
  int samples = 256;
  std::uint64_t seed = 1;
  std::string objective, scheduler, ordering;
  double load_balance = 2.0;
  int lookahead = 4;
  double rearrange_cycles_per_byte = 0;
  std::optional<std::string> out;
  int threads = 0;
  bool no_baselines = false;
  bool quiet = false;
};

// The configuration `mosaic herald` builds from its flags (cli/CmdHerald.cpp).
search::HeraldConfig herald_config(const HeraldArgs& a) {
  search::HeraldConfig cfg;
  cfg.workload = workload::load_workload(a.workload);
  if (a.accelerator) {
    const auto spec = arch::read_accelerator_spec(*a.accelerator);
    cfg.cls = spec.cls;
    cfg.styles = {spec.style};
    cfg.fixed_partition = spec.partition;
    cfg.params = spec.params;
  } else {
    cfg.cls = std::filesystem::exists(a.cls) ? arch::read_accelerator_class(a.cls)
                                             : arch::accelerator_class(a.cls);
    cfg.styles = parse_styles(a.styles);
  }
  if (a.granularity < 1)
    throw UserError(SourceLocation{"", 0, "--granularity"}, "must be at least 1");
  cfg.granularity = a.granularity;
  cfg.mode = search::parse_search_mode(a.search);
  cfg.random_samples = a.samples;
  cfg.seed = a.seed;
  cfg.objective = parse_metric(a.objective);
  if (a.scheduler != "herald" && a.scheduler != "greedy")
    throw UserError(SourceLocation{"", 0, "--scheduler"}, "expected herald or greedy");
  cfg.scheduler.greedy = a.scheduler == "greedy";
  if (a.ordering == "depth-first")
    cfg.scheduler.ordering = schedule::Ordering::DepthFirst;
  else if (a.ordering == "breadth-first")
    cfg.scheduler.ordering = schedule::Ordering::BreadthFirst;
  else
    throw UserError(SourceLocation{"", 0, "--ordering"}, "expected depth-first or breadth-first");
  if (a.load_balance < 1)
    throw UserError(SourceLocation{"", 0, "--load-balance"}, "must be at least 1");
  cfg.scheduler.load_balance_factor = a.load_balance;
  cfg.scheduler.lookahead = a.lookahead;
  cfg.params.rearrange_cycles_per_byte = a.rearrange_cycles_per_byte;
  cfg.baselines = !a.no_baselines;
  cfg.threads = a.threads;
  cfg.progress = !a.quiet;
  return cfg;
}

// `mosaic herald ...`: summary.json as a dict (and, with `out`, every file the CLI writes).
py::object herald(const HeraldArgs& a) {
  nlohmann::json j;
  bool stopped = false;
  {
    py::gil_scoped_release release;
    const search::HeraldConfig cfg = herald_config(a);
    // run_herald installs the Ctrl-C guard itself: Ctrl-C stops it with the finished points.
    const search::HeraldResult r = search::run_herald(cfg);
    const outputs::HeraldRunInfo info{a.workload,  cfg.cls.name, a.search, a.granularity,
                                      a.objective, a.scheduler,  a.seed,   cfg.params.clock_ghz};
    j = outputs::herald_summary_json(r, cfg, info);
    if (a.out) outputs::write_herald_outputs(*a.out, r, cfg, info);
    stopped = r.interrupted;
  }
  if (stopped) raise_keyboard_interrupt();
  return to_python(j);
}

}  // namespace

void bind_verbs(py::module_& m) {
  m.def("eval", &eval, py::arg("mapping"), py::arg("hw"), py::arg("dataflow") = py::none(),
        py::arg("compat") = py::none(), py::arg("technology") = py::none(),
        "`mosaic eval`: the dict its --json file holds.");
  m.def("workload", &workload_show, py::arg("workload"), py::arg("granularity") = "compute",
        py::arg("all_layers") = false, py::arg("summary") = false,
        "`mosaic workload show WORKLOAD --json`: the workload schema with derived figures.");
  m.def(
      "herald",
      [](std::string workload, std::string class_, std::string styles,
         std::optional<std::string> accelerator, int granularity, std::string search, int samples,
         std::uint64_t seed, std::string objective, std::string scheduler, std::string ordering,
         double load_balance, int lookahead, double rearrange_cycles_per_byte,
         std::optional<std::string> out, int threads, bool no_baselines, bool quiet) {
        HeraldArgs a{workload,     class_,
                     styles,       accelerator,
                     granularity,  search,
                     samples,      seed,
                     objective,    scheduler,
                     ordering,     load_balance,
                     lookahead,    rearrange_cycles_per_byte,
                     out,          threads,
                     no_baselines, quiet};
        return herald(a);
      },
      py::arg("workload") = "arvr-a", py::arg("class_") = "edge", py::arg("styles") = "nvdla,shi",
      py::arg("accelerator") = py::none(), py::arg("granularity") = 16,
      py::arg("search") = "exhaustive", py::arg("samples") = 256, py::arg("seed") = 1,
      py::arg("objective") = "edp", py::arg("scheduler") = "herald",
      py::arg("ordering") = "breadth-first", py::arg("load_balance") = 2.0,
      py::arg("lookahead") = 4, py::arg("rearrange_cycles_per_byte") = 0.0,
      py::arg("out") = py::none(), py::arg("threads") = 0, py::arg("no_baselines") = false,
      py::arg("quiet") = false,
      "`mosaic herald`: the dict summary.json holds (with out=DIR, the CLI's files too). "
      "Ctrl-C stops the search, writes what is finished (with out) and raises "
      "KeyboardInterrupt.");
}

}  // namespace mosaic::python

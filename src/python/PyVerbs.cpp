// The CLI verbs as functions returning what their JSON files hold, as dicts: same argument names
// as the flags (underscored), same defaults, same library calls, same errors.
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include "arch/Accelerator.h"
#include "common/Error.h"
#include "common/OutputFile.h"
#include "common/Validate.h"
#include "cost/MaestroNetwork.h"
#include "outputs/EvalReport.h"
#include "outputs/HeraldReport.h"
#include "python/PyCommon.h"
#include "search/Herald.h"
#include "search/HeraldFlags.h"
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

// `mosaic herald ...`: summary.json as a dict (and, with `out`, every file the CLI writes).
py::object herald(const search::HeraldFlags& a, const std::optional<std::string>& out) {
  nlohmann::json j;
  bool stopped = false;
  {
    py::gil_scoped_release release;
    const search::HeraldConfig cfg = search::herald_config(a);
    // run_herald installs the Ctrl-C guard itself: Ctrl-C stops it with the finished points.
    const search::HeraldResult r = search::run_herald(cfg);
    const outputs::HeraldRunInfo info{a.workload,  cfg.cls.name, a.search, a.granularity,
                                      a.objective, a.scheduler,  a.seed,   cfg.params.clock_ghz};
    j = outputs::herald_summary_json(r, cfg, info);
    if (out) outputs::write_herald_outputs(*out, r, cfg, info);
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
      [](const std::string& workload, const std::string& class_, const std::string& styles,
         const std::optional<std::string>& accelerator, int granularity, const std::string& search,
         int samples, std::uint64_t seed, const std::string& objective,
         const std::string& scheduler, const std::string& ordering, double load_balance,
         int lookahead, double rearrange_cycles_per_byte, const std::optional<std::string>& out,
         int threads, bool no_baselines, bool quiet, const std::string& cost) {
        search::HeraldFlags a;  // the CLI's flags (search/HeraldFlags.h)
        a.workload = workload;
        a.cls = class_;
        a.styles = styles;
        a.accelerator = accelerator.value_or("");
        a.granularity = granularity;
        a.search = search;
        a.samples = samples;
        a.seed = seed;
        a.objective = objective;
        a.scheduler = scheduler;
        a.ordering = ordering;
        a.load_balance = load_balance;
        a.lookahead = lookahead;
        a.rearrange_cycles_per_byte = rearrange_cycles_per_byte;
        a.threads = threads;
        a.no_baselines = no_baselines;
        a.progress = !quiet;
        a.cost = cost;
        search::check_herald_flags(a);  // the CLI's value rules and messages
        return herald(a, out);
      },
      py::arg("workload") = "arvr-a", py::arg("class_") = "edge", py::arg("styles") = "nvdla,shi",
      py::arg("accelerator") = py::none(), py::arg("granularity") = 16,
      py::arg("search") = "exhaustive", py::arg("samples") = 256, py::arg("seed") = 1,
      py::arg("objective") = "edp", py::arg("scheduler") = "herald",
      py::arg("ordering") = "breadth-first", py::arg("load_balance") = 2.0,
      py::arg("lookahead") = 4, py::arg("rearrange_cycles_per_byte") = 0.0,
      py::arg("out") = py::none(), py::arg("threads") = 0, py::arg("no_baselines") = false,
      py::arg("quiet") = false, py::arg("cost") = "directive",
      "`mosaic herald`: the dict summary.json holds (with out=DIR, the CLI's files too). "
      "Ctrl-C stops the search, writes what is finished (with out) and raises "
      "KeyboardInterrupt.");
}

}  // namespace mosaic::python

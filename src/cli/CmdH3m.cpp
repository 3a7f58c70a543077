// `mosaic h3m`: search a heterogeneous multi-core accelerator (dataflow x core granularity x
// core count per sub-accelerator) for a multi-DNN serving set with CMA-ES (H3M poster, seed 002).
#include <filesystem>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "arch/Technology.h"
#include "cli/Commands.h"
#include "cli/CommonFlags.h"
#include "cli/FlagRules.h"
#include "common/Error.h"
#include "common/MemoryContext.h"
#include "common/OutputFile.h"
#include "common/Suggest.h"
#include "common/Validate.h"
#include "dataflow/Library.h"
#include "outputs/H3mReport.h"
#include "outputs/HtmlReport.h"
#include "search/ChunkTransport.h"
#include "search/H3m.h"
#include "search/SweepBudget.h"
#include "workload/WorkloadFile.h"

namespace mosaic::cli {
namespace {

struct H3mArgs {
  std::string workload = "vision";
  std::string platform = "u200";
  std::string search = "cmaes";
  std::int64_t evaluations = 6000;
  std::string granularities;  // empty = the PG338 table
  std::string dataflows = "yxp_os,kcp_ws,rs,cx_is";
  std::string dsp_usage = "high";
  int max_subs = 3;
  int share_units = 8;
  std::string sla;         // "model=ms,model=ms"
  std::string technology;  // YAML technology file (per-access energies)
  std::uint64_t seed = 1;
  int threads = 0;
  bool allow_large = false;
  std::string out = "mosaic-out/h3m";
  bool no_baselines = false;
  bool quiet = false;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::stringstream ss(s);
  while (std::getline(ss, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::vector<std::pair<std::string, double>> parse_sla(const std::string& text,
                                                      const workload::Workload& w) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& item : split(text, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw UserError(SourceLocation{"", 0, "--sla"},
                      fmt::format("'{}': expected MODEL=MILLISECONDS", item));
    const double ms = parse_number(item.substr(eq + 1), NumberRule::positive(),
                                   SourceLocation{"", 0, "--sla " + item.substr(0, eq)});
    const std::string name = item.substr(0, eq);
    bool known = false;
    for (const auto& e : w.models) known |= e.name == name;
    if (!known)
      throw UserError(SourceLocation{"", 0, "--sla"},
                      fmt::format("'{}' is not a model of the workload", name));
    if (!(ms > 0)) throw UserError(SourceLocation{"", 0, "--sla"}, "limits must be positive");
    out.emplace_back(name, ms / 1e3);
  }
  return out;
}

search::H3mConfig make_config(const H3mArgs& a) {
  search::H3mConfig c;
  const bool builtin = a.workload == "vision" || a.workload == "nlp" || a.workload == "mixed";
  try {
    c.workload = builtin ? search::h3m_workload(a.workload) : workload::load_workload(a.workload);
  } catch (const UserError& e) {  // a typo'd serving set: name the nearest one
    const std::string hint = did_you_mean(a.workload, {"vision", "nlp", "mixed"});
    if (hint.empty() || std::filesystem::exists(a.workload)) throw;
    throw UserError(e.where(), "no such file, serving set, built-in workload or zoo model" + hint);
  }
  c.platform = std::filesystem::exists(a.platform) ? arch::read_platform(a.platform)
                                                   : arch::platform_by_name(a.platform);
  if (a.dsp_usage != "high" && a.dsp_usage != "low")
    throw UserError(SourceLocation{"", 0, "--dsp-usage"}, "expected high or low");
  const auto usage = a.dsp_usage == "high" ? arch::DspUsage::High : arch::DspUsage::Low;
  try {
    c.space.granularities = arch::parse_granularities(a.granularities, usage);
  } catch (const UserError& e) {
    throw UserError(SourceLocation{"", 0, "--granularities"}, e.message());
  }
  c.space.dataflows.clear();
  for (const auto& d : split(a.dataflows, ',')) {
    if (!dataflow::is_library_dataflow(d))
      throw UserError(SourceLocation{"", 0, "--dataflows"},
                      fmt::format("unknown dataflow '{}'", d));
    c.space.dataflows.push_back(dataflow::canonical_dataflow_name(d));
  }
  if (a.max_subs < 1 || a.max_subs > 8)
    throw UserError(SourceLocation{"", 0, "--max-sub-accelerators"}, "must be 1 to 8");
  if (a.share_units < 1 || a.share_units > 64)
    throw UserError(SourceLocation{"", 0, "--share-units"}, "must be 1 to 64");
  c.space.max_subs = a.max_subs;
  c.space.share_units = a.share_units;
  if (!a.technology.empty()) c.technology = arch::read_technology(a.technology);
  c.search = search::parse_h3m_search(a.search);
  c.evaluations = a.evaluations;
  c.seed = a.seed;
  c.threads = a.threads;
  c.progress = !a.quiet;
  c.allow_large = a.allow_large;
  c.baselines = !a.no_baselines;
  return c;
}

// The summary (the best design) alone with --quiet; else the run's line and every baseline too.
void print(const search::H3mResult& r, const search::H3mConfig& c, bool quiet) {
  auto line = [&](const char* what, const search::H3mRun& run) {
    std::string subs = outputs::h3m_subs_text(run, ", ", false);
    if (!run.best.feasible) subs = "no feasible design";
    std::cout << fmt::format("{:<22} latency {:.4g} s  energy {:.4g} J  EDP {:.4g} J*s  [{}]\n",
                             what, run.best.latency_s, run.best.energy_j, run.best.edp, subs);
  };
  if (quiet) {
    line("best", r.best);
    return;
  }
  std::cout << fmt::format(
      "{} layers on {}: {} {} evaluations in {:.2f} s ({:.0f}/s) on {} threads{}\n", r.layers,
      c.platform.name, r.best.evaluations, r.best.method, r.best.wall_seconds,
      r.best.wall_seconds > 0 ? r.best.evaluations / r.best.wall_seconds : 0.0, r.threads,
      r.interrupted ? " (interrupted: best so far kept)" : "");
  line("best", r.best);
  for (const auto& b : r.baselines) line(b.name.c_str(), b);
}

int run(const H3mArgs& a) {
  const MemoryContext memory("running the H3M search (candidate designs and schedules)");
  search::H3mConfig c = make_config(a);
  // The SLAs are part of the configuration every rank evaluates with.
  const auto sla = parse_sla(a.sla, c.workload);
  c.sla_seconds.assign(c.workload.models.size(), 0);
  for (const auto& [name, limit] : sla)
    for (std::size_t m = 0; m < c.workload.models.size(); ++m)
      if (c.workload.models[m].name == name) c.sla_seconds[m] = limit;
  search::ChunkTransport* transport = search::chunk_transport();
  if (transport != nullptr && !transport->leader()) {
    // A worker rank of mosaic-mpi: evaluates the designs rank 0 sends; writes nothing.
    search::serve_h3m(c, *transport);
    return 0;
  }
  c.transport = transport;
  if (!a.quiet && transport != nullptr && transport->workers() > 0)
    std::cerr << fmt::format("h3m: {} MPI ranks: rank 0 searches, {} evaluate the designs\n",
                             transport->size(), transport->workers());
  // The size estimate first: a refused run leaves no --out behind. Then a second run on the
  // directory refuses.
  search::check_h3m_sweep(c);
  const OutputDirectoryLock out_lock(a.out, "--out");
  outputs::H3mRunInfo info;
  info.workload = a.workload;
  info.platform = a.platform;
  info.search = a.search;
  info.seed = a.seed;
  info.sla_seconds = sla;
  const auto r = search::run_h3m(c);
  const auto files = outputs::write_h3m_outputs(a.out, r, c, info);
  if (!outputs::chart_bundle().available())
    std::cerr << "warning: report.html has no charts: " << outputs::chart_bundle_help() << "\n";
  print(r, c, a.quiet);
  if (!a.quiet) {
    const auto summary = outputs::h3m_summary_json(r, c, info);
    for (const auto& s : summary["sla"])
      std::cout << fmt::format("SLA {}: finishes at {:.4g} s, limit {:.4g} s: {}\n",
                               s["task"].get<std::string>(), s["finish_s"].get<double>(),
                               s["limit_s"].get<double>(),
                               s["met"].get<bool>() ? "met" : "NOT met");
    if (summary.contains("sla_all_met") && !summary["sla_all_met"].get<bool>())
      std::cout << "no design found meets every SLA: the best shown misses them by the least "
                   "(summed relative excess), then has the lowest EDP\n";
    for (const auto& f : files) std::cout << "wrote " << f.string() << "\n";
  }
  return r.interrupted ? 130 : 0;
}

const CommandRegistrar kH3mRegistrar("h3m", [](CLI::App& app, int& exit_code) {
  auto a = std::make_shared<H3mArgs>();
  auto* cmd = app.add_subcommand(
      "h3m", "Search heterogeneous multi-core accelerators with core granularity (H3M, CMA-ES)");
  add_workload_option(cmd, a->workload, "a serving set (vision, nlp, mixed)")
      ->capture_default_str();
  cmd->add_option("--platform", a->platform, "u200, u280, asic, or a platform YAML file")
      ->capture_default_str();
  check_choice(
      cmd->add_option("--search", a->search, "cmaes, random or exhaustive")->capture_default_str(),
      {"cmaes", "cma-es", "random", "exhaustive"});
  cmd->add_option("--evaluations", a->evaluations, "Budget of the search (and of each baseline)")
      ->capture_default_str();
  cmd->add_option("--granularities", a->granularities,
                  "Comma-separated: B512,B800,...,B4096 or shapes PPxICPxOCP (default: all 8)");
  cmd->add_option("--dataflows", a->dataflows, "Library dataflows of the sub-accelerators")
      ->capture_default_str();
  cmd->add_option("--dsp-usage", a->dsp_usage, "PG338 DSP usage of the cores: high or low")
      ->capture_default_str();
  cmd->add_option("--max-sub-accelerators", a->max_subs, "At most this many sub-accelerators")
      ->capture_default_str();
  cmd->add_option("--share-units", a->share_units, "Budget split in 1/N units")
      ->capture_default_str();
  cmd->add_option("--sla", a->sla, "Per-model latency limits, e.g. resnet50=20,bert_base=50 (ms)");
  cmd->add_option("--technology", a->technology,
                  "Technology YAML: per-access energies (default: the maestro-28nm table)");
  cmd->add_option("--seed", a->seed, "Seed")->capture_default_str();
  add_threads_option(cmd, a->threads);
  cmd->add_flag(search::kAllowLargeFlag, a->allow_large, search::kAllowLargeHelp);
  add_out_option(cmd, a->out, "h3m");
  cmd->add_flag("--no-baselines", a->no_baselines,
                "Skip the homogeneous and Herald-like baselines");
  add_quiet_flag(cmd, a->quiet);
  // Values checked by the shared validation layer (docs/input-validation.md).
  check_integer(cmd->get_option("--evaluations"), IntRule::between(1, 1000000000));
  check_integer(cmd->get_option("--max-sub-accelerators"), IntRule::between(1, 64));
  check_integer(cmd->get_option("--share-units"), IntRule::between(1, 4096));
  check_integer(cmd->get_option("--seed"), seed_rule());
  cmd->callback([a, &exit_code] { exit_code = run(*a); });
});

}  // namespace
}  // namespace mosaic::cli

// `mosaic herald`: co-optimise an HDA's PE/bandwidth partition and the multi-DNN layer schedule.
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "arch/Accelerator.h"
#include "cli/Commands.h"
#include "cli/CommonFlags.h"
#include "cli/FlagRules.h"
#include "common/Error.h"
#include "common/MemoryContext.h"
#include "common/OutputFile.h"
#include "outputs/HeraldExperimentsReport.h"
#include "outputs/HeraldReport.h"
#include "outputs/HtmlReport.h"
#include "search/ChunkTransport.h"
#include "search/Herald.h"
#include "search/HeraldExperiments.h"
#include "search/HeraldFigures.h"
#include "search/HeraldFlags.h"
#include "search/Progress.h"
#include "search/ResultStore.h"
#include "search/SweepBudget.h"
#include "workload/WorkloadFile.h"

namespace mosaic::cli {
namespace {

struct HeraldArgs {
  search::HeraldFlags f;  // everything that makes the configuration (search/HeraldFlags.h)
  std::string out = "mosaic-out/herald";
  bool quiet = false;
  bool experiment = false;
  std::string store;  // default OUT/herald.sqlite
  bool no_store = false;
  std::int64_t stop_after_chunks = 0;
};

// Which design wins by the objective, and by how much against the runner-up and the best FDA.
std::string verdict(const search::HeraldResult& r, schedule::Metric m, double clock_ghz) {
  std::vector<std::pair<const char*, int>> c = {
      {"best searched", r.best}, {"FDA", r.best_fda}, {"SM-FDA", r.best_smfda}, {"RDA", r.rda}};
  std::erase_if(c, [](const auto& x) { return x.second < 0; });
  if (c.size() < 2) return "";
  auto pt = [&](int i) -> const search::DesignPoint& {
    return r.points[static_cast<std::size_t>(i)];
  };
  std::stable_sort(c.begin(), c.end(), [&](const auto& a, const auto& b) {
    return search::objective_value(m, pt(a.second)) < search::objective_value(m, pt(b.second));
  });
  const auto& w = pt(c[0].second);
  const auto& ru = pt(c[1].second);
  const char* unit = m == schedule::Metric::Latency  ? "latency"
                     : m == schedule::Metric::Energy ? "energy"
                                                     : "EDP";
  auto pct = [](double a, double b) { return 100.0 * (b - a) / b; };
  std::string out = fmt::format(
      "winner: {} ({}) with {:.1f}% lower {} than the runner-up {} ({}): latency {:.4g} s vs "
      "{:.4g} s, energy {:.4g} J vs {:.4g} J\n",
      r.styles[static_cast<std::size_t>(w.style)].label(), c[0].first,
      pct(search::objective_value(m, w), search::objective_value(m, ru)), unit,
      r.styles[static_cast<std::size_t>(ru.style)].label(), c[1].first,
      w.latency_cycles / (clock_ghz * 1e9), ru.latency_cycles / (clock_ghz * 1e9),
      w.energy_pj * 1e-12, ru.energy_pj * 1e-12);
  if (r.best >= 0 && r.best_fda >= 0) {
    const auto& b = pt(r.best);
    const auto& f = pt(r.best_fda);
    out += fmt::format(
        "best searched vs best FDA ({}): latency {:+.1f}%, energy {:+.1f}%, EDP {:+.1f}% "
        "(negative = the searched design is better)\n",
        r.styles[static_cast<std::size_t>(f.style)].label(),
        -pct(b.latency_cycles, f.latency_cycles), -pct(b.energy_pj, f.energy_pj),
        -pct(b.edp(), f.edp()));
  }
  return out;
}

// `--experiment`: the paper's study, written to OUT/experiments.md (rank 0 alone; Ctrl-C:
// the finished experiments, marked partial, exit 130).
int run_experiments(const HeraldArgs& a) {
  search::ExperimentOptions eo;
  eo.threads = a.f.threads;
  eo.progress = !a.quiet;
  if (a.f.compat != "none" && a.f.compat != "maestro")
    throw UserError(SourceLocation{"", 0, "--compat"}, "expected none or maestro");
  eo.maestro_compat = a.f.compat == "maestro";
  eo.compat_search_tiles = eo.maestro_compat && a.f.search_tiles;
  const search::InterruptGuard guard;  // Ctrl-C: the finished experiments, marked partial
  std::string md = search::herald_fig2_markdown(eo.maestro_compat, eo.threads) +
                   search::herald_fig5_markdown(eo.maestro_compat);
  const auto ex = search::run_herald_experiments(eo);
  if (ex.interrupted)
    md = "**Partial: interrupted (Ctrl-C); the tables below hold the experiments finished "
         "before it.**\n\n" +
         md;
  md += outputs::herald_experiments_markdown(ex);
  std::filesystem::create_directories(a.out);
  const auto path = std::filesystem::path(a.out) / "experiments.md";
  write_file_atomically(path, md, "--out");
  if (!a.quiet) std::cout << md << "wrote " << path.string() << "\n";
  if (ex.interrupted) std::cerr << "herald: interrupted; " << path.string() << " is partial\n";
  return ex.interrupted ? 130 : 0;
}

// What the store said about the run: damaged chunks, runs of an older format, a resumption.
void report_store(const search::HeraldResult& r, const std::optional<search::ResultStore>& store) {
  if (store && store->corrupt_records() > 0)  // checksums: ResultStore.h
    std::cerr << fmt::format(
        "warning: herald: {} stored chunk(s) failed their checksum (damaged in {}) and were "
        "recomputed\n",
        store->corrupt_records(), store->path().string());
  if (r.stale_runs > 0 && r.chunks_reused == 0)
    std::cerr << fmt::format(
        "herald: the store holds {} run{} of another format (an older mosaic; this one writes "
        "{}): not read, every point is computed anew (delete the file to reclaim its space)\n",
        r.stale_runs, r.stale_runs == 1 ? "" : "s", search::kHeraldStoreFormat);
  if (r.chunks_reused > 0 || r.chunks_recomputed > 0)
    std::cerr << fmt::format(
        "herald: resumed: {} chunks read from the store, {} computed now, of which {} "
        "recomputed (under way when the previous run stopped)\n",
        r.chunks_reused, r.chunks_computed, r.chunks_recomputed);
}

// The console summary: the run, the best design of each kind, the verdict and the files.
void print_summary(const HeraldArgs& a, const search::HeraldConfig& cfg,
                   const search::HeraldResult& r, const std::vector<std::filesystem::path>& files) {
  const auto& f = a.f;
  auto line = [&](const char* what, int idx) {
    if (idx < 0) return;
    const auto& p = r.points[static_cast<std::size_t>(idx)];
    std::string part;
    for (std::size_t k = 0; k < p.partition.pes.size(); ++k)
      part += fmt::format("{}{} PEs/{:g} GB/s", k ? ", " : "", p.partition.pes[k],
                          p.partition.bw_gbps[k]);
    std::cout << fmt::format(
        "{:<10} {:<24} latency {:.4g} s  energy {:.4g} J  EDP {:.4g} J*s  [{}]\n", what,
        r.styles[static_cast<std::size_t>(p.style)].label(),
        p.latency_cycles / (cfg.params.clock_ghz * 1e9), p.energy_pj * 1e-12,
        p.latency_cycles / (cfg.params.clock_ghz * 1e9) * p.energy_pj * 1e-12, part);
  };
  std::cout << fmt::format(
      "{} on the {} class: {} layers, {} design points in {:.2f} s on {} threads{}\n", f.workload,
      cfg.cls.name, r.layers, r.design_points, r.wall_seconds, r.threads,
      r.interrupted ? " (interrupted: finished points kept)" : "");
  // Each row is the best design of its kind; the verdict below says which wins overall.
  line("searched", r.best);
  line("best FDA", r.best_fda);
  line("best SMFDA", r.best_smfda);
  line("RDA", r.rda);
  std::cout << verdict(r, cfg.objective, cfg.params.clock_ghz);
  for (const auto& file : files) std::cout << "wrote " << file.string() << "\n";
  std::cout << "report: " << (std::filesystem::path(a.out) / "report.html").string() << "\n";
}

int run(const HeraldArgs& a) {
  const MemoryContext memory("running the Herald sweep (design points, schedules, results)");
  search::ChunkTransport* transport = search::chunk_transport();
  const bool worker = transport != nullptr && !transport->leader();
  if (a.experiment) {
    if (worker) return 0;                                // rank 0 alone
    const OutputDirectoryLock out_lock(a.out, "--out");  // a second run on it refuses
    return run_experiments(a);
  }
  search::HeraldFlags flags = a.f;
  flags.progress = !a.quiet;
  search::HeraldConfig cfg = search::herald_config(flags);
  cfg.stop_after_chunks = a.stop_after_chunks;
  if (worker) {
    // A worker rank of mosaic-mpi: computes the design points rank 0 hands out (writes nothing,
    // takes no lock).
    search::serve_herald(cfg, *transport);
    return 0;
  }
  // The flags and the sweep's size estimate are checked before --out is created or locked: a
  // refused run leaves nothing behind. Then a second run on the directory refuses.
  search::check_herald_sweep(cfg);
  const OutputDirectoryLock out_lock(a.out, "--out");
  std::optional<search::ResultStore> store;
  if (!a.no_store) {
    std::filesystem::create_directories(a.out);
    store =
        search::ResultStore::open(a.store.empty() ? std::filesystem::path(a.out) / "herald.sqlite"
                                                  : std::filesystem::path(a.store));
  }
  cfg.store = store ? &*store : nullptr;
  cfg.transport = transport;
  if (cfg.cost_analysis == mapper::CostAnalysis::LoopNest && !a.f.no_baselines && !a.quiet)
    std::cerr << "herald: --cost loopnest: the FDA, SM-FDA and RDA baselines are not evaluated "
                 "(their cores, built from the class, have no memory hierarchy)\n";
  const auto r = search::run_herald(cfg);
  report_store(r, store);
  const auto& f = a.f;
  outputs::HeraldRunInfo info{f.workload,  cfg.cls.name, f.search, f.granularity,
                              f.objective, f.scheduler,  f.seed,   cfg.params.clock_ghz};
  const auto files = outputs::write_herald_outputs(a.out, r, cfg, info);
  if (!outputs::chart_bundle().available())
    std::cerr << "warning: report.html has no charts: " << outputs::chart_bundle_help() << "\n";
  if (!a.quiet)
    print_summary(a, cfg, r, files);
  else
    std::cout << verdict(r, cfg.objective, cfg.params.clock_ghz);  // --quiet keeps the summary
  return r.interrupted ? 130 : 0;
}

const CommandRegistrar kHeraldRegistrar("herald", [](CLI::App& app, int& exit_code) {
  auto a = std::make_shared<HeraldArgs>();
  auto* cmd = app.add_subcommand(
      "herald", "Co-optimise HDA partitioning and multi-DNN layer scheduling (Herald)");
  add_workload_option(cmd, a->f.workload)->capture_default_str();
  cmd->add_option("--class", a->f.cls, "Accelerator class: edge, mobile, cloud, or a YAML file")
      ->capture_default_str();
  cmd->add_option("--styles", a->f.styles,
                  "Searched styles, '|'-separated: 'nvdla,shi' (HDA), 'fda:nvdla', 'smfda:shi', "
                  "'rda', or 'all' HDAs")
      ->capture_default_str();
  auto* acc =
      cmd->add_option("--accelerator", a->f.accelerator,
                      "Schedule one fixed design from a YAML file (cores with dataflow, "
                      "pes, noc_gbps; global_buffer_bytes; dram_gbps) instead of searching");
  for (const char* other : {"--class", "--styles"}) acc->excludes(cmd->get_option(other));
  cmd->add_option("--granularity", a->f.granularity, "PE and bandwidth shares in 1/N of the class")
      ->capture_default_str();
  cmd->add_option("--search", a->f.search, "exhaustive, binary or random")->capture_default_str();
  cmd->add_option("--samples", a->f.samples, "Design points of a random search")
      ->capture_default_str();
  cmd->add_option("--seed", a->f.seed, "Seed of the random search")->capture_default_str();
  // Names checked by search::herald_config (with the Python module's mosaic.herald).
  cmd->add_option("--objective", a->f.objective, "edp, latency or energy")->capture_default_str();
  cmd->add_option("--scheduler", a->f.scheduler, "herald or greedy")->capture_default_str();
  cmd->add_option("--ordering", a->f.ordering, "depth-first or breadth-first")
      ->capture_default_str();
  cmd->add_option("--load-balance", a->f.load_balance, "Load-balancing factor (>= 1)")
      ->capture_default_str();
  cmd->add_option("--lookahead", a->f.lookahead, "Post-processing look-ahead depth")
      ->capture_default_str();
  cmd->add_option("--rearrange-cycles-per-byte", a->f.rearrange_cycles_per_byte,
                  "Layout rearrangement penalty between dataflows")
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Output directory")->capture_default_str();
  add_threads_option(cmd, a->f.threads);
  cmd->add_option("--store", a->store,
                  "Result store (SQLite) of the design points; default OUT/herald.sqlite");
  cmd->add_flag("--no-store", a->no_store, "Keep results in memory only (no resume)");
  cmd->add_option("--stop-after-chunks", a->stop_after_chunks,
                  "Stop as Ctrl-C would once N chunks are stored (to test resuming)");
  cmd->add_option("--compat", a->f.compat,
                  "none (mosaic's sub-accelerator model) or maestro (each core's layer cost is "
                  "the MAESTRO tool's number)")
      ->capture_default_str();
  cmd->add_option("--subacc-buffer", a->f.subacc_buffer_per_pe,
                  "Sub-accelerator buffer in bytes per PE (default 658.3: Eyeriss's 108 KiB / "
                  "168 PEs)");
  cmd->add_option("--local-bw", a->f.local_bw_per_pe,
                  "Local network of a sub-accelerator, elements per PE and cycle (default 1)");
  cmd->add_flag("--search-tiles", a->f.search_tiles,
                "With --compat maestro: each core's layer runs its style's best tiles and array "
                "shape by --objective, by MAESTRO's analysis (the default model always searches)");
  cmd->add_option("--cost", a->f.cost,
                  "directive | loopnest: the analysis costing each layer on each core (loopnest: "
                  "an --accelerator whose cores give a ZigZag hw file; no baselines)")
      ->capture_default_str();
  cmd->add_flag("--no-baselines", a->f.no_baselines, "Skip the FDA, SM-FDA and RDA baselines");
  cmd->add_flag(search::kAllowLargeFlag, a->f.allow_large, search::kAllowLargeHelp);
  add_quiet_flag(cmd, a->quiet);
  cmd->add_flag("--experiment", a->experiment,
                "Run the paper's experiments (Fig. 11-13, Tables V-VII) and write experiments.md");
  // Values checked by the shared validation layer (docs/input-validation.md), by the rules
  // mosaic.herald applies too (search/HeraldFlags.h). --threads is checked by the shared
  // add_threads_option; --subacc-buffer takes a size with units (check_size_number).
  for (const auto& rule : search::herald_flag_rules()) {
    const std::string flag = rule.flag;
    if (flag == "--threads") continue;
    if (flag == "--subacc-buffer")
      check_size_number(cmd->get_option(rule.flag), rule.number);
    else if (rule.integer)
      check_integer(cmd->get_option(rule.flag), *rule.integer);
    else
      check_number(cmd->get_option(rule.flag), rule.number);
  }
  cmd->callback([a, &exit_code] { exit_code = run(*a); });
});

}  // namespace
}  // namespace mosaic::cli

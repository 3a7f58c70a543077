// `mosaic dse`: hardware design-space exploration under area and power budgets (MAESTRO paper,
// section 5.2), with a resumable result store and an HTML report.
#include <atomic>
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "arch/Technology.h"
#include "cli/Commands.h"
#include "cli/CommonFlags.h"
#include "cli/FlagRules.h"
#include "common/Error.h"
#include "common/MemoryContext.h"
#include "common/OutputFile.h"
#include "outputs/DseReport.h"
#include "outputs/HtmlReport.h"
#include "search/DseEngine.h"
#include "search/DsePareto.h"
#include "search/DseSpec.h"
#include "search/DseWorkload.h"
#include "search/Progress.h"
#include "search/ResultStore.h"
#include "workload/MaestroFormat.h"
#include "workload/WorkloadFile.h"

namespace mosaic::cli {
namespace {

struct DseArgs {
  std::string mapping, workload, compat, technology, out, store, objective = "throughput";
  std::string search_tiles;  // empty: the dataflows' sizes as written
  std::vector<std::string> layers, dataflows, map_sizes;
  std::string pes, bw, l1 = "exact", l2 = "exact", vector_width = "1";
  std::string pareto = "latency,energy,area";
  std::string designs = "csv";
  double area_mm2 = 0, power_mw = 0;
  std::int64_t noc_latency = 1, offchip_bw = 70000;
  int precision_bits = 8, threads = 0;
  bool fit_clusters = false, no_store = false, no_html = false, quiet = false, allow_large = false;
};

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::size_t start = 0;
    while (start <= item.size()) {
      const std::size_t c = item.find(',', start);
      std::string s = item.substr(start, c == std::string::npos ? std::string::npos : c - start);
      if (!s.empty()) out.push_back(s);
      if (c == std::string::npos) break;
      start = c + 1;
    }
  }
  return out;
}

std::string si(double v) {
  if (v >= 1e9) return fmt::format("{:.2f}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f}K", v / 1e3);
  return fmt::format("{:.0f}", v);
}

search::DseSpec dse_spec(const DseArgs& a) {
  search::DseSpec spec;
  if (!a.compat.empty()) {
    if (a.compat != "maestro")
      throw UserError(SourceLocation{"", 0, "--compat"},
                      "unknown compatibility mode '" + a.compat + "'; the only one is 'maestro'");
    spec.maestro_compat = true;
  }
  spec.dataflows = split_commas(a.dataflows);
  spec.pes = search::parse_sweep(a.pes, "--pes");
  spec.noc_bw = search::parse_sweep(a.bw, "--bw");
  spec.vector_width = search::parse_sweep(a.vector_width, "--vector-width");
  if (a.l1 != "exact") spec.l1_bytes = search::parse_sweep(a.l1, "--l1", true);
  if (a.l2 != "exact") spec.l2_bytes = search::parse_sweep(a.l2, "--l2", true);
  for (const auto& m : a.map_sizes) spec.map_sizes.push_back(search::parse_map_size_sweep(m));
  spec.fit_clusters = a.fit_clusters;
  spec.noc_latency = a.noc_latency;
  spec.offchip_bw = a.offchip_bw;
  spec.precision_bits = a.precision_bits;
  // 0 = no budget (the options' checks refuse 0 and negative values given by the user).
  if (a.area_mm2 > 0) spec.area_budget_um2 = a.area_mm2 * 1e6;
  if (a.power_mw > 0) spec.power_budget_mw = a.power_mw;
  if (!a.technology.empty()) spec.technology = arch::read_technology(a.technology);
  if (!a.search_tiles.empty())
    spec.search_tiles = search::parse_tile_objective(a.search_tiles, "--search-tiles");
  search::validate(spec);

  return spec;
}

outputs::DseOutputOptions output_options(const DseArgs& a) {
  outputs::DseOutputOptions oo;
  oo.out_dir = a.out;
  oo.primary = search::parse_objective(a.objective);
  oo.pareto_axes = search::parse_pareto_axes(a.pareto);
  oo.html = !a.no_html;
  if (a.designs == "csv") {
    oo.designs_csv = true;
  } else if (a.designs == "json") {
    oo.designs_csv = false;
    oo.designs_json = true;
  } else if (a.designs == "both") {
    oo.designs_json = true;
  } else if (a.designs == "none") {
    oo.designs_csv = false;
  } else {
    throw UserError(SourceLocation{"", 0, "--designs"},
                    "unknown value '" + a.designs + "'; choose csv, json, both or none");
  }

  return oo;
}

// The layers: a MAESTRO mapping file (with its Dataflow blocks) or any workload.
search::DseWorkload dse_layers(const DseArgs& a, const search::DseSpec& spec) {
  search::DseWorkload w;
  if (!a.mapping.empty() && !a.workload.empty())
    throw UserError(SourceLocation{"", 0, "--workload"}, "give --mapping or --workload, not both");
  if (!a.mapping.empty()) {
    const auto net = workload::maestro_format::parse_network_file(a.mapping);
    w = search::dse_workload_from_mapping(net, split_commas(a.layers), spec.maestro_compat);
    if (spec.dataflows.empty())
      for (const auto& l : w.layers)
        if (!l.own_dataflow)
          throw UserError(
              SourceLocation{net.file, l.line, "Layer " + l.name},
              "has no Dataflow block; choose dataflows with --dataflow (e.g. kcp_ws,rs)");
  } else if (!a.workload.empty()) {
    if (spec.dataflows.empty())
      throw UserError(SourceLocation{"", 0, "--dataflow"},
                      "a workload has no dataflows of its own; choose them with --dataflow "
                      "(e.g. kcp_ws,rs)");
    w = search::dse_workload_from_workload(workload::load_workload(a.workload),
                                           split_commas(a.layers));
  } else {
    throw UserError(SourceLocation{"", 0, "--mapping"},
                    "give the layers to explore: --mapping FILE.m [--layer NAME] or --workload W");
  }
  return w;
}

// The best design of every objective, the primary one first.
void print_bests(const search::DseSpec& spec, const outputs::DseOutputOptions& oo,
                 const outputs::DseOutputs& outs) {
  const double clock = spec.technology.clock_ghz;
  std::vector<search::Objective> order = {oo.primary};
  for (auto o : search::kAllObjectives)
    if (o != oo.primary) order.push_back(o);
  for (auto o : order) {
    const auto& b = outs.collector().best(o);
    if (!b) continue;
    const auto& p = b->point;
    const auto& m = b->metrics;
    std::string maps;
    for (std::size_t i = 0; i < spec.map_sizes.size(); ++i)
      maps += fmt::format(" {}={}", spec.map_sizes[i].label(), p.map_sizes[i]);
    std::cout << fmt::format(
        "best {:<13} {} PEs={} BW={} L1={} B L2={} B{}: {:.4g} MACs/cycle, {:.4g} uJ, {:.4g} mm2, "
        "{:.4g} mW, {:.4g} GMAC/s/W\n",
        search::objective_name(o),
        spec.dataflows.empty() ? "mapping" : spec.dataflows[static_cast<std::size_t>(p.dataflow)],
        p.pes, p.noc_bw, p.l1_bytes, p.l2_bytes, maps, search::throughput_macs_per_cycle(m),
        m.energy_pj / 1e6, m.area_um2 / 1e6, m.power_mw, search::throughput_per_watt(m, clock));
  }
}

// One progress line of the sweep, with its ETA (the remaining chunks at the rate so far).
void print_progress(const search::DseProgress& p) {
  const double done = static_cast<double>(p.chunks_done);
  const double left = static_cast<double>(p.chunks_total - p.chunks_done);
  std::cerr << fmt::format(
      "dse: {:5.1f}%  explored {}  evaluated {}  valid {}  {:.1f} s  ({} designs/s){}\n",
      100.0 * done / static_cast<double>(p.chunks_total),
      si(static_cast<double>(p.counts.explored)), si(static_cast<double>(p.counts.evaluated)),
      si(static_cast<double>(p.counts.valid)), p.seconds,
      si(static_cast<double>(p.counts.explored) / std::max(p.seconds, 1e-9)),
      done > 0 && left > 0
          ? fmt::format("  ETA {}", search::format_duration(p.seconds * left / done))
          : "");
}

int run(const DseArgs& a) {
  const MemoryContext memory("running the design-space sweep (design points and results)");
  const search::DseSpec spec = dse_spec(a);
  const outputs::DseOutputOptions oo = output_options(a);
  const search::DseWorkload w = dse_layers(a, spec);
  search::ChunkTransport* transport = search::chunk_transport();
  if (transport != nullptr && !transport->leader()) {
    // A worker rank of mosaic-mpi: computes the chunks rank 0 hands out; writes nothing.
    search::DseOptions wopt;
    wopt.threads = a.threads;
    search::serve_dse(w, spec, wopt, *transport);
    return 0;
  }
  search::check_sweep(search::dse_estimate(spec, w.layers.size(), a.threads),
                      search::machine_limits(), a.allow_large, "sweep");
  const OutputDirectoryLock out_lock(a.out, "--out");  // a second run on it refuses
  outputs::DseOutputs outs(w, spec, oo);               // creates the output directory
  std::optional<search::ResultStore> store;
  if (!a.no_store) {
    const std::filesystem::path p = a.store.empty() ? std::filesystem::path(a.out) / "dse.sqlite"
                                                    : std::filesystem::path(a.store);
    store = search::ResultStore::open(p);
  }
  search::DseOptions opt;
  opt.threads = a.threads;
  opt.stop_requested = &search::InterruptGuard::interrupted;
  opt.store = store ? &*store : nullptr;
  opt.transport = transport;
  const std::int64_t space = search::space_size(spec);
  if (!a.quiet) {
    std::cerr << fmt::format("dse: {} designs ({} layer{}, {} dataflow{}){}\n", space,
                             w.layers.size(), w.layers.size() == 1 ? "" : "s",
                             std::max<std::size_t>(1, spec.dataflows.size()),
                             std::max<std::size_t>(1, spec.dataflows.size()) == 1 ? "" : "s",
                             store ? ", store " + store->path().string() : "");
    if (transport != nullptr && transport->workers() > 0)
      std::cerr << fmt::format("dse: {} MPI ranks: rank 0 hands out the chunks, {} compute\n",
                               transport->size(), transport->workers());
    opt.progress = print_progress;
  }
  search::DseRunInfo info;
  {
    // Ctrl-C stops the sweep after the chunks under way; a second one kills (the store stays
    // consistent: every write is a transaction).
    search::InterruptGuard guard;
    info = search::run_dse(w, spec, opt, [&](const search::ChunkResult& c) { outs.add(c); });
  }
  if (store && store->corrupt_records() > 0)  // checksums: ResultStore.h
    std::cerr << fmt::format(
        "warning: dse: {} stored chunk(s) failed their checksum (damaged in {}) and were "
        "recomputed\n",
        store->corrupt_records(), store->path().string());
  if (info.stale_runs > 0 && info.chunks_reused == 0)
    std::cerr << fmt::format(
        "dse: the store {} holds {} run{} of another format (an older mosaic; this one writes "
        "{}): not read, every chunk is computed anew (delete the file to reclaim its space)\n",
        store->path().string(), info.stale_runs, info.stale_runs == 1 ? "" : "s",
        search::kDseStoreFormat);
  if (info.chunks_reused > 0 || info.chunks_recomputed > 0)
    std::cerr << fmt::format(
        "dse: resumed: {} chunks read from the store, {} computed now, of which {} recomputed "
        "(under way when the previous run stopped)\n",
        info.chunks_reused, info.chunks_computed, info.chunks_recomputed);
  if (info.interrupted) {
    outs.abandon();
    std::cerr << fmt::format(
        "dse: interrupted after {} of {} chunks ({} computed now); the finished work is in the "
        "store{}. Run the "
        "same command again to resume.\n",
        info.chunks_computed + info.chunks_reused, info.chunks_total, info.chunks_computed,
        store ? " " + store->path().string() : " (none: --no-store)");
    return 130;
  }
  outs.finish(info);
  const auto& t = info.total;
  const auto& se = info.session;
  std::cout << fmt::format("designs explored {}, skipped {}, evaluated {}, valid {}, illegal {}\n",
                           t.explored, t.skipped, t.evaluated, t.valid, t.illegal);
  std::cout << fmt::format(
      "{:.2f} s on {} threads: {} explored/s, {} evaluated/s ({} per thread), {} analyses{}\n",
      info.wall_seconds, info.threads, si(static_cast<double>(se.explored) / info.wall_seconds),
      si(static_cast<double>(se.evaluated) / info.wall_seconds),
      si(static_cast<double>(se.evaluated) / info.wall_seconds / std::max(1, info.threads)),
      info.analyses_run,
      info.chunks_reused > 0 ? fmt::format(" ({} of {} chunks read from the store)",
                                           info.chunks_reused, info.chunks_total)
                             : std::string());
  print_bests(spec, oo, outs);
  if (t.valid == 0) std::cout << "no design is within the budgets\n";
  for (const auto& n : info.notes) std::cout << "note: illegal designs: " << n << "\n";
  if (oo.html && !outputs::chart_bundle().available())
    std::cerr << "warning: report.html has no charts: " << outputs::chart_bundle_help() << "\n";
  std::cout << "outputs in " << a.out << "\n";
  return 0;
}

const CommandRegistrar kDseRegistrar("dse", [](CLI::App& app, int& exit_code) {
  auto a = std::make_shared<DseArgs>();
  auto* cmd = app.add_subcommand(
      "dse", "Hardware design-space exploration under area and power budgets (MAESTRO DSE)");
  cmd->add_option("--mapping", a->mapping, "MAESTRO-format network/mapping file (.m)");
  cmd->add_option("--layer", a->layers, "Explore only these layers (repeat or comma-separate)");
  add_workload_option(cmd, a->workload)->description(workload_help() + "; needs --dataflow");
  cmd->add_option("--dataflow", a->dataflows,
                  "Dataflows to sweep (library names or .m files; comma-separated); default: the "
                  "mapping's own Dataflow blocks");
  cmd->add_option("--pes", a->pes, "PE counts: V, A:B, A:B:STEP, A:B:xFACTOR, or a list")
      ->required();
  cmd->add_option("--bw", a->bw, "NoC bandwidths, elements/cycle (same syntax)")->required();
  cmd->add_option("--l1", a->l1,
                  "L1 bytes per PE (sweep of sizes: 512, 2KiB, 1K:64K:x2) or 'exact' (default)");
  cmd->add_option("--l2", a->l2, "L2 bytes (sweep of sizes: 2MiB, 256K,1M) or 'exact' (default)");
  cmd->add_option("--vector-width", a->vector_width, "MAC lanes per PE (sweep), default 1");
  cmd->add_option("--map-size", a->map_sizes,
                  "Sweep a mapping size too: DIM[@LEVEL]=SWEEP, e.g. C=1:64 (repeatable)");
  cmd->add_flag("--fit-clusters", a->fit_clusters,
                "A Cluster larger than the PEs shrinks to the PE count instead of being illegal");
  cmd->add_option("--area-mm2", a->area_mm2, "Area budget (mm^2); default none");
  cmd->add_option("--power-mw", a->power_mw, "Power budget (mW); default none");
  check_objective(cmd->add_option("--objective", a->objective,
                                  "Primary objective: throughput (= latency), energy, "
                                  "perf_per_watt or edp (all four are reported)"),
                  {{Objective::Throughput, "throughput"},
                   {Objective::Energy, "energy"},
                   {Objective::ThroughputPerWatt, "perf_per_watt"},
                   {Objective::Edp, "edp"}});
  cmd->add_option("--pareto", a->pareto,
                  "Pareto axes (2-4 of latency, energy, area, power, edp, buffer)");
  cmd->add_option("--noc-latency", a->noc_latency, "NoC latency per transfer, cycles (default 1)");
  cmd->add_option("--offchip-bw", a->offchip_bw,
                  "Off-chip bandwidth, elements/cycle (default 70000)");
  cmd->add_option("--precision-bits", a->precision_bits, "Bits per element (default 8)");
  cmd->add_option("--technology", a->technology, "Technology YAML (energies, area, power)");
  cmd->add_option("--compat", a->compat, "'maestro': the MAESTRO tool's numbers");
  check_objective(
      cmd->add_option("--search-tiles", a->search_tiles,
                      "Per design point, search each layer's tile sizes and array shape within "
                      "its dataflow style (edp, latency or energy), under the point's L1/L2 when "
                      "swept"),
      latency_energy_edp());
  add_out_option(cmd, a->out, "dse");
  cmd->add_option("--store", a->store, "Result store (SQLite); default OUT/dse.sqlite");
  cmd->add_flag("--no-store", a->no_store, "Keep results in memory only (no resume)");
  check_choice(cmd->add_option("--designs", a->designs,
                               "Every evaluated design as csv (default), json, both or none"),
               {"csv", "json", "both", "none"});
  cmd->add_flag("--no-html", a->no_html, "Do not write report.html");
  add_threads_option(cmd, a->threads);
  add_quiet_flag(cmd, a->quiet);
  cmd->add_flag(search::kAllowLargeFlag, a->allow_large, search::kAllowLargeHelp);
  // Values checked by the shared validation layer (docs/input-validation.md).
  check_number(cmd->get_option("--area-mm2"), NumberRule::positive());
  check_number(cmd->get_option("--power-mw"), NumberRule::positive());
  check_integer(cmd->get_option("--noc-latency"), IntRule::non_negative());
  check_integer(cmd->get_option("--offchip-bw"), IntRule::positive());
  check_integer(cmd->get_option("--precision-bits"), IntRule::between(1, 1024));
  cmd->callback([a, &exit_code] { exit_code = run(*a); });
});

}  // namespace
}  // namespace mosaic::cli

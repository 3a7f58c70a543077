// mosaic memsize: Interstellar's memory-hierarchy studies on generated hierarchies (energy
// objective, access energies from a technology table):
//   --mode optimize   the auto-optimizer (section VI-C) against an Eyeriss-like baseline
//   --mode sweep      register file x global buffer grid (Fig. 11)
//   --mode dataflows  every U|V dataflow with its best blocking (Fig. 7 / 8)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "arch/EnergyTable.h"
#include "arch/HierarchyBuilder.h"
#include "cli/Commands.h"
#include "cli/CommonFlags.h"
#include "cli/FlagRules.h"
#include "common/Error.h"
#include "common/MemoryContext.h"
#include "common/OutputFile.h"
#include "common/ParallelMap.h"
#include "mapper/InterstellarNetworks.h"
#include "mapper/MemorySizing.h"
#include "mapper/SpatialSearch.h"
#include "search/MappingBudget.h"
#include "search/Progress.h"
#include "workload/WorkloadFile.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::cli {

namespace {

struct MemsizeArgs {
  std::string workload;
  std::string mode = "optimize";
  std::string array = "16x16";
  std::string dataflow = "C|K";
  std::vector<std::int64_t> rf = {512};
  std::vector<std::int64_t> gb = {131072};
  std::string energy_table;
  std::string legacy_technology;  // the old name of --energy-table
  std::string json_out;
  int threads = 0;
  bool quiet = false;
  int batch = 0;
  int lpf_limit = 6;
  double threshold = 0.75;
  bool global_hops = false;
  bool one_level = false;
  bool allow_large = false;
};

// --mode sweep's grid (Fig. 11).
const std::vector<std::int64_t> kSweepRf = {16, 32, 64, 128, 256, 512};
const std::vector<std::int64_t> kSweepGb = {32768, 65536, 131072, 262144, 524288};

using Clock = std::chrono::steady_clock;

// "memsize: hierarchies: 3/30 (10%) 4.1 s, ETA 37 s" on stderr (not with --quiet).
void show_progress(const MemsizeArgs& a, const char* what, Clock::time_point t0, std::int64_t done,
                   std::int64_t total) {
  if (a.quiet) return;
  const std::chrono::duration<double> t = Clock::now() - t0;
  std::cerr << search::progress_line(what, t.count(), done, total) << std::endl;
}

std::string kb(std::int64_t bytes) {
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{}KB", bytes / 1024);
  return fmt::format("{}B", bytes);
}

// Interstellar's networks by name (at --batch), else the one workload front end (docs/cli.md).
std::vector<workload::EinsumLayer> load_layers(const MemsizeArgs& a) {
  const auto names = mapper::interstellar_network_names();
  if (std::find(names.begin(), names.end(), a.workload) != names.end())
    return mapper::interstellar_network(a.workload, a.batch);
  if (a.batch > 0)
    throw UserError(SourceLocation{"", 0, "--batch"},
                    "applies to Interstellar's networks (" +
                        fmt::format("{}", fmt::join(names, ", ")) +
                        "); give another workload's batch in its file");
  return workload::load_einsum_layers(a.workload);
}

nlohmann::json energy_json(const mapper::SweepPoint& p) {
  nlohmann::json j;
  j["hierarchy"] = arch::hierarchy_name(p.spec);
  j["rf_bytes"] = p.spec.rf_bytes;
  j["buffer_bytes"] = p.spec.buffer_bytes;
  j["energy_pj"] = p.energy.energy_pj;
  j["mac_energy_pj"] = p.energy.mac_pj;
  j["noc_energy_pj"] = p.energy.noc_pj;
  j["level_energy_pj"] = p.energy.level_pj;
  j["dominant_level"] = p.energy.dominant_level;
  j["dominant_share"] = p.energy.dominant_share;
  j["macs"] = p.energy.macs;
  j["pj_per_mac"] = p.energy.macs > 0 ? p.energy.energy_pj / static_cast<double>(p.energy.macs) : 0;
  return j;
}

std::string breakdown(const mapper::NetworkEnergy& e) {
  std::string out;
  std::map<std::string, double> shares = e.role_share;
  shares["mac"] = e.energy_pj > 0 ? e.mac_pj / e.energy_pj : 0;
  shares["noc"] = e.energy_pj > 0 ? e.noc_pj / e.energy_pj : 0;
  for (const auto& [k, v] : shares) out += fmt::format(" {} {:.0f}%", k, 100 * v);
  return out;
}

// The baseline hierarchy of --array, --rf, --gb, --global-hops.
arch::HierarchySpec base_hierarchy(const MemsizeArgs& a) {
  arch::HierarchySpec base;
  {
    const auto x = a.array.find('x');
    if (x == std::string::npos)
      throw UserError(SourceLocation{"", 0, "--array"}, "expected ROWSxCOLS, e.g. 16x16");
    try {
      base.rows = std::stoll(a.array.substr(0, x));
      base.cols = std::stoll(a.array.substr(x + 1));
    } catch (const std::exception&) {
      throw UserError(SourceLocation{"", 0, "--array"},
                      fmt::format("'{}' is not ROWSxCOLS", a.array));
    }
    if (base.rows <= 0 || base.cols <= 0)
      throw UserError(SourceLocation{"", 0, "--array"}, "must be positive");
  }
  base.rf_bytes = a.rf;
  base.buffer_bytes = a.gb;
  base.global_hops = a.global_hops;
  return base;
}

// --mode optimize: Section VI-C.
void run_optimize(const MemsizeArgs& a, const std::vector<workload::EinsumLayer>& layers,
                  const arch::HierarchySpec& base, const mapper::SizingOptions& so,
                  nlohmann::json& j) {
  mapper::MemsizeOptions mo;
  mo.two_level_rf = !a.one_level;
  // The ETA counts the most hierarchies the search may evaluate (pruning may end it sooner).
  const auto most = mapper::optimize_memory_hierarchies(mo).second;
  const auto t0 = Clock::now();
  std::int64_t done = 0;
  const auto r = mapper::optimize_memory(layers, base, mo, so, [&](const mapper::SweepPoint& p) {
    if (!a.quiet)
      std::cerr << fmt::format("  {:<34} {:>14.6g} pJ\n", arch::hierarchy_name(p.spec),
                               p.energy.energy_pj);
    show_progress(a, "memsize: hierarchies (at most)", t0, ++done, most);
  });
  std::cout << fmt::format("baseline {}: {:.6g} pJ ({:.3f} pJ/MAC){}\n",
                           arch::hierarchy_name(r.baseline.spec), r.baseline.energy.energy_pj,
                           r.baseline.energy.energy_pj / static_cast<double>(std::max<std::int64_t>(
                                                             1, r.baseline.energy.macs)),
                           breakdown(r.baseline.energy));
  std::cout << fmt::format(
      "best     {}: {:.6g} pJ ({:.3f} pJ/MAC){}\n", arch::hierarchy_name(r.best.spec),
      r.best.energy.energy_pj,
      r.best.energy.energy_pj / static_cast<double>(std::max<std::int64_t>(1, r.best.energy.macs)),
      breakdown(r.best.energy));
  std::cout << fmt::format(
      "gain {:.2f}x; {} configurations evaluated, {} pruned by Observation 2, {} by "
      "Observation 3\n",
      r.gain, r.evaluated.size(), r.pruned_obs2, r.pruned_obs3);
  j["baseline"] = energy_json(r.baseline);
  j["best"] = energy_json(r.best);
  j["gain"] = r.gain;
  j["pruned_obs2"] = r.pruned_obs2;
  j["pruned_obs3"] = r.pruned_obs3;
  nlohmann::json ev = nlohmann::json::array();
  for (const auto& p : r.evaluated) ev.push_back(energy_json(p));
  j["evaluated"] = ev;
}

// --mode sweep: register file x global buffer sizes (Fig. 11).
void run_sweep(const MemsizeArgs& a, const std::vector<workload::EinsumLayer>& layers,
               const arch::HierarchySpec& base, const mapper::SizingOptions& so,
               nlohmann::json& j) {
  const auto& rfs = kSweepRf;
  const auto& gbs = kSweepGb;
  const auto t0 = Clock::now();
  const auto total = static_cast<std::int64_t>(rfs.size() * gbs.size());
  const auto pts = mapper::rf_gb_sweep(layers, rfs, gbs, base, so, [&](std::size_t done) {
    show_progress(a, "memsize: hierarchies", t0, static_cast<std::int64_t>(done), total);
  });
  std::cout << fmt::format("{:>10}", "RF \\ GB");
  for (auto g : gbs) std::cout << fmt::format("{:>12}", kb(g));
  std::cout << "   (energy, 1e9 pJ)\n";
  for (auto r : rfs) {
    std::cout << fmt::format("{:>10}", kb(r));
    for (auto g : gbs)
      for (const auto& p : pts)
        if (p.spec.rf_bytes[0] == r && p.spec.buffer_bytes[0] == g)
          std::cout << fmt::format("{:>12.4f}", p.energy.energy_pj / 1e9);
    std::cout << "\n";
  }
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& p : pts) arr.push_back(energy_json(p));
  j["points"] = arr;
}

// --mode dataflows, one layer: every U|V dataflow, the histogram of energies against the best and
// the best per U|V (Fig. 7/8).
void dataflows_of_layer(const MemsizeArgs& a, const workload::EinsumLayer& layer,
                        const arch::LoopNestHardware& hw, const mapper::DataflowSpaceOptions& ds,
                        const mapper::LomaOptions& lo, nlohmann::json& arr) {
  const auto r = mapper::search_spatial(layer, hw, ds, lo, true);
  if (!r.found) {
    std::cout << fmt::format("{}: no dataflow reaches {:.0f}% utilization\n", layer.name,
                             100 * a.threshold);
    return;
  }
  const double best = r.best.temporal.cost.energy_pj;
  // Best energy per U|V (over replications), and the histogram of all points.
  std::map<std::string, double> per_uv;
  std::vector<double> ratios;
  for (const auto& d : r.all) {
    const double e = d.temporal.cost.energy_pj;
    ratios.push_back(e / best);
    std::string uv;
    for (std::size_t k = 0; k < d.dataflow.loops.size(); ++k)
      uv += (k ? "|" : "") +
            (d.dataflow.loops[k].empty() ? std::string("-") : d.dataflow.loops[k][0]);
    auto it = per_uv.find(uv);
    if (it == per_uv.end() || e < it->second) per_uv[uv] = e;
    nlohmann::json x;
    x["layer"] = layer.name;
    x["dataflow"] = d.dataflow.notation();
    x["utilization"] = d.dataflow.utilization;
    x["energy_pj"] = e;
    x["normalized"] = e / best;
    arr.push_back(x);
  }
  std::cout << fmt::format(
      "{} on {}: {} dataflows (with replications) >= {:.0f}% utilization; best {} "
      "{:.6g} pJ\n",
      layer.name, hw.name, r.all.size(), 100 * a.threshold, r.best.dataflow.notation(), best);
  const double edges[] = {1.05, 1.1, 1.25, 1.5, 2.0, 1e300};
  const char* labels[] = {"<=1.05x", "<=1.10x", "<=1.25x", "<=1.50x", "<=2.00x", ">2.00x"};
  std::size_t prev = 0;
  std::cout << "  energy / best:";
  for (int b = 0; b < 6; ++b) {
    const std::size_t c = static_cast<std::size_t>(
        std::count_if(ratios.begin(), ratios.end(), [&](double v) { return v <= edges[b]; }));
    std::cout << fmt::format(" {} {}", labels[b], c - prev);
    prev = c;
  }
  std::cout << "\n  best per U|V:";
  std::vector<std::pair<double, std::string>> sorted;
  sorted.reserve(per_uv.size());
  for (const auto& [k, v] : per_uv) sorted.emplace_back(v, k);
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [v, k] : sorted) std::cout << fmt::format(" {} {:.3f}", k, v / best);
  std::cout << "\n";
}

// The spatial and temporal search options of `--mode dataflows` (Interstellar's energy).
std::pair<mapper::DataflowSpaceOptions, mapper::LomaOptions> dataflow_search_options(
    const MemsizeArgs& a) {
  mapper::DataflowSpaceOptions ds;
  ds.min_utilization = a.threshold;
  mapper::LomaOptions lo;
  lo.objective = mapper::Objective::Energy;
  lo.lpf_limit = a.lpf_limit;
  lo.stop_requested = &search::InterruptGuard::interrupted;
  return {ds, lo};
}

void run_dataflows(const MemsizeArgs& a, const std::vector<workload::EinsumLayer>& layers,
                   const arch::HierarchySpec& base, const arch::EnergyTable& table,
                   nlohmann::json& j) {
  const auto hw = arch::build_hierarchy(base, table);
  const auto [ds, lo] = dataflow_search_options(a);
  nlohmann::json arr = nlohmann::json::array();
  const auto t0 = Clock::now();
  try {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      dataflows_of_layer(a, layers[i], hw, ds, lo, arr);
      show_progress(a, "memsize: layers", t0, static_cast<std::int64_t>(i + 1),
                    static_cast<std::int64_t>(layers.size()));
    }
  } catch (const mapper::SearchInterrupted&) {  // keep the layers finished
  }
  j["points"] = arr;
}

// The search's size before it starts (search/MappingBudget.h): the loop orders of every layer
// times the hierarchies evaluated, refused with the numbers unless --allow-large.
void check_search_size(const MemsizeArgs& a, const std::vector<workload::EinsumLayer>& layers,
                       const arch::HierarchySpec& base, const arch::EnergyTable& table,
                       const mapper::SizingOptions& so) {
  double orders = 0;
  std::pair<int, int> hierarchies = {1, 1};
  int threads = worker_count(a.threads, layers.size());
  if (a.mode == "dataflows") {
    const auto hw = arch::build_hierarchy(base, table);
    const auto [ds, lo] = dataflow_search_options(a);
    for (const auto& layer : layers)
      orders += mapper::spatial_search_loop_orders(layer, hw, ds, lo, true);
    threads = 1;  // one layer after the other
  } else {
    orders = mapper::network_loop_orders(layers, base, so);
    if (a.mode == "sweep") {
      const int n = static_cast<int>(kSweepRf.size() * kSweepGb.size());
      hierarchies = {n, n};
    } else {
      mapper::MemsizeOptions mo;
      mo.two_level_rf = !a.one_level;
      hierarchies = mapper::optimize_memory_hierarchies(mo);
    }
  }
  search::check_sweep(
      search::memsize_estimate(orders, static_cast<std::int64_t>(layers.size()), hierarchies.first,
                               hierarchies.second, threads, a.lpf_limit),
      search::machine_limits(), a.allow_large, "--lpf-limit");
}

int run(const MemsizeArgs& a) {
  const MemoryContext memory("running the memory-sizing search (hierarchies and mappings)");
  if (a.workload.empty()) throw UserError(SourceLocation{"", 0, "--workload"}, "required");
  const arch::HierarchySpec base = base_hierarchy(a);
  arch::EnergyTable table = arch::interstellar_28nm();
  if (!a.legacy_technology.empty()) {
    if (!a.energy_table.empty())
      throw UserError(SourceLocation{"", 0, "--technology"}, "give --energy-table only");
    std::cerr << "warning: memsize: --technology is now --energy-table (a size-dependent energy "
                 "table; the --technology of dse, eval and h3m is another format)\n";
  }
  const std::string table_file = a.energy_table.empty() ? a.legacy_technology : a.energy_table;
  if (!table_file.empty()) table = arch::read_energy_table(table_file);
  mapper::SizingOptions so;
  so.threads = a.threads;
  so.table = &table;
  so.lpf_limit = a.lpf_limit;
  {
    const auto dims = dataflow::parse_uv_notation(a.dataflow);
    so.dataflow.clear();
    for (const auto& d : dims) {
      std::vector<std::string> alts = d;
      if (alts.size() == 1 && alts[0] == "K") alts.push_back("G");  // depthwise layers
      so.dataflow.push_back(alts);
    }
  }
  const auto layers = load_layers(a);
  nlohmann::json j;
  j["workload"] = a.workload;
  j["mode"] = a.mode;
  j["array"] = a.array;
  j["technology"] = table.name;
  j["dataflow"] = a.dataflow;
  if (a.mode != "optimize" && a.mode != "sweep" && a.mode != "dataflows")
    throw UserError(SourceLocation{"", 0, "--mode"},
                    fmt::format("'{}' is not optimize, sweep or dataflows", a.mode));
  check_search_size(a, layers, base, table, so);
  // Ctrl-C stops the mapping under way; what finished is printed and written, marked partial.
  const search::InterruptGuard guard;
  so.stop_requested = &search::InterruptGuard::interrupted;
  try {
    if (a.mode == "optimize") run_optimize(a, layers, base, so, j);
    if (a.mode == "sweep") run_sweep(a, layers, base, so, j);
    if (a.mode == "dataflows") run_dataflows(a, layers, base, table, j);
  } catch (const mapper::SearchInterrupted&) {
  }
  const bool partial = search::InterruptGuard::interrupted();
  j["partial"] = partial;
  if (!a.json_out.empty()) write_file_atomically(a.json_out, j.dump(1) + "\n", "--json");
  if (partial) std::cerr << "memsize: interrupted; the results above are partial\n";
  return partial ? 130 : 0;
}

const CommandRegistrar kMemsizeRegistrar("memsize", [](CLI::App& app, int& exit_code) {
  auto a = std::make_shared<MemsizeArgs>();
  CLI::App* sub =
      app.add_subcommand("memsize", "Interstellar memory-hierarchy optimizer and studies");
  add_workload_option(sub, a->workload,
                      "an Interstellar network (alexnet, vgg16, googlenet, mobilenet, lstm-m, "
                      "lstm-l, rhn, mlp-m, mlp-l, alexnet-conv3, mobilenet-conv14, "
                      "mobilenet-conv15; these names before the zoo's)")
      ->required();
  check_choice(
      sub->add_option("--mode", a->mode, "optimize | sweep | dataflows (default optimize)"),
      {"optimize", "sweep", "dataflows"});
  sub->add_option("--array", a->array, "PE array ROWSxCOLS (default 16x16)");
  sub->add_option("--dataflow", a->dataflow, "U|V dataflow for optimize/sweep (default C|K)");
  check_size(sub->add_option(
      "--rf", a->rf, "baseline register file bytes per PE, innermost first (default 512; sizes)"));
  check_size(
      sub->add_option("--gb", a->gb, "baseline global buffer bytes (default 128KiB; sizes)"));
  sub->add_option("--energy-table", a->energy_table,
                  "energy-per-access table by memory size, YAML (default Interstellar Table IV; "
                  "not the --technology format of dse/eval/h3m)");
  sub->add_option("--technology", a->legacy_technology,
                  "old name of --energy-table")
      ->group("");  // hidden: warns
  sub->add_option("--batch", a->batch, "batch size (default: the paper's)");
  sub->add_option("--lpf-limit", a->lpf_limit, "loop prime factor limit (default 6)");
  sub->add_option("--threshold", a->threshold,
                  "minimum PE utilization in dataflows mode (default 0.75)");
  sub->add_flag("--global-hops", a->global_hops,
                "array communication cost independent of distance");
  sub->add_flag("--one-level", a->one_level, "optimize: do not try two register-file levels");
  add_json_option(sub, a->json_out, "the results");
  add_quiet_flag(sub, a->quiet);
  add_threads_option(sub, a->threads);
  sub->add_flag(search::kAllowLargeFlag, a->allow_large, search::kAllowLargeHelp);
  // Values checked by the shared validation layer (docs/input-validation.md).
  check_integer(sub->get_option("--batch"), IntRule::between(1, 1 << 20));
  check_integer(sub->get_option("--lpf-limit"), IntRule::between(1, 64));
  check_number(sub->get_option("--threshold"), NumberRule::between(0, 1));
  sub->callback([a, &exit_code] { exit_code = run(*a); });
});

}  // namespace

}  // namespace mosaic::cli

// mosaic map: per layer, the best loop-nest mapping on an N-level memory hierarchy (ZigZag's
// flow: LOMA temporal search, latency objective, lpf limit 6 by default), its cost per memory
// level, and workload totals summed the way ZigZag sums them.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "arch/ZigZagHardware.h"
#include "cli/Commands.h"
#include "cli/CommonFlags.h"
#include "cli/FlagRules.h"
#include "common/Error.h"
#include "common/MemoryContext.h"
#include "common/OutputFile.h"
#include "common/ParallelMap.h"
#include "cost/LoopNestModel.h"
#include "dataflow/LoopNestMapping.h"
#include "mapper/LoopNestMapper.h"
#include "outputs/MapReport.h"
#include "search/ChunkTransport.h"
#include "search/MapDistributed.h"
#include "search/MappingBudget.h"
#include "search/Progress.h"
#include "workload/WorkloadFile.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::cli {

namespace {

struct MapArgs {
  std::string workload;
  std::string hw;
  std::string mapping;
  std::string objective = "latency";
  int lpf_limit = 6;
  std::string engine = "loma";
  std::string json_out;
  std::string report_out;
  bool quiet = false;
  bool spatial_search = false;
  double min_utilization = 0.75;
  int threads = 0;
  bool allow_large = false;
};

nlohmann::json layer_json(const mapper::LayerMapResult& r) {
  const auto& p = r.problem;
  nlohmann::json j;
  j["name"] = r.layer_name;
  j["operator_type"] = r.op_type;
  j["mapping_entry"] = r.mapping_entry;
  j["energy_pj"] = r.cost.energy_pj;
  j["latency_cycles"] = r.cost.latency_cycles;
  j["mac_energy_pj"] = r.cost.mac_energy_pj;
  j["memory_energy_pj"] = r.cost.mem_energy_pj;
  j["ideal_cycles"] = r.cost.ideal_cycles;
  j["ideal_temporal_cycles"] = r.cost.ideal_temporal_cycles;
  j["stall_cycles"] = r.cost.stall_cycles;
  j["onload_cycles"] = r.cost.onload_cycles;
  j["offload_cycles"] = r.cost.offload_cycles;
  j["spatial_utilization"] = r.cost.spatial_utilization();
  j["utilization"] = r.cost.utilization();
  j["macs"] = p.total_mac;
  nlohmann::json dims = nlohmann::json::object();
  for (int d = 0; d < p.num_loop_dims; ++d)
    dims[p.dim_names[static_cast<std::size_t>(d)]] = p.dim_sizes[static_cast<std::size_t>(d)];
  j["loop_dims"] = dims;
  nlohmann::json sp = nlohmann::json::object();
  for (const auto& ad : p.spatial) {
    nlohmann::json u = nlohmann::json::object();
    for (const auto& x : ad.unrolls) u[x.dim] = x.factor;
    sp[ad.array_dim] = u;
  }
  j["spatial_mapping"] = sp;
  j["dataflow"] = dataflow::uv_notation(p.spatial);
  nlohmann::json order = nlohmann::json::array();
  for (const auto& l : cost::loop_order(p, r.temporal)) order.push_back({l.dim, l.size});
  j["loop_order_inner_first"] = order;
  nlohmann::json ops = nlohmann::json::array();
  const auto tmv = cost::to_dataflow(p, r.temporal);
  for (std::size_t oi = 0; oi < p.ops.size(); ++oi) {
    nlohmann::json o;
    o["operand"] = p.ops[oi].name;
    o["memory_operand"] = p.ops[oi].mem_operand;
    nlohmann::json levels = nlohmann::json::array();
    for (int m = 0; m < p.ops[oi].num_mem; ++m) {
      const auto& lr = r.cost.levels[oi][static_cast<std::size_t>(m)];
      nlohmann::json l;
      l["memory"] =
          p.mems[static_cast<std::size_t>(p.ops[oi].mems[static_cast<std::size_t>(m)])].name;
      nlohmann::json loops = nlohmann::json::array();
      for (const auto& t : tmv[oi].levels[static_cast<std::size_t>(m)])
        loops.push_back({t.dim, t.size});
      l["temporal_loops"] = loops;
      l["energy_pj"] = lr.energy_pj;
      nlohmann::json acc = nlohmann::json::object();
      for (int d = 0; d < 4; ++d)
        acc[arch::data_dir_zigzag_name(static_cast<arch::DataDir>(d))] =
            lr.word_access[static_cast<std::size_t>(d)];
      l["word_accesses"] = acc;
      levels.push_back(l);
    }
    o["levels"] = levels;
    ops.push_back(o);
  }
  j["operands"] = ops;
  j["search"] = {{"orders", r.stats.orders},
                 {"allocated", r.stats.allocated},
                 {"evaluations", r.stats.evaluations},
                 {"cpu_seconds", r.cpu_seconds}};
  return j;
}

void print_layer(const mapper::LayerMapResult& r, std::size_t i, std::size_t n) {
  const auto& p = r.problem;
  std::cout << fmt::format("== layer {}/{}: {} ({}, mapping '{}')\n", i, n, r.layer_name, r.op_type,
                           r.mapping_entry);
  std::cout << fmt::format("   spatial {}  temporal orders {} (fit {})\n",
                           dataflow::uv_notation(p.spatial), r.stats.orders, r.stats.allocated);
  const std::string nest =
      dataflow::render_loop_nest(cost::loop_order(p, r.temporal), cost::to_dataflow(p, r.temporal),
                                 cost::level_names(p), p.spatial);
  std::istringstream ss(nest);
  for (std::string line; std::getline(ss, line);) std::cout << "   " << line << "\n";
  std::cout << fmt::format(
      "   energy {:.6g} pJ (MAC {:.6g}), latency {:.6g} cycles (ideal {:.6g}, stall {:.6g}, "
      "onload {:.6g}, offload {:.6g}), utilization {:.1f}%\n",
      r.cost.energy_pj, r.cost.mac_energy_pj, r.cost.latency_cycles, r.cost.ideal_temporal_cycles,
      r.cost.stall_cycles, r.cost.onload_cycles, r.cost.offload_cycles, 100 * r.cost.utilization());
  for (std::size_t oi = 0; oi < p.ops.size(); ++oi)
    for (int m = 0; m < p.ops[oi].num_mem; ++m)
      std::cout << fmt::format(
          "     {:<2} {:<14} {:>14.6g} pJ\n", p.ops[oi].name,
          p.mems[static_cast<std::size_t>(p.ops[oi].mems[static_cast<std::size_t>(m)])].name,
          r.cost.levels[oi][static_cast<std::size_t>(m)].energy_pj);
}

int run_map(const MapArgs& a) {
  const MemoryContext memory("running the loop-nest mapping search (candidate mappings per layer)");
  mapper::MapOptions opt;
  if (!mapper::parse_objective(a.objective, opt.objective))
    throw UserError(SourceLocation{"", 0, "--objective"},
                    fmt::format("'{}' is not latency, energy or edp", a.objective));
  if (a.lpf_limit < 1) throw UserError(SourceLocation{"", 0, "--lpf-limit"}, "must be at least 1");
  opt.lpf_limit = a.lpf_limit;
  opt.threads = a.threads;
  if (a.engine == "loma")
    opt.engine = mapper::TemporalEngine::Loma;
  else if (a.engine == "fast")
    opt.engine = mapper::TemporalEngine::Fast;
  else
    throw UserError(SourceLocation{"", 0, "--engine"},
                    fmt::format("'{}' is not loma or fast", a.engine));
  // The one accelerator type: a one-core accelerator whose core carries the file's hierarchy.
  const arch::Accelerator acc = arch::loop_nest_accelerator(arch::read_zigzag_hardware(a.hw));
  opt.search_spatial = a.spatial_search || a.mapping.empty();
  opt.utilization_threshold = a.min_utilization;
  if (a.min_utilization < 0 || a.min_utilization > 1)
    throw UserError(SourceLocation{"", 0, "--min-utilization"}, "must be between 0 and 1");
  dataflow::LoopNestMappingSet mappings;
  if (!a.mapping.empty()) mappings = dataflow::read_zigzag_mapping(a.mapping);
  // The one workload front end (docs/cli.md): ZigZag YAML and ONNX as ZigZag reads them, and
  // every other workload kind by its convolution and matrix-multiply layers.
  const std::vector<workload::EinsumLayer> layers = workload::load_einsum_layers(a.workload);
  if (!a.mapping.empty()) {
    // The workload's loop dimensions and ZigZag's standard names (a mapping file is shared by
    // workloads; an unrolling of a standard dimension a workload lacks is skipped, as in ZigZag).
    std::vector<std::string> loop_dims = {"B", "K", "C", "G", "OY", "OX", "FY", "FX", "IY", "IX"};
    for (const auto& l : layers)
      for (const auto& d : l.dims)
        if (std::find(loop_dims.begin(), loop_dims.end(), d) == loop_dims.end())
          loop_dims.push_back(d);
    arch::check_zigzag_mapping(*acc.cores.at(0).loop_nest, mappings, loop_dims);
  }
  search::ChunkTransport* transport = search::chunk_transport();
  if (transport != nullptr && !transport->leader()) {
    // A worker rank of mosaic-mpi: maps the layers rank 0 hands out; writes nothing.
    search::serve_map(layers, acc, mappings, opt, *transport);
    return 0;
  }
  // The search's size before it starts: the loop orders of every layer (--lpf-limit, the spatial
  // search), refused with the numbers unless --allow-large.
  double orders = 0;
  for (const auto& l : layers)
    orders += mapper::layer_loop_orders(l, *acc.cores.at(0).loop_nest, mappings, opt);
  search::check_sweep(search::map_estimate(orders, static_cast<std::int64_t>(layers.size()),
                                           worker_count(opt.threads, layers.size()), opt.lpf_limit),
                      search::machine_limits(), a.allow_large, "--lpf-limit");
  const auto t_start = std::chrono::steady_clock::now();
  const auto progress = [&](const mapper::LayerMapResult& r, std::size_t i, std::size_t n) {
    if (a.quiet) return;
    print_layer(r, i, n);
    const std::chrono::duration<double> t = std::chrono::steady_clock::now() - t_start;
    std::cerr << search::progress_line("map: layers", t.count(), static_cast<std::int64_t>(i),
                                       static_cast<std::int64_t>(n))
              << std::endl;
  };
  // Ctrl-C stops the layer under way; the finished layers are reported, marked partial.
  const search::InterruptGuard guard;
  opt.stop_requested = &search::InterruptGuard::interrupted;
  if (transport != nullptr && transport->workers() > 0)
    std::cerr << fmt::format("map: {} MPI ranks: rank 0 hands out the {} layers, {} map them\n",
                             transport->size(), layers.size(), transport->workers());
  const auto result =
      transport != nullptr
          ? search::map_workload_distributed(layers, acc, mappings, opt, *transport, progress)
          : mapper::map_workload(layers, acc, mappings, opt, progress);
  std::cout << fmt::format("total: energy {:.12g} pJ, latency {:.12g} cycles over {} layers{}\n",
                           result.energy_pj, result.latency_cycles, result.layers.size(),
                           result.interrupted ? fmt::format(" (partial: interrupted, {} of {} "
                                                            "layers mapped)",
                                                            result.layers.size(), layers.size())
                                              : "");
  if (!a.json_out.empty() || !a.report_out.empty()) {
    nlohmann::json j;
    j["workload"] = a.workload;
    j["hardware"] = a.hw;
    j["mapping"] = a.mapping;
    j["objective"] = mapper::objective_name(opt.objective);
    j["lpf_limit"] = opt.lpf_limit;
    j["engine"] = mapper::engine_name(opt.engine);
    j["energy_pj"] = result.energy_pj;
    j["latency_cycles"] = result.latency_cycles;
    j["mac_energy_pj"] = result.mac_energy_pj;
    j["partial"] = result.interrupted;  // Ctrl-C: the layers finished before it only
    j["layers_total"] = layers.size();
    nlohmann::json ls = nlohmann::json::array();
    for (const auto& r : result.layers) ls.push_back(layer_json(r));
    j["layers"] = ls;
    if (!a.json_out.empty()) write_file_atomically(a.json_out, j.dump(1) + "\n", "--json");
    if (!a.report_out.empty())  // outputs/MapReport.h
      write_file_atomically(a.report_out, outputs::map_report_html(j), "--report");
  }
  if (result.interrupted) std::cerr << "map: interrupted; the results above are partial\n";
  return result.interrupted ? 130 : 0;
}

const CommandRegistrar kMapRegistrar("map", [](CLI::App& app, int& exit_code) {
  auto args = std::make_shared<MapArgs>();
  CLI::App* sub = app.add_subcommand(
      "map", "Best loop-nest mapping per layer on an N-level memory hierarchy (ZigZag-exact LOMA)");
  add_workload_option(sub, args->workload)->required();
  sub->add_option("--hw", args->hw, "accelerator YAML (ZigZag format)")->required();
  sub->add_option("--mapping", args->mapping, "mapping YAML (ZigZag format)");
  check_objective(
      sub->add_option("--objective", args->objective, "latency | energy | edp (default latency)"),
      latency_energy_edp());
  sub->add_option("--lpf-limit", args->lpf_limit, "loop prime factor limit (default 6)");
  check_choice(sub->add_option("--engine", args->engine,
                               "temporal search: loma (ZigZag) | fast (default loma)"),
               {"loma", "fast"});
  add_json_option(sub, args->json_out, "the per-layer and total results");
  sub->add_option("--report", args->report_out,
                  "write an HTML report (per-layer, per-level and per-operand breakdown, the "
                  "bottleneck named)");
  add_quiet_flag(sub, args->quiet);  // the totals line stays
  add_threads_option(sub, args->threads);
  sub->add_flag(search::kAllowLargeFlag, args->allow_large, search::kAllowLargeHelp);
  sub->add_flag(
      "--spatial-search", args->spatial_search,
      "search the spatial mapping (U|V dataflows with replication) instead of the mapping "
      "file's (implied without --mapping)");
  sub->add_option("--min-utilization", args->min_utilization,
                  "spatial search: minimum PE utilization (default 0.75)");
  // Values checked by the shared validation layer (docs/input-validation.md).
  check_integer(sub->get_option("--lpf-limit"), IntRule::between(1, 64));
  check_number(sub->get_option("--min-utilization"), NumberRule::between(0, 1));
  sub->callback([args, &exit_code] { exit_code = run_map(*args); });
});

}  // namespace

}  // namespace mosaic::cli

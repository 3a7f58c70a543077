#include "cost/MaestroNetwork.h"
#include "cost/CoreHardware.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "common/Error.h"
#include "dataflow/Legality.h"
#include "dataflow/Library.h"

namespace mosaic::cost {

namespace mf = workload::maestro_format;
using dataflow::BoundDirective;
using dataflow::Dim;
using dataflow::DirectiveKind;
using dataflow::Problem;
using dataflow::ProblemType;

namespace {

constexpr std::array<const char*, 3> kTensorNames = {"input", "filter", "output"};

// MAESTRO's rule (since May 2021): a TemporalMap over R or S must cover the whole filter.
void check_rs_rule(const std::vector<BoundDirective>& df, const Problem& p, const std::string& file,
                   const std::string& layer) {
  for (const auto& d : df) {
    if (d.kind != DirectiveKind::TemporalMap || (d.dim != Dim::R && d.dim != Dim::S)) continue;
    const std::int64_t full = p[d.dim];
    const char* name = d.dim == Dim::R ? "R" : "S";
    if (d.size != d.offset || d.size != full)
      throw UserError(
          SourceLocation{file, d.line, fmt::format("layer '{}' TemporalMap {}", layer, name)},
          fmt::format("a TemporalMap over {} must cover the whole filter: size and offset must "
                      "both be {} (got {},{}); map it spatially or with Sz({})",
                      name, full, d.size, d.offset, name));
  }
}

std::int64_t declared_tensor_size(const Problem& p, const dataflow::TensorDims& t) {
  std::int64_t r = 1;
  for (Dim d : p.declared)
    if (t.contains(d)) r *= p[d];
  return r;
}

std::int64_t sum3(const std::array<std::int64_t, 3>& a) {
  return a[0] + a[1] + a[2];
}

// The problem the directive analysis runs for a layer of a mapping file. Default mode: a
// transposed convolution upsamples, so the analysis runs the direct convolution a dense
// accelerator runs over the zero-upsampled input and `useful_macs` gets the useful MACs; strided
// pointwise layers are densified.
Problem analysis_problem(const mf::LayerSyntax& ls, const std::string& file, bool compat,
                         std::optional<std::int64_t>& useful_macs) {
  Problem p = dataflow::problem_from_syntax(ls, file, compat);
  if (compat) return p;
  if (ls.type == "TRCONV") {
    const workload::Layer layer = mf::to_layer(ls, file);
    p = dataflow::problem_from_layer(layer);
    p.declared.clear();
    for (const auto& d : ls.dims)
      if (auto dim = dataflow::parse_dim(d.name)) p.declared.push_back(*dim);
    useful_macs = workload::macs(layer);
  }
  return dataflow::densify_pointwise_stride(p);
}

// A named dataflow (library name, alias or .m path) for the problem's layer class.
std::vector<BoundDirective> bind_named(const std::string& name, const Problem& p, bool compat) {
  dataflow::Dataflow df = dataflow::library_dataflow(name, p.type);
  if (!compat) df = dataflow::adapt_to_problem(df, p);
  return dataflow::bind(df, p);
}

// Checks a bound dataflow: MAESTRO's R/S rule in compat mode; otherwise the paper's legality
// conditions, a map larger than its dimension being clamped (generic dataflows such as
// TemporalMap(64,64) C meet 3-channel layers) and the other violations errors.
std::vector<BoundDirective> checked_binding(std::vector<BoundDirective> bound, const Problem& p,
                                            const mf::LayerSyntax& ls, const std::string& file,
                                            bool compat) {
  if (compat) {
    check_rs_rule(bound, p, file, ls.name);
    return bound;
  }
  for (const auto& issue : dataflow::check_legality(bound, p)) {
    if (issue.rule == dataflow::LegalityRule::Bound) continue;
    throw UserError(SourceLocation{file, issue.line > 0 ? issue.line : ls.line,
                                   fmt::format("Layer {} {}", ls.name, issue.directive)},
                    fmt::format("{} ({})", issue.message, dataflow::rule_name(issue.rule)));
  }
  return dataflow::clamp_to_problem(bound, p);
}

}  // namespace

RuntimeFigures runtime_figures(std::int64_t macs, std::int64_t runtime, std::int64_t num_pes,
                               std::int64_t vector_width, bool maestro_compat) {
  RuntimeFigures f;
  f.latency_cycles = static_cast<double>(runtime);
  if (!maestro_compat && f.latency_cycles < 1) f.latency_cycles = 1;
  const double pes = static_cast<double>(num_pes);
  f.ideal_cycles = static_cast<double>(macs) / (pes * static_cast<double>(vector_width));
  // Achieved utilisation: useful MACs over the MAC slots of the whole run.
  f.utilization =
      f.latency_cycles > 0
          ? static_cast<double>(macs) / (f.latency_cycles * pes * static_cast<double>(vector_width))
          : 0;
  f.throughput_macs_per_cycle =
      f.latency_cycles > 0 ? static_cast<double>(macs) / f.latency_cycles : 0;
  return f;
}

LayerCost to_layer_cost(const DirectiveResult& r, const Problem& p, const arch::Core& core,
                        const arch::Technology& tech, bool maestro_compat) {
  LayerCost c;
  const LevelFigures& top = r.top;
  const std::int64_t macs = maestro_compat ? top.num_computations : r.macs;
  c.macs = macs;
  const RuntimeFigures f =
      runtime_figures(macs, top.runtime, core.num_pes, core.vector_width, maestro_compat);
  c.latency_cycles = f.latency_cycles;
  c.ideal_cycles = f.ideal_cycles;
  c.avg_active_pes = top.avg_active_clusters;
  c.utilization = f.utilization;
  c.throughput_macs_per_cycle = f.throughput_macs_per_cycle;
  c.roofline_macs_per_cycle =
      top.compute_cycles > 0 ? static_cast<double>(macs) / static_cast<double>(top.compute_cycles)
                             : 0;
  // Memory levels: L1 (all PEs together), L2, DRAM.
  LevelCost& l1 = c.add_level("L1");
  LevelCost& l2 = c.add_level("L2");
  LevelCost& dram = c.add_level("DRAM");
  double l1_acc = 0, l2_acc = 0;
  for (int t = 0; t < 3; ++t) {
    const auto k = static_cast<std::size_t>(t);
    l1.reads[k] = static_cast<double>(top.l1_read[k]);
    l1.writes[k] = static_cast<double>(top.l1_write[k]);
    // MAESTRO counts one L1 write per L2 read of an input; every PE writes its own copy.
    if (!maestro_compat && t < 2) l1.writes[k] = static_cast<double>(top.l1_fill[k]);
    l2.reads[k] = static_cast<double>(top.l2_read[k]);
    l2.writes[k] = static_cast<double>(top.l2_write[k]);
    l1_acc += l1.reads[k] + l1.writes[k];
    l2_acc += l2.reads[k] + l2.writes[k];
  }
  // DRAM: inputs and weights are loaded once into L2 (MAESTRO's L2 fill), outputs written once.
  dram.reads[0] = static_cast<double>(top.l2_write[0]);
  dram.reads[1] = static_cast<double>(top.l2_write[1]);
  dram.writes[2] = static_cast<double>(top.l2_read[2]);
  const double dram_acc = dram.reads[0] + dram.reads[1] + dram.writes[2];
  l1.energy_pj = l1_acc * tech.l1_pj;
  l2.energy_pj = l2_acc * tech.l2_pj;
  c.mac_energy_pj = static_cast<double>(macs) * tech.mac_pj;
  if (maestro_compat) {
    // MAESTRO has neither DRAM nor NoC energy.
    dram.energy_pj = 0;
    c.noc_energy_pj = 0;
  } else {
    dram.energy_pj = dram_acc * tech.dram_pj;
    // Every element crossing the NoC: inputs and weights into the PEs, outputs out of them.
    const double noc_elements = l2.reads[0] + l2.reads[1] + l2.writes[2];
    c.noc_energy_pj = noc_elements * tech.noc_pj;
  }
  c.energy_pj = c.mac_energy_pj + l1.energy_pj + l2.energy_pj + dram.energy_pj + c.noc_energy_pj;
  c.l1_required_elements = static_cast<double>(sum3(r.first.l1_size_req));
  c.l2_required_elements = static_cast<double>(sum3(top.l2_size_req));
  c.noc_bw_required = static_cast<double>(top.peak_bw_req);
  c.noc_bw_avg = top.avg_bw_req;
  c.offchip_bw_required = static_cast<double>(top.offchip_bw_req);
  const auto ap = arch::area_power(tech, core.num_pes, core.vector_width, core.noc_bw,
                                   sum3(r.first.l1_size_req), sum3(top.l2_size_req));
  c.area_um2 = ap.area_um2;
  c.power_mw = ap.power_mw;
  (void)p;
  return c;
}

PreparedLayer prepare_layer(const mf::LayerSyntax& ls, const std::string& file,
                            const MaestroEvalOptions& options) {
  const bool compat = options.maestro_compat;
  PreparedLayer out;
  out.problem = analysis_problem(ls, file, compat, out.useful_macs);
  if (options.dataflow_name) {
    out.bound = bind_named(*options.dataflow_name, out.problem, compat);
  } else if (ls.has_dataflow) {
    out.bound = dataflow::bind(dataflow::from_syntax(ls.dataflow, ls.name, file), out.problem);
  } else {
    throw UserError(SourceLocation{file, ls.line, "Layer " + ls.name},
                    "has no Dataflow block (give one, or choose a named dataflow)");
  }
  out.bound = checked_binding(std::move(out.bound), out.problem, ls, file, compat);
  return out;
}

DirectiveResult analyze_layer(const Problem& p, const std::vector<BoundDirective>& bound,
                              const DirectiveHardware& hw, const DirectiveOptions& options,
                              const mf::LayerSyntax& ls, const std::string& file,
                              DirectiveMemo* memo) {
  try {
    return memo != nullptr ? memo->analyze(p, bound, hw, options)
                           : analyze_directives(p, bound, hw, options);
  } catch (const UserError& e) {
    const int line = e.where().line > 0 ? e.where().line : ls.line;
    std::string field = "Layer " + ls.name;
    if (!e.where().field.empty()) field += " " + e.where().field;
    throw UserError(SourceLocation{file, line, field}, e.message());
  }
}

namespace {

// What evaluate_maestro_network carries from one layer to the next, as MAESTRO does.
struct NetworkCarry {
  std::map<ProblemType, bool> batch_of_type;  // MAESTRO builds tensors once per layer type
  std::optional<dataflow::Dataflow> prev_df;
  std::optional<std::vector<BoundDirective>> prev_bound;
  std::array<std::int64_t, 6> prev_l1{};  // MAESTRO's CSV energy reuses these across layers
};

// The layer's dataflow bound to its problem: the named dataflow, the layer's own, or the
// previous layer's.
std::vector<BoundDirective> layer_binding(const mf::LayerSyntax& ls, const mf::NetworkSyntax& net,
                                          const MaestroEvalOptions& options, const Problem& p,
                                          NetworkCarry& carry) {
  const bool compat = options.maestro_compat;
  auto& prev_df = carry.prev_df;
  auto& prev_bound = carry.prev_bound;
  std::vector<BoundDirective> bound;
  std::optional<dataflow::Dataflow> named;
  if (options.dataflow_name) {
    dataflow::Dataflow df = dataflow::library_dataflow(*options.dataflow_name, p.type);
    if (!compat) df = dataflow::adapt_to_problem(df, p);
    bound = dataflow::bind(df, p);
    named = std::move(df);
  } else if (ls.has_dataflow) {
    prev_df = dataflow::from_syntax(ls.dataflow, ls.name, net.file);
    bound = dataflow::bind(*prev_df, p);
  } else if (prev_df) {
    // A layer without a Dataflow block reuses the previous one: MAESTRO with the sizes as the
    // previous layer resolved them, mosaic's default mode re-resolved for this layer.
    bound = compat ? *prev_bound : dataflow::bind(*prev_df, p);
  } else {
    throw UserError(SourceLocation{net.file, ls.line, "Layer " + ls.name},
                    "has no Dataflow block and no earlier layer has one (give one, or choose a "
                    "named dataflow with --dataflow)");
  }
  prev_bound = bound;
  bound = checked_binding(std::move(bound), p, ls, net.file, compat);
  if (!compat && options.search_tiles) bound = options.search_tiles(p, named ? *named : *prev_df);
  return bound;
}

// The energy column: MAESTRO's relative energies in compat mode (with its reuse of the previous
// layer's L1 counts), the layer cost's energy otherwise.
void energy_column(MaestroLayerReport& row, const DirectiveResult& r, const arch::Technology& tech,
                   bool compat, NetworkCarry& carry) {
  const LevelFigures& top = r.top;
  auto& prev_l1 = carry.prev_l1;
  const double l1_rel = tech.l1_pj / tech.mac_pj;
  const double l2_rel = tech.l2_pj / tech.mac_pj;
  const double mac_nj = tech.mac_pj / 1000.0;
  const std::array<std::int64_t, 6> cur_l1 = {top.l1_read[0],  top.l1_write[0], top.l1_read[1],
                                              top.l1_write[1], top.l1_read[2],  top.l1_write[2]};
  if (compat) {
    double e = 0;
    e += static_cast<double>(top.l2_read[0]) * l2_rel;
    e += static_cast<double>(top.l2_write[0]) * l2_rel;
    e += static_cast<double>(top.l2_read[1]) * l2_rel;
    e += static_cast<double>(top.l2_write[1]) * l2_rel;
    e += static_cast<double>(top.l2_write[2]) * l2_rel;
    const auto& l1 = r.first_is_top ? cur_l1 : prev_l1;
    for (std::int64_t v : l1) e += static_cast<double>(v) * l1_rel;
    row.csv_energy_nj = e * mac_nj;
  } else {
    row.csv_energy_nj = row.cost.energy_pj / 1000.0;
  }
  prev_l1 = cur_l1;
}

// The report's figures derived from the analysis: throughput, buffer sizes, area and power,
// bandwidths, multicast, per-tensor accesses and the console energy.
void derived_figures(MaestroLayerReport& row, const Problem& p, const DirectiveResult& r,
                     const arch::Core& core, const arch::Technology& tech, bool compat) {
  const LevelFigures& top = r.top;
  const LevelFigures& first = r.first;
  const std::int64_t psums = top.num_computations;
  const double l1_rel = tech.l1_pj / tech.mac_pj;
  const double l2_rel = tech.l2_pj / tech.mac_pj;
  const double macs_reported = static_cast<double>(row.num_macs);
  row.throughput = macs_reported / static_cast<double>(row.runtime_cycles);
  row.throughput_per_energy = static_cast<long double>(row.num_macs) /
                              static_cast<long double>(row.runtime_cycles) /
                              static_cast<long double>(row.csv_energy_nj) * 1e9L;
  row.ops_per_joule =
      static_cast<long double>(row.num_macs) / static_cast<long double>(row.csv_energy_nj) * 1e9L;
  row.l1_size_req = sum3(first.l1_size_req);
  row.l2_size_req = sum3(top.l2_size_req);
  row.l1_size_per_tensor = first.l1_size_req;
  row.l2_size_per_tensor = top.l2_size_req;
  const auto ap = arch::area_power(tech, core.num_pes, core.vector_width, core.noc_bw,
                                   row.l1_size_req, row.l2_size_req);
  row.area_um2 = ap.area_um2;
  row.power_mw = ap.power_mw;
  row.pe_power = ap.pe_power_mw;
  row.l1_power = ap.l1_power_mw;
  row.l2_power = ap.l2_power_mw;
  row.noc_power = ap.noc_power_mw;
  row.peak_bw = top.peak_bw_req;
  row.avg_bw = top.avg_bw_req;
  row.offchip_bw_req = top.offchip_bw_req;
  auto ratio = [&](std::int64_t a, std::int64_t b) {
    if (!compat && b == 0) return 0.0;
    return static_cast<double>(a) / static_cast<double>(b);
  };
  row.multicast_weight = ratio(top.l1_write[1], top.l2_read[1]);
  row.multicast_input = ratio(top.l1_write[0], top.l2_read[0]);
  row.input_pixels = declared_tensor_size(p, dataflow::input_dims(p.type, p.batch));
  row.weight_pixels = declared_tensor_size(p, dataflow::weight_dims(p.type, p.batch));
  for (int t = 0; t < 3; ++t) {
    const auto k = static_cast<std::size_t>(t);
    MaestroTensorRow& tr = row.tensors[k];
    tr.name = kTensorNames[k];
    tr.l1_read = top.l1_read[k];
    tr.l1_write = (!compat && t < 2) ? top.l1_fill[k] : top.l1_write[k];
    tr.l2_read = top.l2_read[k];
    tr.l2_write = top.l2_write[k];
    tr.reuse = (!compat && tr.l1_write == 0)
                   ? 0.0L
                   : static_cast<long double>(tr.l1_read) / static_cast<long double>(tr.l1_write);
  }
  row.delay = top.delay;
  row.avg_utilized_pes = top.avg_active_clusters;
  row.arithmetic_intensity = top.arithmetic_intensity;
  double console = static_cast<double>(psums);
  for (int t = 0; t < 3; ++t) {
    const auto k = static_cast<std::size_t>(t);
    console += static_cast<double>(top.l2_read[k] + top.l2_write[k]) * l2_rel;
    console += static_cast<double>(top.l1_read[k] + top.l1_write[k]) * l1_rel;
  }
  row.console_energy_mac_units = console;
  if (!compat) {
    // No division by zero, NaN or infinity reaches a report.
    if (row.runtime_cycles <= 0) row.runtime_cycles = 1;
    row.throughput = macs_reported / static_cast<double>(row.runtime_cycles);
    if (row.csv_energy_nj <= 0) {
      row.throughput_per_energy = 0;
      row.ops_per_joule = 0;
    }
    if (!std::isfinite(row.arithmetic_intensity)) row.arithmetic_intensity = 0;
  }
}

void add_to_totals(MaestroNetworkReport& report, const MaestroLayerReport& row) {
  report.max_l1_req = std::max(report.max_l1_req, row.l1_size_req);
  report.max_l2_req = std::max(report.max_l2_req, row.l2_size_req);
  report.total_l1_req += row.l1_size_req;
  report.total_l2_req += row.l2_size_req;
  report.max_noc_bw_req = std::max(report.max_noc_bw_req, row.peak_bw);
  report.max_offchip_bw_req = std::max(report.max_offchip_bw_req, row.offchip_bw_req);
}

}  // namespace

MaestroNetworkReport evaluate_maestro_network(const mf::NetworkSyntax& net, const arch::Core& core,
                                              const MaestroEvalOptions& options) {
  const bool compat = options.maestro_compat;
  const arch::Technology& tech = options.technology;
  const DirectiveHardware hw = directive_hardware(core);
  DirectiveOptions dopt;
  dopt.maestro_compat = compat;

  MaestroNetworkReport report;
  report.network = net.name;
  NetworkCarry carry;
  // Layers with the same inputs to the analysis (shape, bound directives) are analysed once.
  DirectiveMemo memo;
  report.layers.reserve(net.layers.size());
  for (const auto& ls : net.layers) {
    std::optional<std::int64_t> useful_macs;
    Problem p = analysis_problem(ls, net.file, compat, useful_macs);
    if (compat) {
      auto [it, inserted] = carry.batch_of_type.emplace(p.type, p.batch);
      p.batch = it->second;
    }
    const std::vector<BoundDirective> bound = layer_binding(ls, net, options, p, carry);

    // Built in place (a layer report is about 1.5 KB: off the stack, whose pages a short run
    // pays for one by one).
    MaestroLayerReport& row = report.layers.emplace_back();
    row.network = net.name;
    row.layer = ls.name;
    row.analysis = analyze_layer(p, bound, hw, dopt, ls, net.file, &memo);
    if (useful_macs) row.analysis.macs = *useful_macs;
    const DirectiveResult& r = row.analysis;
    const LevelFigures& top = r.top;
    if (r.zero_compute_sub_case)
      report.notes.push_back(fmt::format(
          "layer {}: a case's sub-clusters compute nothing; MAESTRO divides by zero (SIGFPE) here, "
          "mosaic takes the compute delay as 1 cycle for the off-chip bandwidth requirement",
          ls.name));

    row.num_pes = core.num_pes;
    row.vector_width = core.vector_width;
    row.runtime_cycles = top.runtime;
    const std::int64_t psums = top.num_computations;
    row.num_macs = compat ? psums : r.macs;
    row.cost = to_layer_cost(r, p, core, tech, compat);
    if (!compat) row.runtime_cycles = static_cast<std::int64_t>(row.cost.latency_cycles);
    energy_column(row, r, tech, compat, carry);
    derived_figures(row, p, r, core, tech, compat);
    add_to_totals(report, row);
  }
  return report;
}

}  // namespace mosaic::cost

// A whole MAESTRO mapping file (a network, each layer with its dataflow) evaluated on one core,
// with every figure of MAESTRO's per-layer report: the rows of its 52-column CSV and the values
// of its console summary. Compat mode reproduces the MAESTRO tool, including which figures it
// takes from where; the default mode reports the corrected figures (docs/maestro-differences.md).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "cost/DirectiveAnalysis.h"
#include "cost/DirectiveMemo.h"
#include "cost/LayerCost.h"
#include "dataflow/Dataflow.h"
#include "workload/MaestroFormat.h"

namespace mosaic::cost {

struct MaestroTensorRow {
  std::string name;  // "input", "filter", "output"
  std::int64_t l1_read = 0, l1_write = 0, l2_read = 0, l2_write = 0;
  long double reuse = 0;  // l1 read / l1 write
};

// One layer's report. Field names follow the CSV columns.
struct MaestroLayerReport {
  std::string network;
  std::string layer;
  std::int64_t num_pes = 0;
  std::int64_t runtime_cycles = 0;
  double csv_energy_nj = 0;  // "Activity count-based Energy (nJ)"
  double throughput = 0;     // MACs / cycle
  long double throughput_per_energy = 0;
  double area_um2 = 0;
  double power_mw = 0;
  std::int64_t peak_bw = 0;
  double avg_bw = 0;
  std::int64_t vector_width = 1;
  std::int64_t offchip_bw_req = 0;
  std::int64_t l2_size_req = 0;
  std::int64_t l1_size_req = 0;
  double multicast_weight = 0;
  double multicast_input = 0;
  std::int64_t input_pixels = 0;
  std::int64_t weight_pixels = 0;
  long double ops_per_joule = 0;
  std::int64_t num_macs = 0;  // as reported (compat: MAESTRO's partial-sum count)
  double pe_power = 0, l1_power = 0, l2_power = 0, noc_power = 0;
  std::array<MaestroTensorRow, 3> tensors;
  std::array<std::array<std::int64_t, 3>, 3> delay{};  // ingress/egress/compute x min/max/avg
  double avg_utilized_pes = 0;
  double arithmetic_intensity = 0;
  // Console-only figures
  std::array<std::int64_t, 3> l1_size_per_tensor{};
  std::array<std::int64_t, 3> l2_size_per_tensor{};
  double console_energy_mac_units = 0;  // L2 + L1 accesses weighted, plus MACs
  // The analysis behind the row and the unified cost (energy in pJ, with DRAM and NoC terms in
  // the default mode).
  DirectiveResult analysis;
  LayerCost cost;
};

struct MaestroNetworkReport {
  std::string network;
  std::vector<MaestroLayerReport> layers;
  std::int64_t max_l1_req = 0, max_l2_req = 0;      // buffer analysis
  std::int64_t total_l1_req = 0, total_l2_req = 0;  // model-wise sums
  std::int64_t max_noc_bw_req = 0, max_offchip_bw_req = 0;
  std::vector<std::string> notes;  // per-layer remarks (compat workarounds)
};

struct MaestroEvalOptions {
  bool maestro_compat = false;
  // When set, every layer uses this named dataflow (library name, alias or .m path), resolved
  // per layer class (depthwise and GEMM variants), instead of its own Dataflow block.
  std::optional<std::string> dataflow_name;
  arch::Technology technology = arch::default_technology();
  // Default mode only: when set, each layer's mapping is chosen by this search (the directive
  // mapper of `mosaic eval --search-tiles`) from the layer's style instead of taking the style's
  // sizes as written.
  std::function<std::vector<dataflow::BoundDirective>(const dataflow::Problem&,
                                                      const dataflow::Dataflow&)>
      search_tiles;
};

// Evaluates every layer of a parsed mapping file. Throws UserError naming file, line and field
// for an unusable layer (no dataflow at all, illegal directives, ...).
MaestroNetworkReport evaluate_maestro_network(const workload::maestro_format::NetworkSyntax& net,
                                              const arch::Core& core,
                                              const MaestroEvalOptions& options);

// One layer of a mapping file made ready for the directive analysis as evaluate_maestro_network
// makes it: the analysis problem (default mode: a transposed convolution as the dense direct
// one, strided pointwise layers densified), the dataflow (options.dataflow_name when set, else
// the layer's own Dataflow block) bound to it and checked, and the useful MACs when they differ
// from the problem's. No previous-layer reuse (a layer without a dataflow is an error). Shared
// by evaluate_maestro_network and the Python module's cost_grid.
struct PreparedLayer {
  dataflow::Problem problem;
  std::vector<dataflow::BoundDirective> bound;
  std::optional<std::int64_t> useful_macs;
};
PreparedLayer prepare_layer(const workload::maestro_format::LayerSyntax& layer,
                            const std::string& file, const MaestroEvalOptions& options);

// analyze_directives (through `memo` when given), with an error naming the layer and its line
// in `file`.
DirectiveResult analyze_layer(const dataflow::Problem& p,
                              const std::vector<dataflow::BoundDirective>& bound,
                              const DirectiveHardware& hw, const DirectiveOptions& options,
                              const workload::maestro_format::LayerSyntax& layer,
                              const std::string& file, DirectiveMemo* memo = nullptr);

// The figures of a LayerCost that follow from the runtime and the core's MAC slots alone
// (to_layer_cost's rule; the Python module's cost_grid applies it at each hardware point that
// shares one analysis).
struct RuntimeFigures {
  double latency_cycles = 0, ideal_cycles = 0, utilization = 0, throughput_macs_per_cycle = 0;
};
RuntimeFigures runtime_figures(std::int64_t macs, std::int64_t runtime, std::int64_t num_pes,
                               std::int64_t vector_width, bool maestro_compat);

// The unified cost of one directive analysis (used by the default mode and by the schedulers).
LayerCost to_layer_cost(const DirectiveResult& r, const dataflow::Problem& p,
                        const arch::Core& core, const arch::Technology& tech, bool maestro_compat);

}  // namespace mosaic::cost

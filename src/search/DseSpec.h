// Hardware design-space exploration (MAESTRO paper, section 5.2): what is swept, under which
// budgets, and what one design point and its figures are.
//
// The design space is the product of the swept values, loops nested in this order (outermost
// first):
//   dataflow -> PEs -> vector width -> mapping sizes (in the order given) -> NoC bandwidth
//            -> L1 bytes per PE -> L2 bytes
// L1 and L2 are either swept (a design is valid when they hold what the mapping needs) or set to
// exactly what the mapping needs (the paper's choice: "the DSE tool places the exact amount of
// buffers MAESTRO reported"), in which case they add no loop.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "common/Objective.h"
#include "cost/SubAccelerator.h"
#include "dataflow/Dataflow.h"
#include "search/SweepBudget.h"

namespace mosaic::search {

// The values one parameter takes: ascending, unique, positive.
struct SweepRange {
  std::vector<std::int64_t> values;
  std::string text;  // as the user wrote it (for reports)

  std::int64_t count() const { return static_cast<std::int64_t>(values.size()); }
  std::int64_t front() const { return values.front(); }
  std::int64_t back() const { return values.back(); }
};

// Parses a sweep: comma-separated items, each one of
//   V          a single value
//   A:B        A, A+1, ..., B
//   A:B:S      A, A+S, ... up to B (linear)
//   A:B:xF     A, A*F, A*F^2, ... up to B (geometric; `*F` is accepted too)
// With `sizes`, values take the one size syntax (parse_bytes: 16K = 16KiB = 16384, 2MB). Values
// must be positive; at most 10 million values. Throws UserError naming `flag`.
SweepRange parse_sweep(std::string_view text, std::string_view flag, bool sizes = false);
SweepRange single_value(std::int64_t v);

// A mapping size swept as a hardware co-parameter (MAESTRO Table 2: "some parameters ... are
// co-optimized with hardware design parameters"): every map over `dim` at cluster level `level`
// (0 = the top level) whose size equals its offset gets size = offset = the swept value
// (clamped to the layer's dimension).
struct MapSizeSweep {
  dataflow::Dim dim = dataflow::Dim::C;
  int level = 0;
  SweepRange values;
  std::string label() const;  // "C" or "C@1"
};
inline constexpr int kMaxMapSweeps = 4;

// Parses "C=1:64:1" or "K@1=8,16,32".
MapSizeSweep parse_map_size_sweep(std::string_view text);

using Objective =
    mosaic::Objective;  // common/Objective.h: Throughput, Energy, ThroughputPerWatt, Edp
inline constexpr std::array<Objective, 4> kAllObjectives = {
    Objective::Throughput, Objective::Energy, Objective::ThroughputPerWatt, Objective::Edp};
std::string_view objective_name(Objective o);  // "throughput", "energy", "perf_per_watt", "edp"
// Accepts the names above and "runtime", "latency", "throughput_per_watt", "perf/watt".
Objective parse_objective(std::string_view text);

struct DseSpec {
  // Dataflow names (library names, aliases or .m paths). Empty: each layer's own Dataflow block
  // of the mapping file.
  std::vector<std::string> dataflows;
  SweepRange pes;
  SweepRange vector_width = single_value(1);
  std::vector<MapSizeSweep> map_sizes;  // at most kMaxMapSweeps
  SweepRange noc_bw;                    // elements per cycle
  std::optional<SweepRange> l1_bytes;   // per PE; nullopt = exactly what the mapping needs
  std::optional<SweepRange> l2_bytes;   // nullopt = exactly what the mapping needs
  // A Cluster larger than the PE count shrinks to it (the cluster size follows the hardware,
  // MAESTRO Table 2's P_cluster_size) instead of making the design illegal. Only for dataflows
  // with one Cluster directive.
  bool fit_clusters = false;
  std::int64_t noc_latency = 1;     // cycles per NoC transfer
  std::int64_t offchip_bw = 70000;  // elements per cycle (MAESTRO's default: unconstrained)
  int precision_bits = 8;           // bytes = ceil(elements x bits / 8)
  double area_budget_um2 = std::numeric_limits<double>::infinity();
  double power_budget_mw = std::numeric_limits<double>::infinity();
  bool maestro_compat = false;
  arch::Technology technology = arch::default_technology();
  // Per-layer tile search (the directive mapper, mapper/DirectiveMapper.h; `--search-tiles`):
  // every layer of a design point runs the best tile sizes and array shape of its dataflow style
  // for the point's PEs, lanes and NoC bandwidth, by this objective, under the point's L1 (per
  // PE) and L2 sizes when they are swept (with `exact` buffers: no budget, the buffer is what
  // the chosen mapping needs). nullopt: the dataflow's sizes as written. Not with swept mapping
  // sizes (the search chooses them) nor the MAESTRO-compat mode (which evaluates the mapping
  // as written, as `mosaic eval` does).
  std::optional<cost::CoreObjective> search_tiles;
};

// "edp", "latency" or "energy" (the objective of a per-layer tile search). Throws UserError
// naming `field`.
cost::CoreObjective parse_tile_objective(std::string_view text, std::string_view field);
std::string_view tile_objective_name(cost::CoreObjective o);

// Checks the ranges (non-empty, positive), budgets (positive), at most kMaxMapSweeps mapping
// sweeps on distinct (dim, level). Throws UserError naming the flag.
void validate(const DseSpec& spec);

// The number of design points of the space (the product of every loop's count).
std::int64_t space_size(const DseSpec& spec);

// The core of a design point as the directive analysis sees it: its PEs, MAC lanes and NoC
// bandwidth, the spec's NoC latency (one hop), off-chip bandwidth and precision.
arch::Core design_core(const DseSpec& spec, std::int64_t pes, std::int64_t vector_width,
                       std::int64_t noc_bw);

// The sweep's design points and a lower bound on its time (search/SweepBudget.h): 20 M designs
// per layer per second per thread, above the fastest rate bench_dse measured (11.5 M explored
// designs per second, Table 3 NVDLA). The designs are streamed (designs.csv), so the memory is
// one wave of chunk results. `threads` 0: every hardware thread.
SweepEstimate dse_estimate(const DseSpec& spec, std::size_t layers, int threads);

// One design point.
struct DseDesignPoint {
  std::int32_t dataflow = 0;  // index into DseSpec::dataflows (0 for the mapping's own)
  std::int64_t pes = 0;
  std::int64_t vector_width = 1;
  std::array<std::int64_t, kMaxMapSweeps> map_sizes{};  // in DseSpec::map_sizes order
  std::int64_t noc_bw = 0;
  std::int64_t l1_bytes = 0;  // per PE
  std::int64_t l2_bytes = 0;

  friend bool operator==(const DseDesignPoint&, const DseDesignPoint&) = default;
};

// Every figure of one evaluated design (the whole workload on that hardware).
struct DesignMetrics {
  double latency_cycles = 0;
  double energy_pj = 0;
  // MAC, L1, L2, DRAM, NoC
  std::array<double, 5> energy_breakdown_pj{};
  double area_um2 = 0;
  double power_mw = 0;
  std::int64_t macs = 0;
  std::int64_t l1_required_bytes = 0;  // per PE, the largest over the layers
  std::int64_t l2_required_bytes = 0;
};

struct DesignRecord {
  DseDesignPoint point;
  DesignMetrics metrics;
  bool valid = false;  // within both budgets (buffers always hold the requirement)
};

// Derived figures.
double throughput_macs_per_cycle(const DesignMetrics& m);
// Throughput per watt of the design's power: GMAC/s per W (= MACs per nJ of modelled power).
double throughput_per_watt(const DesignMetrics& m, double clock_ghz);
double edp_pj_cycles(const DesignMetrics& m);
// Total on-chip buffer: PEs x L1 + L2, bytes.
std::int64_t buffer_bytes(const DseDesignPoint& p);

}  // namespace mosaic::search

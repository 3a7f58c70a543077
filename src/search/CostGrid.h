// Costs one layer and dataflow (MAESTRO's directive analysis, as mosaic eval) on many hardware
// points in one call, in parallel (oneTBB): the engine of the Python module's mosaic.cost_grid.
// Two sharings of the hardware DSE make it fast, both exact: the points whose PE counts use the
// same PEs (the DSE's run_leader) and that share vector width, NoC latency and off-chip bandwidth
// share one analysis class; in each class the directive analysis runs at a few NoC bandwidths and
// the others are re-timed from its top-level cases (the DSE's plateau reuse, BandwidthRetime.h).
// Area, power and utilisation follow per point from the PE count and the runtime
// (cost::runtime_figures, arch::area_power). Every figure equals cost::to_layer_cost's at the
// same point (tested against mosaic.cost in tests/python).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "cost/MaestroNetwork.h"

namespace mosaic::search {

// The hardware points: n values of each parameter (elements/cycle, bytes, cycles).
struct CostGridPoints {
  std::size_t n = 0;
  const std::int64_t *pes = nullptr, *noc_bw = nullptr, *l1_bytes = nullptr, *l2_bytes = nullptr,
                     *offchip_bw = nullptr, *vector_width = nullptr, *noc_latency = nullptr;
};

// The figures, in this order, NaN where the dataflow cannot run on the point's PEs.
inline constexpr std::array<const char*, 9> kCostGridFigures = {"latency_cycles",
                                                                "energy_pj",
                                                                "edp",
                                                                "area_um2",
                                                                "power_mw",
                                                                "utilization",
                                                                "throughput_macs_per_cycle",
                                                                "l1_required_elements",
                                                                "l2_required_elements"};

// n values each: figures[f][i] for point i; feasible: the dataflow runs; fits: feasible and the
// L1/L2 requirements within l1_bytes/l2_bytes (which, as in MAESTRO, never change the runtime).
struct CostGridOutput {
  std::array<double*, kCostGridFigures.size()> figures{};
  bool* feasible = nullptr;
  bool* fits = nullptr;
};

// Throws UserError (field "cost_grid pes", ...) for a parameter out of range; threads 0 = all.
// The results do not depend on `threads`.
void cost_grid(const cost::PreparedLayer& layer, const cost::MaestroEvalOptions& options,
               const CostGridPoints& points, const CostGridOutput& out, int threads);

}  // namespace mosaic::search

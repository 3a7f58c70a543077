// The directive mapper: per-layer tile sizes within a dataflow style (Herald defines a mapping
// as a dataflow plus tile sizes, HPCA 2021 section II-B). The style's loop order and parallel
// dimensions are fixed; its free sizes are searched for the layer on a core of a given PE count
// under a per-PE L1 budget, for latency, energy or EDP.
//
// Which sizes are free (the convention of the library's .m files):
//   * a Cluster whose size is a number (not Sz(...)): the array shape. Candidates: the powers of
//     two up to the PE count and the extent of the dimension the cluster parallelises, and that
//     extent itself; the clusters then fill the core (fit to any PE count).
//   * a top-level TemporalMap(t,t) over the dimension the cluster parallelises (kcp_ws's C,
//     shi_os's X'): tied to the cluster, t = cluster size x the inner offset.
//   * any other top-level TemporalMap(t,t) with t > 1 over K, C, N, Y' or X': a tile. Candidates:
//     the divisors of the dimension (every tile the same). TemporalMap(1,1) is a unit step of
//     the style (e.g. Fig. 4(b)'s k loop) and stays.
// The search is exhaustive over these candidates with a branch-and-bound: candidates are visited
// in the order of a lower bound (latency >= MACs / (PEs the spatial maps can use x vector
// width); energy >= MAC energy) and skipped when the bound cannot beat the incumbent; a larger
// tile of the same array is skipped once a smaller one exceeds the L1 budget (the requirement
// grows with the tile). An L2 budget (the top level's tile) is checked per candidate, with no
// shortcut. brute_force_directives evaluates every candidate; tests check both agree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "cost/DirectiveAnalysis.h"
#include "cost/SubAccelerator.h"
#include "dataflow/Dataflow.h"

namespace mosaic::mapper {

struct DirectiveMapperOptions {
  std::int64_t num_pes = 256;
  std::int64_t vector_width = 1;
  std::int64_t noc_bw = 1000;         // top-level NoC, elements per cycle
  std::int64_t noc_bw_inner = 0;      // below the top level (0 = noc_bw)
  std::int64_t noc_latency = 1;       // cycles per transfer
  std::int64_t offchip_bw = 1 << 30;  // elements per cycle
  std::int64_t l1_elements = 0;       // per-PE budget (double-buffered requirement); 0 = none
  std::int64_t l2_elements = 0;       // the top level's budget (double-buffered); 0 = none
  // Analyse every candidate as the MAESTRO tool does (`--compat maestro`: the NoC bandwidth at
  // every cluster level, MAESTRO's accounting); default: mosaic's corrected analysis.
  bool maestro_compat = false;
  int precision_bits = 8;
  cost::CoreObjective objective = cost::CoreObjective::EDP;
};

// The options' hardware from a core's directive view (PEs, lanes, NoC bandwidth and latency,
// off-chip bandwidth, precision); budgets, compat and objective at their defaults.
DirectiveMapperOptions mapper_options(const arch::Core& core);
// The directive analysis' hardware of the options (what every candidate is analysed on).
cost::DirectiveHardware directive_hardware(const DirectiveMapperOptions& options);

struct DirectiveMapping {
  std::vector<dataflow::BoundDirective> directives;
  double cycles = 0;       // the directive analysis' runtime
  double energy_pj = 0;    // MAC + L1 + L2 + NoC (no DRAM)
  double l1_elements = 0;  // per PE, double-buffered
  double l2_elements = 0;  // the top level's double-buffered tile
  double utilization = 0;  // MACs / (cycles x PEs x vector width)
  double lower_bound = 0;  // of the objective (the bound used for pruning)
};

struct DirectiveMapperResult {
  bool feasible = false;  // some candidate is legal and within the L1 and L2 budgets
  std::string why;        // when not
  DirectiveMapping best;  // by the objective; ties: the first candidate in generation order
  std::vector<DirectiveMapping> pareto;  // over (cycles, energy); with keep_pareto
  std::int64_t candidates = 0, evaluated = 0, pruned = 0, over_budget = 0;
};

// The candidate mappings of `style` (already adapted to the problem) on `num_pes` PEs, in
// generation order, bound, clamped to the problem and fitted to the PEs. Illegal candidates
// are left out.
std::vector<std::vector<dataflow::BoundDirective>> directive_candidates(
    const dataflow::Dataflow& style, const dataflow::Problem& problem, std::int64_t num_pes);

// The best mapping (and, with keep_pareto, the latency-energy Pareto set of the evaluated
// candidates; pruning then only drops candidates whose bounds are dominated).
DirectiveMapperResult map_directives(const dataflow::Problem& problem,
                                     const dataflow::Dataflow& style,
                                     const DirectiveMapperOptions& options,
                                     const arch::Technology& tech, bool keep_pareto = false);

// Every candidate evaluated (no bound, no L1 shortcut): the reference for tests.
DirectiveMapperResult brute_force_directives(const dataflow::Problem& problem,
                                             const dataflow::Dataflow& style,
                                             const DirectiveMapperOptions& options,
                                             const arch::Technology& tech);

}  // namespace mosaic::mapper

// Interstellar's resource-allocation studies and memory-hierarchy auto-optimizer (section VI):
// whole networks mapped with one dataflow (C|K by default) on generated hierarchies whose access
// energies come from a technology table; the energy objective; per-level energy shares.
//
// The optimizer follows the paper's procedure: (1) search register-file x global-buffer sizes of a
// three-level hierarchy, (2) keep the best buffer and search the sizes of two register-file levels,
// exploring only configurations allowed by
//   Observation 3: adjacent on-chip levels differ by a factor of 8 or more (per instance);
//   Observation 2: no level should dominate the energy, so once a level takes more than half of
//                  the energy, its larger sizes (each access costs more) are not explored.
// and reports the gain over a baseline (Eyeriss-like: 512 B RF, 128 KB buffer, 16x16 PEs).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "arch/EnergyTable.h"
#include "arch/HierarchyBuilder.h"
#include "mapper/SpatialSearch.h"

namespace mosaic::mapper {

struct SizingOptions {
  std::vector<std::vector<std::string>> dataflow = {{"C"}, {"K", "G"}};  // C|K (G for depthwise)
  int lpf_limit = 6;
  const arch::EnergyTable* table = nullptr;  // default: interstellar_28nm()
  int threads = 1;  // layers mapped at once (0: all); the results do not depend on it
  // Polled inside each layer's search (LomaOptions::stop_requested): true ends the work with
  // the points finished (rf_gb_sweep returns them; optimize_memory sets `interrupted`).
  std::function<bool()> stop_requested;
};

struct NetworkEnergy {
  double energy_pj = 0;
  double mac_pj = 0;
  double noc_pj = 0;
  std::map<std::string, double> level_pj;  // by memory name ("rf1_64B", "gb1_128KB", "dram")
  std::int64_t macs = 0;
  double dominant_share = 0;
  std::string dominant_level;
  // Share of each generated level by role: "rf1", "rf2", "gb1", "dram".
  std::map<std::string, double> role_share;
};

// Maps every layer with the options' dataflow (energy objective) and sums energies.
NetworkEnergy network_energy(const std::vector<workload::EinsumLayer>& layers,
                             const arch::HierarchySpec& spec, const SizingOptions& options);

struct SweepPoint {
  arch::HierarchySpec spec;
  NetworkEnergy energy;
};

// Every (register file, buffer) pair: Interstellar Fig. 11. `progress` (optional) is called with
// the number of points done after each.
std::vector<SweepPoint> rf_gb_sweep(const std::vector<workload::EinsumLayer>& layers,
                                    const std::vector<std::int64_t>& rf_bytes,
                                    const std::vector<std::int64_t>& gb_bytes,
                                    const arch::HierarchySpec& base, const SizingOptions& options,
                                    const std::function<void(std::size_t)>& progress = {});

struct MemsizeOptions {
  std::vector<std::int64_t> rf_bytes = {8, 16, 32, 64, 128, 256, 512};
  std::vector<std::int64_t> rf2_bytes = {32, 64, 128, 256, 512, 1024};
  std::vector<std::int64_t> gb_bytes = {32768, 65536, 131072, 262144, 524288, 1048576};
  double dominance = 0.5;  // Observation 2 threshold
  double min_ratio = 8;    // Observation 3
  bool two_level_rf = true;
};

struct MemsizeResult {
  SweepPoint baseline;
  SweepPoint best;
  double gain = 0;  // baseline energy / best energy
  std::vector<SweepPoint> evaluated;
  std::int64_t pruned_obs2 = 0;
  std::int64_t pruned_obs3 = 0;
  bool interrupted = false;  // stopped: `evaluated` and `best` cover the points finished
};

// The loop orders network_energy's searches visit on one hierarchy (SpatialSearch.h
// dataflow_loop_orders summed over the layers; the same on every hierarchy of one array).
double network_loop_orders(const std::vector<workload::EinsumLayer>& layers,
                           const arch::HierarchySpec& spec, const SizingOptions& options);

// The fewest and the most hierarchies optimize_memory evaluates (the baseline included):
// Observation 3 is known in advance, Observation 2 prunes by the energies found, and phase 2's
// buffer is phase 1's best. Fewest: the baseline, one phase-1 point and, per first-level size,
// the first second-level size allowed; most: every pair Observation 3 allows.
std::pair<int, int> optimize_memory_hierarchies(const MemsizeOptions& mopts);

MemsizeResult optimize_memory(const std::vector<workload::EinsumLayer>& layers,
                              const arch::HierarchySpec& baseline, const MemsizeOptions& mopts,
                              const SizingOptions& options,
                              const std::function<void(const SweepPoint&)>& progress = {});

}  // namespace mosaic::mapper

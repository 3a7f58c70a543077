// The result of costing one layer (or one layer tile) on one core with one mapping. Both cost
// analyses fill it: the directive analysis (MAESTRO semantics: L1 per PE, shared L2, NoC, DRAM)
// and the loop-nest analysis (ZigZag / Interstellar semantics: an N-level hierarchy per operand).
// Callers above the cost stage do not care which analysis produced it.
//
// It is a plain value with no heap storage, so the hot paths (cost tables, sweeps) can copy it
// freely.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/Error.h"

namespace mosaic::cost {

// The three operands of a layer.
enum class Operand : int { Input = 0, Weight = 1, Output = 2 };
inline constexpr int kNumOperands = 3;
inline constexpr int idx(Operand o) {
  return static_cast<int>(o);
}
std::string_view operand_name(Operand o);  // "input", "weight", "output"

// Accesses to one memory level (or the DRAM, or the NoC) by each operand, in elements, and the
// energy they cost. Counts are doubles: the loop-nest analysis produces fractional averages.
struct LevelCost {
  std::array<char, 24> name{};  // e.g. "L1", "L2", "DRAM", "rf_128B"
  std::array<double, kNumOperands> reads{};
  std::array<double, kNumOperands> writes{};
  double energy_pj = 0;

  void set_name(std::string_view n) {
    name.fill('\0');
    std::memcpy(name.data(), n.data(), n.size() < name.size() - 1 ? n.size() : name.size() - 1);
  }
  std::string_view get_name() const { return std::string_view(name.data()); }
};

inline constexpr int kMaxLevels = 10;

struct LayerCost {
  // ---- time
  double latency_cycles = 0;  // end-to-end latency of the layer on the core
  double ideal_cycles = 0;    // MACs / (active PEs x vector width): no stalls, full reuse
  double stall_cycles = 0;    // bandwidth stalls (loop-nest analysis)
  double onload_cycles = 0;   // filling the hierarchy before compute starts
  double offload_cycles = 0;  // draining outputs after compute ends
  // ---- work
  std::int64_t macs = 0;                 // multiply-accumulates computed
  double utilization = 0;                // useful MACs / (latency x PEs x vector width), 0..1
  double avg_active_pes = 0;             // average number of PEs (units) active per step
  double throughput_macs_per_cycle = 0;  // macs / latency
  double roofline_macs_per_cycle = 0;    // compute-bound throughput of this mapping
  // ---- energy (pJ)
  double energy_pj = 0;  // total = mac + sum(levels) + noc
  double mac_energy_pj = 0;
  double noc_energy_pj = 0;
  // ---- memory hierarchy, innermost level first; the last one is the outermost (DRAM or L2).
  std::array<LevelCost, kMaxLevels> levels{};
  int num_levels = 0;
  // ---- requirements of the mapping (elements, as MAESTRO reports them)
  double l1_required_elements = 0;  // per PE, double-buffered
  double l2_required_elements = 0;  // shared buffer, double-buffered
  double noc_bw_required = 0;       // peak elements per cycle between L2 and PEs
  double noc_bw_avg = 0;            // average elements per cycle
  double offchip_bw_required = 0;   // elements per cycle from DRAM
  // ---- hardware cost of the design point that produced this (0 when not modelled)
  double area_um2 = 0;
  double power_mw = 0;

  // Appends a level (at most kMaxLevels: more is a bug of the analysis that adds them).
  LevelCost& add_level(std::string_view name) {
    MOSAIC_CHECK(num_levels >= 0 && num_levels < kMaxLevels, "LayerCost: too many memory levels");
    LevelCost& l = levels[static_cast<std::size_t>(num_levels++)];
    l.set_name(name);
    return l;
  }
  // The level of that name, or nullptr. Callers look levels up by name ("L1", "L2", "DRAM"):
  // their positions depend on the analysis.
  const LevelCost* find_level(std::string_view name) const {
    for (int i = 0; i < num_levels; ++i)
      if (levels[static_cast<std::size_t>(i)].get_name() == name)
        return &levels[static_cast<std::size_t>(i)];
    return nullptr;
  }
  // The energy of the named level; 0 when the analysis has no such level.
  double level_energy_pj(std::string_view name) const {
    const LevelCost* l = find_level(name);
    return l ? l->energy_pj : 0;
  }
  double edp() const { return energy_pj * latency_cycles; }
};

}  // namespace mosaic::cost

// The loop-nest cost model (ZigZag 3.8.2 semantics, exact): given a compiled problem (layer,
// hardware, spatial mapping) and a temporal mapping (one loop order, cut per operand into memory
// levels), computes per operand and memory level the data movements in four directions, the
// memory word accesses and their energy, the MAC energy, and the latency = ideal temporal cycles
// + bandwidth stalls (per physical port, with memory-updating-window overlap) + on-loading +
// off-loading.
//
// evaluate() does not allocate; it is the inner loop of the mapping search.
#pragma once

#include <array>
#include <string>

#include "cost/LayerCost.h"
#include "cost/LoopNestProblem.h"

namespace mosaic::cost {

inline constexpr int kLnMaxOrder = kLnMaxLoopsPerLevel;

// A temporal mapping: the temporal loops innermost first, and per operand the end (exclusive
// index into `order`) of each memory level. Level l of operand o holds loops
// [end[o][l-1], end[o][l]) (end[o][-1] = 0); the top level ends at n.
struct LnTemporalMapping {
  std::array<LnLoop, kLnMaxOrder> order{};
  int n = 0;
  std::array<std::array<int, kLnMaxMemLevels>, kLnMaxOperands> end{};
};

struct LnLevelResult {
  std::array<double, 4> word_access{};  // per arch::DataDir: memory word accesses
  std::array<double, 4> elem_moves{};   // per arch::DataDir: element movements (ZigZag counts)
  double energy_pj = 0;
};

struct LoopNestResult {
  double energy_pj = 0;
  double mac_energy_pj = 0;
  double mem_energy_pj = 0;
  double noc_energy_pj = 0;          // array hops (0 unless the hardware sets hop_energy)
  double latency_cycles = 0;         // ZigZag latency_total2
  double ideal_cycles = 0;           // MACs / array units, rounded up
  double ideal_temporal_cycles = 0;  // product of temporal loops
  double stall_cycles = 0;           // stall_slack_comb
  double onload_cycles = 0;
  double offload_cycles = 0;
  std::array<std::array<LnLevelResult, kLnMaxMemLevels>, kLnMaxOperands> levels{};
  std::array<int, kLnMaxOperands> num_levels{};
  // Per operand, its top memory level's instantaneous bandwidth during computation (bits/cycle,
  // integer mapping) per direction, and the bandwidth its on-loading borrows from the
  // computation phase: the parts of ZigZag's CostModelEvaluation.get_inst_bandwidth (Stream).
  std::array<std::array<double, 4>, kLnMaxOperands> top_inst_bw_bits{};
  std::array<double, kLnMaxOperands> top_loading_bw_bits{};
  double spatial_utilization() const {
    return ideal_temporal_cycles > 0 ? ideal_cycles / ideal_temporal_cycles : 0;
  }
  double utilization() const { return latency_cycles > 0 ? ideal_cycles / latency_cycles : 0; }
};

// Evaluates one temporal mapping. Throws UserError when a data movement needs a port the
// hardware does not allocate.
LoopNestResult evaluate(const LoopNestProblem& p, const LnTemporalMapping& tm);

// Bounded evaluation for branch-and-bound searches: with kind Latency, Energy or Edp and the
// incumbent's latency and energy, returns false as soon as a lower bound on the candidate
// (ideal cycles + stalls; partial energy sums; their product) shows that it cannot be better
// under the objective's tie-break (latency, then energy; energy, then latency; EDP). Returns true
// with the full result otherwise. Never prunes a candidate that would be better or tie.
struct LnBound {
  enum Kind { None, Latency, Energy, Edp } kind = None;
  double latency = 0;
  double energy = 0;
};
bool evaluate_bounded(const LoopNestProblem& p, const LnTemporalMapping& tm, const LnBound& bound,
                      LoopNestResult& out);

// A canonical form of a temporal mapping for the cost model. Two mappings with equal keys have
// identical costs: per operand and memory level after the stationarity merge, the multiset of
// loops, the products of the top relevant and irrelevant runs, and the MAC-level stationary
// factor are all the model reads from the loop order (partially relevant factors enter only
// through products that are rounded to integers).
void canonical_key(const LoopNestProblem& p, const LnTemporalMapping& tm,
                   std::vector<std::int64_t>& key);

// Converts a result into the shared LayerCost (levels: one per physical memory, innermost first;
// reads/writes are memory word accesses).
LayerCost to_layer_cost(const LoopNestProblem& p, const LoopNestResult& r);

// Conversions between the compact mapping and the dataflow module's per-operand view.
dataflow::TemporalMapping to_dataflow(const LoopNestProblem& p, const LnTemporalMapping& tm);
std::vector<dataflow::TemporalLoop> loop_order(const LoopNestProblem& p,
                                               const LnTemporalMapping& tm);
// Names of the memories of each operand, innermost first (for render_loop_nest).
std::vector<std::vector<std::string>> level_names(const LoopNestProblem& p);

}  // namespace mosaic::cost

// The cost of one layer on one core (sub-accelerator) with the core's dataflow style, as the
// multi-core schedulers need it: cycles, on-chip energy, the global-buffer space its tiles need.
// The layer's mapping is the style's library dataflow adapted to the layer (clamped to its
// dimensions) and to the core (clusters shrunk to its PE count): the minimum-tile mappings of
// Herald's evaluation. The core's offchip_bw is its share of the DRAM bandwidth. Results are
// memoized in a thread-safe cache shared across design points.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "cost/DirectiveAnalysis.h"
#include "cost/LayerCost.h"
#include "cost/SubAccelerator.h"
#include "workload/Layer.h"

namespace mosaic::cost {

// The cost of a layer (or a tile of one) on a core, as a multi-core scheduler needs it; either
// analysis produces it (core_layer_cost).
struct CoreLayerCost {
  bool feasible = false;        // false: the dataflow cannot run this layer (see `why`)
  double cycles = 0;            // latency on the core: the directive analysis (no per-step
                                // off-chip term), at least the time to stream the layer's
                                // weights from DRAM at the core's share (double-buffered)
  double dram_cycles = 0;       // that weight streaming time
  double onchip_energy_pj = 0;  // MAC + L1 + L2 + NoC (DRAM traffic is the scheduler's)
  double l2_bytes = 0;          // global-buffer space of its double-buffered tiles
  std::int64_t macs = 0;
  double utilization = 0;
  double local_cycles = 0;     // sub-accelerator model: the PEs and the local network
  double global_cycles = 0;    // sub-accelerator model: its tiles over the global NoC share
  double global_elements = 0;  // sub-accelerator model: elements over the global NoC
  std::string why;             // for infeasible entries
};

// The CoreLayerCost of a layer costed by either analysis: a directive LayerCost (to_layer_cost in
// MaestroNetwork.h) or a loop-nest one (to_layer_cost in LoopNestModel.h). Cycles are its
// latency; the on-chip energy is everything but the outermost level (DRAM: its traffic is the
// scheduler's); l2_bytes is the shared-buffer requirement at the core's precision.
CoreLayerCost core_layer_cost(const LayerCost& cost, const arch::Core& core);

// The bandwidth-independent part of a layer's cost on a core of `num_pes` PEs: everything but
// the cycles, plus the top level's cases from which the cycles at any global NoC bandwidth
// follow (cost_at). The partition search analyses each (layer, dataflow, PEs) once this way.
struct CoreCostCurve {
  CoreLayerCost base;  // cycles unset (set, with no cases: a fixed cost, returned as is)
  std::vector<TopCase> cases;
  double weight_bytes = 0;
  // The sub-accelerator model (SubAccelerator.h; filled by mapper::subaccel_curve): the
  // latency-energy Pareto set of the layer's mappings on the PEs and local network, and the
  // global-NoC traffic of its sub-accelerator-level tiles. cost_at then takes, per NoC share,
  // the mapping best by the objective.
  struct LocalMapping {
    double cycles = 0;
    double energy_pj = 0;
  };
  bool subaccel = false;
  std::vector<LocalMapping> mappings;
  double global_elements = 0;
  double global_energy_pj = 0;
};
CoreCostCurve cost_curve_on_core(const workload::Layer& layer, const std::string& dataflow,
                                 std::int64_t num_pes, std::int64_t vector_width,
                                 std::int64_t noc_latency, int precision_bits,
                                 const arch::Technology& tech);
// The cost at the core's NoC bandwidth and DRAM share.
CoreLayerCost cost_at(const CoreCostCurve& curve, const arch::Core& core,
                      CoreObjective objective = CoreObjective::EDP);

// Costs `layer` on `core` (its num_pes, vector_width, noc_bw, noc latency, offchip_bw) with the
// named dataflow. Never throws for a layer the dataflow cannot map: returns feasible = false.
CoreLayerCost cost_on_core(const workload::Layer& layer, const std::string& dataflow,
                           const arch::Core& core, const arch::Technology& tech);

// The one cost cache of the directive analysis: a memo of the bandwidth-independent curves
// (cost_curve_on_core), keyed by the layer's shape (workload::shape_key), the dataflow and the
// core's PEs, vector width, NoC latency and precision. A cost at a core's NoC bandwidth and DRAM
// share is re-timed from its curve (cost_at: a few operations), so every bandwidth partition of a
// search shares one analysis per (shape, dataflow, PEs). Thread-safe; the technology is fixed per
// cache. Herald's sweep, its experiments and the schedulers' problem builder all go through it.
class CostCache {
 public:
  // A model other than cost_curve_on_core (mapper::subaccel_curve, the MAESTRO-compat cost):
  // computes a layer's curve on a core; `bandwidth_keyed` when the curve depends on the core's
  // NoC and DRAM shares too (then memoised per share).
  struct Model {
    std::function<CoreCostCurve(const workload::Layer&, const std::string&, const arch::Core&,
                                const arch::Technology&)>
        curve;
    bool bandwidth_keyed = false;
    CoreObjective objective = CoreObjective::EDP;
  };
  explicit CostCache(arch::Technology tech = arch::default_technology()) : tech_(std::move(tech)) {}
  CostCache(arch::Technology tech, Model model)
      : tech_(std::move(tech)), model_(std::move(model)) {}
  bool has_model() const { return static_cast<bool>(model_.curve); }
  // The curve of the model (or cost_curve_on_core) for a whole core.
  const CoreCostCurve& curve(const workload::Layer& layer, const std::string& dataflow,
                             const arch::Core& core);
  // cost_on_core(layer, dataflow, core, technology()), through the memo.
  CoreLayerCost get(const workload::Layer& layer, const std::string& dataflow,
                    const arch::Core& core);
  // The memoised curve (a reference that stays valid as long as the cache).
  const CoreCostCurve& curve(const workload::Layer& layer, const std::string& dataflow,
                             std::int64_t num_pes, std::int64_t vector_width,
                             std::int64_t noc_latency, int precision_bits);
  std::size_t size() const;  // curves held
  std::int64_t hits() const { return hits_.load(); }
  std::int64_t misses() const { return misses_.load(); }
  const arch::Technology& technology() const { return tech_; }

 private:
  arch::Technology tech_;
  Model model_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, CoreCostCurve> map_;
  std::atomic<std::int64_t> hits_{0}, misses_{0};
};

}  // namespace mosaic::cost

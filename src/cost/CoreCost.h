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

// The bandwidth-independent part of a layer's cost on a core of `num_pes` PEs: everything but
// the cycles, plus the top level's cases from which the cycles at any global NoC bandwidth
// follow (cost_at). The partition search analyses each (layer, dataflow, PEs) once this way.
struct CoreCostCurve {
  CoreLayerCost base;  // cycles unset
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
// The cost at the core's NoC bandwidth and DRAM share (the objective picks among a
// sub-accelerator curve's mappings).
CoreLayerCost cost_at(const CoreCostCurve& curve, const arch::Core& core,
                      CoreObjective objective = CoreObjective::EDP);

// Costs `layer` on `core` (its num_pes, vector_width, noc_bw, noc latency, offchip_bw) with the
// named dataflow. Never throws for a layer the dataflow cannot map: returns feasible = false.
CoreLayerCost cost_on_core(const workload::Layer& layer, const std::string& dataflow,
                           const arch::Core& core, const arch::Technology& tech);

// A memo of cost_on_core keyed by everything that affects it (layer shape, dataflow, core
// parameters). Thread-safe; the technology is fixed per cache.
class CostCache {
 public:
  using Evaluator = std::function<CoreLayerCost(const workload::Layer&, const std::string&,
                                                const arch::Core&, const arch::Technology&)>;
  // `evaluator` (default cost_on_core) computes a missing entry.
  explicit CostCache(arch::Technology tech = arch::default_technology(),
                     Evaluator evaluator = nullptr)
      : tech_(std::move(tech)), evaluator_(std::move(evaluator)) {}
  CoreLayerCost get(const workload::Layer& layer, const std::string& dataflow,
                    const arch::Core& core);
  std::size_t size() const;
  std::int64_t hits() const { return hits_.load(); }
  std::int64_t misses() const { return misses_.load(); }
  const arch::Technology& technology() const { return tech_; }

 private:
  arch::Technology tech_;
  Evaluator evaluator_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, CoreLayerCost> map_;
  std::atomic<std::int64_t> hits_{0}, misses_{0};
};

}  // namespace mosaic::cost

// The cost of one layer on one core (sub-accelerator) with the core's dataflow style, as the
// multi-core schedulers need it: cycles, on-chip energy, the global-buffer space its tiles need.
// The layer's mapping is the style's library dataflow adapted to the layer (clamped to its
// dimensions) and to the core (clusters shrunk to its PE count): the minimum-tile mappings of
// Herald's evaluation. Results are memoized in a thread-safe cache shared across design points.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "cost/LayerCost.h"
#include "workload/Layer.h"

namespace mosaic::cost {

struct CoreLayerCost {
  bool feasible = false;        // false: the dataflow cannot run this layer (see `why`)
  double cycles = 0;            // latency on the core (0 for operators without arithmetic)
  double onchip_energy_pj = 0;  // MAC + L1 + L2 + NoC (DRAM traffic is the scheduler's)
  double l2_bytes = 0;          // global-buffer space of its double-buffered tiles
  std::int64_t macs = 0;
  double utilization = 0;
  std::string why;              // for infeasible entries
};

// Costs `layer` on `core` (its num_pes, vector_width, noc_bw, noc latency, offchip_bw) with the
// named dataflow. Never throws for a layer the dataflow cannot map: returns feasible = false.
CoreLayerCost cost_on_core(const workload::Layer& layer, const std::string& dataflow,
                           const arch::Core& core, const arch::Technology& tech);

// A memo of cost_on_core keyed by everything that affects it (layer shape, dataflow, core
// parameters). Thread-safe; the technology is fixed per cache.
class CostCache {
 public:
  explicit CostCache(arch::Technology tech = arch::default_technology()) : tech_(std::move(tech)) {}
  CoreLayerCost get(const workload::Layer& layer, const std::string& dataflow, const arch::Core& core);
  std::size_t size() const;
  std::int64_t hits() const { return hits_.load(); }
  std::int64_t misses() const { return misses_.load(); }
  const arch::Technology& technology() const { return tech_; }

 private:
  arch::Technology tech_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, CoreLayerCost> map_;
  std::atomic<std::int64_t> hits_{0}, misses_{0};
};

}  // namespace mosaic::cost

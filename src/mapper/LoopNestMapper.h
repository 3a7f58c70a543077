// Mapping a whole workload onto a loop-nest accelerator, layer by layer, as ZigZag's
// get_hardware_performance_zigzag does (single layer at a time, every layer's operands start and
// end in the top memory), with a choice of temporal search engine.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "arch/Accelerator.h"
#include "arch/MemoryHierarchy.h"
#include "cost/CoreCost.h"
#include "cost/LayerCost.h"
#include "cost/LoopNestModel.h"
#include "dataflow/LoopNestMapping.h"
#include "mapper/Loma.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::mapper {

enum class TemporalEngine {
  Loma,  // ZigZag's LOMA, exact
  Fast,  // mosaic's pruned branch-and-bound over the same space (same or better optimum)
};
const char* engine_name(TemporalEngine e);

struct MapOptions {
  int lpf_limit = 6;
  Objective objective = Objective::Latency;
  TemporalEngine engine = TemporalEngine::Loma;
  // Spatial search instead of the mapping's spatial_mapping (see SpatialSearch.h).
  bool search_spatial = false;
  double utilization_threshold = 0.0;
  std::uint64_t seed = 1;
  // map_workload: layers mapped at once (0: the hardware's threads); the results and the order
  // of the progress calls do not depend on it.
  int threads = 1;
  // Polled between layers and inside each layer's search (LomaOptions::stop_requested): true
  // stops map_workload, which returns the layers it finished with `interrupted` set.
  std::function<bool()> stop_requested;
};

struct LayerMapResult {
  std::string layer_name;
  std::string op_type;
  std::string mapping_entry;  // which mapping entry was used
  cost::LoopNestProblem problem;
  cost::LnTemporalMapping temporal;
  cost::LoopNestResult cost;
  // The same cost as every scheduler takes it (the directive analysis produces the same type).
  cost::CoreLayerCost core_cost;
  LomaStats stats;
  double cpu_seconds = 0;
};

struct WorkloadMapResult {
  std::vector<LayerMapResult> layers;
  double energy_pj = 0;       // sum over layers (ZigZag SumStage order)
  double latency_cycles = 0;  // sum of per-layer latency_total2
  double mac_energy_pj = 0;
  bool interrupted = false;  // stopped by stop_requested: `layers` holds the finished ones only
};

// Maps one layer with the mapping entry selected by name / operator type / default, on a core
// with a loop-nest view (or on a bare hierarchy: arch::loop_nest_core).
LayerMapResult map_layer(const workload::EinsumLayer& layer, const arch::Core& core,
                         const dataflow::LoopNestMappingSet& mappings, const MapOptions& options);
LayerMapResult map_layer(const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
                         const dataflow::LoopNestMappingSet& mappings, const MapOptions& options);

// The loop orders map_layer's temporal search visits for `layer` (Loma.h loop_order_count): the
// mapping entry's, or with search_spatial the candidates' (SpatialSearch.h
// spatial_search_loop_orders). What `mosaic map`'s size estimate counts.
double layer_loop_orders(const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
                         const dataflow::LoopNestMappingSet& mappings, const MapOptions& options);

// Maps every layer on a one-core accelerator whose core has a loop-nest view (what
// arch::loop_nest_accelerator builds from a ZigZag file), or on a bare hierarchy, on
// options.threads threads. `progress` (optional) is called after each layer, in layer order.
WorkloadMapResult map_workload(
    const std::vector<workload::EinsumLayer>& layers, const arch::Accelerator& acc,
    const dataflow::LoopNestMappingSet& mappings, const MapOptions& options,
    const std::function<void(const LayerMapResult&, std::size_t, std::size_t)>& progress = {});
WorkloadMapResult map_workload(
    const std::vector<workload::EinsumLayer>& layers, const arch::LoopNestHardware& hw,
    const dataflow::LoopNestMappingSet& mappings, const MapOptions& options,
    const std::function<void(const LayerMapResult&, std::size_t, std::size_t)>& progress = {});

// The loop-nest analysis of one layer with a given temporal mapping, as a LayerCost (the entry
// point for a scheduler fed by the loop-nest analysis; no scheduler uses it yet: Herald's and the
// DSE take the directive analysis).
cost::LayerCost evaluate_layer(const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
                               const dataflow::LoopNestMappingEntry& mapping,
                               const cost::LnTemporalMapping& temporal);

}  // namespace mosaic::mapper

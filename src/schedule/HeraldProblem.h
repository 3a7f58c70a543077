// Herald's execution model (section IV-A): a multi-DNN workload graph and an accelerator become
// a schedule problem — the cost of every layer on every core (the core's dataflow style on its
// PEs and bandwidth share), DRAM traffic of weights and model inputs, the global-buffer
// capacity, and the rearrangement / reconfiguration penalties.
#pragma once

#include <functional>
#include <string>

#include "arch/Accelerator.h"
#include "cost/CoreCost.h"
#include "schedule/Schedule.h"
#include "workload/Workload.h"

namespace mosaic::schedule {

// The cost of graph node `node` on `core` with dataflow `dataflow`.
using CostLookup = std::function<cost::CoreLayerCost(std::size_t node, const arch::Core& core,
                                                     const std::string& dataflow)>;

// `metric` picks an RDA's dataflow per layer (the best of its set by that metric);
// `dram_pj_per_element` prices DRAM traffic.
Problem build_problem(const workload::WorkloadGraph& graph, const arch::Accelerator& acc,
                      const CostLookup& lookup, double dram_pj_per_element,
                      Metric metric = Metric::EDP);

// The same with precomputed tables: `tables[core][d]` holds, for the core's d-th dataflow (its
// own, or an RDA's d-th), the costs of the graph's distinct layer shapes; `shape_of[node]`
// indexes them. The fast path of the partition search.
Problem build_problem(
    const workload::WorkloadGraph& graph, const arch::Accelerator& acc,
    const std::vector<std::int32_t>& shape_of,
    const std::vector<std::vector<const std::vector<cost::CoreLayerCost>*>>& tables,
    double dram_pj_per_element, Metric metric = Metric::EDP);

// The same with costs from a memo (computed on demand).
Problem build_problem(const workload::WorkloadGraph& graph, const arch::Accelerator& acc,
                      cost::CostCache& cache, Metric metric = Metric::EDP);

}  // namespace mosaic::schedule

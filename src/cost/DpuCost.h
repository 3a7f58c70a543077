// The cost of one layer on a gang of m identical DPU-like cores (H3M, seed 002): the layer is
// split across the cores along P (batch x output rows), K (output channels; groups for grouped
// and depthwise layers) or C (input channels, the partial sums reduced over the interconnect),
// whichever gives the lowest energy-delay product of the layer ("choose per layer").
//
// Engine: the directive analysis (MAESTRO semantics, cost/CoreCost) with a library dataflow on a
// core of PP x ICP x OCP PEs. It gives the on-chip energy and the cycles the core's buffer-to-
// array bandwidth allows; the DPU's fixed array shape adds a lower bound on the cycles, the
// operation count with each of P, C and K rounded up to the array's PP, ICP and OCP (a layer of
// 3 input channels keeps 3 of ICP = 16 lanes busy). See docs/h3m.md for why this engine.
#pragma once

#include <cstdint>
#include <string>

#include "arch/Granularity.h"
#include "arch/Technology.h"
#include "cost/CoreCost.h"
#include "workload/Layer.h"

namespace mosaic::cost {

enum class SplitDim { None, P, K, C };
std::string_view split_name(SplitDim s);  // "-", "P", "K", "C"

struct DpuCostParams {
  double dram_elements_per_cycle = 64;  // the gang's share of DRAM bandwidth, per core
  double link_bytes_per_cycle = 64;     // per core, for the C-split partial-sum reduction
  std::int64_t noc_latency_cycles = 1;
};

struct GangLayerCost {
  CoreLayerCost cost;  // of the whole layer on the gang (energy of every core)
  SplitDim split = SplitDim::None;
  int cores_used = 1;
  double reduction_cycles = 0;
};

// The layer as one core of `m` sees it when split along `d` (ceil division); returns false when
// the layer cannot be split that way (then `out` is unchanged).
bool split_layer(const workload::Layer& layer, SplitDim d, int m, workload::Layer& out,
                 int& cores_used);

// The DPU array's cycle lower bound for a layer on one core.
double dpu_array_cycles(const workload::Layer& layer, const arch::DpuCore& core);

// The best split of `layer` on `m` cores of `core` running `dataflow`.
GangLayerCost gang_layer_cost(const workload::Layer& layer, const std::string& dataflow,
                              const arch::DpuCore& core, int m, const DpuCostParams& params,
                              const arch::Technology& tech);

}  // namespace mosaic::cost

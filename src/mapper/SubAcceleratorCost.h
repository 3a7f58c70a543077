// A layer's cost on a Herald sub-accelerator, in the two modes of `mosaic herald`:
//  - default: the sub-accelerator execution model (cost/SubAccelerator.h). The core's style is
//    mapped per layer by the directive mapper (tile sizes and array shape under the L1 budget)
//    with the local network (local_elements_per_pe_cycle x PEs) as the top-level NoC; the
//    global NoC share carries the sub-accelerator-level tiles of the best global tiling under
//    the core's buffer (buffer_bytes_per_pe x PEs).
//  - MAESTRO compat: the number the MAESTRO tool gives for the layer on a MAESTRO accelerator
//    with the core's PEs, its NoC share as the NoC bandwidth of every cluster level and its
//    DRAM share as the off-chip bandwidth, with the style's library mapping (clusters fitted to
//    the PEs): the setting the paper evaluated in (section IV-B, "we exploit the original
//    MAESTRO cost model").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "cost/CoreCost.h"
#include "cost/SubAccelerator.h"
#include "workload/Layer.h"

namespace mosaic::mapper {

struct SubAccelCurveOptions {
  std::int64_t num_pes = 256;
  std::int64_t vector_width = 1;
  std::int64_t noc_latency = 1;
  int precision_bits = 8;
  std::int64_t l1_bytes_per_pe = 512;
  cost::SubAccelParams sub;
};

// The bandwidth-independent cost of `layer` on a core of the style `dataflow` (cost_at then
// gives the cost at a NoC and DRAM share).
cost::CoreCostCurve subaccel_curve(const workload::Layer& layer, const std::string& dataflow,
                                   const SubAccelCurveOptions& options,
                                   const arch::Technology& tech);

// The default-mode cost on a whole core (its num_pes, noc_bw, offchip_bw, l1_bytes).
cost::CoreLayerCost subaccel_cost(const workload::Layer& layer, const std::string& dataflow,
                                  const arch::Core& core, const arch::Technology& tech,
                                  const cost::SubAccelParams& sub = {},
                                  cost::CoreObjective objective = cost::CoreObjective::EDP);

// Herald's per-core cost model for a CostCache: the sub-accelerator curve (default; the core's
// own buffer and local network when set, else `sub`), or the MAESTRO-compat cost as a fixed
// curve memoised per NoC and DRAM share (`maestro_compat`); with `compat_search_tiles` the
// compat cost uses the style's best tiles by the objective (see maestro_compat_cost).
cost::CostCache::Model herald_cost_model(bool maestro_compat,
                                         cost::CoreObjective objective = cost::CoreObjective::EDP,
                                         const cost::SubAccelParams& sub = {},
                                         bool compat_search_tiles = false);

// The MAESTRO-compat cost on a core: the style's library mapping (clusters fitted to the PEs), or
// with `search_tiles` the directive mapper's best tiles and array shape of the style by that
// objective, every candidate analysed as the MAESTRO tool does (NoC share at every cluster
// level), under the core's L1 (`herald --compat maestro --search-tiles`).
cost::CoreLayerCost maestro_compat_cost(const workload::Layer& layer, const std::string& dataflow,
                                        const arch::Core& core, const arch::Technology& tech,
                                        std::optional<cost::CoreObjective> search_tiles = {});

}  // namespace mosaic::mapper

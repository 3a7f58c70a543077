// `map` under mosaic-mpi (docs/scale-out.md): the layers are the chunks. Rank 0 hands them out
// (chunk i = layer i), the workers search each layer's mapping as `mosaic map` does and send
// back what they found (mapper/LayerResultCodec.h); rank 0 rebuilds every layer's result and
// sums the totals in layer order, so the output is the single process's.
#pragma once

#include <functional>
#include <vector>

#include "mapper/LoopNestMapper.h"

namespace mosaic::search {

class ChunkTransport;

// Leader: map_workload with the layers computed on the transport's workers (locally when it has
// none). `progress` is called in layer order.
mapper::WorkloadMapResult map_workload_distributed(
    const std::vector<workload::EinsumLayer>& layers, const arch::Accelerator& acc,
    const dataflow::LoopNestMappingSet& mappings, const mapper::MapOptions& options,
    ChunkTransport& transport,
    const std::function<void(const mapper::LayerMapResult&, std::size_t, std::size_t)>& progress);

// Worker: maps the layers the leader sends until it ends the run.
void serve_map(const std::vector<workload::EinsumLayer>& layers, const arch::Accelerator& acc,
               const dataflow::LoopNestMappingSet& mappings, const mapper::MapOptions& options,
               ChunkTransport& transport);

}  // namespace mosaic::search

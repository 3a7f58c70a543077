// A layer's mapping result as bytes, for moving it between processes (mosaic-mpi's distributed
// `map`): what the search found (the spatial candidate, the temporal mapping, its cost, the
// search statistics), not the problem it solved, which the receiver compiles again from the
// layer, the hardware and the mapping file (cheap, no search). Both processes must run the same
// build on the same inputs; the bytes are native (one architecture).
#pragma once

#include <string>

#include "mapper/LoopNestMapper.h"

namespace mosaic::mapper {

std::string encode_layer_result(const LayerMapResult& r, const workload::EinsumLayer& layer,
                                const arch::Core& core, const MapOptions& options);
// Throws InternalError when the bytes do not fit the layer (another build or other inputs).
LayerMapResult decode_layer_result(const std::string& payload, const workload::EinsumLayer& layer,
                                   const arch::Core& core,
                                   const dataflow::LoopNestMappingSet& mappings,
                                   const MapOptions& options);

}  // namespace mosaic::mapper

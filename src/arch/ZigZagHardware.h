// Reader for ZigZag's accelerator YAML (memories lowest first, then operational_array), which is
// also mosaic's own loop-nest hardware format with a few optional extensions:
//   operational_array.hop_energy  pJ per word and hop between neighbouring PEs (Interstellar)
//   memories.<m>.r_cost / w_cost  may be omitted when auto_cost_extraction is true; the costs
//                                 then come from a technology table (arch/EnergyTable.h)
// Stream's `type` and `dataflows` keys are accepted and ignored. In-memory-compute arrays
// (is_imc) are rejected with a message.
#pragma once

#include <string>
#include <vector>

#include "arch/MemoryHierarchy.h"
#include "dataflow/LoopNestMapping.h"

namespace mosaic::arch {

LoopNestHardware read_zigzag_hardware(const std::string& path);
LoopNestHardware parse_zigzag_hardware(const std::string& text, const std::string& path);

// Checks a ZigZag mapping file against the hardware and the known loop dimensions (the caller
// passes the union over the workload's layers and ZigZag's standard names; a mapping entry applies
// to many layers, and a layer lacking a dimension skips its unrolling, as in ZigZag): every
// spatial_mapping and spatial_mapping_hint key is an array dimension of `hw`; every unrolled and
// temporal_ordering dimension is one of `loop_dims`; the unroll factors on one array dimension
// multiply to at most its size. Errors name the mapping file, the entry's line and the dimension,
// with a "did you mean".
void check_zigzag_mapping(const LoopNestHardware& hw, const dataflow::LoopNestMappingSet& mappings,
                          const std::vector<std::string>& loop_dims);

}  // namespace mosaic::arch

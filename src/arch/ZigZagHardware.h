// Reader for ZigZag's accelerator YAML (memories lowest first, then operational_array), which is
// also mosaic's own loop-nest hardware format with a few optional extensions:
//   operational_array.hop_energy  pJ per word and hop between neighbouring PEs (Interstellar)
//   memories.<m>.r_cost / w_cost  may be omitted when auto_cost_extraction is true; the costs
//                                 then come from a technology table (arch/EnergyTable.h)
// Stream's `type` and `dataflows` keys are accepted and ignored. In-memory-compute arrays
// (is_imc) are rejected with a message.
#pragma once

#include <string>

#include "arch/MemoryHierarchy.h"

namespace mosaic::arch {

LoopNestHardware read_zigzag_hardware(const std::string& path);
LoopNestHardware parse_zigzag_hardware(const std::string& text, const std::string& path);

}  // namespace mosaic::arch

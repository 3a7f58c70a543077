// The directive analysis' hardware (DirectiveHardware) of a core's directive view: one place for
// the field-by-field set-up every caller of analyze_directives on an arch::Core needs.
#pragma once

#include "arch/Core.h"
#include "cost/DirectiveAnalysis.h"

namespace mosaic::cost {

// PEs, lanes, the NoC bandwidth (the same at every cluster level, as in MAESTRO), the NoC head
// latency (hops x hop latency) and the off-chip bandwidth of `core`.
inline DirectiveHardware directive_hardware(const arch::Core& core) {
  DirectiveHardware hw;
  hw.num_pes = core.num_pes;
  hw.vector_width = core.vector_width;
  hw.noc_bw = core.noc_bw;
  hw.noc_bw_inner = 0;
  hw.noc_latency = core.noc_latency();
  hw.offchip_bw = core.offchip_bw;
  return hw;
}

}  // namespace mosaic::cost

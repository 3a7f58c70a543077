#include "mapper/CostAnalysis.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/Error.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::mapper {

CostAnalysis parse_cost_analysis(std::string_view name) {
  if (name == "directive") return CostAnalysis::Directive;
  if (name == "loopnest") return CostAnalysis::LoopNest;
  throw UserError(SourceLocation{"", 0, "cost"},
                  fmt::format("unknown cost analysis '{}' (directive or loopnest)", name));
}

const char* cost_analysis_name(CostAnalysis a) {
  return a == CostAnalysis::Directive ? "directive" : "loopnest";
}

cost::CoreLayerCost analysed_cost(const workload::Layer& layer, const arch::Core& core,
                                  const std::string& dataflow, const CostAnalysisOptions& options) {
  if (options.analysis == CostAnalysis::Directive)
    return cost::cost_on_core(layer, dataflow, core, options.technology);
  if (!core.loop_nest)
    throw UserError(SourceLocation{"", 0, "cost"},
                    fmt::format("core '{}' has no memory hierarchy (loop-nest view): the loop-nest "
                                "analysis needs one",
                                core.name));
  const workload::EinsumConversion e = workload::to_einsum(layer, 0);
  if (!e.ok) {
    // ZigZag costs only layers with an Einsum form; the others are zero-cost dummies there.
    cost::CoreLayerCost zero;
    zero.feasible = true;
    zero.why = e.reason;
    return zero;
  }
  return map_layer(e.layer, core,
                   core.loop_nest_mappings ? *core.loop_nest_mappings : options.mappings,
                   options.map)
      .core_cost;
}

arch::Accelerator schedulable_accelerator(arch::LoopNestHardware hw, const std::string& dataflow) {
  std::int64_t buffer_bits = 0;
  for (std::size_t m = 0; m + 1 < hw.memories.size(); ++m)
    buffer_bits = std::max(buffer_bits, hw.memories[m].size_bits);
  arch::Accelerator acc = arch::loop_nest_accelerator(std::move(hw));
  acc.cores[0].dataflow = dataflow;
  acc.style.dataflows = {dataflow};
  acc.global_buffer_bytes = buffer_bits / 8;
  return acc;
}

}  // namespace mosaic::mapper

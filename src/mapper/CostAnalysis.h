// One CoreLayerCost from either cost analysis, so a scheduler can be fed by either: the
// directive analysis (MAESTRO semantics: the named dataflow on the core's directive view) or the
// loop-nest analysis (ZigZag semantics: the best temporal mapping found by the mapper on the
// core's memory hierarchy). `mosaic schedule --cost directive|loopnest` uses it; every scheduler
// takes its result through schedule::CostLookup.
#pragma once

#include <string>
#include <string_view>

#include "arch/Accelerator.h"
#include "arch/Technology.h"
#include "cost/CoreCost.h"
#include "dataflow/LoopNestMapping.h"
#include "mapper/LoopNestMapper.h"
#include "workload/Layer.h"

namespace mosaic::mapper {

enum class CostAnalysis { Directive, LoopNest };

// "directive" or "loopnest"; throws UserError naming the value otherwise.
CostAnalysis parse_cost_analysis(std::string_view name);
const char* cost_analysis_name(CostAnalysis a);

struct CostAnalysisOptions {
  CostAnalysis analysis = CostAnalysis::Directive;
  arch::Technology technology = arch::default_technology();  // the directive analysis' energies
  // The loop-nest analysis: its mappings (ZigZag mapping entries; may be empty with
  // map.search_spatial; a core's own Core::loop_nest_mappings take precedence) and mapper
  // options.
  dataflow::LoopNestMappingSet mappings;
  MapOptions map;
};

// The cost of `layer` on `core` by the chosen analysis. Directive: cost_on_core with `dataflow`
// (infeasible when the dataflow cannot map the layer). Loop-nest: the layer as ZigZag sees it
// (workload::to_einsum) mapped on core.loop_nest (UserError when the core has no loop-nest view);
// a layer ZigZag does not cost (pooling, element-wise joins: no Einsum form) is, as in ZigZag, a
// zero-cost layer. Mapping errors (no mapping fits) are thrown as the mapper throws them.
cost::CoreLayerCost analysed_cost(const workload::Layer& layer, const arch::Core& core,
                                  const std::string& dataflow, const CostAnalysisOptions& options);

// A one-core accelerator for the schedulers from a loop-nest hardware description: the core has
// both views (arch::loop_nest_core) and runs `dataflow` in the directive view; the global buffer
// the schedulers budget is the hierarchy's largest on-chip memory (every memory but the top,
// off-chip, one), in bytes.
arch::Accelerator schedulable_accelerator(arch::LoopNestHardware hw, const std::string& dataflow);

}  // namespace mosaic::mapper

// Internal to the loop-nest problem compiler (LoopNestProblem.cpp, LoopNestSpatial.cpp): the
// pieces both files use. Not part of the cost module's interface.
#pragma once

#include <string>
#include <vector>

#include "cost/LoopNestProblem.h"

namespace mosaic::cost::detail {

// Throws UserError at the layer's source line, naming the layer and `field`.
[[noreturn]] void fail(const workload::EinsumLayer& layer, const std::string& field,
                       const std::string& msg);

// Relevancy as ZigZag's LoopRelevancyInfo.extract_relevancy_info.
struct Relevancy {
  std::vector<int> r;  // ordered
  std::vector<int> ir;
  bool pr = false;
};

// One entry per layer operand, equation order.
std::vector<Relevancy> relevancy(const workload::EinsumLayer& layer);

// The level of hardware memory `m` for memory operand `mem_op`: how many memories before it
// (innermost first) hold that operand.
int memory_level(const arch::LoopNestHardware& hw, std::size_t m, const std::string& mem_op);

// Step 2 of the compilation: the spatial mapping (legalized when asked), its conversion to
// fractional / integer factors, and per operand its spatial loops per arch level with unit
// counts and bandwidth boosts. Needs p's dimensions and operands.
void compile_spatial(const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
                     const dataflow::LoopNestMappingEntry& mapping,
                     const LoopNestSpatialOptions& options, LoopNestProblem& p);

}  // namespace mosaic::cost::detail

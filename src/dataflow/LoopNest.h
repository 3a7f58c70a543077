// Renders a dataflow as a loop nest (Herald Fig. 4 style): one loop per directive, outermost
// first; spatial maps become `pfor` over the sub-clusters of their cluster level; the unit
// temporal iteration (MAESTRO section 4.2.1: the nearest temporal loop above the innermost
// parallel loop that is not fully unrolled) is marked.
#pragma once

#include <string>
#include <vector>

#include "dataflow/Dataflow.h"

namespace mosaic::dataflow {

struct LoopNestLevel {
  std::vector<BoundDirective> directives;  // as analysed: inherited and implicit maps included
  std::int64_t sub_clusters = 1;           // how many sub-clusters a SpatialMap spreads over
};

// `levels` are the cluster levels, outermost first. Dimension sizes come from `problem`
// (input-centric Y, X). Returns the rendered text, one loop per line.
std::string render_loop_nest(const Problem& problem, const std::vector<LoopNestLevel>& levels);

// The index (level, directive) of the unit temporal iteration, or {-1, -1} when every loop is
// fully unrolled.
std::pair<int, int> unit_temporal_iteration(const Problem& problem,
                                            const std::vector<LoopNestLevel>& levels);

}  // namespace mosaic::dataflow

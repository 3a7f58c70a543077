// Legality of a bound dataflow against its layer (MAESTRO paper section 3.3, plus the MAESTRO
// tool's R/S rule):
//   bound        a map may not cover indices beyond the dimension (size <= dimension)
//   coverage     every index must be visited: offset <= size, so tiles leave no gap
//   no redundancy a tile may not repeat work: offset == size, except that input rows/columns
//                (Y, X) may overlap by up to the filter extent minus one (sliding windows)
//   R/S rule     a TemporalMap over R or S covers the whole filter (size = offset = R or S)
//   one map per dimension and cluster level.
#pragma once

#include <string>
#include <vector>

#include "dataflow/Dataflow.h"

namespace mosaic::dataflow {

enum class LegalityRule { Bound, Coverage, Redundancy, RSRule, DuplicateDim };
std::string_view rule_name(LegalityRule r);

struct LegalityIssue {
  LegalityRule rule = LegalityRule::Bound;
  int line = 0;           // source line of the directive (0 when unknown)
  std::string directive;  // e.g. "TemporalMap(8,1) X"
  std::string message;
};

std::vector<LegalityIssue> check_legality(const std::vector<BoundDirective>& df,
                                          const Problem& problem);

// Clamps every map to its dimension (size and offset at most the dimension size): the bound
// condition, applied to generic dataflows such as the library's TemporalMap(64,64) C on a
// 3-channel layer. Cluster directives are left alone.
std::vector<BoundDirective> clamp_to_problem(const std::vector<BoundDirective>& df,
                                             const Problem& problem);

// Shrinks Cluster sizes, outermost first, so that their product fits `num_pes` (the mapping
// adapted to a smaller core: a 64-PE cluster on a 32-PE core becomes a 32-PE cluster).
std::vector<BoundDirective> fit_clusters(const std::vector<BoundDirective>& df,
                                         std::int64_t num_pes);

// Renders a bound directive, e.g. "SpatialMap(7,1) Y".
std::string directive_text(const BoundDirective& d);

// A layer's directive-analysis problem (problem_from_layer, a strided 1x1 window densified) and
// the named library dataflow adapted to it: what Herald's per-core costs analyse.
struct LayerStyle {
  Problem problem;
  Dataflow dataflow;
};
LayerStyle layer_style(const workload::Layer& layer, const std::string& dataflow_name);

// The style's directives bound to its problem, clamped to it and their clusters fitted to
// `num_pes`; `why` says why not (and `bound` is empty) when a directive breaks a legality rule
// other than an out-of-bounds size.
struct StyleBinding {
  std::vector<BoundDirective> bound;
  std::string why;
};
StyleBinding bind_style(const LayerStyle& style, std::int64_t num_pes);

}  // namespace mosaic::dataflow

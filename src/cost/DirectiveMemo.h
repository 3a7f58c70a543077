// A memo of the directive analysis within one run: a network repeats few distinct layer shapes
// (ResNet-50's 66 layers in MAESTRO's mapping file are 22 distinct ones), and the analysis is a
// pure function of its inputs, so each distinct input is analysed once and its result reused for
// the repeats (as the cost caches keyed by workload::shape_key elsewhere). The key is every input
// the analysis reads: the problem (type, sizes, strides, batch, declared dimensions), the bound
// directives (kind, size, offset, dimension), the hardware and the options. The problem's name
// and the directives' source lines are not inputs: they only name the place in an error, and a
// failed analysis is not stored (the same inputs throw again, with their own lines).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cost/DirectiveAnalysis.h"
#include "dataflow/Dataflow.h"

namespace mosaic::cost {

class DirectiveMemo {
 public:
  // analyze_directives(problem, bound, hw, options), or the stored result of an earlier call
  // with the same inputs.
  DirectiveResult analyze(const dataflow::Problem& problem,
                          const std::vector<dataflow::BoundDirective>& bound,
                          const DirectiveHardware& hw, const DirectiveOptions& options);

  std::size_t analyses() const { return entries_.size(); }  // distinct inputs analysed
  std::size_t hits() const { return hits_; }                // calls answered from the memo

 private:
  struct Entry {
    std::uint64_t hash = 0;
    std::vector<std::int64_t> key;
    DirectiveResult result;
  };
  std::vector<Entry> entries_;  // a network has tens of distinct layers: a linear scan
  std::vector<std::int64_t> scratch_;
  std::size_t hits_ = 0;
};

}  // namespace mosaic::cost

// mosaic's own temporal mapping search over LOMA's space (the same loop prime factors and loop
// orders, the same bottom-up allocation), faster and with the same optimum:
//   * dominated-order pruning: an order whose allocated mapping has the canonical form of one
//     already evaluated (same loops per operand level after the stationarity merge, same top runs
//     and MAC-level stationarity; cost::canonical_key) cannot differ in cost and is skipped;
//   * branch-and-bound on partial costs: each evaluation stops as soon as a lower bound (ideal
//     cycles + port stalls, partial energy sums, their product for EDP) shows it cannot beat the
//     incumbent under the objective and its tie-break (cost::evaluate_bounded).
// Orders are visited in LOMA's order and only strictly worse candidates are dropped, so the
// result equals LOMA's, mapping included (first found among equal costs).
#pragma once

#include "mapper/Loma.h"

namespace mosaic::mapper {

struct FastStats {
  std::int64_t orders = 0;
  std::int64_t allocated = 0;
  std::int64_t duplicates = 0;   // skipped: same canonical form as an evaluated order
  std::int64_t bounded = 0;      // evaluations stopped by the bound
  std::int64_t evaluations = 0;  // complete evaluations
};

struct FastSearchResult {
  TemporalSearchResult best;
  FastStats stats;
};

// `incumbent` (optional): a cost to beat, e.g. the best of other spatial mappings. Mappings that
// cannot beat it are not reported (best.found stays false).
FastSearchResult fast_search(const cost::LoopNestProblem& p, const LomaOptions& options,
                             const cost::LoopNestResult* incumbent = nullptr);

}  // namespace mosaic::mapper

// Temporal mapping search equivalent to ZigZag's LOMA (loop order based memory allocation):
//   1. the temporal loops left after spatial unrolling are split into loop prime factors (LPFs);
//   2. while there are more LPFs than `lpf_limit`, the two smallest factors of the dimension with
//      the most factors are merged;
//   3. every distinct permutation of the LPF multiset is a loop order (innermost first), visited
//      in the order of Williams' loopless multiset-permutation algorithm (as ZigZag does);
//   4. each order is allocated bottom-up to the memory levels: at every memory, the operands it
//      holds take the prefix of their remaining loops that fits the memory jointly and minimizes
//      the accesses to the level above;
//   5. each allocated mapping is evaluated by the loop-nest model; the best by the objective is
//      kept, ties resolved as ZigZag does (first found; latency ties broken by energy and vice
//      versa).
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <utility>
#include <vector>

#include "common/Objective.h"
#include "cost/LoopNestModel.h"

namespace mosaic::mapper {

using Objective = mosaic::Objective;  // common/Objective.h: Latency, Energy or Edp
const char* objective_name(Objective o);
bool parse_objective(const std::string& text, Objective& out);

// True when a is strictly better than b under the objective with ZigZag's tie-break.
bool better(Objective obj, const cost::LoopNestResult& a, const cost::LoopNestResult& b);

// A loop prime factor (or a merged factor): dimension id and size.
using Lpf = std::pair<int, std::int64_t>;

// The LPFs of a problem's temporal loops, limited to `lpf_limit` (raised to the number of
// temporal dimensions if smaller), with static-size constraints applied as ZigZag does.
std::vector<Lpf> loop_prime_factors(const cost::LoopNestProblem& p, int lpf_limit);

// Visits every distinct permutation of `items` in Williams' order (the first is the multiset
// sorted in non-increasing order of (dim name, size)). `visit` returns false to stop early.
// Returns the number of permutations visited.
std::int64_t for_each_permutation(const cost::LoopNestProblem& p, std::vector<Lpf> items,
                                  const std::function<bool(const std::vector<Lpf>&)>& visit);
// Number of distinct permutations of the multiset.
std::int64_t permutation_count(const std::vector<Lpf>& items);

// The loop orders a temporal search of `p` visits (LOMA and the fast engine visit the same ones,
// before the ordering constraints are applied): the distinct permutations of its loop prime
// factors, or 1 for a fixed ordering or no temporal loops. A double: 64 factors have 64! orders.
double loop_order_count(const cost::LoopNestProblem& p, int lpf_limit);

// Allocates a loop order (innermost first) to the memory levels. Returns false when it does not
// fit (a memory cannot even hold what is below it, or a top level cannot hold the rest).
bool allocate(const cost::LoopNestProblem& p, const Lpf* order, int n,
              cost::LnTemporalMapping& out);

// The error of a given ordering that fits no allocation: a UserError naming the layer.
[[noreturn]] void throw_fixed_order_does_not_fit(const cost::LoopNestProblem& p);

// True when the order satisfies the problem's ordering constraints (mapping temporal_ordering
// with "*" sizes).
bool satisfies_constraints(const cost::LoopNestProblem& p, const std::vector<Lpf>& order);

// Calls `consider` with every permutation of the problem's LPFs (up to `lpf_limit`) that
// satisfies its ordering constraints: the orders LOMA and the fast search visit.
void for_each_allowed_order(const cost::LoopNestProblem& p, int lpf_limit,
                            const std::function<void(const std::vector<Lpf>&)>& consider);

struct LomaOptions {
  int lpf_limit = 6;
  Objective objective = Objective::Latency;
  // Polled every 1,024 loop orders; true ends the search by throwing SearchInterrupted (Ctrl-C:
  // search::InterruptGuard::interrupted). Empty: never.
  std::function<bool()> stop_requested;
};

// Thrown out of a search whose stop_requested() became true; the caller keeps what it finished.
struct SearchInterrupted : std::exception {
  const char* what() const noexcept override { return "interrupted"; }
};

struct LomaStats {
  std::int64_t orders = 0;       // loop orders visited (after constraints)
  std::int64_t allocated = 0;    // orders that fit the hierarchy
  std::int64_t evaluations = 0;  // cost model evaluations
};

struct TemporalSearchResult {
  bool found = false;
  cost::LnTemporalMapping mapping;
  cost::LoopNestResult cost;
  LomaStats stats;
};

// LOMA: every order, allocated and evaluated. A complete user ordering (or no temporal loops)
// is allocated and evaluated as is.
TemporalSearchResult loma_search(const cost::LoopNestProblem& p, const LomaOptions& options);

}  // namespace mosaic::mapper

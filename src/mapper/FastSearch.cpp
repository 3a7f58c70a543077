#include "mapper/FastSearch.h"

#include <string>
#include <unordered_set>

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::mapper {

namespace {

cost::LnBound::Kind bound_kind(Objective o) {
  switch (o) {
    case Objective::Latency:
      return cost::LnBound::Latency;
    case Objective::Energy:
    case Objective::ThroughputPerWatt:
      return cost::LnBound::Energy;
    case Objective::Edp:
      return cost::LnBound::Edp;
  }
  return cost::LnBound::None;
}

}  // namespace

FastSearchResult fast_search(const cost::LoopNestProblem& p, const LomaOptions& options,
                             const cost::LoopNestResult* incumbent) {
  FastSearchResult out;
  TemporalSearchResult& res = out.best;
  FastStats& st = out.stats;
  std::unordered_set<std::string> seen;
  std::vector<std::int64_t> key;
  std::string key_bytes;
  cost::LoopNestResult cand;
  auto consider = [&](const std::vector<Lpf>& order) {
    ++st.orders;
    cost::LnTemporalMapping tm;
    if (!allocate(p, order.data(), static_cast<int>(order.size()), tm)) return;
    ++st.allocated;
    cost::canonical_key(p, tm, key);
    key_bytes.assign(reinterpret_cast<const char*>(key.data()), key.size() * sizeof(std::int64_t));
    if (!seen.insert(key_bytes).second) {
      ++st.duplicates;
      return;
    }
    cost::LnBound bound;
    const cost::LoopNestResult* inc = res.found ? &res.cost : incumbent;
    if (inc) {
      bound.kind = bound_kind(options.objective);
      bound.latency = inc->latency_cycles;
      bound.energy = inc->energy_pj;
    }
    if (!cost::evaluate_bounded(p, tm, bound, cand)) {
      ++st.bounded;
      return;
    }
    ++st.evaluations;
    if (!res.found && incumbent && !better(options.objective, cand, *incumbent)) return;
    if (!res.found || better(options.objective, cand, res.cost)) {
      res.found = true;
      res.cost = cand;
      res.mapping = tm;
    }
  };
  if (p.has_fixed_ordering || p.temporal_loops.empty()) {
    consider(p.fixed_ordering);
    if (!res.found && !incumbent) throw_fixed_order_does_not_fit(p);
  } else {
    for_each_allowed_order(p, options.lpf_limit, consider);
  }
  res.stats.orders = st.orders;
  res.stats.allocated = st.allocated;
  res.stats.evaluations = st.evaluations;
  return out;
}

}  // namespace mosaic::mapper

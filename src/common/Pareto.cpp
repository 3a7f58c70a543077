#include "common/Pareto.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <numeric>

#include "common/Error.h"

namespace mosaic {

namespace {

// A staircase over two objectives (lexicographically sorted input): a point is kept when its
// second objective is below every kept one.
std::vector<std::size_t> front_2d(const std::vector<double>& v,
                                  const std::vector<std::size_t>& order) {
  std::vector<std::size_t> kept;
  double best = 0;
  for (std::size_t i : order)
    if (kept.empty() || v[2 * i + 1] < best) {
      kept.push_back(i);
      best = v[2 * i + 1];
    }
  return kept;
}

// Three objectives: the staircase of the kept points on (objective 1, objective 2), objective 2
// strictly decreasing as objective 1 grows. A point is dominated when the step at or left of its
// objective-1 value is not above it.
std::vector<std::size_t> front_3d(const std::vector<double>& v,
                                  const std::vector<std::size_t>& order) {
  std::vector<std::size_t> kept;
  std::map<double, double> stair;
  for (std::size_t i : order) {
    const double a1 = v[3 * i + 1], a2 = v[3 * i + 2];
    auto it = stair.upper_bound(a1);
    if (it != stair.begin() && std::prev(it)->second <= a2) continue;
    kept.push_back(i);
    // Remove the steps this point dominates (objective 1 >= a1, objective 2 >= a2).
    auto from = stair.lower_bound(a1);
    auto to = from;
    while (to != stair.end() && to->second >= a2) ++to;
    stair.erase(from, to);
    stair[a1] = a2;
  }
  return kept;
}

// Any number of objectives: each point against the kept ones. A dominator always comes earlier
// in lexicographic order, and a point dominated by a dropped one is dominated by a kept one.
std::vector<std::size_t> front_nd(const std::vector<double>& v, std::size_t k,
                                  const std::vector<std::size_t>& order, ParetoTies ties) {
  std::vector<std::size_t> kept;
  for (std::size_t i : order) {
    bool dominated = false;
    for (std::size_t j : kept) {
      bool le = true, lt = false;
      for (std::size_t a = 0; a < k && le; ++a) {
        le = v[j * k + a] <= v[i * k + a];
        lt = lt || v[j * k + a] < v[i * k + a];
      }
      if (le && (lt || ties == ParetoTies::KeepFirst)) {
        dominated = true;
        break;
      }
    }
    if (!dominated) kept.push_back(i);
  }
  return kept;
}

}  // namespace

std::vector<std::size_t> pareto_indices(const std::vector<double>& values, std::size_t k,
                                        ParetoTies ties) {
  MOSAIC_CHECK(k >= 1 && values.size() % k == 0, "pareto_indices: n points x k objectives");
  const std::size_t n = values.size() / k;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Lexicographic on the objectives, then input order: a dominator (or an equal point kept
  // first) always comes before the points it dominates.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    for (std::size_t i = 0; i < k; ++i)
      if (values[a * k + i] != values[b * k + i]) return values[a * k + i] < values[b * k + i];
    return false;
  });
  if (ties == ParetoTies::KeepFirst && k == 2) return front_2d(values, order);
  if (ties == ParetoTies::KeepFirst && k == 3) return front_3d(values, order);
  return front_nd(values, k, order, ties);
}

}  // namespace mosaic

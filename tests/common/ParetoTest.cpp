#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "common/Pareto.h"

namespace mosaic {
namespace {

TEST(Pareto, TwoObjectivesByHand) {
  // (1,5) (2,3) (3,4) (2,3) (4,1): (3,4) is dominated by (2,3); the two (2,3) are equal.
  const std::vector<double> v = {1, 5, 2, 3, 3, 4, 2, 3, 4, 1};
  EXPECT_EQ(pareto_indices(v, 2, ParetoTies::KeepFirst), (std::vector<std::size_t>{0, 1, 4}));
  EXPECT_EQ(pareto_indices(v, 2, ParetoTies::KeepAll), (std::vector<std::size_t>{0, 1, 3, 4}));
}

// Every size of objectives against the definition (O(n^2)), both tie rules.
TEST(Pareto, MatchesTheDefinition) {
  std::mt19937 rng(7);
  for (std::size_t k = 1; k <= 5; ++k)
    for (int trial = 0; trial < 20; ++trial) {
      const std::size_t n = 1 + rng() % 60;
      std::vector<double> v(n * k);
      for (auto& x : v) x = static_cast<double>(rng() % 6);  // many ties
      for (const auto ties : {ParetoTies::KeepFirst, ParetoTies::KeepAll}) {
        std::vector<std::size_t> want;
        for (std::size_t i = 0; i < n; ++i) {
          bool dominated = false;
          for (std::size_t j = 0; j < n && !dominated; ++j) {
            if (i == j) continue;
            bool le = true, lt = false;
            for (std::size_t a = 0; a < k; ++a) {
              le = le && v[j * k + a] <= v[i * k + a];
              lt = lt || v[j * k + a] < v[i * k + a];
            }
            dominated = le && (lt || (ties == ParetoTies::KeepFirst && j < i));
          }
          if (!dominated) want.push_back(i);
        }
        auto got = pareto_indices(v, k, ties);
        std::sort(got.begin(), got.end());
        EXPECT_EQ(got, want) << "k=" << k << " trial " << trial;
      }
    }
}

}  // namespace
}  // namespace mosaic

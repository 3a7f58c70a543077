#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "../cost/LoopNestTestUtil.h"
#include "TestSupport.h"
#include "mapper/Loma.h"

namespace mosaic::mapper {
namespace {

using cost::LoopNestProblem;

LoopNestProblem gemm_problem(std::int64_t k, std::int64_t c) {
  const auto hw = arch::parse_zigzag_hardware(cost::testutil::kTinyHw, "hw.yaml");
  const auto maps = dataflow::parse_zigzag_mapping(cost::testutil::kTinyMapping, "m.yaml");
  auto layers = workload::parse_zigzag_workload(cost::testutil::kTinyWorkload, "w.yaml");
  layers[0].sizes = {1, k, c};
  return cost::compile_problem(layers[0], hw, maps.entries[0]);
}

struct Fixture {
  arch::LoopNestHardware hw;
  dataflow::LoopNestMappingSet maps;
  std::vector<workload::EinsumLayer> layers;
};

Fixture small_fixture() {
  const auto dir = test::source_dir() / "tests/data";
  return {arch::read_zigzag_hardware((dir / "zigzag_small_hw.yaml").string()),
          dataflow::read_zigzag_mapping((dir / "zigzag_small_mapping.yaml").string()),
          workload::read_zigzag_workload((dir / "zigzag_small_workload.yaml").string())};
}

TEST(Lpf, PrimeFactorsMergedDownToTheLimit) {
  // K = 64 = 2^6, C = 12 = 2^2 * 3: 9 factors; limit 6 merges K's smallest factors three times.
  const auto p = gemm_problem(64, 12);
  const int K = p.dim_id("K"), C = p.dim_id("C");
  auto lpfs = loop_prime_factors(p, 6);
  std::multiset<std::pair<int, std::int64_t>> got(lpfs.begin(), lpfs.end());
  std::multiset<std::pair<int, std::int64_t>> want = {{K, 4}, {K, 4}, {K, 4},
                                                      {C, 2}, {C, 2}, {C, 3}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(permutation_count(lpfs), 60);  // 6! / (3! 2!)
  // No limit: all prime factors.
  EXPECT_EQ(loop_prime_factors(p, 100).size(), 9u);
  // The limit never goes below the number of temporal dimensions.
  EXPECT_EQ(loop_prime_factors(p, 1).size(), 2u);
}

TEST(Lpf, NoTemporalLoopsGivesOneUnitLoop) {
  const auto p = gemm_problem(1, 1);
  EXPECT_TRUE(p.temporal_loops.empty());
  const auto lpfs = loop_prime_factors(p, 6);
  ASSERT_EQ(lpfs.size(), 1u);
  EXPECT_EQ(lpfs[0].second, 1);
}

TEST(Permutations, WilliamsOrderLikeZigZag) {
  // Reference sequence printed by ZigZag's multipermute.permutations for the same multiset.
  const auto p = gemm_problem(8, 9);
  const int K = p.dim_id("K"), C = p.dim_id("C");
  std::vector<std::vector<Lpf>> seen;
  const auto n =
      for_each_permutation(p, {{K, 2}, {C, 3}, {C, 3}, {K, 4}}, [&](const std::vector<Lpf>& v) {
        seen.push_back(v);
        return true;
      });
  EXPECT_EQ(n, 12);
  ASSERT_EQ(seen.size(), 12u);
  EXPECT_EQ(seen[0], (std::vector<Lpf>{{K, 4}, {K, 2}, {C, 3}, {C, 3}}));
  EXPECT_EQ(seen[1], (std::vector<Lpf>{{C, 3}, {K, 4}, {K, 2}, {C, 3}}));
  EXPECT_EQ(seen[4], (std::vector<Lpf>{{C, 3}, {C, 3}, {K, 4}, {K, 2}}));
  EXPECT_EQ(seen[11], (std::vector<Lpf>{{K, 2}, {C, 3}, {C, 3}, {K, 4}}));
  std::set<std::vector<Lpf>> distinct(seen.begin(), seen.end());
  EXPECT_EQ(distinct.size(), 12u);
  EXPECT_EQ(permutation_count({{K, 2}, {C, 3}, {C, 3}, {K, 4}}), 12);
}

// Property: every allocated mapping covers every MAC exactly once (temporal x spatial factors
// give each loop dimension's size), each operand's levels partition the loop order, and every
// level's tile fits its memory.
TEST(Allocator, LegalMappingsCoverEveryMacOnce) {
  const auto f = small_fixture();
  int checked = 0;
  for (const auto& layer : f.layers) {
    const auto p = cost::compile_problem(
        layer, f.hw, dataflow::select_mapping(f.maps, layer.name, layer.op_type));
    const auto lpfs = loop_prime_factors(p, 6);
    for_each_permutation(p, lpfs, [&](const std::vector<Lpf>& order) {
      cost::LnTemporalMapping tm;
      if (!allocate(p, order.data(), static_cast<int>(order.size()), tm)) return true;
      ++checked;
      // Coverage: temporal product x spatial product (integer twin: ceil) = layer size.
      for (int d = 0; d < p.num_loop_dims; ++d) {
        double t = 1;
        for (int k = 0; k < tm.n; ++k)
          if (tm.order[static_cast<std::size_t>(k)].dim == d)
            t *= tm.order[static_cast<std::size_t>(k)].size;
        double s = 1;
        for (const auto& lvl : p.ops[1].su_frac)
          for (const auto& l : lvl)
            if (l.dim == d) s *= l.size;
        EXPECT_NEAR(t * s, p.dim_sizes[static_cast<std::size_t>(d)], 1e-9) << layer.name;
      }
      for (std::size_t oi = 0; oi < p.ops.size(); ++oi) {
        const auto& o = p.ops[oi];
        int prev = 0;
        std::array<double, cost::kLnMaxDims> sizes{};
        sizes.fill(1);
        for (const auto& l : o.su_frac[0]) sizes[static_cast<std::size_t>(l.dim)] *= l.size;
        for (int lv = 0; lv < o.num_mem; ++lv) {
          const int e = tm.end[oi][static_cast<std::size_t>(lv)];
          EXPECT_GE(e, prev);
          for (int k = prev; k < e; ++k)
            sizes[static_cast<std::size_t>(tm.order[static_cast<std::size_t>(k)].dim)] *=
                tm.order[static_cast<std::size_t>(k)].size;
          const double bits =
              cost::tensor_size(p, static_cast<int>(oi), sizes.data()) *
              (o.is_output ? std::min(o.precision_bits, p.final_output_bits) : o.precision_bits);
          EXPECT_LE(
              bits,
              p.mems[static_cast<std::size_t>(o.mems[static_cast<std::size_t>(lv)])].size_bits)
              << layer.name << " " << o.name << " level " << lv;
          for (const auto& l : o.su_frac[static_cast<std::size_t>(lv + 1)])
            sizes[static_cast<std::size_t>(l.dim)] *= l.size;
          prev = e;
        }
        EXPECT_EQ(prev, tm.n);  // the top level holds the rest
      }
      return true;
    });
  }
  EXPECT_GT(checked, 100);
}

TEST(Allocator, TooSmallMemoryFails) {
  // A 4-bit register cannot hold one 8-bit weight: no order fits.
  auto hw = arch::parse_zigzag_hardware(cost::testutil::kTinyHw, "hw.yaml");
  hw.memories[0].size_bits = 4;
  const auto maps = dataflow::parse_zigzag_mapping(cost::testutil::kTinyMapping, "m.yaml");
  const auto layers = workload::parse_zigzag_workload(cost::testutil::kTinyWorkload, "w.yaml");
  const auto p = cost::compile_problem(layers[0], hw, maps.entries[0]);
  const auto r = loma_search(p, {});
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.stats.allocated, 0);
}

TEST(Loma, TinyProblemPicksTheStationaryInput) {
  const auto p = gemm_problem(2, 3);
  LomaOptions o;
  o.objective = Objective::Energy;
  const auto r = loma_search(p, o);
  ASSERT_TRUE(r.found);
  EXPECT_EQ(r.stats.orders, 2);
  EXPECT_DOUBLE_EQ(r.cost.energy_pj, 30);
  EXPECT_EQ(r.mapping.order[0].dim, p.dim_id("K"));
}

TEST(Loma, DeterministicAcrossRuns) {
  const auto f = small_fixture();
  const auto& layer = f.layers[1];
  const auto p = cost::compile_problem(layer, f.hw,
                                       dataflow::select_mapping(f.maps, layer.name, layer.op_type));
  const auto a = loma_search(p, {});
  const auto b = loma_search(p, {});
  ASSERT_TRUE(a.found && b.found);
  EXPECT_EQ(a.cost.energy_pj, b.cost.energy_pj);
  EXPECT_EQ(a.cost.latency_cycles, b.cost.latency_cycles);
  ASSERT_EQ(a.mapping.n, b.mapping.n);
  for (int k = 0; k < a.mapping.n; ++k)
    EXPECT_EQ(a.mapping.order[static_cast<std::size_t>(k)].dim,
              b.mapping.order[static_cast<std::size_t>(k)].dim);
}

TEST(Objective, TieBreaksAsZigZag) {
  cost::LoopNestResult a, b;
  a.latency_cycles = b.latency_cycles = 10;
  a.energy_pj = 5;
  b.energy_pj = 6;
  EXPECT_TRUE(better(Objective::Latency, a, b));
  EXPECT_FALSE(better(Objective::Latency, b, a));
  EXPECT_FALSE(better(Objective::Latency, a, a));  // first found wins ties
  Objective o;
  EXPECT_TRUE(parse_objective("EDP", o));
  EXPECT_EQ(o, Objective::Edp);
  EXPECT_FALSE(parse_objective("area", o));
}

}  // namespace
}  // namespace mosaic::mapper

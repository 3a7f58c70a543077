// The directive mapper: the pruned search finds the same optimum as evaluating every candidate,
// on a small set of layers, for every style Herald uses, each objective and L1 budget.
#include <gtest/gtest.h>

#include "arch/Technology.h"
#include "dataflow/Dataflow.h"
#include "dataflow/Library.h"
#include "mapper/DirectiveMapper.h"
#include "workload/Layer.h"

namespace mosaic {
namespace {

workload::Layer layer(std::int64_t k, std::int64_t c, std::int64_t hw, std::int64_t r,
                      bool depthwise = false) {
  workload::Layer l;
  l.name = "t";
  l.K = depthwise ? 1 : k;
  l.C = depthwise ? 1 : c;
  l.Y = l.X = hw;
  l.R = l.S = r;
  if (depthwise) {
    l.op = workload::OpKind::DepthwiseConv;
    l.G = c;
  }
  return l;
}

std::vector<workload::Layer> small_set() {
  return {layer(16, 3, 18, 3), layer(32, 16, 10, 3), layer(64, 32, 7, 1),
          layer(24, 24, 12, 3, true), layer(128, 64, 1, 1)};
}

TEST(DirectiveMapper, PrunedSearchEqualsBruteForce) {
  const auto tech = arch::default_technology();
  int compared = 0;
  std::int64_t evaluated = 0, brute = 0;
  for (const auto& l : small_set()) {
    const auto p = dataflow::densify_pointwise_stride(dataflow::problem_from_layer(l));
    for (const char* name : {"kcp_ws", "shi_os", "rs", "yxp_os"}) {
      const auto df = dataflow::adapt_to_problem(dataflow::library_dataflow(name, p.type), p);
      for (std::int64_t pes : {64, 96}) {
        for (auto obj : {cost::CoreObjective::Latency, cost::CoreObjective::Energy,
                         cost::CoreObjective::EDP}) {
          for (std::int64_t l1 : {0, 64}) {
            mapper::DirectiveMapperOptions o;
            o.num_pes = pes;
            o.noc_bw = pes;  // the sub-accelerator model's local network
            o.noc_bw_inner = 1 << 30;
            o.objective = obj;
            o.l1_elements = l1;
            const auto fast = mapper::map_directives(p, df, o, tech);
            const auto all = mapper::brute_force_directives(p, df, o, tech);
            ASSERT_EQ(fast.feasible, all.feasible) << name << " " << pes;
            if (!all.feasible) continue;
            EXPECT_DOUBLE_EQ(fast.best.cycles, all.best.cycles) << name << " pes " << pes;
            EXPECT_DOUBLE_EQ(fast.best.energy_pj, all.best.energy_pj) << name << " pes " << pes;
            EXPECT_EQ(fast.best.directives.size(), all.best.directives.size());
            // The bound never exceeds the real objective (else pruning could be wrong).
            EXPECT_LE(all.best.lower_bound, fast.best.cycles * fast.best.energy_pj);
            evaluated += fast.evaluated;
            brute += all.evaluated;
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, 5 * 4 * 2 * 3 * 2 - 0);
  EXPECT_LT(evaluated, brute);  // the bound prunes
}

TEST(DirectiveMapper, ShiArrayFitsAnyCoreSize) {
  // Fig. 4(b) on a 96-PE core and a 3x3 layer with 16 output columns: the candidates include
  // 16-PE clusters (X0 = 16) with 6 clusters (Y0 = 6) and C0 tiles from 1 to all 32 channels.
  const auto p = dataflow::problem_from_layer(layer(8, 32, 18, 3));
  const auto df = dataflow::library_dataflow("shi_os", p.type);
  const auto cands = mapper::directive_candidates(df, p, 96);
  bool has16 = false;
  for (const auto& c : cands)
    for (const auto& d : c)
      if (d.kind == dataflow::DirectiveKind::Cluster && d.size == 16) has16 = true;
  EXPECT_TRUE(has16);
  // Cluster sizes 1, 2, 4, 8, 16 (16 output columns) x C0 in the 6 divisors of 32.
  EXPECT_EQ(cands.size(), 5u * 6u);
}

TEST(DirectiveMapper, L1BudgetIsChecked) {
  const auto tech = arch::default_technology();
  const auto p = dataflow::problem_from_layer(layer(8, 64, 18, 3));
  const auto df = dataflow::library_dataflow("shi_os", p.type);
  mapper::DirectiveMapperOptions o;
  o.num_pes = 64;
  o.noc_bw = 64;
  o.noc_bw_inner = 1 << 30;
  o.l1_elements = 512;
  const auto r = mapper::map_directives(p, df, o, tech);
  ASSERT_TRUE(r.feasible);
  EXPECT_LE(r.best.l1_elements, 512);
  // The PE holds one channel's 3x3 input window and 3x3 weights at a time (inner C step 1);
  // the directive analysis sizes the output by its mapped volume in input coordinates (3x3),
  // double-buffered: (9 + 9 + 9) x 2 = 54 elements; a budget below that maps nothing.
  EXPECT_DOUBLE_EQ(r.best.l1_elements, 54);
  o.l1_elements = 53;
  const auto none = mapper::map_directives(p, df, o, tech);
  EXPECT_FALSE(none.feasible);
  EXPECT_EQ(none.over_budget, none.candidates);
  EXPECT_NE(none.why.find("L1"), std::string::npos);
}

}  // namespace
}  // namespace mosaic

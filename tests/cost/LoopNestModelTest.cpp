#include <gtest/gtest.h>

#include <cmath>

#include "LoopNestTestUtil.h"
#include "TestSupport.h"
#include "common/Error.h"
#include "cost/LoopNestPyMath.h"

namespace mosaic::cost {
namespace {

using testutil::make_mapping;
using testutil::tiny_problem;

TEST(PyMath, PythonSemantics) {
  EXPECT_EQ(py::round(2.5), 2);  // ties to even
  EXPECT_EQ(py::round(3.5), 4);
  EXPECT_EQ(py::trunc(-2.7), -2);
  EXPECT_EQ(py::floordiv(7, 2), 3);
  EXPECT_EQ(py::floordiv(-7, 2), -4);
  EXPECT_EQ(py::floordiv(7.5, 2.5), 3);
  EXPECT_EQ(py::floordiv(1000, 31.25), 32);
  EXPECT_DOUBLE_EQ(py::round3(1.00049), 1.0);
  EXPECT_DOUBLE_EQ(py::round3(2.0625), 2.062);  // exact binary tie rounds to even
  EXPECT_DOUBLE_EQ(py::round3(7.0), 7.0);
}

TEST(PrSize, UniqueInputIndices) {
  LnPrDim pr;
  pr.sa = 1;
  pr.sb = 1;
  pr.max_size = 1e9;
  EXPECT_EQ(pr_size(pr, 4, 3), 6);  // stride 1: OX + FX - 1
  pr.sa = 2;
  EXPECT_EQ(pr_size(pr, 4, 3), 9);    // stride 2: 2*(4-1) + 3
  EXPECT_EQ(pr_size(pr, 4, 1), 4);    // 1x1 kernel, stride 2: only 4 distinct rows
  EXPECT_EQ(pr_size(pr, 3.9, 3), 7);  // sizes truncate to int, as ZigZag does
  pr.max_size = 8;
  EXPECT_EQ(pr_size(pr, 4, 3), 8);  // clipped to the (unpadded) input size
}

TEST(LoopNestProblem, RelevancyFollowsZigZag) {
  const auto p = tiny_problem();
  ASSERT_EQ(p.ops.size(), 3u);
  const int B = p.dim_id("B"), K = p.dim_id("K"), C = p.dim_id("C");
  // O[b][k]: K relevant, C irrelevant; B (size 1) is neither.
  EXPECT_TRUE(in_mask(p.ops[0].r, K));
  EXPECT_TRUE(in_mask(p.ops[0].ir, C));
  EXPECT_FALSE(in_mask(p.ops[0].r, B));
  EXPECT_FALSE(in_mask(p.ops[0].ir, B));
  // W[k][c]: both relevant. I[b][c]: C relevant, K irrelevant.
  EXPECT_TRUE(in_mask(p.ops[1].r, K) && in_mask(p.ops[1].r, C));
  EXPECT_TRUE(in_mask(p.ops[2].ir, K));
  EXPECT_EQ(p.total_mac, 6);
  EXPECT_EQ(p.ops[0].size_elem, 2);
  EXPECT_EQ(p.ops[1].size_elem, 6);
  EXPECT_EQ(p.ops[2].size_elem, 3);
  ASSERT_EQ(p.temporal_loops.size(), 2u);
}

// Hand computation (confirmed by running ZigZag 3.8.2 on the same files):
// loop order C (inner), K (outer): every MAC reads one W and one I word; the output is written
// 6 times and, because C is irrelevant above it, read back 6 times.
//   W: 6 reads x 1 pJ = 6; I: 6 x 1 = 6; O: 6 writes x 2 + 6 reads x 1 = 18; MAC 6 x 0.5 = 3.
TEST(LoopNestModel, HandComputedEnergyInnerC) {
  const auto p = tiny_problem();
  const auto tm =
      make_mapping(p, {{{{"C", 3}, {"K", 2}}}, {{{"C", 3}, {"K", 2}}}, {{{"C", 3}, {"K", 2}}}});
  const auto r = evaluate(p, tm);
  EXPECT_DOUBLE_EQ(r.mac_energy_pj, 3);
  EXPECT_DOUBLE_EQ(r.levels[1][0].energy_pj, 6);
  EXPECT_DOUBLE_EQ(r.levels[2][0].energy_pj, 6);
  EXPECT_DOUBLE_EQ(r.levels[0][0].energy_pj, 18);
  EXPECT_DOUBLE_EQ(r.energy_pj, 33);
  EXPECT_DOUBLE_EQ(r.ideal_temporal_cycles, 6);
}

// Loop order K (inner), C (outer): K is irrelevant to I, so each I word stays at the MAC for two
// cycles and is read 3 times instead of 6: energy 30. Latency: 6 ideal cycles + 11 stall cycles
// on the single shared port (I, W and both output directions share it: positive stalls 0,
// negative -2, update windows 19, union 6 -> 11).
TEST(LoopNestModel, HandComputedStationaryInputInnerK) {
  const auto p = tiny_problem();
  const auto tm =
      make_mapping(p, {{{{"K", 2}, {"C", 3}}}, {{{"K", 2}, {"C", 3}}}, {{{"K", 2}, {"C", 3}}}});
  const auto r = evaluate(p, tm);
  EXPECT_DOUBLE_EQ(r.levels[2][0].word_access[0], 3);  // I read-to-low accesses
  EXPECT_DOUBLE_EQ(r.energy_pj, 30);
  EXPECT_DOUBLE_EQ(r.stall_cycles, 11);
  EXPECT_DOUBLE_EQ(r.latency_cycles, 17);
  EXPECT_DOUBLE_EQ(r.ideal_cycles, 6);
  const LayerCost c = to_layer_cost(p, r);
  EXPECT_DOUBLE_EQ(c.energy_pj, 30);
  EXPECT_EQ(c.macs, 6);
  ASSERT_EQ(c.num_levels, 1);
  EXPECT_EQ(c.levels[0].get_name(), "dram");
  EXPECT_DOUBLE_EQ(c.levels[0].reads[idx(Operand::Input)], 3);
  EXPECT_DOUBLE_EQ(c.levels[0].writes[idx(Operand::Output)], 6);
  EXPECT_NEAR(c.utilization, 6.0 / 17.0, 1e-12);
}

// Per-layer numbers of ZigZag 3.8.2 for the fixture (tests/data/zigzag_small_*), evaluated with
// the temporal mapping ZigZag chose: the model alone, without the search.
TEST(LoopNestModel, FixtureLayersWithZigZagsMappings) {
  const auto dir = test::source_dir() / "tests/data";
  const auto hw = arch::read_zigzag_hardware((dir / "zigzag_small_hw.yaml").string());
  const auto maps = dataflow::read_zigzag_mapping((dir / "zigzag_small_mapping.yaml").string());
  const auto layers = workload::read_zigzag_workload((dir / "zigzag_small_workload.yaml").string());
  struct Case {
    std::size_t layer;
    testutil::Levels levels;
    double energy, latency;
  };
  const std::vector<Case> cases = {
      {0,
       {{{{"K", 2}}, {{"OY", 8}, {"OX", 4}, {"OX", 2}, {"FX", 3}, {"FY", 3}}, {}},
        {{{"K", 2}, {"OY", 8}, {"OX", 4}, {"OX", 2}, {"FX", 3}}, {{"FY", 3}}},
        {{{"K", 2}, {"OY", 8}, {"OX", 4}, {"OX", 2}, {"FX", 3}, {"FY", 3}}, {}}},
       95558.78,
       1245},
      {2,
       {{{{"FX", 2}, {"G", 2}, {"FY", 2}}, {{"OY", 3}, {"OX", 3}, {"G", 2}}, {}},
        {{{"FX", 2}, {"G", 2}, {"FY", 2}, {"OY", 3}, {"OX", 3}, {"G", 2}}, {}},
        {{{"FX", 2}, {"G", 2}, {"FY", 2}, {"OY", 3}, {"OX", 3}, {"G", 2}}, {}}},
       37433.07,
       255},
      {4,
       {{{{"B", 2}, {"C", 3}, {"C", 2}, {"C", 3}, {"C", 2}}, {{"K", 3}}, {}},
        {{{"B", 2}, {"C", 3}, {"C", 2}}, {{"C", 3}, {"C", 2}, {"K", 3}}},
        {{{"B", 2}, {"C", 3}, {"C", 2}, {"C", 3}, {"C", 2}, {"K", 3}}, {}}},
       88593.3,
       396},
  };
  for (const auto& c : cases) {
    const auto& layer = layers[c.layer];
    const auto p =
        compile_problem(layer, hw, dataflow::select_mapping(maps, layer.name, layer.op_type));
    const auto r = evaluate(p, make_mapping(p, c.levels));
    EXPECT_NEAR(r.energy_pj, c.energy, 1e-6 * c.energy) << layer.name;
    EXPECT_NEAR(r.latency_cycles, c.latency, 1e-6 * c.latency) << layer.name;
  }
}

TEST(LoopNestProblem, FractionalSpatialUnrolling) {
  // fc: K = 10 on a 4-wide array dimension: ceil(10/4) = 3 temporal iterations of 10/3 PEs.
  const auto dir = test::source_dir() / "tests/data";
  const auto hw = arch::read_zigzag_hardware((dir / "zigzag_small_hw.yaml").string());
  const auto maps = dataflow::read_zigzag_mapping((dir / "zigzag_small_mapping.yaml").string());
  const auto layers = workload::read_zigzag_workload((dir / "zigzag_small_workload.yaml").string());
  const auto p = compile_problem(layers[4], hw, maps.entries[0]);
  const int K = p.dim_id("K");
  bool found = false;
  for (const auto& o : p.ops)
    for (const auto& lvl : o.su_frac)
      for (const auto& l : lvl)
        if (l.dim == K) {
          EXPECT_NEAR(l.size, 10.0 / 3.0, 1e-12);
          found = true;
        }
  EXPECT_TRUE(found);
  for (const auto& o : p.ops)
    for (const auto& lvl : o.su_int)
      for (const auto& l : lvl)
        if (l.dim == K) {
          EXPECT_EQ(l.size, 3);  // integer twin used for latency
        }
  bool k_temporal = false;
  for (const auto& [d, s] : p.temporal_loops)
    if (d == K) {
      EXPECT_EQ(s, 3);
      k_temporal = true;
    }
  EXPECT_TRUE(k_temporal);
}

TEST(LoopNestProblem, SpatialLegalizationCapsFactors) {
  // C = 3 on a 4-wide dimension is capped to 3 (ZigZag check_and_reduce).
  const auto dir = test::source_dir() / "tests/data";
  const auto hw = arch::read_zigzag_hardware((dir / "zigzag_small_hw.yaml").string());
  const auto maps = dataflow::read_zigzag_mapping((dir / "zigzag_small_mapping.yaml").string());
  const auto layers = workload::read_zigzag_workload((dir / "zigzag_small_workload.yaml").string());
  const auto p = compile_problem(layers[0], hw, maps.entries[0]);
  ASSERT_EQ(p.spatial.size(), 2u);
  EXPECT_EQ(p.spatial[1].unrolls[0].dim, "C");
  EXPECT_EQ(p.spatial[1].unrolls[0].factor, 3);
  // The pooling entry's "C, 1" is dropped (Pooling has no C).
  const auto q = compile_problem(layers[2], hw, dataflow::select_mapping(maps, "pool", "Pooling"));
  EXPECT_TRUE(q.spatial[1].unrolls.empty());
}

TEST(LoopNestProblem, UnmappedArrayDimensionIsAnError) {
  const auto hw = arch::parse_zigzag_hardware(testutil::kTinyHw, "hw.yaml");
  const auto maps = dataflow::parse_zigzag_mapping(
      "- name: default\n  spatial_mapping:\n    D2: [\"K, 1\"]\n", "m.yaml");
  const auto layers = workload::parse_zigzag_workload(testutil::kTinyWorkload, "w.yaml");
  EXPECT_THROW(compile_problem(layers[0], hw, maps.entries[0]), UserError);
}

TEST(LoopNestProblem, UnlinkedOperandIsAnError) {
  const auto hw = arch::parse_zigzag_hardware(testutil::kTinyHw, "hw.yaml");
  const auto maps = dataflow::parse_zigzag_mapping(
      "- name: default\n  spatial_mapping:\n    D1: [\"K, 1\"]\n  memory_operand_links: {O: O, W: "
      "I2, I: I1}\n",
      "m.yaml");
  auto layers = workload::parse_zigzag_workload(testutil::kTinyWorkload, "w.yaml");
  layers[0].operands[2].name = "A";  // an input the mapping does not link
  layers[0].precision_bits.emplace_back("A", 8);
  EXPECT_THROW(compile_problem(layers[0], hw, maps.entries[0]), UserError);
}

}  // namespace
}  // namespace mosaic::cost

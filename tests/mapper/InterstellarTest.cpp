#include <gtest/gtest.h>

#include <algorithm>

#include "arch/HierarchyBuilder.h"
#include "common/Error.h"
#include "mapper/InterstellarNetworks.h"
#include "mapper/MemorySizing.h"
#include "mapper/SpatialSearch.h"

namespace mosaic::mapper {
namespace {

std::int64_t macs(const std::vector<workload::EinsumLayer>& v) {
  std::int64_t s = 0;
  for (const auto& l : v) s += workload::total_iterations(l);
  return s;
}

TEST(InterstellarNetworks, Shapes) {
  const auto alex = interstellar_network("alexnet", 1);
  ASSERT_EQ(alex.size(), 8u);
  EXPECT_EQ(workload::total_iterations(alex[0]), 105415200);  // 55*55*96*3*11*11
  EXPECT_EQ(workload::total_iterations(alex[5]), 9216LL * 4096);
  EXPECT_EQ(interstellar_network("vgg16", 1).size(), 16u);
  EXPECT_EQ(macs(interstellar_network("vgg16", 1)), 15470264320LL);  // the usual 15.47 GMAC
  EXPECT_EQ(interstellar_network("googlenet", 1).size(), 3u + 9 * 6 + 1);
  const auto mb = interstellar_network("mobilenet", 1);
  EXPECT_EQ(mb.size(), 28u);
  EXPECT_EQ(macs(mb), 568740352LL);  // MobileNet v1 224: 569 M multiply-adds
  const auto dw = interstellar_network("mobilenet-conv14", 1);
  EXPECT_EQ(dw[0].name, "conv14_dw");
  EXPECT_EQ(workload::dim_size(dw[0], "G"), 512);
  EXPECT_EQ(workload::dim_size(dw[0], "OX"), 14);
  EXPECT_EQ(interstellar_network("mobilenet-conv15", 1)[0].name, "conv15_pw");
  EXPECT_EQ(workload::dim_size(interstellar_network("lstm-m")[0], "B"), 128);  // paper batch
  EXPECT_EQ(workload::dim_size(interstellar_network("alexnet")[0], "B"), 16);
  EXPECT_THROW(interstellar_network("resnet"), UserError);
}

TEST(SpatialSearch, FixedDataflowFillsTheArray) {
  const auto hw = arch::build_hierarchy(arch::HierarchySpec{}, arch::interstellar_28nm());
  const auto alex = interstellar_network("alexnet", 16);
  const auto c1 = fixed_dataflow(alex[0], hw, {{"C"}, {"K"}});
  EXPECT_EQ(c1.notation(), "C|K");
  ASSERT_EQ(c1.spatial[0].unrolls.size(), 1u);
  EXPECT_EQ(c1.spatial[0].unrolls[0].factor, 3);   // C = 3
  EXPECT_EQ(c1.spatial[1].unrolls[0].factor, 16);  // K = 96: largest divisor <= 16
  EXPECT_DOUBLE_EQ(c1.utilization, 48.0 / 256);
  const auto c3 = fixed_dataflow(alex[2], hw, {{"OY"}, {"FX", "C"}});
  EXPECT_EQ(c3.spatial[0].unrolls[0].factor, 13);
  // FX (3) and C (256) on 16 PEs: 3 x 4 = 12 loses to 1 x 16, so FX is not unrolled.
  ASSERT_EQ(c3.spatial[1].unrolls.size(), 1u);
  EXPECT_EQ(c3.spatial[1].unrolls[0].dim, "C");
}

TEST(SpatialSearch, EnumerationRespectsTheThreshold) {
  const auto hw = arch::build_hierarchy(arch::HierarchySpec{}, arch::interstellar_28nm());
  const auto conv3 = interstellar_network("alexnet-conv3", 16)[0];
  DataflowSpaceOptions o;
  o.max_loops_per_dim = 1;
  const auto plain = enumerate_dataflows(conv3, hw, o);
  EXPECT_EQ(plain.size(), 21u);  // C(7, 2) unordered pairs of the 7 loops
  o.min_utilization = 0.75;
  const auto kept = enumerate_dataflows(conv3, hw, o);
  for (const auto& c : kept) EXPECT_GE(c.utilization, 0.75 - 1e-12) << c.notation();
  EXPECT_LT(kept.size(), plain.size());
  o.max_loops_per_dim = 2;
  const auto rep = enumerate_dataflows(conv3, hw, o);
  EXPECT_GT(rep.size(), kept.size());
  EXPECT_TRUE(
      std::any_of(rep.begin(), rep.end(), [](const DataflowCandidate& c) { return c.replicated; }));
}

TEST(SpatialSearch, BestIsTheMinimumOverTheSpace) {
  const auto hw = arch::build_hierarchy(arch::HierarchySpec{}, arch::interstellar_28nm());
  const auto layer = fc_layer("fc", 16, 64, 48);
  DataflowSpaceOptions ds;
  ds.min_utilization = 0.5;
  LomaOptions lo;
  lo.objective = Objective::Energy;
  const auto all = search_spatial(layer, hw, ds, lo, true);
  const auto best = search_spatial(layer, hw, ds, lo, false);
  ASSERT_TRUE(all.found && best.found);
  double mn = 1e300;
  for (const auto& r : all.all) mn = std::min(mn, r.temporal.cost.energy_pj);
  EXPECT_DOUBLE_EQ(best.best.temporal.cost.energy_pj, mn);
  EXPECT_DOUBLE_EQ(all.best.temporal.cost.energy_pj, mn);
}

TEST(MemorySizing, OptimizerBeatsOrMatchesTheBaseline) {
  const auto layers = interstellar_network("mlp-m");
  MemsizeOptions mo;
  mo.rf_bytes = {16, 64, 512};
  mo.rf2_bytes = {128, 512};
  mo.gb_bytes = {65536, 131072, 262144};
  const auto r = optimize_memory(layers, arch::HierarchySpec{}, mo, SizingOptions{});
  EXPECT_GE(r.gain, 1.0);
  EXPECT_LE(r.best.energy.energy_pj, r.baseline.energy.energy_pj);
  EXPECT_EQ(r.evaluated.front().spec.rf_bytes, std::vector<std::int64_t>{512});  // baseline first
  // Observation 3: no two-level register file with a ratio below 8 was evaluated.
  for (const auto& p : r.evaluated)
    if (p.spec.rf_bytes.size() == 2) {
      EXPECT_GE(p.spec.rf_bytes[1], 8 * p.spec.rf_bytes[0]);
    }
  EXPECT_GT(r.pruned_obs3, 0);
  double sum = r.best.energy.mac_pj + r.best.energy.noc_pj;
  for (const auto& [name, e] : r.best.energy.level_pj) sum += e;
  EXPECT_NEAR(sum, r.best.energy.energy_pj, 1e-6 * r.best.energy.energy_pj);
}

TEST(MemorySizing, SmallerRegisterFilesSaveEnergyOnConvLayers) {
  // Interstellar's Observation: a 64 B register file beats 512 B (Fig. 11/12).
  const auto layers = interstellar_network("alexnet-conv3");
  arch::HierarchySpec big, small;
  small.rf_bytes = {64};
  const auto e_big = network_energy(layers, big, SizingOptions{});
  const auto e_small = network_energy(layers, small, SizingOptions{});
  EXPECT_LT(e_small.energy_pj, e_big.energy_pj);
  EXPECT_EQ(e_big.dominant_level, "rf1");
}

}  // namespace
}  // namespace mosaic::mapper

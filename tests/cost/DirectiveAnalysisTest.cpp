// Hand-computed expectations for the directive analysis.
#include <gtest/gtest.h>

#include "arch/Technology.h"
#include "common/Error.h"
#include "cost/DirectiveAnalysis.h"
#include "dataflow/Dataflow.h"

namespace mosaic::cost {
namespace {

using dataflow::BoundDirective;
using dataflow::Dim;
using dataflow::DirectiveKind;
using dataflow::Problem;
using dataflow::ProblemType;

Problem conv(std::int64_t k, std::int64_t c, std::int64_t r, std::int64_t y) {
  Problem p;
  p.type = ProblemType::Conv;
  p.stride.fill(1);
  auto set = [&](Dim d, std::int64_t v) {
    p.size[static_cast<std::size_t>(dataflow::di(d))] = v;
    p.declared.push_back(d);
  };
  set(Dim::K, k);
  set(Dim::C, c);
  set(Dim::R, r);
  set(Dim::S, r);
  set(Dim::Y, y);
  set(Dim::X, y);
  p.size[static_cast<std::size_t>(dataflow::di(Dim::Yp))] = y - r + 1;
  p.size[static_cast<std::size_t>(dataflow::di(Dim::Xp))] = y - r + 1;
  return p;
}

BoundDirective map(DirectiveKind k, std::int64_t size, std::int64_t ofs, Dim d) {
  BoundDirective b;
  b.kind = k;
  b.size = size;
  b.offset = ofs;
  b.dim = d;
  return b;
}

// Four output channels over two PEs, one MAC each: two iteration cases.
//  case 0 (all Init): input 1 + weights 2 in (multicast input), 2 outputs out;
//                     delay = ingress (1 + 3 - 1) + compute 1 = 4
//  case 1 (K Steady): the input stays (stationary), 2 new weights in, 2 outputs out;
//                     delay = max(ingress 2, compute 1, egress 2) = 2
TEST(DirectiveAnalysis, HandComputedSpatialOverK) {
  const Problem p = conv(4, 1, 1, 1);
  const std::vector<BoundDirective> df = {map(DirectiveKind::SpatialMap, 1, 1, Dim::K)};
  DirectiveHardware hw;
  hw.num_pes = 2;
  hw.noc_bw = 1;
  hw.noc_latency = 1;
  hw.offchip_bw = 1000000;
  for (bool compat : {true, false}) {
    const DirectiveResult r = analyze_directives(p, df, hw, DirectiveOptions{compat});
    const LevelFigures& t = r.top;
    EXPECT_EQ(r.num_levels, 1);
    EXPECT_EQ(t.runtime, 6);
    EXPECT_EQ(t.num_computations, 4);
    EXPECT_EQ(r.macs, 4);
    EXPECT_EQ(t.l2_read[0], 1);   // input read once (stationary afterwards)
    EXPECT_EQ(t.l2_read[1], 4);   // every weight once
    EXPECT_EQ(t.l2_write[0], 1);  // the DRAM fill of L2
    EXPECT_EQ(t.l2_write[1], 4);
    EXPECT_EQ(t.l2_write[2], 4);  // every output written back once
    EXPECT_EQ(t.l2_read[2], 4);
    EXPECT_EQ(t.l1_read[0], 4);  // one read per MAC per operand
    EXPECT_EQ(t.l1_read[1], 4);
    EXPECT_EQ(t.l1_read[2], 4);
    EXPECT_EQ(t.l1_write[0], 1);  // MAESTRO: one L1 write per L2 read
    EXPECT_EQ(t.l1_fill[0], 2);   // both PEs receive the input once
    EXPECT_EQ(t.l1_fill[1], 4);
    EXPECT_EQ(t.l2_size_req[0], 2);
    EXPECT_EQ(t.l2_size_req[1], 4);
    EXPECT_EQ(t.l2_size_req[2], 4);
    EXPECT_EQ(t.l1_size_req[0] + t.l1_size_req[1] + t.l1_size_req[2], 6);
    EXPECT_EQ(t.peak_bw_req, 3);
    EXPECT_DOUBLE_EQ(t.avg_bw_req, 2.5);
    EXPECT_EQ(t.offchip_bw_req, 3);  // max(3 after case 0, 6 in case 1) / 2
    EXPECT_EQ(t.delay[0][0], 2);     // ingress min
    EXPECT_EQ(t.delay[0][1], 3);     // ingress max
    EXPECT_EQ(t.delay[0][2], 2);     // ingress avg 2.5, truncated as MAESTRO does
    EXPECT_EQ(t.delay[2][1], 1);     // compute
    EXPECT_DOUBLE_EQ(t.avg_active_clusters, 2.0);
    EXPECT_EQ(t.compute_cycles, 2);
  }
}

// A temporal map with an edge: TemporalMap(3,3) X over X = 8 gives an Init step (0-2), one Steady
// step (3-5) and an Edge step (6-7). With a 1x1 filter a tile is its own outputs, so the steps
// compute 3, 3 and 2 MACs on one PE; with a free NoC (latency 0, 100 elements per cycle) every
// transfer takes 0 cycles and runtime = 3 + 3 + 2.
TEST(DirectiveAnalysis, TemporalEdgeTiles) {
  Problem p = conv(1, 1, 1, 8);
  p.size[static_cast<std::size_t>(dataflow::di(Dim::Y))] = 1;
  p.size[static_cast<std::size_t>(dataflow::di(Dim::Yp))] = 1;
  const std::vector<BoundDirective> df = {map(DirectiveKind::SpatialMap, 1, 1, Dim::K),
                                          map(DirectiveKind::TemporalMap, 3, 3, Dim::X)};
  DirectiveHardware hw;
  hw.num_pes = 1;
  hw.noc_bw = 100;
  hw.noc_latency = 0;
  hw.offchip_bw = 1000000;
  const DirectiveResult r = analyze_directives(p, df, hw, DirectiveOptions{false});
  EXPECT_EQ(r.top.num_computations, 8);
  EXPECT_EQ(r.top.runtime, 8);
  EXPECT_EQ(r.top.delay[2][0], 2);  // compute min: the edge step
  EXPECT_EQ(r.top.delay[2][1], 3);
  EXPECT_EQ(r.top.l2_read[0], 8);  // every input pixel read once
}

TEST(DirectiveAnalysis, ErrorsNameTheProblem) {
  const Problem p = conv(4, 1, 1, 1);
  DirectiveHardware hw;
  hw.num_pes = 2;
  // No spatial map in a level.
  EXPECT_THROW(analyze_directives(p, {map(DirectiveKind::TemporalMap, 1, 1, Dim::K)}, hw, {}),
               UserError);
  // Three spatial maps in one level.
  EXPECT_THROW(analyze_directives(p,
                                  {map(DirectiveKind::SpatialMap, 1, 1, Dim::K),
                                   map(DirectiveKind::SpatialMap, 1, 1, Dim::C),
                                   map(DirectiveKind::SpatialMap, 1, 1, Dim::R)},
                                  hw, {}),
               UserError);
  // Clusters needing more PEs than the hardware has (MAESTRO divides by zero).
  BoundDirective cl;
  cl.kind = DirectiveKind::Cluster;
  cl.size = 64;
  try {
    analyze_directives(p,
                       {map(DirectiveKind::SpatialMap, 1, 1, Dim::K), cl,
                        map(DirectiveKind::SpatialMap, 1, 1, Dim::C)},
                       hw, {});
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("multiply to 64 PEs but the hardware has 2"),
              std::string::npos)
        << e.what();
  }
  // Zero bandwidth.
  hw.noc_bw = 0;
  EXPECT_THROW(analyze_directives(p, {map(DirectiveKind::SpatialMap, 1, 1, Dim::K)}, hw, {}),
               UserError);
}

TEST(DirectiveAnalysis, ProblemMacsIsStrideCorrect) {
  Problem p = conv(64, 3, 7, 224);
  p.stride[static_cast<std::size_t>(dataflow::di(Dim::Y))] = 2;
  p.stride[static_cast<std::size_t>(dataflow::di(Dim::X))] = 2;
  EXPECT_EQ(problem_macs(p), 64LL * 3 * 49 * 109 * 109);
}

// MAESTRO's area and power model, checked against its printed figures for ResNet-50 CONV1 on
// accelerator_1 (256 PEs, NoC 1000, L1 294, L2 1478): area 4.19055e8 um^2, power 3632.75 mW
// (../shared/reference/maestro/NOTES.md section 8), and by hand: PE power 256 x 1.2223.
TEST(Technology, MaestroAreaPower) {
  const auto ap = arch::area_power(arch::default_technology(), 256, 1, 1000, 294, 1478);
  EXPECT_NEAR(ap.area_um2, 4.19055e8, 0.00001e8);
  EXPECT_NEAR(ap.power_mw, 3632.75, 0.01);
  EXPECT_NEAR(ap.pe_power_mw, 256 * 1.2223, 1e-9);
  EXPECT_NEAR(ap.l1_power_mw, 256 * 294 * 0.00345, 1e-9);
  EXPECT_NEAR(ap.l2_power_mw, 1478 * 0.00345, 1e-9);
}

}  // namespace
}  // namespace mosaic::cost

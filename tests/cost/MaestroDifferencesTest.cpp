// One test per entry of docs/maestro-differences.md: what the default mode fixes and how the
// compat mode keeps MAESTRO's behaviour. Each test is self-contained (its own small mapping).
#include <gtest/gtest.h>

#include <cmath>

#include "arch/Core.h"
#include "common/Error.h"
#include "cost/MaestroNetwork.h"
#include "dataflow/Dataflow.h"
#include "outputs/MaestroCsv.h"
#include "workload/Layer.h"
#include "workload/MaestroFormat.h"

namespace mosaic {
namespace {

namespace mf = workload::maestro_format;

cost::MaestroNetworkReport run(const std::string& text, bool compat, std::int64_t pes = 64) {
  const auto net = mf::parse_network_text(text, "d.m");
  arch::Core core;
  core.num_pes = pes;
  core.noc_bw = 16;
  core.offchip_bw = 8;
  cost::MaestroEvalOptions opt;
  opt.maestro_compat = compat;
  return cost::evaluate_maestro_network(net, core, opt);
}

std::string net(const std::string& layers) {
  return "Network d {\n" + layers + "\n}\n";
}

// A 3x3 stride-2 convolution under a ShiDianNao-like mapping (the shape of ResNet-50's CONV1).
const std::string kStridedOs = net(R"(Layer c {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 4, C: 3, R: 3, S: 3, Y: 33, X: 33 }
Dataflow {
TemporalMap(1,1) K;
TemporalMap(1,1) C;
SpatialMap(Sz(R),1) Y;
TemporalMap(10,8) X;
TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
Cluster(8, P);
SpatialMap(Sz(S),1) X;
}
})");

// 1. MAC count: the default mode's partial sums are the true MACs; MAESTRO's depend on the
//    mapping for strided layers.
TEST(MaestroDifferences, TrueMacCount) {
  const std::int64_t truth = 4 * 3 * 16 * 16 * 9;  // (33-3)/2+1 = 16
  const auto d = run(kStridedOs, false);
  EXPECT_EQ(d.layers[0].num_macs, truth);
  EXPECT_EQ(d.layers[0].analysis.top.num_computations, truth);
  const auto c = run(kStridedOs, true);
  EXPECT_NE(c.layers[0].num_macs, truth);
  EXPECT_EQ(c.layers[0].analysis.macs, truth);  // mosaic still knows the truth in compat mode
}

// 2. Stride-correct counts: the output tensor MAESTRO initialises in L2 ignores the stride.
TEST(MaestroDifferences, StrideCorrectOutputCounts) {
  EXPECT_EQ(run(kStridedOs, true).layers[0].tensors[2].l2_read, 4 * 31 * 31);
  EXPECT_EQ(run(kStridedOs, false).layers[0].tensors[2].l2_read, 4 * 16 * 16);
}

// 3. A strided 1x1 window is the dense problem over the subsampled input.
TEST(MaestroDifferences, StridedPointwiseIsSubsampled) {
  const std::string t = net(R"(Layer p {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 8, C: 4, R: 1, S: 1, Y: 14, X: 14 }
Dataflow {
TemporalMap(1,1) K;
TemporalMap(1,1) C;
SpatialMap(Sz(R),1) Y;
TemporalMap(8,8) X;
Cluster(8, P);
SpatialMap(Sz(S),1) X;
}
})");
  EXPECT_EQ(run(t, false).layers[0].analysis.top.num_computations, 8 * 4 * 7 * 7);
}

// 4. The spatial edge step: MAESTRO gives the partial last sub-cluster the place of a full one
//    (a whole output row of a strided Eyeriss-like layer is lost); mosaic counts both.
TEST(MaestroDifferences, SpatialEdgeKeepsEveryRow) {
  const std::string t = net(R"(Layer c {
Type: CONV
Stride { X: 2, Y: 2 }
Dimensions { K: 2, C: 3, R: 3, S: 3, Y: 64, X: 64 }
Dataflow {
SpatialMap(1,1) Y';
TemporalMap(1,1) X';
TemporalMap(1,1) C;
TemporalMap(2,2) K;
TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
Cluster(Sz(R),P);
SpatialMap(1,1) Y;
SpatialMap(1,1) R;
TemporalMap(Sz(S),Sz(S)) S;
}
})");
  const std::int64_t truth = 2 * 3 * 31 * 31 * 9;
  EXPECT_EQ(run(t, false, 60).layers[0].analysis.top.num_computations, truth);
  EXPECT_LT(run(t, true, 60).layers[0].analysis.top.num_computations, truth);
}

// 5. A temporal edge step reads only what is left of the dimension.
TEST(MaestroDifferences, TemporalEdgeReadsWhatIsLeft) {
  const std::string t = net(R"(Layer c {
Type: CONV
Dimensions { K: 1, C: 1, R: 1, S: 1, Y: 1, X: 8 }
Dataflow {
SpatialMap(1,1) K;
TemporalMap(3,3) X;
}
})");
  EXPECT_EQ(run(t, false, 1).layers[0].tensors[0].l2_read, 8);
  EXPECT_EQ(run(t, true, 1).layers[0].tensors[0].l2_read, 9);
}

// 6. L1 writes: every PE writes its own copy of what it receives; MAESTRO copies the L2 reads.
TEST(MaestroDifferences, L1WritesPerPe) {
  const std::string t = net(R"(Layer c {
Type: CONV
Dimensions { K: 4, C: 1, R: 1, S: 1, Y: 1, X: 1 }
Dataflow {
SpatialMap(1,1) K;
}
})");
  // Two PEs share the single input pixel (multicast): 1 L2 read, 2 L1 writes.
  EXPECT_EQ(run(t, true, 2).layers[0].tensors[0].l1_write, 1);
  EXPECT_EQ(run(t, false, 2).layers[0].tensors[0].l1_write, 2);
  EXPECT_EQ(run(t, false, 2).layers[0].tensors[0].l2_read, 1);
}

// A two-level mapping for the energy figures.
const std::string kTwoLayers = net(R"(Layer a {
Type: CONV
Dimensions { K: 8, C: 8, R: 3, S: 3, Y: 8, X: 8 }
Dataflow {
SpatialMap(1,1) K;
TemporalMap(8,8) C;
TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
TemporalMap(Sz(R),1) Y;
TemporalMap(Sz(S),1) X;
Cluster(8, P);
SpatialMap(1,1) C;
}
}
Layer b {
Type: CONV
Dimensions { K: 4, C: 8, R: 1, S: 1, Y: 6, X: 6 }
Dataflow {
SpatialMap(1,1) K;
TemporalMap(8,8) C;
TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
TemporalMap(Sz(R),1) Y;
TemporalMap(Sz(S),1) X;
Cluster(8, P);
SpatialMap(1,1) C;
}
})");

// 7. The CSV energy: MAESTRO adds the previous layer's L1 counts (its variables persist across
//    layers) and leaves out the MACs; mosaic reports the layer's own total energy.
TEST(MaestroDifferences, CsvEnergy) {
  const auto c = run(kTwoLayers, true);
  const auto& a = c.layers[0];
  const auto& b = c.layers[1];
  auto l2 = [](const cost::MaestroLayerReport& r) {
    return static_cast<double>(r.tensors[0].l2_read + r.tensors[0].l2_write + r.tensors[1].l2_read +
                               r.tensors[1].l2_write + r.tensors[2].l2_write);
  };
  auto l1 = [](const cost::MaestroLayerReport& r) {
    double s = 0;
    for (const auto& t : r.tensors) s += static_cast<double>(t.l1_read + t.l1_write);
    return s;
  };
  // First layer: no previous layer, so no L1 term at all; second: the first layer's L1 counts.
  EXPECT_NEAR(a.csv_energy_nj, 0.00023 * 18.61 * l2(a), 1e-9 * a.csv_energy_nj);
  EXPECT_NEAR(b.csv_energy_nj, 0.00023 * (18.61 * l2(b) + 1.68 * l1(a)), 1e-9 * b.csv_energy_nj);
  const auto d = run(kTwoLayers, false);
  EXPECT_NEAR(d.layers[1].csv_energy_nj, d.layers[1].cost.energy_pj / 1000, 1e-12);
}

// 8. DRAM and NoC energy exist in the default mode only.
TEST(MaestroDifferences, DramAndNocEnergy) {
  const auto c = run(kTwoLayers, true).layers[0].cost;
  const auto d = run(kTwoLayers, false).layers[0].cost;
  EXPECT_EQ(c.noc_energy_pj, 0);
  EXPECT_EQ(c.levels[2].energy_pj, 0);
  EXPECT_GT(d.noc_energy_pj, 0);
  EXPECT_NEAR(d.levels[2].energy_pj,
              46.0 * (d.levels[2].reads[0] + d.levels[2].reads[1] + d.levels[2].writes[2]), 1e-6);
  EXPECT_EQ(d.levels[2].reads[1], 8 * 8 * 9);  // every weight from DRAM once
}

// 9. Legality: the default mode enforces the paper's conditions; compat only MAESTRO's R/S rule.
TEST(MaestroDifferences, Legality) {
  const std::string redundant = net(R"(Layer c {
Type: CONV
Dimensions { K: 8, C: 1, R: 1, S: 1, Y: 4, X: 4 }
Dataflow {
SpatialMap(2,1) K;
}
})");
  EXPECT_NO_THROW(run(redundant, true));
  try {
    run(redundant, false);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("d.m:6: Layer c SpatialMap(2,1) K"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("no-redundancy"), std::string::npos);
  }
  const std::string rs = net(R"(Layer c {
Type: CONV
Dimensions { K: 8, C: 1, R: 3, S: 3, Y: 4, X: 4 }
Dataflow {
SpatialMap(1,1) K;
TemporalMap(1,1) R;
}
})");
  EXPECT_THROW(run(rs, true), UserError);
  EXPECT_THROW(run(rs, false), UserError);
  // A map larger than its dimension is clamped, not rejected.
  const std::string big = net(R"(Layer c {
Type: CONV
Dimensions { K: 8, C: 3, R: 1, S: 1, Y: 4, X: 4 }
Dataflow {
SpatialMap(1,1) K;
TemporalMap(64,64) C;
}
})");
  EXPECT_EQ(run(big, false).layers[0].analysis.top.num_computations, 8 * 3 * 16);
}

// 10. No NaN, no infinity, no 0-cycle layer in the default mode; compat prints MAESTRO's values.
TEST(MaestroDifferences, NoNanNoZeroCycles) {
  // The last layer of ResNeXt50_yxp_os: a 7x7 'FC' under a mapping whose X tile (8) exceeds X (7);
  // MAESTRO computes nothing and prints runtime 0, throughput NaN and LONG_MIN delays.
  const std::string t = net(R"(Layer fc {
Type: CONV
Dimensions { K: 10, C: 16, R: 7, S: 7, Y: 7, X: 7 }
Dataflow {
TemporalMap(1,1) K;
TemporalMap(1,1) C;
SpatialMap(Sz(R), 1) Y;
TemporalMap(7,1) X;
Cluster(8, P);
SpatialMap(Sz(S), 1) X;
TemporalMap(Sz(R), Sz(R)) R;
TemporalMap(Sz(R), Sz(R)) S;
}
})");
  const auto d = run(t, false, 256);
  EXPECT_GE(d.layers[0].runtime_cycles, 1);
  EXPECT_TRUE(std::isfinite(d.layers[0].throughput));
  const std::string row = outputs::maestro_csv_row(d.layers[0]);
  EXPECT_EQ(row.find("nan"), std::string::npos) << row;
  EXPECT_EQ(row.find("inf"), std::string::npos) << row;
}

// 11. Layers without a Dataflow block: MAESTRO reuses the previous layer's sizes as it resolved
//     them (Sz(R) of the previous layer); the default mode resolves Sz() for the layer itself.
TEST(MaestroDifferences, InheritedDataflowRebinds) {
  const std::string t = net(R"(Layer a {
Type: CONV
Dimensions { K: 4, C: 2, R: 3, S: 3, Y: 6, X: 6 }
Dataflow {
SpatialMap(1,1) K;
TemporalMap(Sz(R),1) Y;
TemporalMap(Sz(S),1) X;
TemporalMap(Sz(R),Sz(R)) R;
TemporalMap(Sz(S),Sz(S)) S;
}
}
Layer b {
Type: CONV
Dimensions { K: 4, C: 2, R: 1, S: 1, Y: 6, X: 6 }
})");
  // Compat: Sz(R) = 3 on a 1x1 layer violates MAESTRO's R/S rule; default: Sz(R) = 1.
  EXPECT_THROW(run(t, true), UserError);
  EXPECT_EQ(run(t, false).layers[1].analysis.top.num_computations, 4 * 2 * 36);
}

// 12. Batch: MAESTRO builds the tensors of a layer type once, from its first layer, so a later
//     layer's batch N is ignored when the first one had none; mosaic uses each layer's own.
TEST(MaestroDifferences, BatchPerLayer) {
  const std::string t = net(R"(Layer a {
Type: CONV
Dimensions { K: 4, C: 2, R: 1, S: 1, Y: 4, X: 4 }
Dataflow {
SpatialMap(1,1) K;
}
}
Layer b {
Type: CONV
Dimensions { N: 3, K: 4, C: 2, R: 1, S: 1, Y: 4, X: 4 }
Dataflow {
SpatialMap(1,1) K;
}
})");
  EXPECT_EQ(run(t, false).layers[1].input_pixels, 3 * 2 * 16);
  EXPECT_EQ(run(t, true).layers[1].input_pixels, 2 * 16);
}

// 13. Pooling and element-wise layers are analysed (as per-channel windows) from workloads;
//     MAESTRO's file format has no POOL layer and both modes reject it with a clear message.
TEST(MaestroDifferences, Pooling) {
  workload::Layer pool;
  pool.name = "pool";
  pool.op = workload::OpKind::MaxPool;
  pool.G = 64;
  pool.Y = pool.X = 56;
  pool.R = pool.S = 3;
  pool.stride_y = pool.stride_x = 2;
  const auto p = dataflow::problem_from_layer(pool);
  EXPECT_EQ(p.type, dataflow::ProblemType::DwConv);
  EXPECT_EQ(p[dataflow::Dim::C], 64);
  EXPECT_THROW(run(net("Layer p {\nType: POOL\nDimensions { C: 4 }\n}"), false), UserError);
}

// 15. Output stationarity: MAESTRO sends a sub-cluster's outputs back every step; the default
//     mode keeps them while only reduction dimensions (here C, innermost) advance.
TEST(MaestroDifferences, OutputsStayWhileTheReductionAdvances) {
  const std::string t = net(R"(Layer c {
Type: CONV
Dimensions { K: 2, C: 8, R: 1, S: 1, Y: 4, X: 4 }
Dataflow {
TemporalMap(1,1) K;
SpatialMap(1,1) Y;
TemporalMap(1,1) X;
TemporalMap(1,1) C;
}
})");
  EXPECT_EQ(run(t, false, 4).layers[0].tensors[2].l2_write, 2 * 4 * 4);     // each output once
  EXPECT_EQ(run(t, true, 4).layers[0].tensors[2].l2_write, 2 * 4 * 4 * 8);  // once per C step
}

}  // namespace
}  // namespace mosaic

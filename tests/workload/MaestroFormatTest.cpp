#include <gtest/gtest.h>

#include <filesystem>

#include "TestSupport.h"
#include "common/Error.h"
#include "workload/MaestroFormat.h"

namespace mosaic::workload::maestro_format {
namespace {

const char* kNet = R"(// a comment
Constant KT 64;
Network Tiny {
  Layer CONV1 {
    Type: CONV
    Stride { X: 2, Y: 2 }
    Dimensions { K: 64, C: 3, R: 7, S: 7, Y:224, X:224 }
    Dataflow {
      SpatialMap(1,1) K;
      TemporalMap(KT,KT) C;   // constant
      TemporalMap(Sz(R),Sz(R)) R;
      Cluster(64, P);
      SpatialMap(1,1) C;
    }
  }
  Layer FC {
    Type: CONV
    Dimensions {K 1000, C 2048, R 1, S 1, Y 1, X 1}
  }
}
Accelerator { PE { NumPEs: 256; VectorWidth: 4 } }
)";

TEST(MaestroFormat, ParsesLayersDimsStridesAndDirectives) {
  const NetworkSyntax net = parse_network_text(kNet, "tiny.m");
  EXPECT_EQ(net.name, "Tiny");
  ASSERT_EQ(net.layers.size(), 2u);
  const LayerSyntax& c1 = net.layers[0];
  EXPECT_EQ(c1.name, "CONV1");
  EXPECT_EQ(c1.type, "CONV");
  EXPECT_EQ(c1.line, 4);
  EXPECT_EQ(c1.stride("X"), 2);
  EXPECT_EQ(c1.stride("K"), 1);
  EXPECT_EQ(*c1.dim("Y"), 224);
  ASSERT_TRUE(c1.has_dataflow);
  ASSERT_EQ(c1.dataflow.size(), 5u);
  EXPECT_EQ(c1.dataflow[0].kind, DirectiveKind::SpatialMap);
  EXPECT_EQ(c1.dataflow[1].size.value, 64);
  EXPECT_EQ(c1.dataflow[1].line, 10);
  EXPECT_TRUE(c1.dataflow[2].size.is_dim_size());
  EXPECT_EQ(c1.dataflow[2].size.dim, "R");
  EXPECT_EQ(c1.dataflow[3].kind, DirectiveKind::Cluster);
  EXPECT_EQ(c1.dataflow[3].size.value, 64);
  EXPECT_EQ(c1.dataflow[3].cluster_type, 'P');
  EXPECT_FALSE(net.layers[1].has_dataflow);
  EXPECT_EQ(*net.layers[1].dim("C"), 2048);
}

TEST(MaestroFormat, BraceWithoutSpaceIsAccepted) {
  const auto net = parse_network_text(
      "Network n {\nLayer L {\nType: GEMM\nDimensions {K:4, M:2, N:3}\n}\n}\n", "g.m");
  ASSERT_EQ(net.layers.size(), 1u);
  EXPECT_EQ(*net.layers[0].dim("K"), 4);
}

TEST(MaestroFormat, ToLayerConventions) {
  const NetworkSyntax net = parse_network_text(kNet, "tiny.m");
  const Layer c1 = to_layer(net.layers[0], "tiny.m");
  EXPECT_EQ(c1.op, OpKind::Conv);
  EXPECT_EQ(output_rows(c1), 109);
  EXPECT_EQ(macs(c1), 111776448);

  const auto g = parse_network_text(
      "Network n { Layer L { Type: GEMM Dimensions { K: 100, M: 20, N: 30 } } }", "g.m");
  const Layer gemm = to_layer(g.layers[0], "g.m");
  EXPECT_EQ(gemm.op, OpKind::Gemm);
  EXPECT_EQ(gemm.N, 20);   // rows
  EXPECT_EQ(gemm.C, 100);  // reduction
  EXPECT_EQ(gemm.K, 30);   // columns
  EXPECT_EQ(macs(gemm), 60000);

  const auto d = parse_network_text(
      "Network n { Layer L { Type: DSCONV Dimensions { C: 32, R: 3, S: 3, Y: 10, X: 10 } } }",
      "d.m");
  const Layer dw = to_layer(d.layers[0], "d.m");
  EXPECT_EQ(dw.op, OpKind::DepthwiseConv);
  EXPECT_EQ(macs(dw), 32 * 8 * 8 * 9);

  const auto t = parse_network_text(
      "Network n { Layer L { Type: TRCONV Dimensions { K: 8, C: 16, R: 2, S: 2, Y: 28, X: 28 } } }",
      "t.m");
  const Layer tr = to_layer(t.layers[0], "t.m");
  EXPECT_EQ(tr.op, OpKind::TransposedConv);
  EXPECT_EQ(output_rows(tr), 56);

  const auto o = parse_network_text(
      "Network n { Layer L { Type: CONV Dimensions { K: 8, C: 16, R: 3, S: 3, Y': 28, X': 28 } } }",
      "o.m");
  EXPECT_EQ(to_layer(o.layers[0], "o.m").Y, 30);
}

void expect_error(const std::string& text, const std::string& fragment) {
  try {
    parse_network_text(text, "bad.m");
    FAIL() << "expected an error containing " << fragment;
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(MaestroFormat, ErrorsNameFileLineAndField) {
  expect_error("Network n {\n Layer L {\n Type: FC\n Dimensions { K: 1 }\n }\n}\n",
               "bad.m:3: Type: unknown layer type 'FC'");
  expect_error("Network n {\n Layer L {\n Type: CONV\n Dimensions { K: 0 }\n }\n}\n",
               "bad.m:4: Dimensions K: dimension size must be positive");
  expect_error(
      "Network n {\n Layer L {\n Type: CONV\n Dimensions { K: 4 }\n Stride { X: 2 }\n }\n}\n",
      "bad.m:5: Stride: the Stride block must precede");
  expect_error(
      "Network n {\n Layer L {\n Type: CONV\n Dimensions { K: 4 }\n Dataflow { "
      "TemporalMap(Sz(R),1) R; }\n }\n}\n",
      "bad.m:5: TemporalMap: Sz(R) names a dimension");
  expect_error("Network n {\n Layer L {\n Type: CONV\n Dimensions { K: 4 }\n",
               "bad.m:4: Layer: unexpected end of file");
  expect_error("Network n {\n Layer L {\n Dimensions { K: 4 }\n }\n}\n",
               "bad.m:2: Layer L: missing 'Type'");
  expect_error(
      "Network n {\n Layer L {\n Type: CONV\n Dimensions { K: 4 }\n Dataflow { Foo(1,1) K; }\n "
      "}\n}\n",
      "bad.m:5: Dataflow: expected TemporalMap");
  expect_error("", "bad.m:1: Network: no Network block");
}

TEST(MaestroFormat, ParsesEveryShippedMaestroFile) {
  MOSAIC_REQUIRE_SHARED();
  namespace fs = std::filesystem;
  int files = 0, layers = 0;
  for (const char* sub : {"mapping", "model", "validation"}) {
    for (const auto& e :
         fs::directory_iterator(test::shared_dir() / "reference/maestro/inputs" / sub)) {
      if (e.path().extension() != ".m") continue;
      const NetworkSyntax net = parse_network_file(e.path());
      EXPECT_FALSE(net.layers.empty()) << e.path();
      for (const auto& l : net.layers) EXPECT_NO_THROW(to_layer(l, e.path().string())) << l.name;
      ++files;
      layers += static_cast<int>(net.layers.size());
    }
  }
  EXPECT_EQ(files, 56);
  EXPECT_GT(layers, 2000);
}

}  // namespace
}  // namespace mosaic::workload::maestro_format

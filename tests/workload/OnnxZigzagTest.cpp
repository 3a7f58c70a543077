// The ONNX files ZigZag ships (weights stripped into an absent external file, shapes inferred)
// import, with the MAC counts of the networks.
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "workload/OnnxImport.h"

namespace mosaic::workload {
namespace {

std::filesystem::path zigzag(const std::string& name) {
  return test::shared_dir() / "reference/zigzag/inputs/workload" / name;
}

const Node* find(const Model& m, const std::string& name) {
  for (const auto& n : m.nodes)
    if (n.layer.name == name) return &n;
  return nullptr;
}

TEST(OnnxZigzag, ResNet18) {
  MOSAIC_REQUIRE_SHARED();
  const Model m = import_onnx(zigzag("resnet18.onnx"));
  EXPECT_EQ(m.name, "torch_jit");  // the ONNX graph name
  // 20 Conv + 1 Gemm; torchvision resnet18 at 224x224: 1,814,073,344 MACs.
  EXPECT_EQ(mac_layer_count(m), 21);
  EXPECT_EQ(total_macs(m), 1814073344);
  // Every ONNX node depends on the input: nothing folds.
  EXPECT_EQ(m.nodes.size(), 49u);
  const Node* conv1 = find(m, "/conv1/Conv");
  ASSERT_NE(conv1, nullptr);
  EXPECT_EQ(conv1->layer.source_op, "Conv");
  EXPECT_EQ(conv1->layer.op, OpKind::Conv);
  EXPECT_EQ(conv1->layer.K, 64);
  EXPECT_EQ(conv1->layer.C, 3);
  EXPECT_EQ(conv1->layer.Y, 224);
  EXPECT_EQ(conv1->layer.R, 7);
  EXPECT_EQ(conv1->layer.stride_y, 2);
  EXPECT_EQ(conv1->layer.pad_top, 3);
  EXPECT_EQ(conv1->layer.pad_right, 3);
  EXPECT_EQ(macs(conv1->layer), 118013952);  // 64*3*112*112*49
  ASSERT_EQ(conv1->inputs.size(), 1u);
  EXPECT_EQ(conv1->inputs[0].producer, -1);
  EXPECT_EQ(conv1->inputs[0].elements, 3 * 224 * 224);
  const std::vector<std::int64_t> out{1, 64, 112, 112};
  EXPECT_EQ(conv1->output_shape, out);
  const Node* fc = find(m, "/fc/Gemm");
  ASSERT_NE(fc, nullptr);
  EXPECT_EQ(fc->layer.op, OpKind::Gemm);
  EXPECT_EQ(fc->layer.N, 1);
  EXPECT_EQ(fc->layer.C, 512);
  EXPECT_EQ(fc->layer.K, 1000);
  // Residual add: two data inputs.
  const Node* add = find(m, "/layer1/layer1.0/Add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->layer.op, OpKind::Elementwise);
  EXPECT_EQ(add->layer.num_inputs, 2);
  EXPECT_EQ(add->inputs.size(), 2u);
}

TEST(OnnxZigzag, MobileNetV2FoldsConstants) {
  MOSAIC_REQUIRE_SHARED();
  const Model m = import_onnx(zigzag("mobilenetv2.onnx"));
  // 52 Conv + 1 Gemm; torchvision mobilenet_v2: 300,774,272 MACs. The 70 Constant nodes (Clip
  // bounds) fold away.
  EXPECT_EQ(mac_layer_count(m), 53);
  EXPECT_EQ(total_macs(m), 300774272);
  EXPECT_EQ(m.nodes.size(), 100u);
  int depthwise = 0;
  for (const auto& n : m.nodes)
    if (n.layer.op == OpKind::DepthwiseConv) {
      ++depthwise;
      EXPECT_EQ(n.layer.C, 1);
      EXPECT_EQ(n.layer.K, 1);
    }
  EXPECT_EQ(depthwise, 17);
}

TEST(OnnxZigzag, AlexNetUnnamedNodesAndGroups) {
  MOSAIC_REQUIRE_SHARED();
  const Model m = import_onnx(zigzag("alexnet.onnx"));
  EXPECT_EQ(mac_layer_count(m), 8);
  // bvlc_alexnet at 224x224: conv1 96x3x11x11 /4 -> 54x54; conv2/4/5 in two groups.
  const Node* conv1 = find(m, "Conv_0");
  ASSERT_NE(conv1, nullptr);
  EXPECT_EQ(macs(conv1->layer), 96LL * 3 * 54 * 54 * 121);
  const Node* conv2 = find(m, "Conv_4");
  ASSERT_NE(conv2, nullptr);
  EXPECT_EQ(conv2->layer.op, OpKind::GroupedConv);
  EXPECT_EQ(conv2->layer.G, 2);
  EXPECT_EQ(conv2->layer.C, 48);
  EXPECT_EQ(conv2->layer.K, 128);
  EXPECT_EQ(total_macs(m), 654560384);
}

}  // namespace
}  // namespace mosaic::workload

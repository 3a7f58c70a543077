// Stream's ONNX computation nodes beside convolutions (PoolingParser, MulParser, SimdParser) on
// the ResNet-18 of Stream's examples.
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "workload/StreamWorkload.h"

namespace mosaic::test {
namespace {

const workload::EinsumLayer& by_id(const workload::StreamWorkload& w, std::int64_t id,
                                   std::size_t* index = nullptr) {
  for (std::size_t i = 0; i < w.layers.size(); ++i)
    if (w.layers[i].id == id) {
      if (index) *index = i;
      return w.layers[i];
    }
  throw std::runtime_error("no layer " + std::to_string(id));
}

TEST(StreamOnnx, ResNet18NodesAsStreamParsesThem) {
  MOSAIC_REQUIRE_SHARED();
  const auto w = workload::stream_workload_from_file(
      (shared_dir() / "reference/stream/examples/workload/resnet18.onnx").string());
  // 21 Conv, 17 Relu, MaxPool, 8 Add, GlobalAveragePool, Gemm (Flatten passes through): the
  // ONNX node ids 0..48 except Flatten's 47.
  EXPECT_EQ(w.layers.size(), 48u);
  // /relu/Relu (id 1): SimdParser, loops B H D K over the output shape, a dimensionless W.
  const auto& relu = by_id(w, 1);
  EXPECT_EQ(relu.op_type, "Relu");
  EXPECT_EQ(relu.dims, (std::vector<std::string>{"B", "H", "D", "K"}));
  EXPECT_EQ(relu.sizes, (std::vector<std::int64_t>{1, 64, 112, 112}));
  EXPECT_EQ(relu.equation, "O[b][h][d][k]+=I[b][h][d][k]*W[]");
  EXPECT_EQ(workload::precision_of(relu, "O"), 16);
  // /maxpool/MaxPool (id 2): PoolingParser, C = K = 64 channels, 3x3 kernel, stride 2, pad 1.
  const auto& pool = by_id(w, 2);
  EXPECT_EQ(pool.dims, (std::vector<std::string>{"B", "K", "OX", "OY", "C", "FX", "FY"}));
  EXPECT_EQ(pool.sizes, (std::vector<std::int64_t>{1, 64, 56, 56, 64, 3, 3}));
  EXPECT_EQ(workload::precision_of(pool, "W"), 0);
  EXPECT_EQ(workload::precision_of(pool, "O"), 8);
  ASSERT_EQ(pool.relations.size(), 2u);
  EXPECT_EQ(pool.relations[0].coef_a, 2);
  // /layer1/layer1.0/Add (id 6): MulParser, both inputs are data: W from the first input (the
  // second convolution, id 5), I from the other (the max pool's ReLU-free output, id 2).
  std::size_t add_index = 0;
  const auto& add = by_id(w, 6, &add_index);
  EXPECT_EQ(add.equation, "O[b][h][d][k]+=I[b][h][d][k]*W[b][h][d][k]");
  const auto& in = w.inputs[add_index];
  ASSERT_EQ(in.size(), 2u);
  EXPECT_EQ(in[0].first, "W");
  EXPECT_EQ(w.layers[static_cast<std::size_t>(in[0].second)].id, 5);
  EXPECT_EQ(in[1].first, "I");
  EXPECT_EQ(w.layers[static_cast<std::size_t>(in[1].second)].id, 2);
  EXPECT_TRUE(workload::constant_operands(add).empty());
}

}  // namespace
}  // namespace mosaic::test

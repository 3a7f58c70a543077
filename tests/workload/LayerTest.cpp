#include <gtest/gtest.h>

#include "common/Error.h"
#include "workload/Layer.h"

namespace mosaic::workload {
namespace {

Layer conv(std::int64_t k, std::int64_t c, std::int64_t y, std::int64_t r, int stride, int pad) {
  Layer l;
  l.name = "conv";
  l.K = k;
  l.C = c;
  l.Y = l.X = y;
  l.R = l.S = r;
  l.stride_y = l.stride_x = stride;
  l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = pad;
  return l;
}

TEST(Layer, ResNet50Conv1WithoutPaddingIsMaestroShape) {
  // 224x224x3, 7x7/2, 64 filters, no padding: (224-7)/2+1 = 109 (MAESTRO's convention).
  const Layer l = conv(64, 3, 224, 7, 2, 0);
  EXPECT_EQ(output_rows(l), 109);
  EXPECT_EQ(macs(l), 64LL * 3 * 109 * 109 * 7 * 7);  // 111,776,448
  EXPECT_EQ(macs(l), 111776448);
  EXPECT_EQ(weight_elements(l), 64 * 3 * 7 * 7);
  EXPECT_EQ(input_elements(l), 3 * 224 * 224);
  EXPECT_EQ(output_elements(l), 64 * 109 * 109);
}

TEST(Layer, ResNet50Conv1WithPaddingIsFrameworkShape) {
  const Layer l = conv(64, 3, 224, 7, 2, 3);
  EXPECT_EQ(output_rows(l), 112);
  EXPECT_EQ(macs(l), 118013952);  // 64*3*112*112*49, the torchvision figure
}

TEST(Layer, DepthwiseAndGrouped) {
  Layer dw = conv(1, 1, 112, 3, 1, 1);
  dw.op = OpKind::DepthwiseConv;
  dw.G = 32;
  EXPECT_EQ(output_rows(dw), 112);
  EXPECT_EQ(macs(dw), 32LL * 112 * 112 * 9);
  EXPECT_EQ(weight_elements(dw), 32 * 9);
  EXPECT_EQ(output_elements(dw), 32 * 112 * 112);

  Layer g = conv(4, 4, 56, 3, 1, 1);  // ResNeXt: 32 groups of 4->4 channels
  g.op = OpKind::GroupedConv;
  g.G = 32;
  EXPECT_EQ(macs(g), 32LL * 4 * 4 * 56 * 56 * 9);
  EXPECT_EQ(input_elements(g), 128 * 56 * 56);
}

TEST(Layer, TransposedConvUpsamples) {
  // UNet up-conv: 2x2 kernel, stride 2 on 28x28 -> 56x56.
  Layer l = conv(512, 1024, 28, 2, 2, 0);
  l.op = OpKind::TransposedConv;
  EXPECT_EQ(output_rows(l), 56);
  EXPECT_EQ(output_cols(l), 56);
  EXPECT_EQ(macs(l), 512LL * 1024 * 28 * 28 * 4);
  EXPECT_EQ(output_elements(l), 512 * 56 * 56);
}

TEST(Layer, GemmAndBatch) {
  Layer fc;
  fc.op = OpKind::Gemm;
  fc.N = 8;     // batch rows
  fc.C = 2048;  // reduction
  fc.K = 1000;  // output features
  EXPECT_EQ(macs(fc), 8LL * 2048 * 1000);
  EXPECT_EQ(input_elements(fc), 8 * 2048);
  EXPECT_EQ(weight_elements(fc), 2048 * 1000);
  EXPECT_EQ(output_elements(fc), 8 * 1000);
}

TEST(Layer, PoolingAndElementwiseHaveNoMacs) {
  Layer p = conv(1, 1, 112, 3, 2, 1);
  p.op = OpKind::MaxPool;
  p.G = 64;
  EXPECT_EQ(output_rows(p), 56);
  EXPECT_EQ(macs(p), 0);
  EXPECT_EQ(ops(p), 64LL * 56 * 56 * 9);
  EXPECT_EQ(weight_elements(p), 0);
  EXPECT_EQ(output_elements(p), 64 * 56 * 56);

  Layer add;
  add.op = OpKind::Elementwise;
  add.G = 256;
  add.Y = add.X = 56;
  add.num_inputs = 2;
  EXPECT_EQ(macs(add), 0);
  EXPECT_EQ(ops(add), 256 * 56 * 56);
  EXPECT_EQ(input_elements(add), 2 * 256 * 56 * 56);
  EXPECT_EQ(output_elements(add), 256 * 56 * 56);
}

TEST(Layer, BytesRoundUpPerTensor) {
  Layer l = conv(1, 1, 3, 1, 1, 0);  // 9 input elements
  l.input_bits = 4;
  EXPECT_EQ(input_bytes(l), 5);  // 36 bits
  l.input_bits = 16;
  EXPECT_EQ(input_bytes(l), 18);
}

TEST(Layer, SixtyFourBitCounts) {
  Layer big = conv(4096, 4096, 1024, 3, 1, 1);
  big.N = 64;
  EXPECT_GT(macs(big), std::int64_t{1} << 40);
  EXPECT_EQ(macs(big), 64LL * 4096 * 4096 * 1024 * 1024 * 9);
}

TEST(Layer, ValidateNamesTheField) {
  Layer l = conv(64, 3, 5, 7, 1, 0);
  try {
    validate(l);
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'conv' R"), std::string::npos) << e.what();
  }
  l = conv(0, 3, 224, 3, 1, 1);
  EXPECT_THROW(validate(l), UserError);
  l = conv(8, 3, 224, 3, 0, 1);
  EXPECT_THROW(validate(l), UserError);
  EXPECT_NO_THROW(validate(conv(8, 3, 224, 3, 1, 1)));
}

TEST(Layer, OpNamesRoundTrip) {
  for (OpKind op :
       {OpKind::Conv, OpKind::GroupedConv, OpKind::DepthwiseConv, OpKind::TransposedConv,
        OpKind::Gemm, OpKind::MaxPool, OpKind::AvgPool, OpKind::Elementwise, OpKind::Other}) {
    OpKind back{};
    ASSERT_TRUE(parse_op_name(op_name(op), back));
    EXPECT_EQ(back, op);
  }
  OpKind out{};
  EXPECT_TRUE(parse_op_name("GEMM", out));
  EXPECT_EQ(out, OpKind::Gemm);
  EXPECT_FALSE(parse_op_name("lstm", out));
}

}  // namespace
}  // namespace mosaic::workload

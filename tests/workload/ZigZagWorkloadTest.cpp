#include <gtest/gtest.h>

#include "TestSupport.h"
#include "common/Error.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::workload {
namespace {

TEST(ZigZagEquation, OperandsAndDimensionsInOrder) {
  const auto ops = parse_equation("O[b][k][oy][ox]+=W[k][c][fy][fx]*I[b][c][iy][ix]", "t");
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].name, "O");
  EXPECT_EQ(ops[1].name, "W");
  EXPECT_EQ(ops[2].name, "I");
  EXPECT_EQ(ops[2].dims, (std::vector<std::string>{"B", "C", "IY", "IX"}));
  const auto add = parse_equation("O[b][g][oy][ox]=W[b][g][oy][ox]+I[b][g][oy][ox]", "t");
  ASSERT_EQ(add.size(), 3u);
  EXPECT_EQ(add[1].dims.size(), 4u);
}

TEST(ZigZagEquation, RejectsMalformed) {
  EXPECT_THROW(parse_equation("O[b] = ", "t"), UserError);
  EXPECT_THROW(parse_equation("X[b]+=W[b]*I[b]", "t"), UserError);  // output must be O
  EXPECT_THROW(parse_equation("O[b]+=W[b]*W[b]", "t"), UserError);  // operand twice
}

TEST(ZigZagRelation, CoefficientsOptional) {
  const auto r = parse_relation("ix=2*ox+1*fx", "t");
  EXPECT_EQ(r.dim, "IX");
  EXPECT_EQ(r.dim_a, "OX");
  EXPECT_EQ(r.coef_a, 2);
  EXPECT_EQ(r.dim_b, "FX");
  EXPECT_EQ(r.coef_b, 1);
  const auto s = parse_relation("iy=oy+fy", "t");
  EXPECT_EQ(s.coef_a, 1);
  EXPECT_EQ(s.coef_b, 1);
  EXPECT_THROW(parse_relation("ix=ox*fx", "t"), UserError);
}

TEST(ZigZagWorkload, ReadsTheSmallFixture) {
  const auto layers =
      read_zigzag_workload((test::source_dir() / "tests/data/zigzag_small_workload.yaml").string());
  ASSERT_EQ(layers.size(), 5u);
  const auto& c = layers[0];
  EXPECT_EQ(c.name, "conv_a");
  EXPECT_EQ(c.op_type, "Conv");
  EXPECT_EQ(total_iterations(c), 1LL * 8 * 3 * 8 * 8 * 3 * 3);
  EXPECT_EQ(dim_size(c, "OX"), 8);
  EXPECT_EQ(dim_size(c, "G"), 1);  // absent dims have size 1
  EXPECT_EQ(precision_of(c, "O"), 16);
  EXPECT_EQ(precision_of(c, "O_final"), 8);
  EXPECT_EQ(constant_operands(c), (std::vector<std::string>{"I", "W"}));
  EXPECT_EQ(layers[2].op_type, "Pooling");
  EXPECT_EQ(precision_of(layers[2], "W"), 0);
  EXPECT_EQ(layers[1].relations.size(), 2u);
  EXPECT_EQ(layers[4].name, "fc");
  EXPECT_TRUE(constant_operands(layers[4]) == std::vector<std::string>{"W"});
}

TEST(ZigZagWorkload, MissingKeyNamesFileAndLine) {
  const std::string text = R"(- id: 0
  operator_type: Conv
  equation: O[k]+=W[k][c]*I[c]
  loop_dims: [K, C]
  operand_precision: {W: 8, I: 8, O: 16, O_final: 8}
)";
  try {
    parse_zigzag_workload(text, "w.yaml");
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(e.where().file, "w.yaml");
    EXPECT_EQ(e.where().line, 1);
    EXPECT_NE(std::string(e.what()).find("loop_sizes"), std::string::npos) << e.what();
  }
}

TEST(ZigZagWorkload, UnknownOperatorIsAnError) {
  const std::string text = R"(- id: 0
  operator_type: Softmax
  equation: O[k]+=W[k][c]*I[c]
  loop_dims: [K, C]
  loop_sizes: [2, 2]
  operand_precision: {W: 8, I: 8, O: 16, O_final: 8}
)";
  EXPECT_THROW(parse_zigzag_workload(text, "w.yaml"), UserError);
}

TEST(ZigZagWorkload, UndefinedOperandDimensionIsAnError) {
  const std::string text = R"(- id: 0
  operator_type: Conv
  equation: O[k][ox]+=W[k][c]*I[c][ix]
  loop_dims: [K, C, OX]
  loop_sizes: [2, 2, 4]
  operand_precision: {W: 8, I: 8, O: 16, O_final: 8}
)";
  try {
    parse_zigzag_workload(text, "w.yaml");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("IX"), std::string::npos) << e.what();
  }
}

TEST(ZigZagWorkload, SizesMustMatchDims) {
  const std::string text = R"(- id: 0
  operator_type: Gemm
  equation: O[k]+=W[k][c]*I[c]
  loop_dims: [K, C]
  loop_sizes: [2]
  operand_precision: {W: 8, I: 8, O: 16, O_final: 8}
)";
  EXPECT_THROW(parse_zigzag_workload(text, "w.yaml"), UserError);
}

TEST(ZigZagWorkload, DuplicateIdsAreAnError) {
  const std::string one = R"(- id: 3
  operator_type: Gemm
  equation: O[k]+=W[k][c]*I[c]
  loop_dims: [K, C]
  loop_sizes: [2, 2]
  operand_precision: {W: 8, I: 8, O: 16, O_final: 8}
)";
  EXPECT_THROW(parse_zigzag_workload(one + one, "w.yaml"), UserError);
}

TEST(ZigZagWorkload, MissingFileIsAUserError) {
  EXPECT_THROW(read_zigzag_workload("/nonexistent/w.yaml"), UserError);
}

TEST(ToEinsum, ConvFollowsZigZagOnnxConvention) {
  Layer l;
  l.name = "conv1";
  l.op = OpKind::Conv;
  l.K = 64;
  l.C = 3;
  l.Y = l.X = 224;
  l.R = l.S = 7;
  l.stride_y = l.stride_x = 2;
  l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = 3;
  l.input_bits = 8;
  l.weight_bits = 8;
  l.output_bits = 8;
  l.psum_bits = 16;
  const auto r = to_einsum(l, 0);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.layer.dims, (std::vector<std::string>{"B", "K", "G", "OX", "OY", "C", "FX", "FY"}));
  EXPECT_EQ(r.layer.sizes, (std::vector<std::int64_t>{1, 64, 1, 112, 112, 3, 7, 7}));
  ASSERT_EQ(r.layer.relations.size(), 2u);
  EXPECT_EQ(r.layer.relations[0].coef_a, 2);
  EXPECT_EQ(r.layer.pr_sizes, (std::vector<std::int64_t>{224, 224}));
  EXPECT_EQ(precision_of(r.layer, "O"), 16);
  EXPECT_EQ(precision_of(r.layer, "O_final"), 8);
}

TEST(ToEinsum, GemmAndSkippedOps) {
  Layer fc;
  fc.op = OpKind::Gemm;
  fc.N = 1;
  fc.C = 512;
  fc.K = 1000;
  const auto r = to_einsum(fc, 5);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.layer.dims, (std::vector<std::string>{"C", "D", "K"}));
  EXPECT_EQ(total_iterations(r.layer), 512000);
  Layer pool;
  pool.op = OpKind::MaxPool;
  EXPECT_FALSE(to_einsum(pool, 1).ok);
}

}  // namespace
}  // namespace mosaic::workload

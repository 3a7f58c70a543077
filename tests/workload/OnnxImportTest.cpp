// ONNX importer: every operator rule on small models built in memory, with hand-computed
// shapes and MAC counts, and one test per user-facing error.
#include <gtest/gtest.h>

#include <fstream>

#include <fmt/format.h>

#include "OnnxBuilder.h"
#include "TestErrors.h"
#include "TestSupport.h"
#include "common/Error.h"

namespace mosaic::workload {
namespace {

using onnx_test::OnnxBuilder;
using Dims = std::vector<std::int64_t>;

const Node& by_name(const Model& m, const std::string& name) {
  for (const auto& n : m.nodes)
    if (n.layer.name == name) return n;
  throw std::runtime_error("no node " + name);
}

// Runs `f` and returns the UserError message (fails the test when nothing is thrown).
using test::error_of;

TEST(OnnxImport, ConvGroupsMapToDepthwiseAndGrouped) {
  OnnxBuilder b;
  b.input("x", {1, 32, 56, 56}).weight("wd", {32, 1, 3, 3}).weight("wg", {64, 8, 3, 3});
  b.weight("wm", {64, 1, 3, 3});
  auto& dw = b.node("Conv", {"x", "wd"}, {"d"}, "dw");
  OnnxBuilder::attr(dw, "group", 32);
  OnnxBuilder::attr(dw, "pads", Dims{1, 1, 1, 1});
  auto& gc = b.node("Conv", {"x", "wg"}, {"g"}, "grouped");
  OnnxBuilder::attr(gc, "group", 4);
  OnnxBuilder::attr(gc, "pads", Dims{1, 1, 1, 1});
  auto& mul = b.node("Conv", {"x", "wm"}, {"m"}, "multiplier");
  OnnxBuilder::attr(mul, "group", 32);
  const Model m = b.import();
  ASSERT_EQ(m.nodes.size(), 3u);
  const Layer& d = by_name(m, "dw").layer;
  EXPECT_EQ(d.op, OpKind::DepthwiseConv);
  EXPECT_EQ(d.G, 32);
  EXPECT_EQ(d.C, 1);
  EXPECT_EQ(d.K, 1);
  EXPECT_EQ(macs(d), 32LL * 56 * 56 * 9);
  const Layer& g = by_name(m, "grouped").layer;
  EXPECT_EQ(g.op, OpKind::GroupedConv);
  EXPECT_EQ(g.G, 4);
  EXPECT_EQ(g.C, 8);
  EXPECT_EQ(g.K, 16);
  EXPECT_EQ(macs(g), 4LL * 16 * 8 * 56 * 56 * 9);
  const Node& mm = by_name(m, "multiplier");
  EXPECT_EQ(mm.layer.op, OpKind::DepthwiseConv);
  EXPECT_EQ(mm.layer.K, 2);
  EXPECT_EQ(mm.output_shape, (Dims{1, 64, 54, 54}));
}

TEST(OnnxImport, ConvSameUpperPadsTheEnd) {
  OnnxBuilder b;
  b.input("x", {1, 3, 224, 224}).weight("w", {32, 3, 3, 3});
  auto& c = b.node("Conv", {"x", "w"}, {"y"}, "c");
  OnnxBuilder::attr(c, "strides", Dims{2, 2});
  OnnxBuilder::attr(c, "auto_pad", std::string("SAME_UPPER"));
  const Model m = b.import();
  const Layer& l = m.nodes.at(0).layer;
  // out = ceil(224/2) = 112; total pad (112-1)*2 + 3 - 224 = 1, the odd pixel at the end.
  EXPECT_EQ(l.pad_top, 0);
  EXPECT_EQ(l.pad_bottom, 1);
  EXPECT_EQ(l.pad_left, 0);
  EXPECT_EQ(l.pad_right, 1);
  EXPECT_EQ(output_rows(l), 112);
}

TEST(OnnxImport, Conv1dAndDilation) {
  OnnxBuilder b;
  b.input("x", {1, 16, 100}).weight("w", {32, 16, 5}).input("z", {1, 8, 32, 32});
  b.weight("w2", {8, 8, 3, 3});
  auto& c = b.node("Conv", {"x", "w"}, {"y"}, "c1d");
  OnnxBuilder::attr(c, "pads", Dims{2, 2});
  auto& d = b.node("Conv", {"z", "w2"}, {"dz"}, "dilated");
  OnnxBuilder::attr(d, "dilations", Dims{2, 2});
  OnnxBuilder::attr(d, "pads", Dims{2, 2, 2, 2});
  const Model m = b.import();
  const Node& c1 = by_name(m, "c1d");
  EXPECT_EQ(c1.layer.Y, 1);
  EXPECT_EQ(c1.layer.R, 1);
  EXPECT_EQ(c1.layer.X, 100);
  EXPECT_EQ(c1.layer.S, 5);
  EXPECT_EQ(c1.layer.pad_left, 2);
  EXPECT_EQ(c1.output_shape, (Dims{1, 32, 100}));
  EXPECT_EQ(macs(c1.layer), 32LL * 16 * 100 * 5);
  const Node& dl = by_name(m, "dilated");
  EXPECT_EQ(dl.layer.dilation_y, 2);
  EXPECT_EQ(output_rows(dl.layer), 32);  // 32 + 4 - (2*2+1) + 1
}

TEST(OnnxImport, ConvTransposeShapes) {
  OnnxBuilder b;
  b.input("x", {1, 64, 28, 28}).weight("w", {64, 32, 2, 2}).weight("w3", {64, 16, 3, 3});
  auto& up = b.node("ConvTranspose", {"x", "w"}, {"u"}, "up");
  OnnxBuilder::attr(up, "strides", Dims{2, 2});
  auto& op = b.node("ConvTranspose", {"x", "w3"}, {"v"}, "outpad");
  OnnxBuilder::attr(op, "strides", Dims{2, 2});
  OnnxBuilder::attr(op, "pads", Dims{1, 1, 1, 1});
  OnnxBuilder::attr(op, "output_padding", Dims{1, 1});
  auto& os = b.node("ConvTranspose", {"x", "w3"}, {"s"}, "outshape");
  OnnxBuilder::attr(os, "strides", Dims{2, 2});
  OnnxBuilder::attr(os, "output_shape", Dims{56, 56});
  const Model m = b.import();
  const Node& u = by_name(m, "up");
  EXPECT_EQ(u.layer.op, OpKind::TransposedConv);
  EXPECT_EQ(u.output_shape, (Dims{1, 32, 56, 56}));
  EXPECT_EQ(macs(u.layer), 64LL * 32 * 28 * 28 * 4);
  // (28-1)*2 + 3 - 2 + 1 = 56
  EXPECT_EQ(by_name(m, "outpad").output_shape, (Dims{1, 16, 56, 56}));
  // natural 57, output 56: total padding 1, split begin 1 / end 0 without auto_pad.
  const Node& s = by_name(m, "outshape");
  EXPECT_EQ(s.output_shape, (Dims{1, 16, 56, 56}));
  EXPECT_EQ(s.layer.pad_top + s.layer.pad_bottom, 1);
}

TEST(OnnxImport, GemmAndMatMulForms) {
  OnnxBuilder b;
  b.input("a", {4, 512}).weight("w", {1000, 512});
  auto& g = b.node("Gemm", {"a", "w"}, {"y"}, "fc");
  OnnxBuilder::attr(g, "transB", 1);
  b.input("t", {2, 197, 768}).weight("w2", {768, 3072});
  b.node("MatMul", {"t", "w2"}, {"t2"}, "linear3d");
  b.input("q", {1, 12, 197, 64}).input("k", {1, 12, 64, 197});
  b.node("MatMul", {"q", "k"}, {"att"}, "attention");
  const Model m = b.import();
  const Layer& fc = by_name(m, "fc").layer;
  EXPECT_EQ(fc.op, OpKind::Gemm);
  EXPECT_EQ(fc.N, 4);
  EXPECT_EQ(fc.C, 512);
  EXPECT_EQ(fc.K, 1000);
  const Node& lin = by_name(m, "linear3d");
  EXPECT_EQ(lin.layer.N, 2 * 197);
  EXPECT_EQ(lin.layer.G, 1);
  EXPECT_EQ(lin.output_shape, (Dims{2, 197, 3072}));
  EXPECT_EQ(macs(lin.layer), 2LL * 197 * 768 * 3072);
  const Node& att = by_name(m, "attention");
  EXPECT_EQ(att.layer.G, 12);
  EXPECT_EQ(att.layer.N, 197);
  EXPECT_EQ(att.layer.C, 64);
  EXPECT_EQ(att.layer.K, 197);
  EXPECT_EQ(att.inputs.size(), 2u);
  EXPECT_EQ(att.output_shape, (Dims{1, 12, 197, 197}));
}

TEST(OnnxImport, EinsumIsAGemmOverItsIndexClasses) {
  OnnxBuilder b(13);
  b.input("q", {1, 4, 16, 8}).input("k", {1, 4, 16, 8}).input("a", {2, 3, 5, 6});
  b.weight("w", {6, 7});
  auto& s = b.node("Einsum", {"q", "k"}, {"s"}, "scores");
  OnnxBuilder::attr(s, "equation", std::string("bhid, bhjd -> bhij"));
  auto& e = b.node("Einsum", {"a", "w"}, {"y"}, "ellipsis");
  OnnxBuilder::attr(e, "equation", std::string("...ij,jk"));  // implicit output ...ik
  const Model m = b.import();
  const Node& sc = by_name(m, "scores");
  EXPECT_EQ(sc.layer.op, OpKind::Gemm);
  EXPECT_EQ(sc.layer.G, 4);   // b, h
  EXPECT_EQ(sc.layer.N, 16);  // i
  EXPECT_EQ(sc.layer.K, 16);  // j
  EXPECT_EQ(sc.layer.C, 8);   // d, summed
  EXPECT_EQ(sc.output_shape, (Dims{1, 4, 16, 16}));
  const Node& el = by_name(m, "ellipsis");
  EXPECT_EQ(el.layer.N, 2 * 3 * 5);
  EXPECT_EQ(el.layer.C, 6);
  EXPECT_EQ(el.layer.K, 7);
  EXPECT_EQ(el.output_shape, (Dims{2, 3, 5, 7}));
}

TEST(OnnxImport, LstmIsAGateGemm) {
  OnnxBuilder b;
  b.input("x", {25, 1, 512}).weight("W", {2, 4096, 512}).weight("R", {2, 4096, 1024});
  auto& n = b.node("LSTM", {"x", "W", "R"}, {"Y", "Yh", "Yc"}, "lstm");
  OnnxBuilder::attr(n, "hidden_size", 1024);
  OnnxBuilder::attr(n, "direction", std::string("bidirectional"));
  const Model m = b.import();
  const Node& l = m.nodes.at(0);
  EXPECT_EQ(l.layer.op, OpKind::Gemm);
  EXPECT_EQ(l.layer.G, 2);
  EXPECT_EQ(l.layer.N, 25);
  EXPECT_EQ(l.layer.C, 512 + 1024);
  EXPECT_EQ(l.layer.K, 4096);
  EXPECT_EQ(macs(l.layer), 2LL * 25 * 1536 * 4096);
  EXPECT_EQ(l.output_shape, (Dims{25, 2, 1, 1024}));
}

TEST(OnnxImport, PoolingCeilModeAndGlobal) {
  OnnxBuilder b;
  b.input("x", {1, 64, 112, 112}).input("g", {1, 2048, 7, 7});
  auto& mp = b.node("MaxPool", {"x"}, {"p"}, "pool");
  OnnxBuilder::attr(mp, "kernel_shape", Dims{3, 3});
  OnnxBuilder::attr(mp, "strides", Dims{2, 2});
  OnnxBuilder::attr(mp, "ceil_mode", 1);
  auto& ap = b.node("AveragePool", {"x"}, {"a"}, "avg");
  OnnxBuilder::attr(ap, "kernel_shape", Dims{3, 3});
  OnnxBuilder::attr(ap, "strides", Dims{2, 2});
  OnnxBuilder::attr(ap, "pads", Dims{1, 1, 1, 1});
  b.node("GlobalAveragePool", {"g"}, {"gp"}, "gap");
  const Model m = b.import();
  const Node& p = by_name(m, "pool");
  EXPECT_EQ(p.layer.op, OpKind::MaxPool);
  EXPECT_EQ(p.layer.G, 64);
  // ceil((112-3)/2) + 1 = 56 (floor would give 55): one extra row of end padding.
  EXPECT_EQ(p.output_shape, (Dims{1, 64, 56, 56}));
  EXPECT_EQ(p.layer.pad_bottom, 1);
  EXPECT_EQ(macs(p.layer), 0);
  EXPECT_EQ(ops(p.layer), 64LL * 56 * 56 * 9);
  EXPECT_EQ(by_name(m, "avg").output_shape, (Dims{1, 64, 56, 56}));
  const Node& gap = by_name(m, "gap");
  EXPECT_EQ(gap.layer.op, OpKind::AvgPool);
  EXPECT_EQ(gap.layer.R, 7);
  EXPECT_EQ(gap.output_shape, (Dims{1, 2048, 1, 1}));
}

TEST(OnnxImport, ShapeArithmeticFoldsIntoReshape) {
  // x [1,64,7,7] -> Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])) -> Gemm.
  OnnxBuilder b;
  b.input("x", {1, 64, 7, 7}).ints("zero", {0}, false).ints("axes", {0}).ints("minus1", {-1});
  b.weight("w", {10, 3136});
  b.node("Shape", {"x"}, {"s"});
  auto& g = b.node("Gather", {"s", "zero"}, {"n"});
  OnnxBuilder::attr(g, "axis", 0);
  b.node("Unsqueeze", {"n", "axes"}, {"n1"});
  auto& c = b.node("Concat", {"n1", "minus1"}, {"shape"});
  OnnxBuilder::attr(c, "axis", 0);
  b.node("Reshape", {"x", "shape"}, {"flat"}, "reshape");
  auto& fc = b.node("Gemm", {"flat", "w"}, {"y"}, "fc");
  OnnxBuilder::attr(fc, "transB", 1);
  const Model m = b.import();
  // Shape, Gather, Unsqueeze and Concat depend only on shapes: folded.
  ASSERT_EQ(m.nodes.size(), 2u);
  EXPECT_EQ(by_name(m, "reshape").output_shape, (Dims{1, 3136}));
  EXPECT_EQ(by_name(m, "reshape").layer.op, OpKind::Other);
  EXPECT_EQ(by_name(m, "fc").layer.C, 3136);
  EXPECT_EQ(by_name(m, "fc").inputs.at(0).producer, 0);
}

TEST(OnnxImport, DataMovementShapes) {
  OnnxBuilder b(13);
  b.input("x", {1, 8, 10, 10}).ints("sizes", {3, 5}).ints("starts", {1}).ints("ends", {7});
  b.ints("axes", {1}).floats("scales", {1, 1, 2, 2}).ints("pads", {0, 0, 1, 1, 0, 0, 1, 1});
  auto& sp = b.node("Split", {"x", "sizes"}, {"s0", "s1"}, "split");
  OnnxBuilder::attr(sp, "axis", 1);
  b.node("Slice", {"x", "starts", "ends", "axes"}, {"sl"}, "slice");
  auto& t = b.node("Transpose", {"x"}, {"tr"}, "transpose");
  OnnxBuilder::attr(t, "perm", Dims{0, 2, 3, 1});
  auto& cc = b.node("Concat", {"s0", "s1"}, {"cat"}, "concat");
  OnnxBuilder::attr(cc, "axis", 1);
  b.node("Resize", {"x", "", "scales"}, {"rs"}, "resize");
  b.node("Pad", {"x", "pads"}, {"pd"}, "pad");
  b.node("Flatten", {"x"}, {"fl"}, "flatten");
  b.node("Relu", {"x"}, {"r"}, "relu");
  b.node("Add", {"r", "x"}, {"sum"}, "add");
  const Model m = b.import();
  EXPECT_EQ(by_name(m, "split").output_shape, (Dims{1, 3, 10, 10}));
  EXPECT_EQ(by_name(m, "slice").output_shape, (Dims{1, 6, 10, 10}));
  EXPECT_EQ(by_name(m, "transpose").output_shape, (Dims{1, 10, 10, 8}));
  EXPECT_EQ(by_name(m, "concat").output_shape, (Dims{1, 8, 10, 10}));
  EXPECT_EQ(by_name(m, "concat").inputs.size(), 2u);
  EXPECT_EQ(by_name(m, "resize").output_shape, (Dims{1, 8, 20, 20}));
  EXPECT_EQ(by_name(m, "pad").output_shape, (Dims{1, 8, 12, 12}));
  EXPECT_EQ(by_name(m, "flatten").output_shape, (Dims{1, 800}));
  const Node& add = by_name(m, "add");
  EXPECT_EQ(add.layer.op, OpKind::Elementwise);
  EXPECT_EQ(add.layer.num_inputs, 2);
  EXPECT_EQ(by_name(m, "relu").layer.num_inputs, 1);
  EXPECT_EQ(by_name(m, "slice").layer.op, OpKind::Other);
  EXPECT_TRUE(m.warnings.empty());
}

TEST(OnnxImport, UnknownOperatorUsesValueInfoAndWarns) {
  OnnxBuilder b;
  b.input("x", {1, 3, 32, 32}).weight("w", {16, 3, 3, 3});
  auto& custom = b.node("FancyNorm", {"x"}, {"f"}, "fancy");
  custom.set_domain("com.example");
  b.node("Conv", {"f", "w"}, {"y"}, "conv");
  b.value_info("f", {1, 3, 32, 32});
  const Model m = b.import();
  ASSERT_EQ(m.nodes.size(), 2u);
  EXPECT_EQ(m.nodes[0].layer.op, OpKind::Other);
  EXPECT_EQ(m.nodes[0].layer.source_op, "com.example.FancyNorm");
  EXPECT_EQ(macs(by_name(m, "conv").layer), 16LL * 3 * 30 * 30 * 9);
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_CONTAINS(m.warnings[0], "com.example.FancyNorm");
  EXPECT_CONTAINS(m.warnings[0], "fancy");
}

TEST(OnnxImport, UnknownShapeAtMacNodeIsAnError) {
  OnnxBuilder b;
  b.input("x", {1, 3, 32, 32}).weight("w", {16, 3, 3, 3});
  b.node("FancyNorm", {"x"}, {"f"}, "fancy").set_domain("com.example");
  b.node("Conv", {"f", "w"}, {"y"}, "conv");
  const std::string msg = error_of([&] { b.import(); });
  EXPECT_CONTAINS(msg, "node 'conv' (Conv)");
  EXPECT_CONTAINS(msg, "unknown");
}

TEST(OnnxImport, FileShapeDisagreementIsAnError) {
  OnnxBuilder b;
  b.input("x", {1, 3, 32, 32}).weight("w", {16, 3, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, "conv");
  b.value_info("y", {1, 16, 32, 32});
  const std::string msg = error_of([&] { b.import(); });
  EXPECT_CONTAINS(msg, "node 'conv' (Conv)");
  EXPECT_CONTAINS(msg, "[1, 16, 32, 32] in the file but [1, 16, 30, 30]");
}

TEST(OnnxImport, SymbolicBatch) {
  OnnxBuilder b;
  b.input("x", {-1, 3, 8, 8}, "N").weight("w", {4, 3, 1, 1});
  b.node("Conv", {"x", "w"}, {"y"}, "conv");
  const Model m1 = b.import();
  EXPECT_EQ(m1.nodes[0].layer.N, 1);
  ASSERT_EQ(m1.warnings.size(), 1u);
  EXPECT_CONTAINS(m1.warnings[0], "'N'");
  OnnxImportOptions opt;
  opt.dim_params["N"] = 4;
  const Model m4 = b.import(opt);
  EXPECT_EQ(m4.nodes[0].layer.N, 4);
  EXPECT_TRUE(m4.warnings.empty());
  EXPECT_EQ(macs(m4.nodes[0].layer), 4 * macs(m1.nodes[0].layer));
}

TEST(OnnxImport, PrecisionFromTypesAndOptions) {
  OnnxBuilder b;
  b.input("x", {1, 3, 8, 8}).weight("w", {4, 3, 1, 1});
  b.node("Conv", {"x", "w"}, {"y"}, "conv");
  EXPECT_EQ(b.import().nodes[0].layer.input_bits, 8);  // Layer default
  OnnxImportOptions opt;
  opt.precision_from_types = true;
  const Layer l = b.import(opt).nodes[0].layer;
  EXPECT_EQ(l.input_bits, 32);
  EXPECT_EQ(l.weight_bits, 32);
  EXPECT_EQ(l.output_bits, 32);
  opt = {};
  opt.weight_bits = 4;
  EXPECT_EQ(b.import(opt).nodes[0].layer.weight_bits, 4);
}

TEST(OnnxImport, NamesAndTopologicalOrder) {
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8});
  // Consumer listed before its producer, no names, a duplicate name.
  b.node("Relu", {"a"}, {"b"}, "").set_name("");
  b.node("Sigmoid", {"x"}, {"a"}, "").set_name("");
  b.node("Tanh", {"b"}, {"c"}, "dup");
  b.node("Tanh", {"c"}, {"d"}, "dup");
  const Model m = b.import();
  ASSERT_EQ(m.nodes.size(), 4u);
  EXPECT_EQ(m.nodes[0].layer.name, "Sigmoid_1");
  EXPECT_EQ(m.nodes[1].layer.name, "Relu_0");
  EXPECT_EQ(m.nodes[2].layer.name, "dup");
  EXPECT_EQ(m.nodes[3].layer.name, "dup_2");
  EXPECT_EQ(m.nodes[1].inputs.at(0).producer, 0);
  EXPECT_NO_THROW(validate(m));
}

TEST(OnnxImport, WeightPreprocessingFolds) {
  OnnxBuilder b;
  b.input("x", {1, 3, 8, 8}).weight("wq", {4, 3, 3, 3}).floats("scale", {0.5f});
  b.node("DequantizeLinear", {"wq", "scale"}, {"w"}, "dq");
  b.node("Conv", {"x", "w"}, {"y"}, "conv");
  const Model m = b.import();
  ASSERT_EQ(m.nodes.size(), 1u);
  EXPECT_EQ(m.nodes[0].layer.K, 4);
  EXPECT_EQ(m.nodes[0].inputs.size(), 1u);  // the weight is not an edge
}

TEST(OnnxImport, CompactKeepsMacLayersPoolsAndJoins) {
  OnnxBuilder b;
  b.input("x", {1, 8, 8, 8}).weight("w1", {8, 8, 3, 3}).weight("w2", {8, 8, 1, 1});
  auto& c1 = b.node("Conv", {"x", "w1"}, {"c1"}, "conv1");
  OnnxBuilder::attr(c1, "pads", Dims{1, 1, 1, 1});
  b.node("Relu", {"c1"}, {"r1"}, "relu1");
  b.node("Conv", {"r1", "w2"}, {"c2"}, "conv2");
  b.node("Add", {"c2", "x"}, {"s"}, "add");
  b.node("Relu", {"s"}, {"r2"}, "relu2");
  auto& p = b.node("MaxPool", {"r2"}, {"p"}, "pool");
  OnnxBuilder::attr(p, "kernel_shape", Dims{2, 2});
  OnnxBuilder::attr(p, "strides", Dims{2, 2});
  const Model m = b.import();
  const Model c = compact(m);
  ASSERT_EQ(c.nodes.size(), 4u);
  EXPECT_EQ(c.nodes[0].layer.name, "conv1");
  EXPECT_EQ(c.nodes[1].layer.name, "conv2");
  EXPECT_EQ(c.nodes[1].inputs[0].producer, 0);  // through relu1
  EXPECT_EQ(c.nodes[2].layer.name, "add");
  EXPECT_EQ(predecessors(c, 2), (std::vector<std::int32_t>{1}));  // conv2 and the model input
  EXPECT_EQ(c.nodes[3].layer.name, "pool");
  EXPECT_EQ(c.nodes[3].inputs[0].producer, 2);  // through relu2
  EXPECT_EQ(total_macs(c), total_macs(m));
}

// ---- errors ---------------------------------------------------------------------------------

TEST(OnnxImportErrors, NotAProtobuf) {
  const std::string junk = "this is not an onnx model \xff\xff\xff\xff";
  const std::string msg =
      error_of([&] { import_onnx_bytes(junk.data(), junk.size(), "junk.onnx"); });
  EXPECT_CONTAINS(msg, "junk.onnx");
  EXPECT_CONTAINS(msg, "not a valid ONNX model");
}

TEST(OnnxImportErrors, TruncatedFile) {
  MOSAIC_REQUIRE_SHARED();
  const std::string full = mosaic::test::read_file(
      mosaic::test::shared_dir() / "reference/zigzag/inputs/workload/resnet18.onnx");
  for (std::size_t cut : {full.size() / 2, full.size() - 7, std::size_t{100}}) {
    const std::string part = full.substr(0, cut);
    EXPECT_THROW(import_onnx_bytes(part.data(), part.size(), "cut.onnx"), UserError) << cut;
  }
}

TEST(OnnxImportErrors, EmptyAndMissingFiles) {
  mosaic::test::TempDir dir;
  mosaic::test::write_file(dir.path() / "empty.onnx", "");
  EXPECT_CONTAINS(error_of([&] { import_onnx(dir.path() / "empty.onnx"); }), "the file is empty");
  EXPECT_CONTAINS(error_of([&] { import_onnx(dir.path() / "missing.onnx"); }),
                  "cannot open the file");
  EXPECT_CONTAINS(error_of([&] { import_onnx(dir.path()); }), "not a regular file");
}

TEST(OnnxImportErrors, NoGraph) {
  onnx::ModelProto p;
  p.set_ir_version(7);
  const std::string bytes = p.SerializeAsString() + "";
  // An empty message parses; it has no graph.
  EXPECT_CONTAINS(error_of([&] { import_onnx_bytes(bytes.data(), bytes.size(), "m.onnx"); }),
                  "no graph");
}

TEST(OnnxImportErrors, UnsupportedOpset) {
  for (int opset : {6, 99}) {
    OnnxBuilder b(opset);
    b.input("x", {1, 3, 8, 8});
    b.node("Relu", {"x"}, {"y"});
    const std::string msg = error_of([&] { b.import(); });
    EXPECT_CONTAINS(msg,
                    fmt::format("opset {} of the default ONNX domain is not supported", opset));
  }
  OnnxBuilder none;
  none.proto().clear_opset_import();
  none.input("x", {1, 3, 8, 8});
  none.node("Relu", {"x"}, {"y"});
  EXPECT_CONTAINS(error_of([&] { none.import(); }), "imports no opset");
}

TEST(OnnxImportErrors, CycleNamesTheNodes) {
  OnnxBuilder b;
  b.input("x", {1, 4});
  b.node("Add", {"x", "b"}, {"a"}, "first");
  b.node("Relu", {"a"}, {"b"}, "second");
  const std::string msg = error_of([&] { b.import(); });
  EXPECT_CONTAINS(msg, "cycle");
  EXPECT_CONTAINS(msg, "node 'first' (Add)");
  EXPECT_CONTAINS(msg, "node 'second' (Relu)");
}

TEST(OnnxImportErrors, DanglingAndDuplicateTensors) {
  OnnxBuilder b;
  b.input("x", {1, 4});
  b.node("Add", {"x", "ghost"}, {"a"}, "adder");
  EXPECT_CONTAINS(error_of([&] { b.import(); }), "input 'ghost' is not a graph input");
  OnnxBuilder d;
  d.input("x", {1, 4});
  d.node("Relu", {"x"}, {"a"}, "one");
  d.node("Tanh", {"x"}, {"a"}, "two");
  EXPECT_CONTAINS(error_of([&] { d.import(); }), "output 'a' is also produced by node 'one'");
}

TEST(OnnxImportErrors, ZeroNegativeAndHugeDimensions) {
  OnnxBuilder z;
  z.input("x", {1, 3, 0, 224});
  z.node("Relu", {"x"}, {"y"});
  EXPECT_CONTAINS(error_of([&] { z.import(); }), "input 'x': dimension 2 is 0");
  OnnxBuilder n;
  n.input("x", {1, 3, 8, 8}).weight("w", {4, 3, -3, 3});
  n.node("Conv", {"x", "w"}, {"y"}, "conv");
  EXPECT_CONTAINS(error_of([&] { n.import(); }), "initializer 'w'");
  OnnxBuilder h;
  h.input("x", {1, 3, std::int64_t{1} << 45, 8});
  h.node("Relu", {"x"}, {"y"});
  EXPECT_CONTAINS(error_of([&] { h.import(); }), "exceeds 2^40");
  OnnxBuilder big;  // every dim fits, the loop nest does not
  big.input("x", {1, 1 << 20, 1 << 20, 1 << 20}).weight("w", {1 << 20, 1 << 20, 1, 1});
  big.node("Conv", {"x", "w"}, {"y"}, "conv");
  EXPECT_CONTAINS(error_of([&] { big.import(); }), "node 'conv' (Conv)");
}

TEST(OnnxImportErrors, BadConvolutions) {
  OnnxBuilder ch;
  ch.input("x", {1, 3, 8, 8}).weight("w", {4, 5, 3, 3});
  ch.node("Conv", {"x", "w"}, {"y"}, "conv");
  EXPECT_CONTAINS(error_of([&] { ch.import(); }), "input channels");
  OnnxBuilder k;
  k.input("x", {1, 3, 4, 4}).weight("w", {4, 3, 7, 7});
  k.node("Conv", {"x", "w"}, {"y"}, "conv");
  EXPECT_CONTAINS(error_of([&] { k.import(); }), "exceeds the padded input size");
  OnnxBuilder s;
  s.input("x", {1, 3, 8, 8}).weight("w", {4, 3, 3, 3});
  auto& c = s.node("Conv", {"x", "w"}, {"y"}, "conv");
  OnnxBuilder::attr(c, "strides", Dims{0, 1});
  EXPECT_CONTAINS(error_of([&] { s.import(); }), "stride on axis 0 = 0");
  OnnxBuilder g;
  g.input("x", {1, 2, 3, 4}).weight("w", {2, 3, 4});
  g.node("Gemm", {"x", "w"}, {"y"}, "gemm");
  EXPECT_CONTAINS(error_of([&] { g.import(); }), "Gemm takes 2-D operands");
}

TEST(OnnxImportErrors, NothingDependsOnTheInput) {
  OnnxBuilder b;
  b.input("x", {1, 4}).weight("w", {4});
  b.node("Relu", {"w"}, {"y"}, "constant_only");
  EXPECT_CONTAINS(error_of([&] { b.import(); }), "nothing to compute");
}

}  // namespace
}  // namespace mosaic::workload

// A bounded, seeded mutation test of the ONNX importer (the ordinary-test companion of the
// libFuzzer target fuzz/fuzz_onnx_import.cpp): corrupted bytes and semantically broken models
// must give a UserError or a valid Model, never a crash, an InternalError or another exception.
#include <gtest/gtest.h>

#include <random>

#include "OnnxBuilder.h"
#include "TestSupport.h"
#include "common/Error.h"

namespace mosaic::workload {
namespace {

using onnx_test::OnnxBuilder;
using Dims = std::vector<std::int64_t>;

// A model touching many operator rules.
std::string rich_model() {
  OnnxBuilder b(13);
  b.input("x", {1, 8, 16, 16}).weight("w1", {16, 8, 3, 3}).weight("wd", {16, 1, 3, 3});
  b.weight("wt", {16, 8, 2, 2}).weight("fc", {10, 2048}).ints("shape", {1, -1});
  b.ints("split", {8, 8}).ints("starts", {0}).ints("ends", {4}).ints("axes", {1});
  b.floats("scales", {1, 1, 2, 2});
  auto& c = b.node("Conv", {"x", "w1"}, {"c"}, "conv");
  OnnxBuilder::attr(c, "pads", Dims{1, 1, 1, 1});
  auto& d = b.node("Conv", {"c", "wd"}, {"d"}, "dw");
  OnnxBuilder::attr(d, "group", 16);
  OnnxBuilder::attr(d, "pads", Dims{1, 1, 1, 1});
  b.node("Relu", {"d"}, {"r"}, "relu");
  b.node("Add", {"r", "c"}, {"s"}, "add");
  auto& sp = b.node("Split", {"s", "split"}, {"s0", "s1"}, "split");
  OnnxBuilder::attr(sp, "axis", 1);
  auto& cc = b.node("Concat", {"s1", "s0"}, {"cat"}, "concat");
  OnnxBuilder::attr(cc, "axis", 1);
  auto& t = b.node("ConvTranspose", {"cat", "wt"}, {"up"}, "up");
  OnnxBuilder::attr(t, "strides", Dims{2, 2});
  auto& p = b.node("MaxPool", {"up"}, {"p"}, "pool");
  OnnxBuilder::attr(p, "kernel_shape", Dims{2, 2});
  OnnxBuilder::attr(p, "strides", Dims{2, 2});
  OnnxBuilder::attr(p, "ceil_mode", 1);
  b.node("Slice", {"p", "starts", "ends", "axes"}, {"sl"}, "slice");
  b.node("Resize", {"sl", "", "scales"}, {"rs"}, "resize");
  auto& ap = b.node("AveragePool", {"rs"}, {"ap"}, "avg");
  OnnxBuilder::attr(ap, "kernel_shape", Dims{2, 2});
  OnnxBuilder::attr(ap, "strides", Dims{2, 2});
  b.node("Reshape", {"ap", "shape"}, {"flat"}, "reshape");
  auto& g = b.node("Gemm", {"flat", "fc"}, {"y"}, "gemm");
  OnnxBuilder::attr(g, "transB", 1);
  b.node("Softmax", {"y"}, {"prob"}, "softmax");
  return b.bytes();
}

std::vector<std::pair<std::string, std::string>> seeds() {
  std::vector<std::pair<std::string, std::string>> out{{"rich", rich_model()}};
  for (const char* f :
       {"tests/data/onnx/mobilenet_v3_large.onnx", "tests/data/onnx/resnet50.onnx"}) {
    const auto path = test::source_dir() / f;
    if (std::filesystem::exists(path)) out.emplace_back(f, test::read_file(path));
  }
  if (test::have_shared())
    out.emplace_back("alexnet", test::read_file(test::shared_dir() /
                                                "reference/zigzag/inputs/workload/alexnet.onnx"));
  return out;
}

// Imports and checks the contract: UserError, or a model whose every layer is valid.
void check_import(const std::string& bytes, const std::string& what) {
  try {
    const Model m = import_onnx_bytes(bytes.data(), bytes.size(), "mutant.onnx");
    EXPECT_NO_THROW(validate(m)) << what;
    for (const auto& n : m.nodes) {
      (void)macs(n.layer);
      (void)ops(n.layer);
      (void)input_bytes(n.layer);
      (void)weight_bytes(n.layer);
      (void)output_bytes(n.layer);
    }
    (void)compact(m);
  } catch (const UserError& e) {
    EXPECT_FALSE(std::string(e.what()).empty());
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": unexpected exception: " << e.what();
  }
}

TEST(OnnxMutation, CorruptedBytes) {
  std::mt19937_64 rng(20240601);
  for (const auto& [name, seed] : seeds()) {
    for (int iter = 0; iter < 400; ++iter) {
      std::string s = seed;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !s.empty(); ++e) {
        const std::size_t pos = rng() % s.size();
        switch (rng() % 6) {
          case 0:  // flip a bit
            s[pos] = static_cast<char>(s[pos] ^ (1 << (rng() % 8)));
            break;
          case 1:  // random byte
            s[pos] = static_cast<char>(rng());
            break;
          case 2:  // delete a range
            s.erase(pos, 1 + rng() % 16);
            break;
          case 3:  // insert random bytes
            s.insert(pos, std::string(1 + rng() % 8, static_cast<char>(rng())));
            break;
          case 4:  // duplicate a range
            s.insert(pos, s.substr(rng() % s.size(), 1 + rng() % 32));
            break;
          default:  // truncate
            s.resize(pos);
            break;
        }
      }
      check_import(s, name + " byte mutation " + std::to_string(iter));
    }
  }
}

TEST(OnnxMutation, BrokenSemantics) {
  std::mt19937_64 rng(7);
  const std::int64_t interesting[] = {
      0,         -1,       1, 2, 3, 7, -7, 1 << 20, std::int64_t{1} << 40, std::int64_t{1} << 62,
      INT64_MIN, INT64_MAX};
  auto pick = [&] { return interesting[rng() % std::size(interesting)]; };
  const char* ops[] = {"Conv",   "Gemm",      "MatMul",  "MaxPool",   "Reshape",
                       "Concat", "Slice",     "Split",   "Resize",    "ConvTranspose",
                       "LSTM",   "Transpose", "Gather",  "Unsqueeze", "Pad",
                       "Tile",   "Expand",    "Flatten", "If",        "Range"};
  for (const auto& [name, seed] : seeds()) {
    onnx::ModelProto base;
    ASSERT_TRUE(base.ParseFromString(seed));
    for (int iter = 0; iter < 500; ++iter) {
      onnx::ModelProto m = base;
      auto* g = m.mutable_graph();
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        switch (rng() % 9) {
          case 0:
            if (g->input_size() > 0) {
              auto* shape =
                  g->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
              if (shape->dim_size() > 0)
                shape->mutable_dim(static_cast<int>(rng() % shape->dim_size()))
                    ->set_dim_value(pick());
            }
            break;
          case 1:
            if (g->initializer_size() > 0) {
              auto* t = g->mutable_initializer(static_cast<int>(rng() % g->initializer_size()));
              if (t->dims_size() > 0) t->set_dims(static_cast<int>(rng() % t->dims_size()), pick());
            }
            break;
          case 2:
            if (g->node_size() > 0) {
              auto* n = g->mutable_node(static_cast<int>(rng() % g->node_size()));
              if (n->attribute_size() > 0) {
                auto* a = n->mutable_attribute(static_cast<int>(rng() % n->attribute_size()));
                if (a->ints_size() > 0)
                  a->set_ints(static_cast<int>(rng() % a->ints_size()), pick());
                if (a->has_i()) a->set_i(pick());
              }
            }
            break;
          case 3:
            if (g->node_size() > 0)
              g->mutable_node()->DeleteSubrange(static_cast<int>(rng() % g->node_size()), 1);
            break;
          case 4:
            if (g->node_size() > 1) {  // rewire an input to a later node's output: cycles
              auto* n = g->mutable_node(static_cast<int>(rng() % g->node_size()));
              const auto& other = g->node(static_cast<int>(rng() % g->node_size()));
              if (n->input_size() > 0 && other.output_size() > 0)
                n->set_input(static_cast<int>(rng() % n->input_size()), other.output(0));
            }
            break;
          case 5:
            g->clear_value_info();
            break;
          case 6:
            if (g->node_size() > 0)
              g->mutable_node(static_cast<int>(rng() % g->node_size()))
                  ->set_op_type(ops[rng() % std::size(ops)]);
            break;
          case 7:
            if (m.opset_import_size() > 0)
              m.mutable_opset_import(0)->set_version(static_cast<std::int64_t>(rng() % 20));
            break;
          default:
            if (g->value_info_size() > 0) {
              auto* shape = g->mutable_value_info(static_cast<int>(rng() % g->value_info_size()))
                                ->mutable_type()
                                ->mutable_tensor_type()
                                ->mutable_shape();
              if (shape->dim_size() > 0)
                shape->mutable_dim(static_cast<int>(rng() % shape->dim_size()))
                    ->set_dim_value(pick());
            }
            break;
        }
      }
      check_import(m.SerializeAsString(), name + " semantic mutation " + std::to_string(iter));
    }
  }
}

}  // namespace
}  // namespace mosaic::workload

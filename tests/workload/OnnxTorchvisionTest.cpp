// The committed ONNX files under tests/data/onnx against what the framework computes:
//   - torchvision exports (scripts/export_torchvision.py): every layer's MACs equal the MACs
//     PyTorch forward hooks measured on the module (<model>.expect.json), layer counts equal;
//   - the transformer block built with python3-onnx (scripts/make_transformer_onnx.py): MACs
//     counted by hand, weights inside the file or in an external-data file.
// Each torchvision file is also imported a second time without its value_info, so every shape
// comes from mosaic's own propagation: the MACs must not change.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "OnnxBuilder.h"
#include "TestSupport.h"
#include "workload/OnnxImport.h"

namespace mosaic::workload {
namespace {

namespace fs = std::filesystem;

fs::path data_dir() {
  return test::source_dir() / "tests/data/onnx";
}

std::vector<fs::path> expectation_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(data_dir()))
    if (e.path().string().size() > 12 &&
        e.path().string().substr(e.path().string().size() - 12) == ".expect.json")
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(OnnxTorchvision, CommittedFilesArePresent) {
  std::set<std::string> models;
  for (const auto& f : expectation_files())
    models.insert(nlohmann::json::parse(test::read_file(f))["model"].get<std::string>());
  for (const char* required :
       {"resnet50", "mobilenet_v2", "mobilenet_v3_large", "ssdlite320_mobilenet_v3_large",
        "lraspp_mobilenet_v3_large", "fcn_resnet50"})
    EXPECT_TRUE(models.count(required)) << required;
}

TEST(OnnxTorchvision, EveryLayerMatchesForwardHooks) {
  for (const auto& f : expectation_files()) {
    const auto expect = nlohmann::json::parse(test::read_file(f));
    const std::string name = expect["model"];
    SCOPED_TRACE(name);
    const Model m = import_onnx(data_dir() / (name + ".onnx"));
    std::map<std::string, const Node*> by_name;
    for (const auto& n : m.nodes) by_name[n.layer.name] = &n;
    EXPECT_TRUE(expect["unmatched_hook_calls"].empty());
    std::int64_t hooked = 0, convs = 0, linears = 0;
    for (const auto& l : expect["layers"]) {
      const std::string node = l["node"];
      ASSERT_TRUE(by_name.count(node)) << node;
      const Layer& layer = by_name[node]->layer;
      EXPECT_EQ(macs(layer), l["macs"].get<std::int64_t>()) << node;
      hooked += l["macs"].get<std::int64_t>();
      const std::string kind = l["kind"];
      if (kind == "Conv2d") {
        ++convs;
        EXPECT_TRUE(layer.op == OpKind::Conv || layer.op == OpKind::DepthwiseConv ||
                    layer.op == OpKind::GroupedConv)
            << node;
      } else if (kind == "Linear") {
        ++linears;
        EXPECT_EQ(layer.op, OpKind::Gemm) << node;
      }
    }
    EXPECT_EQ(hooked, expect["hook_total_macs"].get<std::int64_t>());
    // Layer counts: one importer node per hook call, plus the matmuls of functional code
    // (attention) that no module hook sees.
    std::int64_t conv_nodes = 0, mac_nodes = 0;
    for (const auto& n : m.nodes) {
      conv_nodes += n.layer.source_op == "Conv";
      mac_nodes += is_mac_op(n.layer.op);
    }
    EXPECT_EQ(conv_nodes, convs);
    EXPECT_EQ(mac_nodes, static_cast<std::int64_t>(expect["layers"].size() +
                                                   expect["unhooked_mac_nodes"].size()));
    EXPECT_EQ(static_cast<std::int64_t>(expect["layers"].size()),
              expect["hook_calls"].get<std::int64_t>());
  }
}

TEST(OnnxTorchvision, OwnShapePropagationAgreesWithTheFile) {
  for (const auto& f : expectation_files()) {
    const std::string name = nlohmann::json::parse(test::read_file(f))["model"];
    SCOPED_TRACE(name);
    const fs::path path = data_dir() / (name + ".onnx");
    const Model with = import_onnx(path);
    OnnxImportOptions opt;
    opt.use_value_info = false;
    const Model without = import_onnx(path, opt);
    std::map<std::string, std::int64_t> a, b;
    for (const auto& n : with.nodes)
      if (is_mac_op(n.layer.op)) a[n.layer.name] = macs(n.layer);
    for (const auto& n : without.nodes)
      if (is_mac_op(n.layer.op)) b[n.layer.name] = macs(n.layer);
    EXPECT_EQ(a, b);
  }
}

TEST(OnnxTorchvision, TransformerBlockBuiltWithOnnxHelper) {
  for (const char* file : {"transformer_block.onnx", "transformer_block_external.onnx"}) {
    SCOPED_TRACE(file);
    const Model m = import_onnx(data_dir() / file);
    EXPECT_TRUE(m.warnings.empty());
    std::map<std::string, const Layer*> l;
    for (const auto& n : m.nodes) l[n.layer.name] = &n.layer;
    // Projections: T=16 rows, D=64 -> 64; FFN 64 -> 256 -> 64.
    for (const char* p : {"q_proj", "k_proj", "v_proj", "o_proj"})
      EXPECT_EQ(macs(*l.at(p)), 16LL * 64 * 64) << p;
    EXPECT_EQ(macs(*l.at("ffn1")), 16LL * 64 * 256);
    EXPECT_EQ(macs(*l.at("ffn2")), 16LL * 256 * 64);
    // Attention: 4 heads of [16 x 16] x [16 x 16] as batched GEMMs (G = heads).
    for (const char* p : {"scores", "context"}) {
      EXPECT_EQ(l.at(p)->G, 4) << p;
      EXPECT_EQ(l.at(p)->N, 16) << p;
      EXPECT_EQ(l.at(p)->C, 16) << p;
      EXPECT_EQ(l.at(p)->K, 16) << p;
    }
    EXPECT_EQ(total_macs(m), 819200);
    EXPECT_EQ(mac_layer_count(m), 8);
  }
}

TEST(OnnxTorchvision, StrippedFilesAreSmall) {
  // The committed exports keep shapes, not weights.
  for (const auto& f : expectation_files()) {
    const std::string name = nlohmann::json::parse(test::read_file(f))["model"];
    EXPECT_LT(fs::file_size(data_dir() / (name + ".onnx")), 1u << 20) << name;
  }
}

}  // namespace
}  // namespace mosaic::workload

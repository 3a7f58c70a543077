// The built-in zoo against independent counts: PyTorch forward hooks on modules rebuilt from
// the same publications (tests/data/zoo_reference.json, made by scripts/zoo_reference.py), the
// published totals, third-party ONNX files, and Herald's Table I figures.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "common/Error.h"
#include "workload/OnnxImport.h"
#include "workload/Workload.h"
#include "workload/Zoo.h"

namespace mosaic::workload {
namespace {

nlohmann::json reference() {
  return nlohmann::json::parse(
      test::read_file(test::source_dir() / "tests/data/zoo_reference.json"));
}

TEST(Zoo, EveryModelMatchesPyTorchLayerByLayer) {
  const auto ref = reference();
  for (const auto& info : zoo_catalog()) {
    SCOPED_TRACE(info.name);
    ASSERT_TRUE(ref.contains(info.name));
    const Model m = zoo_model(info.name);
    EXPECT_NO_THROW(validate(m));
    const auto& layers = ref[info.name]["layers"];
    std::vector<const Node*> mac_nodes;
    for (const auto& n : m.nodes)
      if (is_mac_op(n.layer.op)) mac_nodes.push_back(&n);
    ASSERT_EQ(mac_nodes.size(), layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
      EXPECT_EQ(mac_nodes[i]->layer.name, layers[i]["name"].get<std::string>()) << i;
      EXPECT_EQ(macs(mac_nodes[i]->layer), layers[i]["macs"].get<std::int64_t>())
          << mac_nodes[i]->layer.name;
    }
    EXPECT_EQ(total_macs(m), ref[info.name]["total_macs"].get<std::int64_t>());
  }
}

TEST(Zoo, PublishedTotals) {
  // Figures the publications / framework documentation state.
  EXPECT_EQ(total_macs(zoo_model("resnet50")), 4089184256);          // torchvision: 4.09 GMACs
  EXPECT_EQ(total_macs(zoo_model("mobilenet_v2")), 300774272);       // torchvision: 0.30 GMACs
  EXPECT_EQ(total_macs(zoo_model("vgg16")), 15470264320);            // torchvision: 15.47 GMACs
  EXPECT_NEAR(total_macs(zoo_model("mobilenet_v1")) / 1e6, 569, 1);  // paper: 569 M
  EXPECT_NEAR(total_macs(zoo_model("alexnet")) / 1e6, 724, 1);       // commonly cited 724 M
  EXPECT_NEAR(total_macs(zoo_model("googlenet")) / 1e9, 1.5, 0.1);   // paper: ~1.5 G
  // MLPerf: SSD-ResNet34 433 GOPs, SSD-MobileNet 2.47 GOPs (1 MAC = 2 ops).
  EXPECT_NEAR(2 * total_macs(zoo_model("ssd_resnet34")) / 1e9, 433, 1);
  EXPECT_NEAR(2 * total_macs(zoo_model("ssd_mobilenet_v1")) / 1e9, 2.47, 0.01);
}

TEST(Zoo, HandCountedRecurrentAndMlpModels) {
  EXPECT_EQ(total_macs(zoo_model("lstm_m")), 128LL * 500 * 500);
  EXPECT_EQ(total_macs(zoo_model("lstm_l")), 128LL * 1000 * 1000);
  EXPECT_EQ(total_macs(zoo_model("rhn")), 128LL * 1500 * 1500);
  EXPECT_EQ(total_macs(zoo_model("mlp_m")), 128LL * (784 * 1000 + 1000 * 500 + 500 * 250));
  EXPECT_EQ(total_macs(zoo_model("mlp_l")), 128LL * (784 * 1500 + 1500 * 1000 + 1000 * 500));
  // GNMT: 25 tokens, hidden 1024, 4 gates; see docs/workloads.md.
  const std::int64_t t = 25, h = 1024;
  const std::int64_t lstm = t * 4 * h;
  const std::int64_t expected = lstm * (2 * 2048 + 3072 + 2 * 2048) +  // encoder
                                lstm * (3072 * 4) +                    // decoder
                                2 * t * h * h +                        // attention projections
                                t * t * h + t * t * h +                // score and context
                                t * h * 32000;                         // classifier
  EXPECT_EQ(total_macs(zoo_model("gnmt")), expected);
}

TEST(Zoo, UnetIsTheOriginal23LayerNetwork) {
  const Model m = zoo_model("unet");
  EXPECT_EQ(mac_layer_count(m), 23);
  int up = 0;
  for (const auto& n : m.nodes) up += n.layer.op == OpKind::TransposedConv;
  EXPECT_EQ(up, 4);
  EXPECT_EQ(m.nodes.back().output_shape, (std::vector<std::int64_t>{1, 2, 388, 388}));
}

TEST(Zoo, SsdHeadsLandOnThePublishedFeatureMaps) {
  // SSD-ResNet34 (MLPerf): 50, 25, 13, 7, 3, 3; SSD-MobileNet: 19, 10, 5, 3, 2, 1.
  auto sizes = [](const Model& m, const std::string& prefix) {
    std::vector<std::int64_t> out;
    for (const auto& n : m.nodes)
      if (n.layer.name.rfind(prefix, 0) == 0) out.push_back(output_rows(n.layer));
    return out;
  };
  EXPECT_EQ(sizes(zoo_model("ssd_resnet34"), "loc."),
            (std::vector<std::int64_t>{50, 25, 13, 7, 3, 3}));
  std::vector<std::int64_t> mb;
  const Model s = zoo_model("ssd_mobilenet_v1");
  for (const auto& n : s.nodes)
    if (n.layer.name.find(".regression") != std::string::npos) mb.push_back(output_rows(n.layer));
  EXPECT_EQ(mb, (std::vector<std::int64_t>{19, 10, 5, 3, 2, 1}));
}

TEST(Zoo, AlexNetMatchesThirdPartyOnnxStructure) {
  MOSAIC_REQUIRE_SHARED();
  // ZigZag ships the ONNX model zoo's bvlc_alexnet: the same layers (at 224x224 input).
  const Model onnx =
      import_onnx(test::shared_dir() / "reference/zigzag/inputs/workload/alexnet.onnx");
  const Model zoo = zoo_model("alexnet");
  std::vector<const Layer*> a, b;
  for (const auto& n : onnx.nodes)
    if (is_mac_op(n.layer.op)) a.push_back(&n.layer);
  for (const auto& n : zoo.nodes)
    if (is_mac_op(n.layer.op)) b.push_back(&n.layer);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(b[i]->name);
    EXPECT_EQ(a[i]->op, b[i]->op);
    EXPECT_EQ(a[i]->G, b[i]->G);
    EXPECT_EQ(a[i]->K, b[i]->K);
    EXPECT_EQ(a[i]->C, b[i]->C);
    EXPECT_EQ(a[i]->R, b[i]->R);
    EXPECT_EQ(a[i]->stride_y, b[i]->stride_y);
    EXPECT_EQ(a[i]->pad_top, b[i]->pad_top);
  }
}

TEST(Zoo, HeraldTableOneFigures) {
  // Channel-activation size ratio = input channels / input rows over the MAC layers. Herald's
  // own tables come from MAESTRO model files (FC written as 7x7 convolutions, no shortcut
  // convolutions), so only the figures both descriptions share are compared.
  const Heterogeneity r = heterogeneity(zoo_model("resnet50"));
  EXPECT_NEAR(r.ratio_min, 0.013, 0.0005);
  EXPECT_NEAR(r.ratio_median, 18.286, 0.0005);
  const Heterogeneity u = heterogeneity(zoo_model("unet"));
  EXPECT_NEAR(u.ratio_min, 0.002, 0.0005);
  EXPECT_NEAR(u.ratio_median, 1.855, 0.0005);
  const Heterogeneity m = heterogeneity(zoo_model("mobilenet_v2"));
  EXPECT_NEAR(m.ratio_min, 0.013, 0.0005);
  EXPECT_NEAR(m.ratio_max, 1280, 1e-9);
  EXPECT_EQ(u.operators,
            (std::vector<std::string>{"CONCAT", "CONV2D", "POOL", "PWCONV", "UPCONV"}));
  // The hand-pose stand-in shares Table I's maximum (the 1024-wide FC layers).
  EXPECT_NEAR(heterogeneity(zoo_model("handpose_deepprior")).ratio_max, 1024, 1e-9);
}

TEST(Zoo, NamesAndErrors) {
  EXPECT_TRUE(is_zoo_model("ResNet50"));
  EXPECT_TRUE(is_zoo_model("mobilenet-v2"));
  EXPECT_FALSE(is_zoo_model("resnet51"));
  try {
    zoo_model("resnet51");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown zoo model 'resnet51'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("mobilenet_v1"), std::string::npos);
  }
  for (const auto& z : zoo_catalog()) {
    EXPECT_FALSE(z.source.empty()) << z.name;
    EXPECT_FALSE(z.task.empty()) << z.name;
  }
}

}  // namespace
}  // namespace mosaic::workload

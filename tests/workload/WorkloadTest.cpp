// Workloads: Herald's built-in workloads, the flattened graph, workload files (YAML / JSON),
// round trips through the writers, the MAESTRO writer, and one test per user-facing error.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "OnnxBuilder.h"
#include "TestErrors.h"
#include "TestSupport.h"
#include "common/Error.h"
#include "workload/MaestroFormat.h"
#include "workload/WorkloadFile.h"
#include "workload/WorkloadWriter.h"
#include "workload/Zoo.h"

namespace mosaic::workload {
namespace {

using test::error_of;

Workload parse(const std::string& yaml, const std::filesystem::path& dir = ".") {
  return parse_workload_text(yaml, "w.yaml", dir);
}

TEST(Workload, HeraldTableTwo) {
  const Workload a = builtin_workload("arvr-a");
  ASSERT_EQ(a.models.size(), 3u);
  EXPECT_EQ(a.models[0].name, "resnet50");
  EXPECT_EQ(a.models[0].instances, 2);
  EXPECT_EQ(a.models[1].name, "unet");
  EXPECT_EQ(a.models[1].instances, 4);
  EXPECT_EQ(a.models[2].name, "mobilenet_v2");
  EXPECT_EQ(a.models[2].instances, 4);
  const std::int64_t r50 = total_macs(zoo_model("resnet50"));
  const std::int64_t unet = total_macs(zoo_model("unet"));
  const std::int64_t mb2 = total_macs(zoo_model("mobilenet_v2"));
  EXPECT_EQ(total_macs(a), 2 * r50 + 4 * unet + 4 * mb2);

  const Workload b = builtin_workload("arvr-b");
  std::vector<std::pair<std::string, std::int64_t>> got;
  for (const auto& e : b.models) got.emplace_back(e.name, e.instances);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::int64_t>>{{"resnet50", 2},
                                                                    {"unet", 2},
                                                                    {"mobilenet_v2", 4},
                                                                    {"handpose_deepprior", 2},
                                                                    {"depthnet_sfmlearner", 2}}));
  const Workload m = builtin_workload("mlperf");
  ASSERT_EQ(m.models.size(), 5u);
  for (const auto& e : m.models) EXPECT_EQ(e.instances, 1);
  const Workload m8 = builtin_workload("mlperf-b8");
  EXPECT_EQ(total_macs(m8), 8 * total_macs(m));
  EXPECT_THROW(builtin_workload("arvr-c"), UserError);
}

TEST(Workload, FlattenedGraphKeepsInstancesApart) {
  const Workload a = builtin_workload("arvr-a");
  const WorkloadGraph g = flatten(a);
  // Compute granularity: ResNet-50 72 nodes, UNet 31 (23 MAC layers, 4 pools, 4 concats),
  // MobileNetV2 64.
  EXPECT_EQ(g.nodes.size(), 2u * 72 + 4u * 31 + 4u * 64);
  ASSERT_EQ(g.spans.size(), 10u);
  for (const auto& span : g.spans) {
    for (std::int32_t i = span.first; i < span.first + span.count; ++i) {
      const auto& n = g.nodes[static_cast<std::size_t>(i)];
      EXPECT_EQ(n.model, span.model);
      EXPECT_EQ(n.instance, span.instance);
      for (std::int32_t p : n.preds) {
        EXPECT_GE(p, span.first);  // no dependence across instances or models
        EXPECT_LT(p, i);
      }
    }
  }
  EXPECT_EQ(g.nodes[0].name, "resnet50#0/conv1");
  EXPECT_TRUE(g.nodes[0].preds.empty());
  EXPECT_EQ(g.nodes[72].name, "resnet50#1/conv1");
  // A residual add joins two branches.
  for (const auto& n : g.nodes)
    if (n.name == "resnet50#0/layer1.0.add") {
      EXPECT_EQ(n.preds.size(), 2u);
    }
  // Every instance of a plain chain depends on its previous layer only.
  const WorkloadGraph gn = flatten(builtin_workload("mlperf"));
  EXPECT_EQ(gn.nodes.back().name, "gnmt/classifier");
}

TEST(Workload, BatchMultipliesN) {
  const Workload w = parse("models:\n  - zoo: alexnet\n    batch: 4\n    instances: 3\n");
  const ModelEntry& e = w.models.at(0);
  EXPECT_EQ(instance_macs(e), 4 * total_macs(zoo_model("alexnet")));
  EXPECT_EQ(entry_macs(e), 12 * total_macs(zoo_model("alexnet")));
  const WorkloadGraph g = flatten(w);
  EXPECT_EQ(g.nodes.size(), 3u * 11);
  EXPECT_EQ(g.nodes[0].layer.N, 4);
  EXPECT_EQ(g.nodes.back().layer.N, 4);  // FC rows carry the batch too
}

TEST(WorkloadFile, EveryEntryKind) {
  test::TempDir dir;
  onnx_test::OnnxBuilder b;
  b.input("x", {1, 3, 16, 16}).weight("w", {8, 3, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, "conv");
  test::write_file(dir.path() / "nets/tiny.onnx", b.bytes());
  test::write_file(dir.path() / "nets/two.m",
                   "Network two {\nLayer L1 {\nType: CONV\nDimensions { K: 4, C: 2, R: 3, S: 3, "
                   "Y: 10, X: 10 }\n}\nLayer L2 {\nType: GEMM\nDimensions { M: 8, N: 16, K: 32 "
                   "}\n}\n}\n");
  const std::string yaml = R"(name: mixed
models:
  - zoo: mobilenet-v1
    instances: 2
  - onnx: nets/tiny.onnx
    name: tiny
  - maestro: nets/two.m
  - name: inline
    batch: 2
    layers:
      - {name: c1, op: conv, dims: {K: 16, C: 3, Y: 32, X: 32, R: 3, S: 3}, pad: 1}
      - {name: c2, op: conv, dims: {K: 16, C: 16, Y: 32, X: 32, R: 1, S: 1}}
      - {name: add, op: eltwise, dims: {G: 16, Y: 32, X: 32}, num_inputs: 2, inputs: [c1, c2]}
      - {name: fc, op: gemm, dims: {C: 16384, K: 10}, inputs: [{from: add, elements: 16384}]}
)";
  test::write_file(dir.path() / "w.yaml", yaml);
  const Workload w = load_workload_file(dir.path() / "w.yaml");
  EXPECT_EQ(w.name, "mixed");
  ASSERT_EQ(w.models.size(), 4u);
  EXPECT_EQ(w.models[0].name, "mobilenet_v1");
  EXPECT_EQ(w.models[0].instances, 2);
  EXPECT_EQ(w.models[0].spec, "zoo:mobilenet-v1");
  EXPECT_EQ(w.models[1].name, "tiny");
  EXPECT_EQ(total_macs(w.models[1].model), 8LL * 3 * 14 * 14 * 9);
  EXPECT_EQ(w.models[2].name, "two");
  EXPECT_EQ(total_macs(w.models[2].model), 4LL * 2 * 8 * 8 * 9 + 8LL * 16 * 32);
  const Model& in = w.models[3].model;
  ASSERT_EQ(in.nodes.size(), 4u);
  EXPECT_EQ(in.nodes[0].inputs.at(0).producer, -1);
  EXPECT_EQ(in.nodes[1].inputs.at(0).producer, 0);  // chained by default
  EXPECT_EQ(predecessors(in, 2), (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(in.nodes[3].inputs.at(0).elements, 16384);
  EXPECT_EQ(in.nodes[0].layer.pad_top, 1);
  EXPECT_EQ(instance_macs(w.models[3]),
            2 * (16LL * 3 * 32 * 32 * 9 + 16LL * 16 * 32 * 32 + 16384LL * 10));
  // The same file through the one-argument loader.
  EXPECT_EQ(total_macs(load_workload((dir.path() / "w.yaml").string())), total_macs(w));
}

void expect_same_models(const Workload& a, const Workload& b) {
  ASSERT_EQ(a.models.size(), b.models.size());
  for (std::size_t i = 0; i < a.models.size(); ++i) {
    const Model& x = a.models[i].model;
    const Model& y = b.models[i].model;
    EXPECT_EQ(a.models[i].name, b.models[i].name);
    EXPECT_EQ(a.models[i].batch, b.models[i].batch);
    EXPECT_EQ(a.models[i].instances, b.models[i].instances);
    ASSERT_EQ(x.nodes.size(), y.nodes.size());
    for (std::size_t k = 0; k < x.nodes.size(); ++k) {
      const Node& p = x.nodes[k];
      const Node& q = y.nodes[k];
      SCOPED_TRACE(p.layer.name);
      EXPECT_EQ(p.layer.name, q.layer.name);
      EXPECT_EQ(p.layer.op, q.layer.op);
      EXPECT_EQ(p.layer.source_op, q.layer.source_op);
      const std::int64_t dp[] = {p.layer.N, p.layer.G, p.layer.K, p.layer.C,
                                 p.layer.Y, p.layer.X, p.layer.R, p.layer.S};
      const std::int64_t dq[] = {q.layer.N, q.layer.G, q.layer.K, q.layer.C,
                                 q.layer.Y, q.layer.X, q.layer.R, q.layer.S};
      EXPECT_TRUE(std::equal(std::begin(dp), std::end(dp), std::begin(dq)));
      EXPECT_EQ(p.layer.stride_y, q.layer.stride_y);
      EXPECT_EQ(p.layer.pad_bottom, q.layer.pad_bottom);
      EXPECT_EQ(p.layer.pad_right, q.layer.pad_right);
      EXPECT_EQ(p.layer.dilation_x, q.layer.dilation_x);
      EXPECT_EQ(p.layer.output_pad_x, q.layer.output_pad_x);
      EXPECT_EQ(p.layer.num_inputs, q.layer.num_inputs);
      EXPECT_EQ(p.layer.weight_bits, q.layer.weight_bits);
      EXPECT_EQ(p.output_shape, q.output_shape);
      EXPECT_EQ(p.shape_known, q.shape_known);
      ASSERT_EQ(p.inputs.size(), q.inputs.size());
      for (std::size_t j = 0; j < p.inputs.size(); ++j) {
        EXPECT_EQ(p.inputs[j].producer, q.inputs[j].producer);
        EXPECT_EQ(p.inputs[j].elements, q.inputs[j].elements);
      }
    }
  }
}

TEST(WorkloadFile, YamlAndJsonRoundTrips) {
  Workload w = builtin_workload("arvr-b");
  w.models[1].batch = 3;
  for (Granularity g : {Granularity::All, Granularity::Compute}) {
    Workload expected = w;
    for (auto& e : expected.models) e.model = at_granularity(e.model, g);
    const Workload from_yaml = parse(workload_yaml(w, g));
    expect_same_models(expected, from_yaml);
    EXPECT_EQ(total_macs(from_yaml), total_macs(w));
    const Workload from_json = parse(workload_json(w, g).dump());
    expect_same_models(expected, from_json);
    // Writing the reloaded workload again gives the same text.
    EXPECT_EQ(workload_yaml(from_yaml, g), workload_yaml(expected, g));
  }
}

TEST(WorkloadFile, OnnxModelRoundTripsThroughYaml) {
  MOSAIC_REQUIRE_SHARED();
  const Workload w = load_workload(
      (test::shared_dir() / "reference/zigzag/inputs/workload/mobilenetv2.onnx").string());
  const Workload back = parse(workload_yaml(w, Granularity::All));
  expect_same_models(w, back);
}

TEST(WorkloadFile, JsonSchema) {
  const nlohmann::json j = workload_json(builtin_workload("arvr-a"), Granularity::Compute);
  EXPECT_EQ(j["total_macs"].get<std::int64_t>(), total_macs(builtin_workload("arvr-a")));
  EXPECT_EQ(j["total_layers"].get<std::int64_t>(), 524);
  const auto& m = j["models"][0];
  EXPECT_EQ(m["name"], "resnet50");
  EXPECT_EQ(m["macs"].get<std::int64_t>(), 4089184256);
  EXPECT_EQ(m["total_macs"].get<std::int64_t>(), 2 * 4089184256LL);
  EXPECT_EQ(m["layers"][0]["name"], "conv1");
  EXPECT_EQ(m["layers"][0]["op"], "conv");
  EXPECT_EQ(m["layers"][0]["macs"].get<std::int64_t>(), 118013952);
  EXPECT_EQ(m["layers"][0]["weight_bytes"].get<std::int64_t>(), 64 * 3 * 49);
  EXPECT_NEAR(m["heterogeneity"]["ratio_median"].get<double>(), 18.2857, 1e-3);
}

TEST(MaestroWriter, LayerTypesAndPaddedSizes) {
  Workload w;
  ModelEntry e;
  e.name = "mix";
  e.batch = 2;
  const std::string yaml = R"(models:
  - name: mix
    batch: 2
    layers:
      - {name: c, op: conv, dims: {K: 8, C: 3, Y: 32, X: 32, R: 3, S: 3}, stride: 2, pad: [1, 1, 1, 1]}
      - {name: dw, op: dwconv, dims: {G: 8, Y: 16, X: 16, R: 3, S: 3}, pad: 1}
      - {name: gc, op: gconv, dims: {G: 2, K: 8, C: 4, Y: 16, X: 16, R: 3, S: 3}, pad: 1}
      - {name: dil, op: conv, dims: {K: 8, C: 16, Y: 16, X: 16, R: 3, S: 3}, dilation: 2, pad: 2}
      - {name: up, op: trconv, dims: {K: 4, C: 8, Y: 16, X: 16, R: 2, S: 2}, stride: 2}
      - {name: pool, op: maxpool, dims: {G: 4, Y: 32, X: 32, R: 2, S: 2}, stride: 2}
      - {name: fc, op: gemm, dims: {C: 1024, K: 10}}
)";
  const Workload parsed = parse(yaml);
  const std::string text = workload_maestro(parsed);
  EXPECT_CONTAINS(text, "Network mix {");
  EXPECT_CONTAINS(text,
                  "Layer c {\nType: CONV\nStride { X: 2, Y: 2 }\nDimensions { N: 2, K: 8, "
                  "C: 3, R: 3, S: 3, Y: 34, X: 34 }");
  EXPECT_CONTAINS(text,
                  "Type: DSCONV\nStride { X: 1, Y: 1 }\nDimensions { N: 2, K: 1, C: 8, R: "
                  "3, S: 3, Y: 18, X: 18 }");
  EXPECT_CONTAINS(text, "Type: NGCONV");
  EXPECT_CONTAINS(text, "G: 2, K: 8, C: 4, R: 3, S: 3, Y: 18, X: 18");
  // Dilation 2: output 16, so the input is written as 15*1 + 3 = 18 with R = 3.
  EXPECT_CONTAINS(text, "K: 8, C: 16, R: 3, S: 3, Y: 18, X: 18");
  EXPECT_CONTAINS(text, "Type: TRCONV\nStride { X: 2, Y: 2 }");
  EXPECT_CONTAINS(text, "Type: GEMM\nDimensions { M: 2, N: 10, K: 1024 }");
  EXPECT_CONTAINS(text, "pool (maxpool)");
  EXPECT_EQ(text.find("Layer pool"), std::string::npos);

  // MAESTRO's own semantics give the same MACs for every layer except the dilated one
  // (written with the same output size and MACs) and the transposed one (input-centric both).
  const auto net = maestro_format::parse_network_text(text, "mix.m");
  ASSERT_EQ(net.layers.size(), 6u);
  std::int64_t sum = 0;
  for (const auto& ls : net.layers) sum += macs(maestro_format::to_layer(ls, "mix.m"));
  EXPECT_EQ(sum, total_macs(parsed));
}

TEST(MaestroWriter, ZooModelsKeepTheirMacCount) {
  for (const char* name :
       {"resnet50", "mobilenet_v2", "alexnet", "ssd_mobilenet_v1", "gnmt", "depthnet_sfmlearner"}) {
    SCOPED_TRACE(name);
    ModelEntry e;
    e.name = name;
    e.model = zoo_model(name);
    const auto net = maestro_format::parse_network_text(maestro_network(e), "z.m");
    std::int64_t sum = 0;
    for (const auto& ls : net.layers) sum += macs(maestro_format::to_layer(ls, "z.m"));
    EXPECT_EQ(sum, total_macs(e.model));
    EXPECT_EQ(static_cast<std::int64_t>(net.layers.size()), mac_layer_count(e.model));
  }
}

// ---- errors: one test per user-facing message -------------------------------------------

TEST(WorkloadFileErrors, NotYaml) {
  EXPECT_CONTAINS(error_of([] { parse("models: [zoo: resnet50\n"); }), "not valid YAML");
}

TEST(WorkloadFileErrors, RootAndModels) {
  EXPECT_CONTAINS(error_of([] { parse("- a\n- b\n"); }), "a workload file is a map");
  EXPECT_CONTAINS(error_of([] { parse("name: x\n"); }), "expected a non-empty list of models");
  EXPECT_CONTAINS(error_of([] { parse("models: []\n"); }), "expected a non-empty list of models");
  EXPECT_CONTAINS(error_of([] { parse("models:\n  - 3\n"); }), "a model entry is a map");
}

TEST(WorkloadFileErrors, UnknownKeyNamesLineAndKey) {
  const std::string msg = error_of([] { parse("models:\n  - zoo: resnet50\n    batchs: 2\n"); });
  EXPECT_CONTAINS(msg, "w.yaml:3: models[0].batchs: unknown key 'batchs'");
}

TEST(WorkloadFileErrors, SourceChoice) {
  EXPECT_CONTAINS(error_of([] { parse("models:\n  - zoo: resnet50\n    onnx: a.onnx\n"); }),
                  "exactly one of 'zoo', 'onnx', 'maestro' or 'layers'");
  EXPECT_CONTAINS(error_of([] { parse("models:\n  - name: x\n"); }), "exactly one of");
  EXPECT_CONTAINS(error_of([] { parse("models:\n  - zoo: resnet51\n"); }),
                  "unknown zoo model 'resnet51'");
  EXPECT_CONTAINS(error_of([] { parse("models:\n  - zoo: vgg16\n    dims: {b: 1}\n"); }),
                  "'dims' applies to ONNX models only");
}

TEST(WorkloadFileErrors, Numbers) {
  EXPECT_CONTAINS(error_of([] { parse("models:\n  - zoo: vgg16\n    batch: two\n"); }),
                  "models[0].batch: expected an integer between 1 and 1048576, got 'two'");
  EXPECT_CONTAINS(error_of([] { parse("models:\n  - zoo: vgg16\n    instances: 0\n"); }),
                  "models[0].instances: must be an integer between 1 and 65536, got 0");
}

TEST(WorkloadFileErrors, DuplicateModelNames) {
  EXPECT_CONTAINS(error_of([] { parse("models:\n  - zoo: vgg16\n  - zoo: vgg16\n"); }),
                  "model name 'vgg16' is used twice");
}

TEST(WorkloadFileErrors, InlineLayers) {
  auto layers = [](const std::string& body) {
    return "models:\n  - name: m\n    layers:\n" + body;
  };
  EXPECT_CONTAINS(error_of([&] { parse(layers("      - {op: conv, dims: {K: 1}}\n")); }),
                  "the layer has no name");
  EXPECT_CONTAINS(error_of([&] { parse(layers("      - {name: a, dims: {K: 1}}\n")); }),
                  "the layer has no op");
  EXPECT_CONTAINS(error_of([&] { parse(layers("      - {name: a, op: lstm, dims: {K: 1}}\n")); }),
                  "unknown op 'lstm'");
  EXPECT_CONTAINS(error_of([&] { parse(layers("      - {name: a, op: conv}\n")); }),
                  "expected a map of dimensions");
  EXPECT_CONTAINS(error_of([&] { parse(layers("      - {name: a, op: conv, dims: {Q: 3}}\n")); }),
                  "unknown key 'Q'");
  EXPECT_CONTAINS(
      error_of([&] { parse(layers("      - {name: a, op: conv, dims: {Y: 2, R: 3}}\n")); }),
      "filter rows 3");
  EXPECT_CONTAINS(error_of([&] {
                    parse(
                        layers("      - {name: a, op: conv, dims: {K: 1}}\n      - {name: a, "
                               "op: conv, dims: {K: 1}}\n"));
                  }),
                  "duplicate layer name 'a'");
  EXPECT_CONTAINS(
      error_of([&] { parse(layers("      - {name: a, op: conv, dims: {K: 1}, inputs: [b]}\n")); }),
      "'b' is not an earlier layer of model 'm'");
  EXPECT_CONTAINS(error_of([&] {
                    parse(layers("      - {name: a, op: conv, dims: {K: 1}, stride: [1, 2, 3]}\n"));
                  }),
                  "expected an integer or a list of 2");
  EXPECT_CONTAINS(error_of([&] { parse(layers("      []\n")); }), "non-empty list of layers");
}

TEST(WorkloadFileErrors, MissingFiles) {
  EXPECT_CONTAINS(error_of([] { parse("models:\n  - onnx: nowhere.onnx\n"); }),
                  "cannot open the file");
  EXPECT_CONTAINS(error_of([] { load_workload("no-such-thing"); }),
                  "no such file, built-in workload (arvr-a, arvr-b, mlperf, mlperf-b8)");
  EXPECT_CONTAINS(error_of([] { load_workload_file("/nonexistent/w.yaml"); }),
                  "cannot read the file");
}

// ---- command line ------------------------------------------------------------------------

TEST(WorkloadCli, ShowJson) {
  const auto r = test::run_mosaic("workload show resnet50 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["total_macs"].get<std::int64_t>(), 4089184256);
  ASSERT_EQ(j["models"].size(), 1u);
  EXPECT_EQ(j["models"][0]["name"], "resnet50");
  EXPECT_EQ(j["models"][0]["macs"].get<std::int64_t>(), 4089184256);
  const auto& layers = j["models"][0]["layers"];
  EXPECT_EQ(layers.size(), 72u);
  std::int64_t sum = 0;
  for (const auto& l : layers) {
    EXPECT_TRUE(l.contains("name"));
    EXPECT_TRUE(l.contains("op"));
    sum += l["macs"].get<std::int64_t>();
  }
  EXPECT_EQ(sum, 4089184256);
}

TEST(WorkloadCli, ShowTextHasTotalsAndHeterogeneity) {
  const auto r = test::run_mosaic("workload show arvr-a --summary");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_CONTAINS(r.out,
                  "workload arvr-a: 3 models, 524 layers (compute granularity), "
                  "611,095,163,392 MACs");
  EXPECT_CONTAINS(r.out, "model unet (zoo:unet): batch 1, 4 instances");
  EXPECT_CONTAINS(r.out, "median 18.286");
  const auto t = test::run_mosaic("workload show alexnet");
  ASSERT_EQ(t.exit_code, 0);
  EXPECT_CONTAINS(t.out, "conv2");
  EXPECT_CONTAINS(t.out, "223,948,800");  // 2 groups x 128 x 48 x 27 x 27 x 25
}

TEST(WorkloadCli, ConvertRoundTrips) {
  test::TempDir dir;
  const auto y =
      test::run_mosaic("workload convert arvr-a --to yaml -o " + (dir.path() / "a.yaml").string());
  ASSERT_EQ(y.exit_code, 0) << y.err;
  const auto back =
      test::run_mosaic("workload show " + (dir.path() / "a.yaml").string() + " --json --summary");
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(nlohmann::json::parse(back.out)["total_macs"].get<std::int64_t>(), 611095163392);
  const auto js =
      test::run_mosaic("workload convert mlperf --to json -o " + (dir.path() / "m.json").string());
  ASSERT_EQ(js.exit_code, 0) << js.err;
  const auto back2 =
      test::run_mosaic("workload show " + (dir.path() / "m.json").string() + " --json --summary");
  EXPECT_EQ(nlohmann::json::parse(back2.out)["total_macs"].get<std::int64_t>(),
            total_macs(builtin_workload("mlperf")));
  const auto m = test::run_mosaic("workload convert arvr-a --to maestro -o " +
                                  (dir.path() / "maestro").string());
  ASSERT_EQ(m.exit_code, 0) << m.err;
  for (const char* f : {"resnet50.m", "unet.m", "mobilenet_v2.m"})
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "maestro" / f)) << f;
  const auto r50 = test::run_mosaic(
      "workload show " + (dir.path() / "maestro/resnet50.m").string() + " --json --summary");
  EXPECT_EQ(nlohmann::json::parse(r50.out)["total_macs"].get<std::int64_t>(), 4089184256);
}

TEST(WorkloadCli, Errors) {
  const auto r = test::run_mosaic("workload show nothing-here");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_CONTAINS(r.err, "error: nothing-here: no such file");
  const auto c = test::run_mosaic("workload convert resnet50 --to onnx");
  EXPECT_EQ(c.exit_code, 1);
  EXPECT_CONTAINS(c.err, "--to: unknown value 'onnx'; choose maestro, yaml, json or zigzag");
  const auto g = test::run_mosaic("workload show resnet50 --granularity coarse");
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_CONTAINS(g.err, "--granularity: unknown value 'coarse'; choose compute or all");
  test::TempDir dir;
  const auto o = test::run_mosaic("workload show resnet50 -o " +
                                  (dir.path() / "missing-dir/out.txt").string());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_CONTAINS(o.err, "cannot write the file");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing-dir"));
}

}  // namespace
}  // namespace mosaic::workload

namespace mosaic::workload {
namespace {

// Seeded mutations of a workload file: a UserError or a valid workload, never anything else.
TEST(WorkloadFileMutation, CorruptedText) {
  const std::string base = R"(name: m
models:
  - zoo: alexnet
    batch: 2
  - name: tiny
    instances: 3
    layers:
      - {name: c1, op: conv, dims: {K: 16, C: 3, Y: 32, X: 32, R: 3, S: 3}, pad: [1, 1, 1, 1], stride: [1, 1]}
      - {name: p, op: maxpool, dims: {G: 16, Y: 32, X: 32, R: 2, S: 2}, stride: 2}
      - {name: fc, op: gemm, dims: {C: 4096, K: 10}, inputs: [{from: p, elements: 4096}], bits: {input: 16}}
)";
  const std::string alphabet = "{}[]:,- \n\"'#&*!|>%@`0123456789abcdefgKCYXRSN";
  std::mt19937_64 rng(99);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const std::size_t pos = rng() % s.size();
      switch (rng() % 3) {
        case 0:
          s[pos] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          s.erase(pos, 1 + rng() % 6);
          break;
        default:
          s.insert(pos, 1, alphabet[rng() % alphabet.size()]);
          break;
      }
    }
    try {
      const Workload w = parse_workload_text(s, "m.yaml", ".");
      for (const auto& e : w.models) EXPECT_NO_THROW(validate(e.model));
      (void)flatten(w);
    } catch (const UserError&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected exception " << e.what() << " for:\n" << s;
    }
  }
}

}  // namespace
}  // namespace mosaic::workload

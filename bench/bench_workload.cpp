// Workload stage benchmarks: ONNX import of a ResNet-50 with its weights (about 100 MB), the zoo,
// workload flattening and writing.
//
// The 100 MB model is tests/data/onnx/resnet50.onnx (torchvision's export, weights stripped)
// with every stripped tensor refilled with random float data of its original size, so the
// protobuf the importer parses has exactly the layout of the export with weights.
#ifndef ONNX_ML
#define ONNX_ML 1
#endif
#ifndef ONNX_NAMESPACE
#define ONNX_NAMESPACE onnx
#endif

#include <benchmark/benchmark.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "workload/OnnxImport.h"
#include "workload/Workload.h"
#include "workload/WorkloadWriter.h"
#include "workload/Zoo.h"

namespace {

using namespace mosaic::workload;

const std::string& resnet50_with_weights() {
  static const std::string bytes = [] {
    const auto path = std::filesystem::path(MOSAIC_SOURCE_DIR) / "tests/data/onnx/resnet50.onnx";
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    onnx::ModelProto m;
    if (!m.ParseFromString(ss.str())) return std::string();
    std::mt19937 rng(1);
    auto refill = [&](onnx::TensorProto& t) {
      if (t.data_location() != onnx::TensorProto_DataLocation_EXTERNAL) return;
      std::int64_t n = 1;
      for (auto d : t.dims()) n *= d;
      std::string raw(static_cast<std::size_t>(n) * 4, '\0');
      for (auto& c : raw) c = static_cast<char>(rng());
      t.clear_external_data();
      t.set_data_location(onnx::TensorProto_DataLocation_DEFAULT);
      t.set_raw_data(std::move(raw));
    };
    for (auto& t : *m.mutable_graph()->mutable_initializer()) refill(t);
    return m.SerializeAsString();
  }();
  return bytes;
}

void BM_ImportResNet50WithWeightsFromMemory(benchmark::State& state) {
  const std::string& bytes = resnet50_with_weights();
  if (bytes.empty()) {
    state.SkipWithError("tests/data/onnx/resnet50.onnx is missing");
    return;
  }
  for (auto _ : state) {
    Model m = import_onnx_bytes(bytes.data(), bytes.size(), "resnet50.onnx");
    benchmark::DoNotOptimize(m.nodes.data());
  }
  state.counters["MB"] = static_cast<double>(bytes.size()) / 1e6;
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_ImportResNet50WithWeightsFromMemory)->Unit(benchmark::kMillisecond);

void BM_ImportResNet50WithWeightsFromFile(benchmark::State& state) {
  const std::string& bytes = resnet50_with_weights();
  if (bytes.empty()) {
    state.SkipWithError("tests/data/onnx/resnet50.onnx is missing");
    return;
  }
  const auto path = std::filesystem::temp_directory_path() / "mosaic-bench-resnet50.onnx";
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  for (auto _ : state) {
    Model m = import_onnx(path);
    benchmark::DoNotOptimize(m.nodes.data());
  }
  std::filesystem::remove(path);
  state.counters["MB"] = static_cast<double>(bytes.size()) / 1e6;
}
BENCHMARK(BM_ImportResNet50WithWeightsFromFile)->Unit(benchmark::kMillisecond);

void BM_ImportStrippedResNet50(benchmark::State& state) {
  const auto path = std::filesystem::path(MOSAIC_SOURCE_DIR) / "tests/data/onnx/resnet50.onnx";
  if (!std::filesystem::exists(path)) {
    state.SkipWithError("tests/data/onnx/resnet50.onnx is missing");
    return;
  }
  for (auto _ : state) {
    Model m = import_onnx(path);
    benchmark::DoNotOptimize(m.nodes.data());
  }
}
BENCHMARK(BM_ImportStrippedResNet50)->Unit(benchmark::kMicrosecond);

void BM_BuildZoo(benchmark::State& state) {
  for (auto _ : state)
    for (const auto& z : zoo_catalog()) {
      Model m = zoo_model(z.name);
      benchmark::DoNotOptimize(m.nodes.data());
    }
}
BENCHMARK(BM_BuildZoo)->Unit(benchmark::kMicrosecond);

void BM_FlattenArvrB(benchmark::State& state) {
  const Workload w = builtin_workload("arvr-b");
  for (auto _ : state) {
    WorkloadGraph g = flatten(w);
    benchmark::DoNotOptimize(g.nodes.data());
  }
}
BENCHMARK(BM_FlattenArvrB)->Unit(benchmark::kMicrosecond);

void BM_WorkloadJsonMlperf(benchmark::State& state) {
  const Workload w = builtin_workload("mlperf");
  for (auto _ : state) {
    auto j = workload_json(w, Granularity::All);
    benchmark::DoNotOptimize(j.size());
  }
}
BENCHMARK(BM_WorkloadJsonMlperf)->Unit(benchmark::kMicrosecond);

}  // namespace

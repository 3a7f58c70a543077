// One full COALA schedule (Stream's scheduler) of a tiled workload, the inner loop of the GA:
// Stream's tutorial lab3 (224 CNs, 718 edges, fused, one allocation). Needs ../shared (or the
// MOSAIC_SHARED environment variable pointing at it).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "search/StreamPipeline.h"

namespace {

std::string shared() {
  const char* e = std::getenv("MOSAIC_SHARED");
  return e ? e : MOSAIC_SHARED_DIR;
}

void BM_StreamScheduleLab3(benchmark::State& state) {
  const auto in = std::filesystem::path(shared()) / "reference/stream/tutorial/lab3/inputs";
  if (!std::filesystem::exists(in)) {
    state.SkipWithError("../shared is absent");
    return;
  }
  mosaic::search::StreamOptions o;
  o.mode = mosaic::workload::StackMode::Fused;
  o.allocation = mosaic::search::StreamAllocation::Ga;
  o.generations = 0;
  o.informed_individuals = false;  // the first random genome of seed 1
  o.polish_schedules = 0;
  const auto run = mosaic::search::run_stream((in / "hardware/hda_bus.yaml").string(),
                                              (in / "workload/4_convs.onnx").string(),
                                              (in / "mapping/mapping.yaml").string(), o);
  std::vector<const mosaic::mapper::StreamCnCost*> cost;
  for (const auto& c : run.cn_cost) cost.push_back(&c);
  for (auto _ : state) {
    auto r = mosaic::schedule::schedule_stream(run.graph, run.acc, run.core_of_cn, cost, false);
    benchmark::DoNotOptimize(r.latency_cycles);
  }
  state.counters["cns"] = static_cast<double>(run.graph.cns.size());
}
BENCHMARK(BM_StreamScheduleLab3)->Unit(benchmark::kMillisecond);

// ResNet-18 fused on the TPU-like quad core (Stream's examples; 2,408 CNs, 8,926 edges), one
// allocation (the best of the first random genomes of seed 1).
void BM_StreamScheduleResNet18(benchmark::State& state) {
  const auto ex = std::filesystem::path(shared()) / "reference/stream/examples";
  if (!std::filesystem::exists(ex)) {
    state.SkipWithError("../shared is absent");
    return;
  }
  mosaic::search::StreamOptions o;
  o.mode = mosaic::workload::StackMode::Fused;
  o.layer_stacks = "0-10,11-21";
  o.allocation = mosaic::search::StreamAllocation::Ga;
  o.generations = 0;
  o.informed_individuals = false;  // the first random genome of seed 1
  o.polish_schedules = 0;
  const auto run = mosaic::search::run_stream(
      (ex / "hardware/tpu_like_quad_core.yaml").string(), (ex / "workload/resnet18.onnx").string(),
      (ex / "mapping/tpu_like_quad_core_ga.yaml").string(), o);
  std::vector<const mosaic::mapper::StreamCnCost*> cost;
  for (const auto& c : run.cn_cost) cost.push_back(&c);
  for (auto _ : state) {
    auto r = mosaic::schedule::schedule_stream(run.graph, run.acc, run.core_of_cn, cost, false);
    benchmark::DoNotOptimize(r.latency_cycles);
  }
  state.counters["cns"] = static_cast<double>(run.graph.cns.size());
}
BENCHMARK(BM_StreamScheduleResNet18)->Unit(benchmark::kMillisecond);

}  // namespace

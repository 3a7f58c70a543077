// Speed of the loop-nest model and its searches (see bench/README.md for the figures and the
// peer tools' speeds they are compared with).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "arch/HierarchyBuilder.h"
#include "arch/ZigZagHardware.h"
#include "cost/LoopNestModel.h"
#include "dataflow/LoopNestMapping.h"
#include "mapper/FastSearch.h"
#include "mapper/InterstellarNetworks.h"
#include "mapper/Loma.h"
#include "mapper/LoopNestMapper.h"
#include "mapper/SpatialSearch.h"
#include "workload/ZigZagWorkload.h"

namespace {

using namespace mosaic;

std::string shared(const std::string& rel) {
  return std::string(MOSAIC_SHARED_DIR) + "/reference/zigzag/inputs/" + rel;
}
std::string data(const std::string& rel) {
  return std::string(MOSAIC_SOURCE_DIR) + "/tests/data/" + rel;
}
bool have_shared() {
  return std::filesystem::exists(shared("hardware/tpu_like.yaml"));
}

struct Setup {
  arch::LoopNestHardware hw;
  dataflow::LoopNestMappingSet maps;
  std::vector<workload::EinsumLayer> layers;
};

Setup tpu_resnet18() {
  return {arch::read_zigzag_hardware(shared("hardware/tpu_like.yaml")),
          dataflow::read_zigzag_mapping(shared("mapping/tpu_like.yaml")),
          workload::read_zigzag_workload(shared("workload/resnet18.yaml"))};
}

// One LOMA search of 720 loop orders: ResNet-18 conv2_1 (K64 C64 56x56 3x3) on tpu_like.
void BM_LomaSearch720_TpuLike(benchmark::State& state) {
  if (!have_shared()) return state.SkipWithError("../shared is absent");
  const Setup s = tpu_resnet18();
  const auto& layer = s.layers[2];
  const auto p = cost::compile_problem(layer, s.hw,
                                       dataflow::select_mapping(s.maps, layer.name, layer.op_type));
  std::int64_t orders = 0;
  for (auto _ : state) {
    const auto r = mapper::loma_search(p, {});
    orders = r.stats.orders;
    benchmark::DoNotOptimize(r.cost.energy_pj);
  }
  state.counters["orders"] = static_cast<double>(orders);
  state.counters["orders_per_s"] = benchmark::Counter(
      static_cast<double>(orders), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_LomaSearch720_TpuLike)->Unit(benchmark::kMillisecond);

// mosaic's fast search over the same space (same optimum).
void BM_FastSearch720_TpuLike(benchmark::State& state) {
  if (!have_shared()) return state.SkipWithError("../shared is absent");
  const Setup s = tpu_resnet18();
  const auto& layer = s.layers[2];
  const auto p = cost::compile_problem(layer, s.hw,
                                       dataflow::select_mapping(s.maps, layer.name, layer.op_type));
  mapper::FastStats st;
  for (auto _ : state) {
    const auto r = mapper::fast_search(p, {});
    st = r.stats;
    benchmark::DoNotOptimize(r.best.cost.energy_pj);
  }
  state.counters["orders"] = static_cast<double>(st.orders);
  state.counters["duplicates"] = static_cast<double>(st.duplicates);
  state.counters["bounded"] = static_cast<double>(st.bounded);
  state.counters["full_evals"] = static_cast<double>(st.evaluations);
}
BENCHMARK(BM_FastSearch720_TpuLike)->Unit(benchmark::kMillisecond);

// The whole ResNet-18 (YAML, 31 layers) on tpu_like with ZigZag's defaults.
void BM_ResNet18_TpuLike(benchmark::State& state) {
  if (!have_shared()) return state.SkipWithError("../shared is absent");
  const Setup s = tpu_resnet18();
  mapper::MapOptions o;
  o.engine = state.range(0) ? mapper::TemporalEngine::Fast : mapper::TemporalEngine::Loma;
  for (auto _ : state) {
    const auto r = mapper::map_workload(s.layers, s.hw, s.maps, o);
    benchmark::DoNotOptimize(r.energy_pj);
  }
  state.SetLabel(o.engine == mapper::TemporalEngine::Fast ? "fast" : "loma");
}
BENCHMARK(BM_ResNet18_TpuLike)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// A single mapping evaluation of a 7-D convolution (AlexNet conv3-like: K384 C256 13x13 3x3) on
// ZigZag's eyeriss_like: 7 memories, 14x12 = 168 PEs (Timeloop's reference case, ~13 ms each).
void BM_EvaluateOne_EyerissLike(benchmark::State& state) {
  if (!have_shared()) return state.SkipWithError("../shared is absent");
  const auto hw = arch::read_zigzag_hardware(shared("hardware/eyeriss_like.yaml"));
  const auto maps = dataflow::parse_zigzag_mapping(R"(- name: default
  spatial_mapping:
    D1: ["OY, 13"]
    D2: ["FY, 3", "K, 4"]
  memory_operand_links: {O: O, W: I2, I: I1}
)",
                                                   "eyeriss_mapping");
  const auto layers = workload::parse_zigzag_workload(R"(- id: 0
  name: conv3
  operator_type: Conv
  equation: O[b][k][oy][ox]+=W[k][c][fy][fx]*I[b][c][iy][ix]
  dimension_relations: [ix=1*ox+1*fx, iy=1*oy+1*fy]
  loop_dims: [B, K, C, OY, OX, FY, FX]
  loop_sizes: [4, 384, 256, 13, 13, 3, 3]
  operand_precision: {W: 8, I: 8, O: 16, O_final: 8}
  operand_source: {I: 0, W: 0}
)",
                                                      "conv3");
  const auto p = cost::compile_problem(layers[0], hw, maps.entries[0]);
  // Pick an allocatable order once, then evaluate it repeatedly.
  cost::LnTemporalMapping tm;
  bool ok = false;
  mapper::for_each_permutation(
      p, mapper::loop_prime_factors(p, 8), [&](const std::vector<mapper::Lpf>& order) {
        ok = mapper::allocate(p, order.data(), static_cast<int>(order.size()), tm);
        return !ok;
      });
  if (!ok) return state.SkipWithError("no order fits");
  for (auto _ : state) {
    const auto r = cost::evaluate(p, tm);
    benchmark::DoNotOptimize(r.energy_pj);
  }
}
BENCHMARK(BM_EvaluateOne_EyerissLike)->Unit(benchmark::kMicrosecond);

// Interstellar's AlexNet conv2 search (batch 16) on the Eyeriss-like 3-level hierarchy (512 B RF,
// 128 KB buffer, DRAM, 16x16 PEs, Table IV energies): every U|V dataflow with replication above
// 75% utilization, each with its best loop blocking, energy objective. Python Interstellar: 16.8
// CPU-s for the hinted search.
void BM_InterstellarAlexnetConv2Search(benchmark::State& state) {
  const auto layers = mapper::interstellar_network("alexnet-conv2");
  const auto hw = arch::build_hierarchy(arch::HierarchySpec{}, arch::interstellar_28nm());
  mapper::DataflowSpaceOptions ds;
  ds.min_utilization = 0.75;
  mapper::LomaOptions lo;
  lo.objective = mapper::Objective::Energy;
  std::int64_t cands = 0;
  for (auto _ : state) {
    const auto r = mapper::search_spatial(layers[0], hw, ds, lo);
    cands = r.candidates;
    benchmark::DoNotOptimize(r.best.temporal.cost.energy_pj);
  }
  state.counters["dataflows"] = static_cast<double>(cands);
}
BENCHMARK(BM_InterstellarAlexnetConv2Search)->Unit(benchmark::kMillisecond);

// The same layer with one fixed dataflow (row stationary FY|OY, Interstellar's Eyeriss hint fixes
// the partitioning the same way): the best loop blocking only.
void BM_InterstellarAlexnetConv2Hinted(benchmark::State& state) {
  const auto layers = mapper::interstellar_network("alexnet-conv2");
  const auto hw = arch::build_hierarchy(arch::HierarchySpec{}, arch::interstellar_28nm());
  const auto df = mapper::fixed_dataflow(layers[0], hw, {{"FY"}, {"OY"}});
  mapper::LomaOptions lo;
  lo.objective = mapper::Objective::Energy;
  for (auto _ : state) {
    const auto r = mapper::map_with_dataflow(layers[0], hw, df, lo);
    benchmark::DoNotOptimize(r.temporal.cost.energy_pj);
  }
}
BENCHMARK(BM_InterstellarAlexnetConv2Hinted)->Unit(benchmark::kMillisecond);

// Allocation + evaluation per loop order on the always-present fixture (no ../shared needed).
void BM_LomaSearch_SmallFixture(benchmark::State& state) {
  const auto hw = arch::read_zigzag_hardware(data("zigzag_small_hw.yaml"));
  const auto maps = dataflow::read_zigzag_mapping(data("zigzag_small_mapping.yaml"));
  const auto layers = workload::read_zigzag_workload(data("zigzag_small_workload.yaml"));
  const auto p = cost::compile_problem(
      layers[1], hw, dataflow::select_mapping(maps, layers[1].name, layers[1].op_type));
  std::int64_t orders = 0;
  for (auto _ : state) {
    const auto r = mapper::loma_search(p, {});
    orders = r.stats.orders;
    benchmark::DoNotOptimize(r.cost.energy_pj);
  }
  state.counters["orders"] = static_cast<double>(orders);
}
BENCHMARK(BM_LomaSearch_SmallFixture)->Unit(benchmark::kMillisecond);

}  // namespace

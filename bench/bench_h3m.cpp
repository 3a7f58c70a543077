// Speed of H3M: full evaluations (decode, repair, build the schedule problem, Herald's layer
// scheduler on the whole multi-DNN workload) per second, with the cost tables already built, on
// a batch of random designs evaluated in parallel like a CMA-ES generation.
#include <benchmark/benchmark.h>

#include <random>

#include "search/H3m.h"

namespace {

using namespace mosaic;

void evaluations(benchmark::State& state, const std::string& wl, const std::string& platform) {
  search::H3mConfig c;
  c.workload = search::h3m_workload(wl);
  c.platform = arch::platform_by_name(platform);
  search::H3mEvaluator ev(c);
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<search::H3mChoice> batch;
  for (int k = 0; k < 256; ++k) {
    std::vector<double> x(static_cast<std::size_t>(search::h3m_dimension(c.space)));
    for (auto& v : x) v = u(rng);
    batch.push_back(search::decode_h3m(c.space, x));
  }
  ev.evaluate(c.space, batch);  // cost tables
  for (auto _ : state) benchmark::DoNotOptimize(ev.evaluate(c.space, batch));
  state.counters["layers"] = static_cast<double>(ev.layers());
  state.counters["evaluations_per_s"] = benchmark::Counter(
      static_cast<double>(batch.size()), benchmark::Counter::kIsIterationInvariantRate);
}

// The homogeneous baseline with Planaria-style dynamic fission: the 32 designs of the default
// space (8 granularities x 4 dataflows), each a fission schedule over allocation sizes 1..N.
void fission(benchmark::State& state, const std::string& wl, const std::string& platform) {
  search::H3mConfig c;
  c.workload = search::h3m_workload(wl);
  c.platform = arch::platform_by_name(platform);
  search::H3mEvaluator ev(c);
  const search::H3mSpace h = search::homogeneous_space(c.space);
  const auto batch = search::enumerate_h3m(h);
  ev.evaluate(h, batch);  // cost tables
  for (auto _ : state) benchmark::DoNotOptimize(ev.evaluate(h, batch));
  state.counters["designs"] = static_cast<double>(batch.size());
  state.counters["evaluations_per_s"] = benchmark::Counter(
      static_cast<double>(batch.size()), benchmark::Counter::kIsIterationInvariantRate);
}

// Wall time (what a user waits for, on the machine as loaded as it is) and process CPU time (all
// threads: evaluations per CPU-second, which is what 2 dedicated cores multiply by about 2).
#define H3M_BENCH(name, wl, platform)                                                 \
  BENCHMARK_CAPTURE(evaluations, name##_wall, std::string(wl), std::string(platform)) \
      ->Unit(benchmark::kMillisecond)                                                 \
      ->UseRealTime();                                                                \
  BENCHMARK_CAPTURE(evaluations, name##_cpu, std::string(wl), std::string(platform))  \
      ->Unit(benchmark::kMillisecond)                                                 \
      ->MeasureProcessCPUTime()

H3M_BENCH(vision_u200, "vision", "u200");
H3M_BENCH(nlp_u200, "nlp", "u200");
H3M_BENCH(mixed_u280, "mixed", "u280");
BENCHMARK_CAPTURE(fission, vision_u200_wall, std::string("vision"), std::string("u200"))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(fission, vision_u200_cpu, std::string("vision"), std::string("u200"))
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime();

}  // namespace

// Speed of Herald's co-optimisation: one schedule of a workload on a design point (with its cost
// tables ready), the per-layer scheduling cost, and a whole partition sweep.
#include <benchmark/benchmark.h>

#include "arch/Accelerator.h"
#include "cost/CoreCost.h"
#include "mapper/SubAcceleratorCost.h"
#include "schedule/HeraldProblem.h"
#include "schedule/Schedule.h"
#include "search/Herald.h"
#include "workload/WorkloadFile.h"

namespace {

using namespace mosaic;

void one_schedule(benchmark::State& state, const std::string& wl, const std::string& cls,
                  bool greedy) {
  const auto w = workload::load_workload(wl);
  const auto g = workload::flatten(w);
  const auto acc =
      arch::build_accelerator(arch::accelerator_class(cls), arch::parse_style("nvdla,shi"), {});
  cost::CostCache cache(arch::default_technology(), mapper::herald_cost_model(false));
  const schedule::Problem p = schedule::build_problem(g, acc, cache);
  schedule::Options o;
  o.greedy = greedy;
  for (auto _ : state) benchmark::DoNotOptimize(schedule::schedule_layers(p, o));
  state.counters["layers"] = static_cast<double>(g.nodes.size());
  state.counters["us_per_layer"] = benchmark::Counter(
      static_cast<double>(g.nodes.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void sweep(benchmark::State& state, const std::string& wl, const std::string& cls,
           int granularity) {
  search::HeraldConfig cfg;
  cfg.workload = workload::load_workload(wl);
  cfg.cls = arch::accelerator_class(cls);
  cfg.styles = {arch::parse_style("nvdla,shi")};
  cfg.granularity = granularity;
  cfg.baselines = false;
  double points = 0;
  for (auto _ : state) {
    const auto r = search::run_herald(cfg);
    points = static_cast<double>(r.design_points);
    benchmark::DoNotOptimize(r.best);
  }
  state.counters["design_points"] = points;
}

BENCHMARK_CAPTURE(one_schedule, arvr_a_edge_herald, std::string("arvr-a"), std::string("edge"),
                  false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_schedule, arvr_a_edge_greedy, std::string("arvr-a"), std::string("edge"),
                  true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_schedule, arvr_b_cloud_herald, std::string("arvr-b"), std::string("cloud"),
                  false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_schedule, mlperf_mobile_herald, std::string("mlperf"), std::string("mobile"),
                  false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(sweep, arvr_a_cloud_1_64, std::string("arvr-a"), std::string("cloud"), 64)
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(sweep, arvr_a_edge_1_16, std::string("arvr-a"), std::string("edge"), 16)
    ->Unit(benchmark::kMillisecond);

}  // namespace

// Speed of the directive mapper (per-layer tile search within a style) and of the
// sub-accelerator cost curve Herald builds per (layer shape, style, core size).
#include <benchmark/benchmark.h>

#include "../tests/TestLayers.h"
#include "arch/Technology.h"
#include "dataflow/Dataflow.h"
#include "dataflow/Library.h"
#include "mapper/DirectiveMapper.h"
#include "mapper/SubAcceleratorCost.h"
#include "workload/Layer.h"

namespace {

using namespace mosaic;

using test::conv;  // the unit tests' K x C x RxR convolution, 'same' padding

// ResNet-50 layer3-style 3x3 conv (K = C = 256, 14x14) and UNet's conv1_2 (64 -> 64, 570x570).
const workload::Layer& pick(int which) {
  static const workload::Layer a = conv(256, 256, 14, 3), b = conv(64, 64, 570, 3);
  return which == 0 ? a : b;
}

void map_one(benchmark::State& state, const std::string& style, bool brute) {
  const auto& l = pick(static_cast<int>(state.range(0)));
  const auto p = dataflow::densify_pointwise_stride(dataflow::problem_from_layer(l));
  const auto df = dataflow::adapt_to_problem(dataflow::library_dataflow(style, p.type), p);
  mapper::DirectiveMapperOptions o;
  o.num_pes = 1024;
  o.noc_bw = 1024;
  o.noc_bw_inner = 1 << 30;
  o.l1_elements = 512;
  const auto tech = arch::default_technology();
  std::int64_t evaluated = 0, candidates = 0;
  for (auto _ : state) {
    const auto r = brute ? mapper::brute_force_directives(p, df, o, tech)
                         : mapper::map_directives(p, df, o, tech);
    evaluated = r.evaluated;
    candidates = r.candidates;
    benchmark::DoNotOptimize(r.best.cycles);
  }
  state.counters["candidates"] = static_cast<double>(candidates);
  state.counters["evaluated"] = static_cast<double>(evaluated);
}

void curve(benchmark::State& state, const std::string& style) {
  const auto& l = pick(static_cast<int>(state.range(0)));
  mapper::SubAccelCurveOptions o;
  o.num_pes = 1024;
  const auto tech = arch::default_technology();
  for (auto _ : state) benchmark::DoNotOptimize(mapper::subaccel_curve(l, style, o, tech));
}

BENCHMARK_CAPTURE(map_one, shi_os, std::string("shi_os"), false)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(map_one, shi_os_brute, std::string("shi_os"), true)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(map_one, kcp_ws, std::string("kcp_ws"), false)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(map_one, kcp_ws_brute, std::string("kcp_ws"), true)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(curve, shi_os, std::string("shi_os"))
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(curve, kcp_ws, std::string("kcp_ws"))
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

// Speed of the directive (MAESTRO) cost model: per-layer evaluation and whole networks, in both
// modes. Uses ../shared/reference/maestro when present (Resnet50_kcp_ws, vgg16_yxp_os on
// accelerator_1) and the repository's VGG16 example otherwise.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "arch/Core.h"
#include "cost/DirectiveAnalysis.h"
#include "cost/MaestroNetwork.h"
#include "dataflow/Dataflow.h"
#include "dataflow/Library.h"
#include "workload/MaestroFormat.h"

namespace {

namespace fs = std::filesystem;
using namespace mosaic;

struct Fixture {
  workload::maestro_format::NetworkSyntax net;
  arch::Core core;
  std::string dataflow;  // empty: the file's own
};

Fixture load(const std::string& mapping) {
  const fs::path ref = fs::path(MOSAIC_SHARED_DIR) / "reference/maestro/inputs";
  Fixture f;
  if (fs::exists(ref / "mapping" / (mapping + ".m"))) {
    f.net = workload::maestro_format::parse_network_file(ref / "mapping" / (mapping + ".m"));
    f.core = arch::read_maestro_hardware(ref / "hw/accelerator_1.m");
  } else {
    f.net = workload::maestro_format::parse_network_file(fs::path(MOSAIC_SOURCE_DIR) /
                                                         "examples/networks/vgg16.m");
    f.core =
        arch::read_maestro_hardware(fs::path(MOSAIC_SOURCE_DIR) / "examples/hw/accelerator_256.m");
    f.dataflow = mapping.find("kcp") != std::string::npos ? "kcp_ws" : "yxp_os";
  }
  return f;
}

void network(benchmark::State& state, const std::string& mapping, bool compat) {
  const Fixture f = load(mapping);
  cost::MaestroEvalOptions opt;
  opt.maestro_compat = compat;
  if (!f.dataflow.empty()) opt.dataflow_name = f.dataflow;
  std::size_t layers = 0;
  for (auto _ : state) {
    auto rep = cost::evaluate_maestro_network(f.net, f.core, opt);
    layers = rep.layers.size();
    benchmark::DoNotOptimize(rep);
  }
  state.counters["layers"] = static_cast<double>(layers);
  state.counters["us_per_layer"] = benchmark::Counter(
      static_cast<double>(layers) * 1e-6,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// The analysis alone (problem and dataflow already bound), per layer.
void per_layer(benchmark::State& state, const std::string& mapping, bool compat) {
  const Fixture f = load(mapping);
  struct Item {
    dataflow::Problem p;
    std::vector<dataflow::BoundDirective> df;
  };
  std::vector<Item> items;
  for (const auto& ls : f.net.layers) {
    Item it;
    it.p = dataflow::problem_from_syntax(ls, f.net.file);
    const auto df = f.dataflow.empty() ? dataflow::from_syntax(ls.dataflow, ls.name, f.net.file)
                                       : dataflow::library_dataflow(f.dataflow, it.p.type);
    it.df = dataflow::bind(df, it.p);
    items.push_back(std::move(it));
  }
  cost::DirectiveHardware hw;
  hw.num_pes = f.core.num_pes;
  hw.noc_bw = f.core.noc_bw;
  hw.noc_latency = f.core.noc_latency();
  hw.offchip_bw = f.core.offchip_bw;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& it = items[i++ % items.size()];
    benchmark::DoNotOptimize(
        cost::analyze_directives(it.p, it.df, hw, cost::DirectiveOptions{compat}));
  }
}

BENCHMARK_CAPTURE(network, Resnet50_kcp_ws_compat, std::string("Resnet50_kcp_ws"), true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(network, Resnet50_kcp_ws_default, std::string("Resnet50_kcp_ws"), false)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(network, vgg16_yxp_os_compat, std::string("vgg16_yxp_os"), true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(network, vgg16_yxp_os_default, std::string("vgg16_yxp_os"), false)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(per_layer, Resnet50_kcp_ws_compat, std::string("Resnet50_kcp_ws"), true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(per_layer, Resnet50_kcp_ws_default, std::string("Resnet50_kcp_ws"), false)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(per_layer, vgg16_yxp_os_compat, std::string("vgg16_yxp_os"), true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(per_layer, vgg16_yxp_os_default, std::string("vgg16_yxp_os"), false)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

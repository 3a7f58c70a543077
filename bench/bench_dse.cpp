// Speed of the hardware design-space exploration (`mosaic dse`): designs explored, evaluated and
// directive analyses per second, for single-layer sweeps on one thread and for MAESTRO's four
// Table 3 runs on every thread. The sink keeps the best designs and the Pareto set (what every
// run needs); the CSV/HTML outputs of the command line are not included (docs/dse-reproduction.md
// has whole-command timings).
//
//   ./build/release/bench/bench_dse                          # everything (the Table 3 runs take
//   ./build/release/bench/bench_dse --benchmark_filter=Single  #  tens of seconds each)
#include <benchmark/benchmark.h>

#include <filesystem>

#include "search/DseEngine.h"
#include "search/DsePareto.h"
#include "search/DseSpec.h"
#include "search/DseWorkload.h"
#include "workload/MaestroFormat.h"

namespace {

using namespace mosaic;
using namespace mosaic::search;

DseWorkload vgg_layer(const char* name) {
  const auto net = workload::maestro_format::parse_network_file(
      std::filesystem::path(MOSAIC_SOURCE_DIR) / "examples/networks/vgg16.m");
  return dse_workload_from_mapping(net, {name}, false);
}

void run(benchmark::State& state, const DseWorkload& w, const DseSpec& s, int threads) {
  DseCounts total;
  double seconds = 0;
  std::int64_t analyses_run = 0;
  for (auto _ : state) {
    DseCollector collector(s.technology.clock_ghz,
                           {ParetoAxis::Latency, ParetoAxis::Energy, ParetoAxis::Area});
    DseOptions opt;
    opt.threads = threads;
    const DseRunInfo info = run_dse(w, s, opt, [&](const ChunkResult& c) { collector.add(c); });
    total += info.total;
    seconds += info.wall_seconds;
    analyses_run += info.analyses_run;
    benchmark::DoNotOptimize(collector.best(Objective::Throughput));
  }
  const double it = static_cast<double>(state.iterations());
  state.counters["explored"] = static_cast<double>(total.explored) / it;
  state.counters["evaluated"] = static_cast<double>(total.evaluated) / it;
  state.counters["valid"] = static_cast<double>(total.valid) / it;
  state.counters["analyses_run"] = static_cast<double>(analyses_run) / it;
  // Rates over the sweep's wall time (threads included), like the paper's "designs per second".
  state.counters["explored_per_s"] = static_cast<double>(total.explored) / seconds;
  state.counters["evaluated_per_s"] = static_cast<double>(total.evaluated) / seconds;
  state.counters["analyses_per_s"] = static_cast<double>(analyses_run) / seconds;
}

// One layer, exact buffers (the paper's choice): one directive analysis per evaluated design,
// except on bandwidth plateaus. PE counts in whole 64-PE clusters share nothing.
void BM_SingleLayerExactBuffers(benchmark::State& state) {
  const auto w = vgg_layer("CONV11");
  DseSpec s;
  s.dataflows = {"kcp_ws"};
  s.pes = parse_sweep("64:1984:64", "--pes");
  s.noc_bw = parse_sweep("1:256:1", "--bw");
  run(state, w, s, 1);
}
BENCHMARK(BM_SingleLayerExactBuffers)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same with every PE count from 64 to 1000: counts that use the same PEs (64..127 all use
// one 64-PE cluster) share their analyses.
void BM_SingleLayerExactBuffersFinePes(benchmark::State& state) {
  const auto w = vgg_layer("CONV11");
  DseSpec s;
  s.dataflows = {"kcp_ws"};
  s.pes = parse_sweep("64:1000:1", "--pes");
  s.noc_bw = parse_sweep("4:124:4", "--bw");
  run(state, w, s, 1);
}
BENCHMARK(BM_SingleLayerExactBuffersFinePes)->Unit(benchmark::kMillisecond)->UseRealTime();

// One layer, L1 and L2 swept: one analysis per (PEs, bandwidth), the buffer sizes evaluated around
// it (area, power, validity), with the budget bounds cutting the L1/L2 loops.
void BM_SingleLayerBufferSweep(benchmark::State& state) {
  const auto w = vgg_layer("CONV11");
  DseSpec s;
  s.dataflows = {"kcp_ws", "rs"};
  s.fit_clusters = true;
  s.pes = parse_sweep("16:256:16", "--pes");
  s.noc_bw = parse_sweep("4:128:4", "--bw");
  s.l1_bytes = parse_sweep("64:1K:64", "--l1", true);
  s.l2_bytes = parse_sweep("2K:64K:2K", "--l2", true);
  s.area_budget_um2 = 16e6;
  s.power_budget_mw = 450;
  run(state, w, s, 1);
}
BENCHMARK(BM_SingleLayerBufferSweep)->Unit(benchmark::kMillisecond)->UseRealTime();

// The per-layer tile search on and off (`--search-tiles edp`): one layer, 16 PE counts x 8
// bandwidths x 4 L1 sizes (L2 exact), then all 13 VGG16 convolutions in kcp_ws and shi_os on
// 4 PE counts x 3 bandwidths (exact buffers). Off: the library's written sizes.
void BM_SearchTilesOneLayer(benchmark::State& state) {
  const auto w = vgg_layer("CONV11");
  DseSpec s;
  s.dataflows = {"kcp_ws"};
  s.fit_clusters = true;
  s.pes = parse_sweep("64:1024:64", "--pes");
  s.noc_bw = parse_sweep("8:64:8", "--bw");
  s.l1_bytes = parse_sweep("128:1K:x2", "--l1", true);
  if (state.range(0) != 0) s.search_tiles = cost::CoreObjective::EDP;
  run(state, w, s, 1);
}
BENCHMARK(BM_SearchTilesOneLayer)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SearchTilesVgg16(benchmark::State& state) {
  const auto net = workload::maestro_format::parse_network_file(
      std::filesystem::path(MOSAIC_SOURCE_DIR) / "examples/networks/vgg16.m");
  const auto w = dse_workload_from_mapping(net, {}, false);
  DseSpec s;
  s.dataflows = {"kcp_ws", "shi_os"};
  s.fit_clusters = true;
  s.pes = parse_sweep("64,128,256,512", "--pes");
  s.noc_bw = parse_sweep("16,32,64", "--bw");
  if (state.range(0) != 0) s.search_tiles = cost::CoreObjective::EDP;
  run(state, w, s, 1);
}
BENCHMARK(BM_SearchTilesVgg16)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// MAESTRO Table 3 (16 mm2, 450 mW): NVDLA-style (kcp_ws) and row-stationary (rs) dataflows on
// VGG16 CONV2 and CONV11, sweeping PEs, NoC bandwidth and the C and K mapping sizes with buffers
// sized exactly (docs/dse-reproduction.md explains the ranges).
void BM_Table3(benchmark::State& state, const char* dataflow, const char* layer) {
  const auto w = vgg_layer(layer);
  const bool nvdla = std::string(dataflow) == "kcp_ws";
  const int ck = std::string(layer) == "CONV2" ? 64 : 512;
  DseSpec s;
  s.dataflows = {dataflow};
  s.pes = parse_sweep(nvdla ? "64:1984:64" : "42:1302:42", "--pes");
  s.noc_bw = parse_sweep(nvdla ? "4:124:4" : "2:56:2", "--bw");
  s.map_sizes = {parse_map_size_sweep("C=1:" + std::to_string(ck)),
                 parse_map_size_sweep("K=1:" + std::to_string(ck))};
  s.area_budget_um2 = 16e6;
  s.power_budget_mw = 450;
  run(state, w, s, 0);
}
BENCHMARK_CAPTURE(BM_Table3, NVDLA_CONV2, "kcp_ws", "CONV2")
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Table3, NVDLA_CONV11, "kcp_ws", "CONV11")
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Table3, RS_CONV2, "rs", "CONV2")
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_Table3, RS_CONV11, "rs", "CONV11")
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace

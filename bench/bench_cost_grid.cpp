// Speed of search::cost_grid, the engine of the Python module's mosaic.cost_grid: hardware points
// per second for one VGG-16 layer (conv3_1, CONV5 of examples/networks/vgg16.m) with kcp_ws, on
// the grids of bench/README.md. Without the Python side (NumPy broadcasting and the result arrays:
// bench/python_cost.py measures the whole call).
//
//   ./build/release/bench/bench_cost_grid
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "search/CostGrid.h"
#include "workload/MaestroFormat.h"

namespace {

using namespace mosaic;

cost::MaestroEvalOptions options() {
  cost::MaestroEvalOptions o;
  o.dataflow_name = "kcp_ws";
  return o;
}

cost::PreparedLayer vgg_conv3_1(const cost::MaestroEvalOptions& o) {
  const auto net = workload::maestro_format::parse_network_file(
      std::filesystem::path(MOSAIC_SOURCE_DIR) / "examples/networks/vgg16.m");
  for (const auto& l : net.layers)
    if (l.name == "CONV5") return cost::prepare_layer(l, net.file, o);
  throw std::runtime_error("vgg16.m has no CONV5");
}

// Every combination of the axes (the last one fastest, as NumPy's broadcast of (P,1,1,1) x
// (1,B,1,1) x ... lays them out), off-chip bandwidth 16.
struct Points {
  std::vector<std::int64_t> pes, bw, l1, l2, off, vw, lat;
  search::CostGridPoints view() const {
    return {pes.size(), pes.data(), bw.data(), l1.data(),
            l2.data(),  off.data(), vw.data(), lat.data()};
  }
};

Points product(const std::vector<std::int64_t>& pes, const std::vector<std::int64_t>& bw,
               const std::vector<std::int64_t>& l1, const std::vector<std::int64_t>& l2) {
  Points p;
  for (auto a : pes)
    for (auto b : bw)
      for (auto c : l1)
        for (auto d : l2) {
          p.pes.push_back(a);
          p.bw.push_back(b);
          p.l1.push_back(c);
          p.l2.push_back(d);
        }
  p.off.assign(p.pes.size(), 16);
  p.vw.assign(p.pes.size(), 1);
  p.lat.assign(p.pes.size(), 1);
  return p;
}

std::vector<std::int64_t> range(std::int64_t lo, std::int64_t hi, std::int64_t step = 1) {
  std::vector<std::int64_t> v;
  for (std::int64_t x = lo; x <= hi; x += step) v.push_back(x);
  return v;
}

std::vector<std::int64_t> powers_of_two(int lo, int hi) {
  std::vector<std::int64_t> v;
  for (int e = lo; e <= hi; ++e) v.push_back(std::int64_t{1} << e);
  return v;
}

void run(benchmark::State& state, const Points& p) {
  const auto opt = options();
  const auto layer = vgg_conv3_1(opt);
  const std::size_t n = p.pes.size();
  std::vector<std::vector<double>> figures(search::kCostGridFigures.size(), std::vector<double>(n));
  const auto feasible = std::make_unique<bool[]>(n);
  const auto fits = std::make_unique<bool[]>(n);
  search::CostGridOutput out;
  for (std::size_t i = 0; i < figures.size(); ++i) out.figures[i] = figures[i].data();
  out.feasible = feasible.get();
  out.fits = fits.get();
  for (auto _ : state) {
    search::cost_grid(layer, opt, p.view(), out, static_cast<int>(state.range(0)));
    benchmark::DoNotOptimize(figures[0].data());
  }
  state.counters["points"] = static_cast<double>(n);
  state.counters["points_per_s"] =
      benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

// (a) 16 PE counts (64..1024 step 64) x 256 NoC bandwidths x 16 L1 x 16 L2 sizes: 1,048,576.
void BM_Grid16PesX256BwX16L1X16L2(benchmark::State& state) {
  static const Points p =
      product(range(64, 1024, 64), range(1, 256), powers_of_two(4, 19), powers_of_two(10, 25));
  run(state, p);
}
// (b) 1,024 distinct PE counts (64..1087) x 1,024 NoC bandwidths: 1,048,576.
void BM_Grid1024PesX1024Bw(benchmark::State& state) {
  static const Points p = product(range(64, 1087), range(1, 1024), {1 << 20}, {1 << 26});
  run(state, p);
}
// (c) 1,024 distinct PE counts (1..1024, the ones below 64 cannot run kcp_ws) x 64 NoC
// bandwidths x 4 L1 x 4 L2 sizes: 1,048,576.
void BM_Grid1024PesX64BwX4L1X4L2(benchmark::State& state) {
  static const Points p =
      product(range(1, 1024), range(4, 256, 4), powers_of_two(8, 11), powers_of_two(16, 19));
  run(state, p);
}

BENCHMARK(BM_Grid16PesX256BwX16L1X16L2)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Grid1024PesX1024Bw)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Grid1024PesX64BwX4L1X4L2)
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

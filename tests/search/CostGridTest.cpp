// search::cost_grid (the engine of mosaic.cost_grid): every point equals a one-layer
// evaluate_maestro_network at that point (what mosaic.cost and `mosaic eval` compute), with the
// analyses shared across PE counts that use the same PEs and across NoC bandwidths; infeasible
// points where the evaluation throws; the same results on 1 and 2 threads.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "common/Error.h"
#include "search/CostGrid.h"
#include "workload/MaestroFormat.h"

namespace mosaic {
namespace {

namespace mf = workload::maestro_format;

mf::LayerSyntax vgg_layer() {
  // VGG-16 conv3_1 as a one-layer mapping (the Python tests' layer).
  return mf::parse_network_text(R"(Network one {
  Layer L {
    Type: CONV
    Dimensions { K: 256, C: 128, R: 3, S: 3, Y: 58, X: 58 }
  }
})",
                                "grid.m")
      .layers.front();
}

struct Grid {
  std::vector<std::int64_t> pes, bw, l1, l2, off, vw, lat;
  std::vector<std::vector<double>> figures;
  std::unique_ptr<bool[]> feasible, fits;

  void run(const cost::PreparedLayer& layer, const cost::MaestroEvalOptions& opt, int threads) {
    const std::size_t n = pes.size();
    figures.assign(search::kCostGridFigures.size(), std::vector<double>(n));
    feasible = std::make_unique<bool[]>(n);
    fits = std::make_unique<bool[]>(n);
    search::CostGridOutput out;
    for (std::size_t f = 0; f < figures.size(); ++f) out.figures[f] = figures[f].data();
    out.feasible = feasible.get();
    out.fits = fits.get();
    const search::CostGridPoints p{n,         pes.data(), bw.data(), l1.data(),
                                   l2.data(), off.data(), vw.data(), lat.data()};
    search::cost_grid(layer, opt, p, out, threads);
  }
};

TEST(CostGrid, EveryPointEqualsOneEvaluation) {
  for (const char* df : {"kcp_ws", "rs"}) {
    cost::MaestroEvalOptions opt;
    opt.dataflow_name = df;
    const auto layer = cost::prepare_layer(vgg_layer(), "grid.m", opt);
    Grid g;
    // PE counts below, at and between whole 64-PE clusters share or do not share analyses.
    for (std::int64_t p : {1, 32, 63, 64, 65, 100, 127, 128, 129, 300, 1000})
      for (std::int64_t b : {1, 3, 7, 32, 64, 1000}) {
        g.pes.push_back(p);
        g.bw.push_back(b);
      }
    const std::size_t n = g.pes.size();
    g.l1.assign(n, 1 << 20);
    g.l2.assign(n, 1 << 26);
    g.off.assign(n, 16);
    g.vw.assign(n, 2);
    g.lat.assign(n, 1);
    g.run(layer, opt, 2);
    mf::NetworkSyntax net;
    net.name = "one";
    net.layers.push_back(vgg_layer());
    int feasible = 0;
    for (std::size_t i = 0; i < n; ++i) {
      arch::Core core;
      core.num_pes = g.pes[i];
      core.noc_bw = g.bw[i];
      core.offchip_bw = 16;
      core.vector_width = 2;
      cost::LayerCost c;
      try {
        c = cost::evaluate_maestro_network(net, core, opt).layers.front().cost;
      } catch (const UserError&) {
        EXPECT_FALSE(g.feasible[i]) << df << " " << g.pes[i];
        EXPECT_TRUE(std::isnan(g.figures[0][i]));
        continue;
      }
      ++feasible;
      ASSERT_TRUE(g.feasible[i]) << df << " " << g.pes[i] << " " << g.bw[i];
      const double expected[] = {c.latency_cycles,
                                 c.energy_pj,
                                 c.energy_pj * c.latency_cycles,
                                 c.area_um2,
                                 c.power_mw,
                                 c.utilization,
                                 c.throughput_macs_per_cycle,
                                 c.l1_required_elements,
                                 c.l2_required_elements};
      for (std::size_t f = 0; f < search::kCostGridFigures.size(); ++f)
        EXPECT_EQ(g.figures[f][i], expected[f])
            << df << " " << search::kCostGridFigures[f] << " pes " << g.pes[i] << " bw " << g.bw[i];
      EXPECT_TRUE(g.fits[i]);
    }
    EXPECT_GE(feasible, 40) << df;
  }
}

TEST(CostGrid, ThreadsDoNotChangeResultsAndBadValuesAreErrors) {
  cost::MaestroEvalOptions opt;
  opt.dataflow_name = "kcp_ws";
  const auto layer = cost::prepare_layer(vgg_layer(), "grid.m", opt);
  Grid a, b;
  for (std::int64_t p = 48; p <= 400; p += 13)
    for (std::int64_t bw = 1; bw <= 96; bw += 5) {
      a.pes.push_back(p);
      a.bw.push_back(bw);
    }
  const std::size_t n = a.pes.size();
  a.l1.assign(n, 16);
  a.l2.assign(n, 1 << 26);
  a.off.assign(n, 16);
  a.vw.assign(n, 1);
  a.lat.assign(n, 1);
  b.pes = a.pes, b.bw = a.bw, b.l1 = a.l1, b.l2 = a.l2, b.off = a.off, b.vw = a.vw, b.lat = a.lat;
  a.run(layer, opt, 1);
  b.run(layer, opt, 2);
  for (std::size_t f = 0; f < a.figures.size(); ++f)
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isnan(a.figures[f][i])) {
        EXPECT_EQ(a.figures[f][i], b.figures[f][i]);
      }
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(a.feasible[i], b.feasible[i]);
    EXPECT_EQ(a.fits[i], b.fits[i]);
    // 16 bytes of L1 never hold kcp_ws's tiles of this layer.
    EXPECT_FALSE(a.fits[i]);
  }
  b.bw[3] = 0;
  try {
    b.run(layer, opt, 2);
    FAIL() << "a bandwidth of 0 was accepted";
  } catch (const UserError& e) {
    EXPECT_EQ(e.where().field, "cost_grid noc_bw");
  }
}

}  // namespace
}  // namespace mosaic

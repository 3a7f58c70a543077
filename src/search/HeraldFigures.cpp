#include "search/HeraldFigures.h"

#include <fmt/format.h>

#include "arch/Accelerator.h"
#include "mapper/SubAcceleratorCost.h"
#include "search/Herald.h"
#include "workload/WorkloadFile.h"

namespace mosaic::search {

namespace {

// Fig. 2's accelerator: 256 PEs, 32 GB/s NoC; the global buffer and DRAM of the largest class.
arch::AcceleratorClass fig2_class() {
  return {"fig2", 256, 32, 16 * 1024 * 1024, 32};
}

const char* pretty(const std::string& df) {
  return df == "kcp_ws" ? "NVDLA" : df == "rs" ? "Eyeriss" : "Shi-diannao";
}

}  // namespace

std::string herald_fig2_markdown(bool compat, int threads) {
  const std::vector<std::string> styles = compat
                                              ? std::vector<std::string>{"kcp_ws", "yxp_os", "rs"}
                                              : std::vector<std::string>{"kcp_ws", "shi_os", "rs"};
  std::string md = fmt::format(
      "## Fig. 2: one 256-PE accelerator with a 32 GB/s NoC ({})\n\n| model | style | "
      "dataflow | latency (s) | energy (J) | EDP (J*s) | rank by EDP |\n|---|---|---|---|---|---|"
      "---|\n",
      compat ? "MAESTRO compat" : "default mode");
  for (const std::string wl : {"resnet50", "unet"}) {
    std::vector<DesignPoint> pts;
    for (const auto& df : styles) {
      HeraldConfig c;
      c.workload = workload::load_workload(wl);
      c.cls = fig2_class();
      c.styles = {arch::parse_style("fda:" + df)};
      c.baselines = false;
      c.maestro_compat = compat;
      c.threads = threads;
      const HeraldResult r = run_herald(c);
      pts.push_back(r.points.at(static_cast<std::size_t>(r.best)));
    }
    for (std::size_t i = 0; i < styles.size(); ++i) {
      int rank = 1;
      for (const auto& q : pts)
        if (q.edp() < pts[i].edp()) ++rank;
      md += fmt::format("| {} | {} | {} | {:.4g} | {:.4g} | {:.4g} | {} |\n", wl, pretty(styles[i]),
                        styles[i], pts[i].latency_cycles * 1e-9, pts[i].energy_pj * 1e-12,
                        pts[i].latency_cycles * 1e-9 * pts[i].energy_pj * 1e-12, rank);
    }
  }
  md +=
      "\n(paper Fig. 2: NVDLA has the lowest EDP of the three on ResNet-50 and the highest on "
      "UNet.)\n\n";
  return md;
}

std::string herald_fig5_markdown(bool compat) {
  struct Ex {
    const char* what;
    workload::Layer layer;
  };
  auto conv = [](std::int64_t k, std::int64_t c, std::int64_t hw, bool dw) {
    workload::Layer l;
    l.name = "fig5";
    l.R = l.S = 3;
    l.Y = l.X = hw;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = 1;
    if (dw) {
      l.op = workload::OpKind::DepthwiseConv;
      l.G = c;
      l.C = l.K = 1;
    } else {
      l.K = k;
      l.C = c;
    }
    return l;
  };
  // Layer 1: an early classification layer (few channels, large activations); layer 2: a late
  // one (many channels, small activations); layer 3: depthwise, the size of layer 1.
  const std::vector<Ex> layers = {{"1: CONV2D K64 C64 112x112 3x3", conv(64, 64, 112, false)},
                                  {"2: CONV2D K512 C512 7x7 3x3", conv(512, 512, 7, false)},
                                  {"3: DWCONV C64 112x112 3x3", conv(64, 64, 112, true)}};
  std::string md = fmt::format(
      "## Fig. 5: three layers on 256-PE NVDLA and Shi-diannao accelerators, 32 GB/s ({})\n\n| "
      "layer | style | utilisation | latency (cycles) | energy (uJ) | EDP (uJ*ms) |\n|---|---|---|"
      "---|---|---|\n",
      compat ? "MAESTRO compat, library mappings" : "default mode, searched tiles");
  const auto tech = arch::default_technology();
  arch::Core core;
  core.num_pes = 256;
  core.noc_bw = 32;
  core.offchip_bw = 32;
  core.l1_bytes = 512;
  for (const auto& ex : layers)
    for (const std::string df : {"kcp_ws", compat ? "yxp_os" : "shi_os"}) {
      const cost::CoreLayerCost c = compat ? mapper::maestro_compat_cost(ex.layer, df, core, tech)
                                           : mapper::subaccel_cost(ex.layer, df, core, tech);
      md += fmt::format("| {} | {} | {:.1f}% | {:.4g} | {:.4g} | {:.4g} |\n", ex.what, pretty(df),
                        100 * c.utilization, c.cycles, c.onchip_energy_pj * 1e-6,
                        c.cycles * 1e-6 * c.onchip_energy_pj * 1e-6);
    }
  md +=
      "\n(paper Fig. 5: Shi-diannao under-utilises its PEs on layer 2 and NVDLA on layers 1 "
      "and 3, where the depthwise layer has no input channels to spread.)\n\n";
  return md;
}

}  // namespace mosaic::search

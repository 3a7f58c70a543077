#include "cost/DpuCost.h"

#include <algorithm>
#include <cmath>

namespace mosaic::cost {

std::string_view split_name(SplitDim s) {
  switch (s) {
    case SplitDim::None:
      return "-";
    case SplitDim::P:
      return "P";
    case SplitDim::K:
      return "K";
    case SplitDim::C:
      return "C";
  }
  return "?";
}

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

bool grouped(const workload::Layer& l) {
  return l.op == workload::OpKind::DepthwiseConv || l.op == workload::OpKind::GroupedConv ||
         l.G > 1;
}

}  // namespace

bool split_layer(const workload::Layer& l, SplitDim d, int m, workload::Layer& out,
                 int& cores_used) {
  out = l;
  cores_used = 1;
  if (m <= 1 || d == SplitDim::None) return true;
  const bool mac = workload::is_mac_op(l.op);
  if (l.op == workload::OpKind::Other) return d == SplitDim::P;
  switch (d) {
    case SplitDim::P: {
      if (l.N >= m) {
        out.N = ceil_div(l.N, m);
        cores_used = static_cast<int>(std::min<std::int64_t>(m, l.N));
        return true;
      }
      const std::int64_t rows = workload::output_rows(l);
      if (rows <= 1 || l.op == workload::OpKind::Gemm || l.op == workload::OpKind::TransposedConv)
        return false;
      const std::int64_t sub = ceil_div(rows, m);
      out.pad_top = out.pad_bottom = 0;
      out.Y = (sub - 1) * l.stride_y + (l.R - 1) * l.dilation_y + 1;
      cores_used = static_cast<int>(std::min<std::int64_t>(m, rows));
      return true;
    }
    case SplitDim::K:
      if (!mac) return false;
      if (grouped(l)) {
        if (l.G < 2) return false;
        out.G = ceil_div(l.G, m);
        cores_used = static_cast<int>(std::min<std::int64_t>(m, l.G));
        return true;
      }
      if (l.K < 2) return false;
      out.K = ceil_div(l.K, m);
      cores_used = static_cast<int>(std::min<std::int64_t>(m, l.K));
      return true;
    case SplitDim::C:
      if (!mac || grouped(l) || l.C < 2 || l.op == workload::OpKind::TransposedConv) return false;
      out.C = ceil_div(l.C, m);
      cores_used = static_cast<int>(std::min<std::int64_t>(m, l.C));
      return true;
    case SplitDim::None:
      return true;
  }
  return false;
}

double dpu_array_cycles(const workload::Layer& l, const arch::DpuCore& core) {
  if (l.op == workload::OpKind::Other) return 0;
  const double p = static_cast<double>(l.N * workload::output_rows(l) * workload::output_cols(l));
  const double rs = static_cast<double>(l.R * l.S);
  const double pp = std::ceil(p / core.pp);
  if (!workload::is_mac_op(l.op)) {
    // Pooling and element-wise: PP pixels x ICP channels per cycle.
    const double ch = static_cast<double>(l.G * std::max(l.C, l.K));
    return pp * std::ceil(ch / core.icp) * rs;
  }
  if (l.op == workload::OpKind::DepthwiseConv || (l.G > 1 && l.C == 1 && l.K == 1))
    return pp * std::ceil(static_cast<double>(l.G) / core.icp) * rs;
  if (l.op == workload::OpKind::Gemm)
    return static_cast<double>(l.G) * std::ceil(static_cast<double>(l.N) / core.pp) *
           std::ceil(static_cast<double>(l.C) / core.icp) *
           std::ceil(static_cast<double>(l.K) / core.ocp);
  return static_cast<double>(l.G) * pp * std::ceil(static_cast<double>(l.C) / core.icp) *
         std::ceil(static_cast<double>(l.K) / core.ocp) * rs;
}

namespace {

// Pooling and element-wise layers run on the DPU's separate pooling / element-wise engine
// (PG338), not on the convolution array the dataflow describes: PP pixels x ICP channels per
// cycle, each operation one ALU op, every input and output element one buffer access.
CoreLayerCost misc_engine(const workload::Layer& l, const arch::DpuCore& c,
                          const arch::Technology& tech) {
  CoreLayerCost cc;
  cc.feasible = true;
  cc.macs = workload::ops(l);
  cc.cycles = std::max(1.0, dpu_array_cycles(l, c));
  cc.onchip_energy_pj =
      static_cast<double>(cc.macs) * tech.mac_pj +
      static_cast<double>(workload::input_elements(l) + workload::output_elements(l)) * tech.l2_pj;
  cc.utilization = static_cast<double>(cc.macs) /
                   (cc.cycles * static_cast<double>(c.pp) * static_cast<double>(c.icp));
  return cc;
}

CoreLayerCost one_core(const workload::Layer& l, const std::string& df, const arch::DpuCore& c,
                       const DpuCostParams& prm, const arch::Technology& tech) {
  if (!workload::is_mac_op(l.op) && l.op != workload::OpKind::Other) return misc_engine(l, c, tech);
  const CoreCostCurve curve =
      cost_curve_on_core(l, df, c.macs_per_cycle(), 1, prm.noc_latency_cycles, 8, tech);
  arch::Core core;
  core.num_pes = c.macs_per_cycle();
  // The core's buffers feed the array PP x ICP activations and ICP x OCP weights per cycle.
  core.noc_bw = static_cast<std::int64_t>(c.icp) * (c.pp + c.ocp);
  core.noc_hops = 1;
  core.noc_hop_latency = prm.noc_latency_cycles;
  core.offchip_bw =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(prm.dram_elements_per_cycle)));
  CoreLayerCost cc = cost_at(curve, core);
  if (!cc.feasible) return cc;
  cc.cycles = std::max({cc.cycles, dpu_array_cycles(l, c), 1.0});
  cc.l2_bytes = 0;  // tiles are staged in the core's own RAM (its BRAM is in its budget)
  cc.utilization =
      static_cast<double>(cc.macs) / (cc.cycles * static_cast<double>(c.macs_per_cycle()));
  return cc;
}

}  // namespace

GangLayerCost gang_layer_cost(const workload::Layer& layer, const std::string& dataflow,
                              const arch::DpuCore& core, int m, const DpuCostParams& prm,
                              const arch::Technology& tech) {
  GangLayerCost best;
  bool have = false;
  // No split (one core of the gang runs the layer, the others idle) is always a candidate: a
  // global pooling of one output pixel cannot be split at all.
  const SplitDim dims[] = {SplitDim::None, SplitDim::P, SplitDim::K, SplitDim::C};
  for (SplitDim d : m <= 1 ? std::vector<SplitDim>{SplitDim::None}
                           : std::vector<SplitDim>(std::begin(dims), std::end(dims))) {
    workload::Layer sub;
    int used = 1;
    if (!split_layer(layer, d, m, sub, used)) continue;
    CoreLayerCost c = one_core(sub, dataflow, core, prm, tech);
    if (!c.feasible) {
      if (!have && best.cost.why.empty()) best.cost = c;
      continue;
    }
    GangLayerCost g;
    g.split = d;
    g.cores_used = used;
    g.cost = c;
    g.cost.macs = workload::is_mac_op(layer.op) ? workload::macs(layer) : workload::ops(layer);
    g.cost.onchip_energy_pj = c.onchip_energy_pj * used;
    if (d == SplitDim::C && used > 1) {
      // Partial sums (psum_bits each) reduced over the interconnect: a ring reduce-scatter moves
      // (m-1)/m of the output per core; every partial sum crosses one link and is added once.
      const double outs = static_cast<double>(workload::output_elements(layer));
      const double bytes = outs * layer.psum_bits / 8.0;
      g.reduction_cycles = (used - 1.0) / used * bytes / prm.link_bytes_per_cycle;
      g.cost.cycles += g.reduction_cycles;
      g.cost.onchip_energy_pj +=
          (used - 1.0) * outs * (tech.noc_pj * layer.psum_bits / 8.0 + tech.mac_pj);
    }
    g.cost.utilization = static_cast<double>(g.cost.macs) /
                         (g.cost.cycles * static_cast<double>(core.macs_per_cycle()) * m);
    const double edp = g.cost.cycles * g.cost.onchip_energy_pj;
    if (!have || edp < best.cost.cycles * best.cost.onchip_energy_pj) {
      best = g;
      have = true;
    }
  }
  return best;
}

}  // namespace mosaic::cost

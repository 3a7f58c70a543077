#include "cost/CoreCost.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/Error.h"
#include "cost/DirectiveAnalysis.h"
#include "cost/MaestroNetwork.h"
#include "dataflow/Dataflow.h"
#include "dataflow/Legality.h"
#include "dataflow/Library.h"

namespace mosaic::cost {

CoreCostCurve cost_curve_on_core(const workload::Layer& layer, const std::string& dataflow_name,
                                 std::int64_t num_pes, std::int64_t vector_width,
                                 std::int64_t noc_latency, int precision_bits,
                                 const arch::Technology& tech) {
  CoreCostCurve out;
  out.weight_bytes = static_cast<double>(workload::weight_bytes(layer));
  if (layer.op == workload::OpKind::Other) {
    out.base.feasible = true;  // data movement only: free at layer granularity
    return out;
  }
  try {
    const dataflow::LayerStyle style = dataflow::layer_style(layer, dataflow_name);
    const dataflow::Problem& p = style.problem;
    dataflow::StyleBinding b = dataflow::bind_style(style, num_pes);
    if (!b.why.empty()) {
      out.base.why = std::move(b.why);
      return out;
    }
    const std::vector<dataflow::BoundDirective>& bound = b.bound;
    DirectiveHardware hw;
    hw.num_pes = num_pes;
    hw.vector_width = vector_width;
    hw.noc_bw = std::int64_t{1} << 30;  // the top level's bandwidth is applied by cost_at
    hw.noc_latency = noc_latency;
    // Herald's execution model stages weights and activations DRAM -> global buffer -> core with
    // double buffering: the per-step off-chip term of the single-accelerator model (every step's
    // whole L2 tile from DRAM) does not apply; the DRAM share bounds the layer instead (cost_at).
    hw.offchip_bw = std::int64_t{1} << 40;
    // The partitioned global NoC feeds the core (the top cluster level); the networks inside its
    // clusters are local and not the bottleneck (MAESTRO's top_bw_only setting).
    hw.noc_bw_inner = std::int64_t{1} << 30;
    DirectiveOptions opt;
    opt.keep_top_cases = true;
    DirectiveResult r = analyze_directives(p, bound, hw, opt);
    r.macs = workload::is_mac_op(layer.op) ? workload::macs(layer) : workload::ops(layer);
    arch::Core core;
    core.num_pes = num_pes;
    core.vector_width = vector_width;
    core.noc_bw = hw.noc_bw;
    core.precision_bits = precision_bits;
    out.base = core_layer_cost(to_layer_cost(r, p, core, tech, false), core);
    // The cycles follow from the cases at the core's bandwidth (cost_at).
    out.base.cycles = 0;
    out.base.utilization = 0;
    out.cases = std::move(r.top_cases);
  } catch (const UserError& e) {
    out.base.feasible = false;
    out.base.why = e.what();
  }
  return out;
}

CoreLayerCost core_layer_cost(const LayerCost& lc, const arch::Core& core) {
  CoreLayerCost c;
  c.feasible = true;
  c.cycles = lc.latency_cycles;
  c.macs = lc.macs;
  c.utilization = lc.utilization;
  // The outermost level is the off-chip one (DRAM) in both analyses.
  const double offchip =
      lc.num_levels > 0 ? lc.levels[static_cast<std::size_t>(lc.num_levels - 1)].energy_pj : 0;
  c.onchip_energy_pj = lc.energy_pj - offchip;
  c.l2_bytes = lc.l2_required_elements * core.precision_bits / 8.0;
  return c;
}

CoreLayerCost cost_at(const CoreCostCurve& curve, const arch::Core& core, CoreObjective objective) {
  CoreLayerCost c = curve.base;
  if (curve.subaccel) {
    if (!c.feasible || curve.mappings.empty()) return c;
    c.global_elements = curve.global_elements;
    c.global_cycles =
        curve.global_elements / static_cast<double>(std::max<std::int64_t>(core.noc_bw, 1));
    c.dram_cycles =
        curve.weight_bytes / static_cast<double>(std::max<std::int64_t>(core.offchip_bw, 1));
    double best = -1;
    for (const auto& m : curve.mappings) {
      const double cycles = std::max({m.cycles, c.global_cycles, c.dram_cycles});
      const double energy = m.energy_pj + curve.global_energy_pj;
      const double v = objective == CoreObjective::Latency  ? cycles
                       : objective == CoreObjective::Energy ? energy
                                                            : cycles * energy;
      if (best < 0 || v < best) {
        best = v;
        c.cycles = cycles;
        c.local_cycles = m.cycles;
        c.onchip_energy_pj = energy;
      }
    }
    c.utilization = static_cast<double>(c.macs) / (c.cycles * static_cast<double>(core.num_pes) *
                                                   static_cast<double>(core.vector_width));
    return c;
  }
  if (!c.feasible || curve.cases.empty()) return c;
  const double runtime = std::max<double>(
      1.0, static_cast<double>(runtime_at_bandwidth(curve.cases, core.noc_bw, core.noc_latency())));
  c.dram_cycles =
      curve.weight_bytes / static_cast<double>(std::max<std::int64_t>(core.offchip_bw, 1));
  c.cycles = std::max(runtime, c.dram_cycles);
  c.utilization = static_cast<double>(c.macs) / (c.cycles * static_cast<double>(core.num_pes) *
                                                 static_cast<double>(core.vector_width));
  return c;
}

CoreLayerCost cost_on_core(const workload::Layer& layer, const std::string& dataflow_name,
                           const arch::Core& core, const arch::Technology& tech) {
  return cost_at(cost_curve_on_core(layer, dataflow_name, core.num_pes, core.vector_width,
                                    core.noc_latency(), core.precision_bits, tech),
                 core);
}

const CoreCostCurve& CostCache::curve(const workload::Layer& layer, const std::string& dataflow,
                                      std::int64_t num_pes, std::int64_t vector_width,
                                      std::int64_t noc_latency, int precision_bits) {
  const std::string key = fmt::format("{}|{}|{},{},{},{}", dataflow, workload::shape_key(layer),
                                      num_pes, vector_width, noc_latency, precision_bits);
  {
    std::shared_lock lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end()) {
      ++hits_;
      return it->second;
    }
  }
  CoreCostCurve c = cost_curve_on_core(layer, dataflow, num_pes, vector_width, noc_latency,
                                       precision_bits, tech_);
  std::unique_lock lock(mu_);
  ++misses_;
  return map_.emplace(key, std::move(c)).first->second;  // another thread's equal curve wins
}

const CoreCostCurve& CostCache::curve(const workload::Layer& layer, const std::string& dataflow,
                                      const arch::Core& core) {
  if (!model_.curve)
    return curve(layer, dataflow, core.num_pes, core.vector_width, core.noc_latency(),
                 core.precision_bits);
  std::string key =
      fmt::format("{}|{}|{},{},{},{},{},{},{}", dataflow, workload::shape_key(layer), core.num_pes,
                  core.vector_width, core.noc_latency(), core.precision_bits, core.l1_bytes,
                  core.subacc_buffer_bytes_per_pe, core.local_elements_per_pe_cycle);
  if (model_.bandwidth_keyed) key += fmt::format("|{},{}", core.noc_bw, core.offchip_bw);
  {
    std::shared_lock lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end()) {
      ++hits_;
      return it->second;
    }
  }
  CoreCostCurve c = model_.curve(layer, dataflow, core, tech_);
  std::unique_lock lock(mu_);
  ++misses_;
  return map_.emplace(key, std::move(c)).first->second;  // another thread's equal curve wins
}

CoreLayerCost CostCache::get(const workload::Layer& layer, const std::string& dataflow,
                             const arch::Core& core) {
  return cost_at(curve(layer, dataflow, core), core, model_.objective);
}

std::size_t CostCache::size() const {
  std::shared_lock lock(mu_);
  return map_.size();
}

}  // namespace mosaic::cost

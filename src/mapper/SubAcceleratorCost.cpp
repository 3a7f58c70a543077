#include "mapper/SubAcceleratorCost.h"
#include "cost/CoreHardware.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/Error.h"
#include "cost/DirectiveAnalysis.h"
#include "cost/MaestroNetwork.h"
#include "dataflow/Dataflow.h"
#include "dataflow/Legality.h"
#include "dataflow/Library.h"
#include "mapper/DirectiveMapper.h"

namespace mosaic::mapper {

cost::CoreCostCurve subaccel_curve(const workload::Layer& layer, const std::string& dataflow_name,
                                   const SubAccelCurveOptions& o, const arch::Technology& tech) {
  cost::CoreCostCurve out;
  out.subaccel = true;
  out.weight_bytes = static_cast<double>(workload::weight_bytes(layer));
  if (layer.op == workload::OpKind::Other) {
    out.base.feasible = true;  // data movement only: free at layer granularity
    out.mappings.push_back({1.0, 0.0});
    return out;
  }
  try {
    const dataflow::LayerStyle style = dataflow::layer_style(layer, dataflow_name);
    const dataflow::Problem& p = style.problem;
    const dataflow::Dataflow& df = style.dataflow;
    DirectiveMapperOptions mo;
    mo.num_pes = o.num_pes;
    mo.vector_width = o.vector_width;
    // The local network from the sub-accelerator buffer feeds the top cluster level; the
    // networks inside the clusters are not the bottleneck (as in the default model before).
    mo.noc_bw = std::max<std::int64_t>(
        1, std::llround(o.sub.local_elements_per_pe_cycle * static_cast<double>(o.num_pes)));
    mo.noc_bw_inner = std::int64_t{1} << 30;
    mo.noc_latency = o.noc_latency;
    mo.offchip_bw = std::int64_t{1} << 40;  // DRAM is the scheduler's and cost_at's
    const double bytes = o.precision_bits / 8.0;
    mo.l1_elements = static_cast<std::int64_t>(static_cast<double>(o.l1_bytes_per_pe) / bytes);
    mo.precision_bits = o.precision_bits;
    const DirectiveMapperResult mr = map_directives(p, df, mo, tech, true);
    if (!mr.feasible) {
      out.base.why = mr.why;
      return out;
    }
    for (const auto& m : mr.pareto) out.mappings.push_back({m.cycles, m.energy_pj});
    const double buffer_elements =
        o.sub.buffer_bytes_per_pe * static_cast<double>(o.num_pes) / bytes;
    const auto order = cost::style_tile_order(df);
    const cost::GlobalTiling g = cost::best_global_tiling(p, buffer_elements, &order);
    out.global_elements = g.total();
    // Each element over the global NoC: one global-buffer access and one NoC transfer.
    out.global_energy_pj = g.total() * (tech.l2_pj + tech.noc_pj);
    out.base.feasible = true;
    out.base.macs = workload::is_mac_op(layer.op) ? workload::macs(layer) : workload::ops(layer);
    // Global-buffer space: the double-buffered sub-accelerator tile being staged.
    out.base.l2_bytes = g.buffer_elements * bytes;
  } catch (const UserError& e) {
    out.base.feasible = false;
    out.base.why = e.what();
  }
  return out;
}

namespace {

// The curve options of a core: its PEs, lanes, NoC latency, precision and L1, and the model's
// parameters with the core's own buffer and local network where it gives them.
SubAccelCurveOptions curve_options(const arch::Core& core, const cost::SubAccelParams& sub) {
  SubAccelCurveOptions o;
  o.num_pes = core.num_pes;
  o.vector_width = core.vector_width;
  o.noc_latency = core.noc_latency();
  o.precision_bits = core.precision_bits;
  o.l1_bytes_per_pe = core.l1_bytes;
  o.sub = sub;
  if (core.subacc_buffer_bytes_per_pe > 0)
    o.sub.buffer_bytes_per_pe = core.subacc_buffer_bytes_per_pe;
  if (core.local_elements_per_pe_cycle > 0)
    o.sub.local_elements_per_pe_cycle = core.local_elements_per_pe_cycle;
  return o;
}

}  // namespace

cost::CoreLayerCost subaccel_cost(const workload::Layer& layer, const std::string& dataflow,
                                  const arch::Core& core, const arch::Technology& tech,
                                  const cost::SubAccelParams& sub, cost::CoreObjective objective) {
  return cost::cost_at(subaccel_curve(layer, dataflow, curve_options(core, sub), tech), core,
                       objective);
}

cost::CostCache::Model herald_cost_model(bool maestro_compat, cost::CoreObjective objective,
                                         const cost::SubAccelParams& sub,
                                         bool compat_search_tiles) {
  cost::CostCache::Model m;
  m.objective = objective;
  m.bandwidth_keyed = maestro_compat;
  if (maestro_compat) {
    std::optional<cost::CoreObjective> search;
    if (compat_search_tiles) search = objective;
    m.curve = [search](const workload::Layer& l, const std::string& df, const arch::Core& c,
                       const arch::Technology& t) {
      cost::CoreCostCurve out;
      out.base = maestro_compat_cost(l, df, c, t, search);  // cycles set, no cases: fixed
      return out;
    };
    return m;
  }
  m.curve = [sub](const workload::Layer& l, const std::string& df, const arch::Core& c,
                  const arch::Technology& t) {
    return subaccel_curve(l, df, curve_options(c, sub), t);
  };
  return m;
}

cost::CoreLayerCost maestro_compat_cost(const workload::Layer& layer,
                                        const std::string& dataflow_name, const arch::Core& core,
                                        const arch::Technology& tech,
                                        std::optional<cost::CoreObjective> search_tiles) {
  cost::CoreLayerCost out;
  if (layer.op == workload::OpKind::Other) {
    out.feasible = true;
    return out;
  }
  try {
    const dataflow::LayerStyle style = dataflow::layer_style(layer, dataflow_name);
    const dataflow::Problem& p = style.problem;
    dataflow::StyleBinding b = dataflow::bind_style(style, core.num_pes);
    if (!b.why.empty()) {
      out.why = std::move(b.why);
      return out;
    }
    const std::vector<dataflow::BoundDirective>& bound = b.bound;
    const cost::DirectiveHardware hw = cost::directive_hardware(core);
    cost::DirectiveOptions opt;
    opt.maestro_compat = true;
    cost::LayerCost lc =
        cost::to_layer_cost(cost::analyze_directives(p, bound, hw, opt), p, core, tech, true);
    if (search_tiles) {
      // The style's best tiles and array shape by MAESTRO's own analysis on this core (its NoC
      // share at every cluster level). MAESTRO does not bound L1, so neither is the search bound
      // below what the library mapping itself uses: the L1 budget is the larger of the core's L1
      // and the library mapping's requirement. The global-buffer tile is held to the library
      // mapping's (the shared buffer's plan, hence the schedule's memory, stays the paper
      // setting's; larger tiles stalled the scheduler on arvr-a edge). The library mapping stays
      // when it is as good by the objective (its sizes need not be among the candidates) or when
      // no candidate fits.
      DirectiveMapperOptions mo = mapper_options(core);
      mo.l1_elements = std::max(core.l1_bytes * 8 / core.precision_bits,
                                static_cast<std::int64_t>(std::ceil(lc.l1_required_elements)));
      mo.l2_elements =
          std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(lc.l2_required_elements)));
      mo.maestro_compat = true;
      mo.objective = *search_tiles;
      const DirectiveMapperResult mr = map_directives(p, style.dataflow, mo, tech);
      auto objective = [&](double cycles, double energy) {
        return *search_tiles == cost::CoreObjective::Latency  ? cycles
               : *search_tiles == cost::CoreObjective::Energy ? energy
                                                              : cycles * energy;
      };
      const double library =
          objective(std::max(1.0, lc.latency_cycles), lc.energy_pj - lc.level_energy_pj("DRAM"));
      if (mr.feasible && objective(mr.best.cycles, mr.best.energy_pj) < library)
        lc = cost::to_layer_cost(cost::analyze_directives(p, mr.best.directives, hw, opt), p, core,
                                 tech, true);
    }
    out.feasible = true;
    out.macs = workload::is_mac_op(layer.op) ? workload::macs(layer) : workload::ops(layer);
    out.cycles = std::max(1.0, lc.latency_cycles);
    out.local_cycles = out.cycles;
    out.onchip_energy_pj = lc.energy_pj;  // MAC + L1 + L2 (MAESTRO has no NoC or DRAM energy)
    out.l2_bytes = lc.l2_required_elements * core.precision_bits / 8.0;
    out.utilization = static_cast<double>(out.macs) /
                      (out.cycles * static_cast<double>(core.num_pes * core.vector_width));
  } catch (const UserError& e) {
    out.feasible = false;
    out.why = e.what();
  }
  return out;
}

}  // namespace mosaic::mapper

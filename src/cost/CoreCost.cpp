#include "cost/CoreCost.h"

#include <fmt/format.h>

#include "common/Error.h"
#include "cost/DirectiveAnalysis.h"
#include "cost/MaestroNetwork.h"
#include "dataflow/Dataflow.h"
#include "dataflow/Legality.h"
#include "dataflow/Library.h"

namespace mosaic::cost {

CoreLayerCost cost_on_core(const workload::Layer& layer, const std::string& dataflow_name,
                           const arch::Core& core, const arch::Technology& tech) {
  CoreLayerCost out;
  if (layer.op == workload::OpKind::Other) {
    out.feasible = true;  // data movement only: free at layer granularity
    return out;
  }
  try {
    const dataflow::Problem p = dataflow::densify_pointwise_stride(dataflow::problem_from_layer(layer));
    dataflow::Dataflow df = dataflow::adapt_to_problem(dataflow::library_dataflow(dataflow_name, p.type), p);
    auto bound = dataflow::bind(df, p);
    for (const auto& issue : dataflow::check_legality(bound, p))
      if (issue.rule != dataflow::LegalityRule::Bound) {
        out.why = fmt::format("{}: {}", issue.directive, issue.message);
        return out;
      }
    bound = dataflow::fit_clusters(dataflow::clamp_to_problem(bound, p), core.num_pes);
    DirectiveHardware hw;
    hw.num_pes = core.num_pes;
    hw.vector_width = core.vector_width;
    hw.noc_bw = core.noc_bw;
    hw.noc_latency = core.noc_latency();
    hw.offchip_bw = core.offchip_bw;
    DirectiveResult r = analyze_directives(p, bound, hw, DirectiveOptions{});
    r.macs = workload::is_mac_op(layer.op) ? workload::macs(layer) : workload::ops(layer);
    const LayerCost lc = to_layer_cost(r, p, core, tech, false);
    out.feasible = true;
    out.cycles = lc.latency_cycles;
    out.macs = lc.macs;
    out.utilization = lc.utilization;
    out.onchip_energy_pj = lc.energy_pj - lc.levels[2].energy_pj;  // without the DRAM level
    out.l2_bytes = lc.l2_required_elements * core.precision_bits / 8.0;
  } catch (const UserError& e) {
    out.feasible = false;
    out.why = e.what();
  }
  return out;
}

namespace {
std::string key_of(const workload::Layer& l, const std::string& df, const arch::Core& c) {
  return fmt::format("{}|{}|{},{},{},{},{},{},{},{}|{},{},{},{},{},{},{},{},{},{}|{},{},{},{}|{},{},{},{},{},{}",
                     df, static_cast<int>(l.op), l.N, l.G, l.K, l.C, l.Y, l.X, l.R, l.S, l.stride_y,
                     l.stride_x, l.dilation_y, l.dilation_x, l.pad_top, l.pad_bottom, l.pad_left,
                     l.pad_right, l.output_pad_y, l.output_pad_x, l.input_bits, l.weight_bits,
                     l.output_bits, l.num_inputs, c.num_pes, c.vector_width, c.noc_bw,
                     c.noc_latency(), c.offchip_bw, c.precision_bits);
}
}  // namespace

CoreLayerCost CostCache::get(const workload::Layer& layer, const std::string& dataflow,
                             const arch::Core& core) {
  const std::string key = key_of(layer, dataflow, core);
  {
    std::shared_lock lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end()) {
      ++hits_;
      return it->second;
    }
  }
  CoreLayerCost c = cost_on_core(layer, dataflow, core, tech_);
  std::unique_lock lock(mu_);
  ++misses_;
  return map_.emplace(key, std::move(c)).first->second;
}

std::size_t CostCache::size() const {
  std::shared_lock lock(mu_);
  return map_.size();
}

}  // namespace mosaic::cost

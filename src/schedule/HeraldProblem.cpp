#include "schedule/HeraldProblem.h"

#include <algorithm>
#include <map>

#include "common/Error.h"

namespace mosaic::schedule {

Problem build_problem(const workload::WorkloadGraph& graph, const arch::Accelerator& acc,
                      cost::CostCache& cache, Metric metric) {
  return build_problem(
      graph, acc,
      [&](std::size_t node, const arch::Core& core, const std::string& df) {
        return cache.get(graph.nodes[node].layer, df, core);
      },
      cache.technology().dram_pj, metric);
}

namespace {

template <class Lookup>
Problem build(const workload::WorkloadGraph& graph, const arch::Accelerator& acc, Lookup&& lookup,
              double dram_pj_per_element, Metric metric) {
  Problem p;
  const std::size_t n = graph.nodes.size();
  const int cores = static_cast<int>(acc.cores.size());
  MOSAIC_CHECK(cores >= 1, "an accelerator has at least one core");
  p.num_cores = cores;
  p.capacity_bytes = static_cast<double>(acc.global_buffer_bytes);
  const auto& params = acc.params;
  p.dram_pj_per_byte = dram_pj_per_element / params.bytes_per_element;
  p.rearrange_cycles_per_byte = params.rearrange_cycles_per_byte;
  p.rearrange_pj_per_byte = params.rearrange_pj_per_byte;
  const bool rda = acc.style.kind == arch::StyleKind::RDA;
  if (rda) {
    p.reconfig_cycles = params.rda_reconfig_cycles;
    p.reconfig_pj = params.rda_reconfig_pj_per_pe * static_cast<double>(acc.cores.at(0).num_pes);
  }
  // Dataflow ids shared by all cores: equal dataflows need no rearrangement.
  std::map<std::string, std::int32_t> ids;
  auto id_of = [&](const std::string& df) {
    auto [it, inserted] = ids.emplace(df, static_cast<std::int32_t>(ids.size()));
    return it->second;
  };
  const std::size_t cells = n * static_cast<std::size_t>(cores);
  p.cycles.assign(cells, 0);
  p.energy_pj.assign(cells, 0);
  p.l2_bytes.assign(cells, 0);
  p.feasible.assign(cells, 0);
  p.variant.assign(cells, 0);
  p.nodes.resize(n);
  // Groups = (model, instance) spans.
  std::vector<std::int32_t> group_of(n, 0);
  for (std::size_t g = 0; g < graph.spans.size(); ++g)
    for (std::int32_t k = 0; k < graph.spans[g].count; ++k)
      group_of[static_cast<std::size_t>(graph.spans[g].first + k)] = static_cast<std::int32_t>(g);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& wn = graph.nodes[i];
    Node& node = p.nodes[i];
    node.name = wn.name;
    node.group = group_of[i];
    node.preds = wn.preds;
    node.weight_bytes = static_cast<double>(workload::weight_bytes(wn.layer));
    node.input_bytes = static_cast<double>(workload::input_bytes(wn.layer));
    node.output_bytes = static_cast<double>(workload::output_bytes(wn.layer));
    for (int c = 0; c < cores; ++c) {
      const auto& core = acc.cores[static_cast<std::size_t>(c)];
      const std::size_t at = p.at(i, c);
      if (!rda) {
        const cost::CoreLayerCost& cc = lookup(i, c, 0, core, core.dataflow);
        p.feasible[at] = cc.feasible ? 1 : 0;
        p.cycles[at] = cc.cycles;
        p.energy_pj[at] = cc.onchip_energy_pj;
        p.l2_bytes[at] = cc.l2_bytes;
        p.variant[at] = id_of(core.dataflow);
        continue;
      }
      // RDA: the best of its dataflows for this layer, plus the interconnect's energy overhead.
      double best = -1;
      for (std::size_t d = 0; d < acc.style.dataflows.size(); ++d) {
        const auto& df = acc.style.dataflows[d];
        const cost::CoreLayerCost& cc = lookup(i, c, d, core, df);
        if (!cc.feasible) continue;
        const double e = cc.onchip_energy_pj * (1 + params.rda_energy_overhead);
        const double m = metric == Metric::Latency  ? cc.cycles
                         : metric == Metric::Energy ? e
                                                    : e * cc.cycles;
        if (best < 0 || m < best) {
          best = m;
          p.feasible[at] = 1;
          p.cycles[at] = cc.cycles;
          p.energy_pj[at] = e;
          p.l2_bytes[at] = cc.l2_bytes;
          p.variant[at] = id_of(df);
        }
      }
    }
  }
  return p;
}

}  // namespace

Problem build_problem(const workload::WorkloadGraph& graph, const arch::Accelerator& acc,
                      const CostLookup& lookup, double dram_pj_per_element, Metric metric) {
  cost::CoreLayerCost tmp;
  return build(
      graph, acc,
      [&](std::size_t node, int, std::size_t, const arch::Core& core,
          const std::string& df) -> const cost::CoreLayerCost& {
        tmp = lookup(node, core, df);
        return tmp;
      },
      dram_pj_per_element, metric);
}

Problem build_problem(
    const workload::WorkloadGraph& graph, const arch::Accelerator& acc,
    const std::vector<std::int32_t>& shape_of,
    const std::vector<std::vector<const std::vector<cost::CoreLayerCost>*>>& tables,
    double dram_pj_per_element, Metric metric) {
  return build(
      graph, acc,
      [&](std::size_t node, int core, std::size_t d, const arch::Core&,
          const std::string&) -> const cost::CoreLayerCost& {
        return (
            *tables[static_cast<std::size_t>(core)][d])[static_cast<std::size_t>(shape_of[node])];
      },
      dram_pj_per_element, metric);
}

}  // namespace mosaic::schedule

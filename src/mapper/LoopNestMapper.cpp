#include "mapper/LoopNestMapper.h"

#include <time.h>

#include <ctime>
#include <optional>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/ParallelMap.h"
#include "mapper/FastSearch.h"
#include "mapper/SpatialSearch.h"

namespace mosaic::mapper {

const char* engine_name(TemporalEngine e) {
  switch (e) {
    case TemporalEngine::Loma:
      return "loma";
    case TemporalEngine::Fast:
      return "fast";
  }
  return "?";
}

namespace {
double cpu_now() {  // this thread's CPU time (layers may be mapped on several threads)
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}
}  // namespace

namespace {

LayerMapResult search_layer(const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
                            const dataflow::LoopNestMappingSet& mappings,
                            const MapOptions& options) {
  const double t0 = cpu_now();
  LayerMapResult r;
  r.layer_name = layer.name;
  r.op_type = layer.op_type;
  LomaOptions lo;
  lo.lpf_limit = options.lpf_limit;
  lo.objective = options.objective;
  lo.stop_requested = options.stop_requested;
  if (options.search_spatial) {
    DataflowSpaceOptions ds;
    ds.min_utilization = options.utilization_threshold;
    const auto ss = search_spatial(layer, hw, ds, lo);
    if (!ss.found)
      throw UserError(
          SourceLocation{layer.source_file, layer.source_line,
                         fmt::format("layer '{}'", layer.name)},
          fmt::format("no spatial mapping reaches {:.0f}% utilization and fits the memories",
                      100 * options.utilization_threshold));
    r.mapping_entry = "search:" + ss.best.dataflow.notation();
    r.problem = ss.best.problem;
    r.temporal = ss.best.temporal.mapping;
    r.cost = ss.best.temporal.cost;
    r.stats = ss.best.temporal.stats;
    r.cpu_seconds = cpu_now() - t0;
    return r;
  }
  const auto& entry = dataflow::select_mapping(mappings, layer.name, layer.op_type);
  r.mapping_entry = entry.name;
  r.problem = cost::compile_problem(layer, hw, entry);
  const TemporalSearchResult s = options.engine == TemporalEngine::Fast
                                     ? fast_search(r.problem, lo).best
                                     : loma_search(r.problem, lo);
  if (!s.found)
    throw UserError(
        SourceLocation{layer.source_file, layer.source_line, fmt::format("layer '{}'", layer.name)},
        "no loop order fits the memory hierarchy (check the spatial mapping, memory sizes "
        "and that every operand fits its top memory)");
  r.temporal = s.mapping;
  r.cost = s.cost;
  r.stats = s.stats;
  r.cpu_seconds = cpu_now() - t0;
  return r;
}

}  // namespace

double layer_loop_orders(const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
                         const dataflow::LoopNestMappingSet& mappings, const MapOptions& options) {
  LomaOptions lo;
  lo.lpf_limit = options.lpf_limit;
  lo.objective = options.objective;
  if (options.search_spatial) {
    DataflowSpaceOptions ds;
    ds.min_utilization = options.utilization_threshold;
    return spatial_search_loop_orders(layer, hw, ds, lo);
  }
  const auto& entry = dataflow::select_mapping(mappings, layer.name, layer.op_type);
  return loop_order_count(cost::compile_problem(layer, hw, entry), options.lpf_limit);
}

LayerMapResult map_layer(const workload::EinsumLayer& layer, const arch::Core& core,
                         const dataflow::LoopNestMappingSet& mappings, const MapOptions& options) {
  MOSAIC_CHECK(core.loop_nest.has_value(), "map_layer: the core has no loop-nest view");
  LayerMapResult r = search_layer(layer, *core.loop_nest, mappings, options);
  r.core_cost = cost::core_layer_cost(cost::to_layer_cost(r.problem, r.cost), core);
  return r;
}

LayerMapResult map_layer(const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
                         const dataflow::LoopNestMappingSet& mappings, const MapOptions& options) {
  return map_layer(layer, arch::loop_nest_core(hw), mappings, options);
}

WorkloadMapResult map_workload(
    const std::vector<workload::EinsumLayer>& layers, const arch::LoopNestHardware& hw,
    const dataflow::LoopNestMappingSet& mappings, const MapOptions& options,
    const std::function<void(const LayerMapResult&, std::size_t, std::size_t)>& progress) {
  return map_workload(layers, arch::loop_nest_accelerator(hw), mappings, options, progress);
}

WorkloadMapResult map_workload(
    const std::vector<workload::EinsumLayer>& layers, const arch::Accelerator& acc,
    const dataflow::LoopNestMappingSet& mappings, const MapOptions& options,
    const std::function<void(const LayerMapResult&, std::size_t, std::size_t)>& progress) {
  if (acc.cores.size() != 1 || !acc.cores[0].loop_nest)
    throw UserError(SourceLocation{"", 0, "hardware"},
                    fmt::format("'{}': mapping layer by layer needs one core with a memory "
                                "hierarchy (a loop-nest view); it has {} cores",
                                acc.name, acc.cores.size()));
  const arch::Core& core = acc.cores[0];
  WorkloadMapResult w;
  // Each layer on options.threads threads; a layer not mapped because of a stop is empty, and
  // the result keeps the layers before the first empty one (in layer order, whatever the thread
  // count), with `interrupted` set.
  bool gap = false;
  const std::function<void(std::size_t, const std::optional<LayerMapResult>&)> in_order =
      [&](std::size_t i, const std::optional<LayerMapResult>& r) {
        if (!r) gap = true;
        if (!gap && progress) progress(*r, i + 1, layers.size());
      };
  auto mapped = parallel_map<std::optional<LayerMapResult>>(
      layers.size(), options.threads,
      [&](std::size_t i) -> std::optional<LayerMapResult> {
        try {
          if (options.stop_requested && options.stop_requested()) throw SearchInterrupted();
          return map_layer(layers[i], core, mappings, options);
        } catch (const SearchInterrupted&) {
          return std::nullopt;
        }
      },
      in_order);
  for (auto& m : mapped) {  // summed in layer order, whatever the thread count
    if (!m) {
      w.interrupted = true;
      break;
    }
    w.layers.push_back(std::move(*m));
    const auto& r = w.layers.back();
    w.energy_pj += r.cost.energy_pj;
    w.latency_cycles += r.cost.latency_cycles;
    w.mac_energy_pj += r.cost.mac_energy_pj;
  }
  return w;
}

cost::LayerCost evaluate_layer(const workload::EinsumLayer& layer, const arch::LoopNestHardware& hw,
                               const dataflow::LoopNestMappingEntry& mapping,
                               const cost::LnTemporalMapping& temporal) {
  const cost::LoopNestProblem p = cost::compile_problem(layer, hw, mapping);
  return cost::to_layer_cost(p, cost::evaluate(p, temporal));
}

}  // namespace mosaic::mapper

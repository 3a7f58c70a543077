#include "search/MapDistributed.h"

#include <fmt/format.h>

#include "common/Error.h"
#include "mapper/LayerResultCodec.h"
#include "search/ChunkTransport.h"

namespace mosaic::search {

namespace {

const arch::Core& loop_nest_core(const arch::Accelerator& acc) {
  if (acc.cores.size() != 1 || !acc.cores[0].loop_nest)
    throw UserError(SourceLocation{"", 0, "hardware"},
                    fmt::format("'{}': mapping layer by layer needs one core with a memory "
                                "hierarchy (a loop-nest view); it has {} cores",
                                acc.name, acc.cores.size()));
  return acc.cores[0];
}

}  // namespace

mapper::WorkloadMapResult map_workload_distributed(
    const std::vector<workload::EinsumLayer>& layers, const arch::Accelerator& acc,
    const dataflow::LoopNestMappingSet& mappings, const mapper::MapOptions& options,
    ChunkTransport& transport,
    const std::function<void(const mapper::LayerMapResult&, std::size_t, std::size_t)>& progress) {
  if (transport.workers() == 0)
    return mapper::map_workload(layers, acc, mappings, options, progress);
  const arch::Core& core = loop_nest_core(acc);
  std::vector<std::int64_t> indices(layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i) indices[i] = static_cast<std::int64_t>(i);
  std::vector<std::string> payloads(layers.size());
  transport.compute(indices,
                    [&](std::int64_t i, std::string&& p) {
                      payloads[static_cast<std::size_t>(i)] = std::move(p);
                    },
                    {});
  // Summed in layer order, as map_workload sums them.
  mapper::WorkloadMapResult w;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    w.layers.push_back(
        mapper::decode_layer_result(payloads[i], layers[i], core, mappings, options));
    const auto& r = w.layers.back();
    w.energy_pj += r.cost.energy_pj;
    w.latency_cycles += r.cost.latency_cycles;
    w.mac_energy_pj += r.cost.mac_energy_pj;
    if (progress) progress(r, i + 1, layers.size());
  }
  return w;
}

void serve_map(const std::vector<workload::EinsumLayer>& layers, const arch::Accelerator& acc,
               const dataflow::LoopNestMappingSet& mappings, const mapper::MapOptions& options,
               ChunkTransport& transport) {
  const arch::Core& core = loop_nest_core(acc);
  transport.serve(
      [&](std::int64_t i) {
        const auto& layer = layers.at(static_cast<std::size_t>(i));
        return mapper::encode_layer_result(mapper::map_layer(layer, core, mappings, options), layer,
                                           core, options);
      },
      0);
}

}  // namespace mosaic::search

#include "mapper/LayerResultCodec.h"

#include <cstring>
#include <type_traits>

#include <fmt/format.h>

#include "common/Error.h"
#include "mapper/SpatialSearch.h"

namespace mosaic::mapper {

namespace {

static_assert(std::is_trivially_copyable_v<cost::LnTemporalMapping>);
static_assert(std::is_trivially_copyable_v<cost::LoopNestResult>);
static_assert(std::is_trivially_copyable_v<LomaStats>);

template <class T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(T));
}

template <class T>
T get(const std::string& in, std::size_t& pos) {
  if (pos + sizeof(T) > in.size()) throw InternalError("map: truncated layer result");
  T v;
  std::memcpy(&v, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  return v;
}

std::string spatial_text(const std::vector<dataflow::ArrayDimUnrolling>& s) {
  std::string t;
  for (const auto& d : s) {
    t += d.array_dim + ":";
    for (const auto& u : d.unrolls) t += fmt::format("{}={},", u.dim, u.factor);
    t += ";";
  }
  return t;
}

DataflowSpaceOptions space_options(const MapOptions& o) {
  DataflowSpaceOptions ds;
  ds.min_utilization = o.utilization_threshold;
  return ds;
}

}  // namespace

std::string encode_layer_result(const LayerMapResult& r, const workload::EinsumLayer& layer,
                                const arch::Core& core, const MapOptions& options) {
  std::int64_t candidate = -1;  // -1: the mapping file's entry
  if (options.search_spatial) {
    const auto cands = enumerate_dataflows(layer, *core.loop_nest, space_options(options));
    // By its notation; among candidates of the same notation, by the compiled unrolling.
    std::vector<std::int64_t> same;
    for (std::size_t i = 0; i < cands.size(); ++i)
      if ("search:" + cands[i].notation() == r.mapping_entry)
        same.push_back(static_cast<std::int64_t>(i));
    if (same.size() == 1) candidate = same.front();
    for (std::size_t k = 0; k < same.size() && candidate < 0; ++k)
      if (spatial_text(cands[static_cast<std::size_t>(same[k])].spatial) ==
          spatial_text(r.problem.spatial))
        candidate = same[k];
    if (candidate < 0)
      throw InternalError(
          fmt::format("map: layer '{}': the chosen spatial mapping is not among "
                      "the candidates",
                      layer.name));
  }
  std::string out;
  put(out, candidate);
  put(out, r.temporal);
  put(out, r.cost);
  put(out, r.stats);
  put(out, r.cpu_seconds);
  return out;
}

LayerMapResult decode_layer_result(const std::string& payload, const workload::EinsumLayer& layer,
                                   const arch::Core& core,
                                   const dataflow::LoopNestMappingSet& mappings,
                                   const MapOptions& options) {
  MOSAIC_CHECK(core.loop_nest.has_value(), "decode_layer_result: the core has no loop-nest view");
  std::size_t pos = 0;
  const auto candidate = get<std::int64_t>(payload, pos);
  LayerMapResult r;
  r.layer_name = layer.name;
  r.op_type = layer.op_type;
  if (candidate >= 0) {
    // What search_spatial compiles for a candidate.
    const auto cands = enumerate_dataflows(layer, *core.loop_nest, space_options(options));
    if (candidate >= static_cast<std::int64_t>(cands.size()) || !options.search_spatial)
      throw InternalError(
          fmt::format("map: layer '{}': no spatial candidate {}", layer.name, candidate));
    const auto& c = cands[static_cast<std::size_t>(candidate)];
    dataflow::LoopNestMappingEntry e;
    e.name = c.notation();
    e.has_spatial = true;
    e.spatial = c.spatial;
    e.links = dataflow::default_links();
    r.mapping_entry = "search:" + c.notation();
    r.problem = cost::compile_problem(layer, *core.loop_nest, e);
  } else {
    const auto& entry = dataflow::select_mapping(mappings, layer.name, layer.op_type);
    r.mapping_entry = entry.name;
    r.problem = cost::compile_problem(layer, *core.loop_nest, entry);
  }
  r.temporal = get<cost::LnTemporalMapping>(payload, pos);
  r.cost = get<cost::LoopNestResult>(payload, pos);
  r.stats = get<LomaStats>(payload, pos);
  r.cpu_seconds = get<double>(payload, pos);
  if (pos != payload.size()) throw InternalError("map: layer result longer than expected");
  r.core_cost = cost::core_layer_cost(cost::to_layer_cost(r.problem, r.cost), core);
  return r;
}

}  // namespace mosaic::mapper

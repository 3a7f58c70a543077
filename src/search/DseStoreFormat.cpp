// What the DSE writes to the result store (DseEngine.h): the run's configuration (dse_run_config)
// and the binary record of each evaluated chunk (encode_chunk, decode_chunk).
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "arch/Technology.h"
#include "common/Error.h"
#include "search/DseEngine.h"

namespace mosaic::search {

namespace {

constexpr std::uint32_t kChunkFormat = 1;

struct Writer {
  std::string out;
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* p = reinterpret_cast<const char*>(&v);
    out.append(p, sizeof(T));
  }
};

struct Reader {
  std::string_view in;
  std::size_t pos = 0;
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    if (pos + sizeof(T) > in.size()) throw InternalError("result store: truncated chunk record");
    T v;
    std::memcpy(&v, in.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
};

}  // namespace

std::string encode_chunk(const ChunkResult& c) {
  Writer w;
  w.put(kChunkFormat);
  const DseCounts& k = c.counts;
  for (auto v : {k.explored, k.skipped, k.evaluated, k.valid, k.illegal, k.analyses}) w.put(v);
  w.put(static_cast<std::uint64_t>(c.designs.size()));
  for (const auto& d : c.designs) {
    const auto& p = d.point;
    for (auto v : {p.pes, p.vector_width, p.noc_bw, p.l1_bytes, p.l2_bytes}) w.put(v);
    for (auto v : p.map_sizes) w.put(v);
    const auto& m = d.metrics;
    for (auto v : {m.latency_cycles, m.energy_pj, m.area_um2, m.power_mw}) w.put(v);
    for (auto v : m.energy_breakdown_pj) w.put(v);
    for (auto v : {m.macs, m.l1_required_bytes, m.l2_required_bytes}) w.put(v);
    w.put(static_cast<std::uint8_t>(d.valid ? 1 : 0));
  }
  w.put(static_cast<std::uint64_t>(c.note.size()));
  w.out += c.note;
  return std::move(w.out);
}

ChunkResult decode_chunk(std::string_view payload, std::int64_t index, std::int32_t dataflow) {
  Reader r{payload};
  if (r.get<std::uint32_t>() != kChunkFormat)
    throw InternalError("result store: unknown chunk record format");
  ChunkResult c;
  c.index = index;
  c.reused = true;
  DseCounts& k = c.counts;
  for (auto* v : {&k.explored, &k.skipped, &k.evaluated, &k.valid, &k.illegal, &k.analyses})
    *v = r.get<std::int64_t>();
  const auto n = r.get<std::uint64_t>();
  if (n > payload.size()) throw InternalError("result store: corrupt chunk record");
  c.designs.resize(n);
  for (auto& d : c.designs) {
    auto& p = d.point;
    p.dataflow = dataflow;
    for (auto* v : {&p.pes, &p.vector_width, &p.noc_bw, &p.l1_bytes, &p.l2_bytes})
      *v = r.get<std::int64_t>();
    for (auto& v : p.map_sizes) v = r.get<std::int64_t>();
    auto& m = d.metrics;
    for (auto* v : {&m.latency_cycles, &m.energy_pj, &m.area_um2, &m.power_mw})
      *v = r.get<double>();
    for (auto& v : m.energy_breakdown_pj) v = r.get<double>();
    for (auto* v : {&m.macs, &m.l1_required_bytes, &m.l2_required_bytes})
      *v = r.get<std::int64_t>();
    d.valid = r.get<std::uint8_t>() != 0;
  }
  const auto len = r.get<std::uint64_t>();
  // (Compared without adding: a huge length would wrap r.pos + len around.)
  if (len > payload.size() - r.pos) throw InternalError("result store: truncated chunk note");
  c.note = std::string(payload.substr(r.pos, len));
  return c;
}

std::string dse_run_config(const DseWorkload& w, const DseSpec& s) {
  using nlohmann::json;
  json j;
  j["format"] = kDseStoreFormat;
  j["maestro_compat"] = s.maestro_compat;
  j["fit_clusters"] = s.fit_clusters;
  j["noc_latency"] = s.noc_latency;
  j["offchip_bw"] = s.offchip_bw;
  j["precision_bits"] = s.precision_bits;
  auto budget = [](double v) { return std::isfinite(v) ? json(v) : json("none"); };
  j["area_budget_um2"] = budget(s.area_budget_um2);
  j["power_budget_mw"] = budget(s.power_budget_mw);
  j["technology"] = arch::technology_json(s.technology);
  // The tile search chooses each point's mapping: a run with it never shares chunks with one
  // without (nor with another objective).
  j["search_tiles"] = s.search_tiles ? json(tile_objective_name(*s.search_tiles)) : json("off");
  json maps = json::array();
  for (std::size_t m = 0; m < s.map_sizes.size(); ++m) {
    json e = {{"sweep", s.map_sizes[m].label()}};
    if (m + 1 == s.map_sizes.size()) e["values"] = s.map_sizes[m].values.values;
    maps.push_back(e);
  }
  j["map_sizes"] = maps;
  j["noc_bw"] = s.noc_bw.values;
  j["l1_bytes"] = s.l1_bytes ? json(s.l1_bytes->values) : json("exact");
  j["l2_bytes"] = s.l2_bytes ? json(s.l2_bytes->values) : json("exact");
  json layers = json::array();
  for (const auto& l : w.layers) {
    const auto& p = l.problem;
    json e;
    e["name"] = l.name;
    e["type"] = static_cast<int>(p.type);
    e["size"] = p.size;
    e["stride"] = p.stride;
    e["batch"] = p.batch;
    e["count"] = l.count;
    e["useful_macs"] = l.useful_macs ? *l.useful_macs : -1;
    layers.push_back(e);
  }
  j["layers"] = layers;
  return j.dump();
}

}  // namespace mosaic::search

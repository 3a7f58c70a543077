// The binary record of one evaluated chunk in the result store (encode_chunk, decode_chunk of
// DseEngine.h).
#include <cstring>
#include <string>
#include <type_traits>

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
  if (r.pos + len > payload.size()) throw InternalError("result store: truncated chunk note");
  c.note = std::string(payload.substr(r.pos, len));
  return c;
}

}  // namespace mosaic::search

#include "arch/HierarchyBuilder.h"

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::arch {

namespace {

std::string size_text(std::int64_t bytes) {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0)
    return fmt::format("{}MB", bytes / (1024 * 1024));
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{}KB", bytes / 1024);
  return fmt::format("{}B", bytes);
}

MemoryLevel memory(const std::string& name, std::int64_t bytes, double pj, int word_bits,
                   std::vector<std::string> served) {
  MemoryLevel m;
  m.name = name;
  m.size_bits = bytes * 8;
  m.read_pj = pj;
  m.write_pj = pj;
  m.operands = {"I1", "I2", "O"};
  MemoryPort r{"r_port_1", PortType::Read, word_bits, word_bits};
  MemoryPort w{"w_port_1", PortType::Write, word_bits, word_bits};
  m.ports = {r, w};
  for (const char* op : {"I1", "I2", "O"}) {
    m.allocations.push_back({op, DataDir::RdOutToLow, 0});
    m.allocations.push_back({op, DataDir::WrInByHigh, 1});
  }
  m.allocations.push_back({"O", DataDir::RdOutToHigh, 0});
  m.allocations.push_back({"O", DataDir::WrInByLow, 1});
  m.served_dims = std::move(served);
  return m;
}

}  // namespace

std::string hierarchy_name(const HierarchySpec& s) {
  std::string out;
  for (std::size_t i = 0; i < s.rf_bytes.size(); ++i)
    out += fmt::format("rf{}-", size_text(s.rf_bytes[i]));
  for (std::size_t i = 0; i < s.buffer_bytes.size(); ++i)
    out += fmt::format("gb{}-", size_text(s.buffer_bytes[i]));
  out += fmt::format("{}x{}", s.rows, s.cols);
  if (s.global_hops) out += "-global";
  return out;
}

LoopNestHardware build_hierarchy(const HierarchySpec& s, const EnergyTable& t) {
  if (s.rows <= 0 || s.cols <= 0) throw UserError("the PE array needs positive dimensions");
  LoopNestHardware hw;
  hw.name = hierarchy_name(s);
  hw.source_file = hw.name;
  hw.array.dims = {"D1", "D2"};
  hw.array.sizes = {s.rows, s.cols};
  // The table's MAC and hop energies refer to its own word width: a MAC scales with the square of
  // the width ratio (a multiplier's area), a hop with the ratio (wires), as access energies do
  // (access_energy_pj).
  if (s.word_bits <= 0) throw UserError("the word width must be positive");
  const double width = static_cast<double>(s.word_bits) / t.word_bits;
  hw.array.unit_energy_pj = t.mac_pj * width * width;
  hw.array.hop_energy_pj = t.hop_pj * width;
  hw.array.global_hops = s.global_hops;
  for (std::size_t i = 0; i < s.rf_bytes.size(); ++i) {
    if (s.rf_bytes[i] <= 0) throw UserError("register file sizes must be positive");
    const double e = access_energy_pj(t, MemoryKind::RegisterFile,
                                      static_cast<double>(s.rf_bytes[i]), s.word_bits);
    hw.memories.push_back(memory(fmt::format("rf{}_{}", i + 1, size_text(s.rf_bytes[i])),
                                 s.rf_bytes[i], e, s.word_bits, {}));
  }
  for (std::size_t i = 0; i < s.buffer_bytes.size(); ++i) {
    if (s.buffer_bytes[i] <= 0) throw UserError("buffer sizes must be positive");
    const double bytes = static_cast<double>(s.buffer_bytes[i]);
    const double e = access_energy_pj(
        t, bytes <= 4096 ? MemoryKind::RegisterFile : MemoryKind::Sram, bytes, s.word_bits);
    hw.memories.push_back(memory(fmt::format("gb{}_{}", i + 1, size_text(s.buffer_bytes[i])),
                                 s.buffer_bytes[i], e, s.word_bits, {"D1", "D2"}));
  }
  hw.memories.push_back(memory("dram", std::int64_t{1} << 40,
                               access_energy_pj(t, MemoryKind::Dram, 0, s.word_bits), s.word_bits,
                               {"D1", "D2"}));
  validate(hw);
  return hw;
}

}  // namespace mosaic::arch

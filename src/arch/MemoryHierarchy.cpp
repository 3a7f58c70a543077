#include "arch/MemoryHierarchy.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::arch {

const char* data_dir_tag(DataDir d) {
  switch (d) {
    case DataDir::RdOutToLow:
      return "tl";
    case DataDir::WrInByLow:
      return "fl";
    case DataDir::RdOutToHigh:
      return "th";
    case DataDir::WrInByHigh:
      return "fh";
  }
  return "?";
}

const char* data_dir_zigzag_name(DataDir d) {
  switch (d) {
    case DataDir::RdOutToLow:
      return "rd_out_to_low";
    case DataDir::WrInByLow:
      return "wr_in_by_low";
    case DataDir::RdOutToHigh:
      return "rd_out_to_high";
    case DataDir::WrInByHigh:
      return "wr_in_by_high";
  }
  return "?";
}

std::int64_t total_units(const OperationalArray& a) {
  std::int64_t p = 1;
  for (auto s : a.sizes) p *= s;
  return p;
}

int array_dim_index(const OperationalArray& a, const std::string& dim) {
  for (std::size_t i = 0; i < a.dims.size(); ++i)
    if (a.dims[i] == dim) return static_cast<int>(i);
  return -1;
}

std::vector<int> levels_of(const LoopNestHardware& hw, const std::string& mem_operand) {
  std::vector<int> out;
  for (std::size_t i = 0; i < hw.memories.size(); ++i) {
    const auto& ops = hw.memories[i].operands;
    if (std::find(ops.begin(), ops.end(), mem_operand) != ops.end())
      out.push_back(static_cast<int>(i));
  }
  return out;
}

int top_memory_of(const LoopNestHardware& hw, const std::string& mem_operand) {
  const auto lv = levels_of(hw, mem_operand);
  return lv.empty() ? -1 : lv.back();
}

int port_of(const MemoryLevel& m, const std::string& mem_operand, DataDir dir) {
  for (const auto& a : m.allocations)
    if (a.operand == mem_operand && a.dir == dir) return a.port;
  return -1;
}

std::int64_t instance_count(const LoopNestHardware& hw, const MemoryLevel& m) {
  std::int64_t n = 1;
  for (std::size_t i = 0; i < hw.array.dims.size(); ++i)
    if (std::find(m.served_dims.begin(), m.served_dims.end(), hw.array.dims[i]) ==
        m.served_dims.end())
      n *= hw.array.sizes[i];
  return n;
}

void validate(const LoopNestHardware& hw) {
  auto fail = [&](const MemoryLevel* m, const std::string& field, const std::string& msg) {
    throw UserError(SourceLocation{hw.source_file, m ? m->source_line : 0,
                                   m ? fmt::format("memory '{}' {}", m->name, field) : field},
                    msg);
  };
  if (hw.array.dims.empty()) fail(nullptr, "operational_array", "needs at least one dimension");
  if (hw.array.dims.size() != hw.array.sizes.size())
    fail(nullptr, "operational_array", "dimensions and sizes differ in length");
  std::set<std::string> dims;
  for (std::size_t i = 0; i < hw.array.dims.size(); ++i) {
    if (!dims.insert(hw.array.dims[i]).second)
      fail(nullptr, "operational_array",
           fmt::format("dimension {} listed twice", hw.array.dims[i]));
    if (hw.array.sizes[i] <= 0)
      fail(nullptr, "operational_array",
           fmt::format("size of {} must be positive, got {}", hw.array.dims[i], hw.array.sizes[i]));
  }
  if (hw.memories.empty()) fail(nullptr, "memories", "no memory levels");
  std::set<std::string> names;
  for (const auto& m : hw.memories) {
    if (!names.insert(m.name).second) fail(&m, "name", "memory defined twice");
    if (m.size_bits <= 0) fail(&m, "size", "must be positive (bits)");
    if (m.operands.empty()) fail(&m, "operands", "holds no operand");
    for (const auto& op : m.operands)
      if (op != "I1" && op != "I2" && op != "O")
        fail(&m, "operands", fmt::format("'{}' is not a memory operand (I1, I2, O)", op));
    for (const auto& d : m.served_dims)
      if (!dims.count(d))
        fail(&m, "served_dimensions", fmt::format("'{}' is not an array dimension", d));
    for (const auto& p : m.ports)
      if (p.bw_min_bits <= 0 || p.bw_max_bits <= 0 || p.bw_min_bits > p.bw_max_bits)
        fail(&m, "ports", fmt::format("port {} needs 0 < bandwidth_min <= bandwidth_max", p.name));
    for (const auto& a : m.allocations) {
      if (a.port < 0 || a.port >= static_cast<int>(m.ports.size()))
        fail(&m, "ports", "allocation to an unknown port");
      if (std::find(m.operands.begin(), m.operands.end(), a.operand) == m.operands.end())
        fail(&m, "ports",
             fmt::format("allocation for {} which the memory does not hold", a.operand));
      const auto& p = m.ports[static_cast<std::size_t>(a.port)];
      const bool is_write = a.dir == DataDir::WrInByHigh || a.dir == DataDir::WrInByLow;
      if (is_write && p.type == PortType::Read)
        fail(&m, "ports",
             fmt::format("read port {} given for write direction {}", p.name, data_dir_tag(a.dir)));
      if (!is_write && p.type == PortType::Write)
        fail(&m, "ports",
             fmt::format("write port {} given for read direction {}", p.name, data_dir_tag(a.dir)));
    }
  }
}

}  // namespace mosaic::arch

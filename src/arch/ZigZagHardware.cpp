#include "arch/ZigZagHardware.h"

#include <algorithm>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/Checked.h"
#include "common/Error.h"
#include "common/Suggest.h"
#include "common/Validate.h"
#include "workload/ZigZagYaml.h"

namespace mosaic::arch {

namespace y = workload::yaml;

namespace {

DataDir parse_dir(const std::string& tag, const YAML::Node& n, const std::string& path,
                  const std::string& field) {
  if (tag == "tl") return DataDir::RdOutToLow;
  if (tag == "fl") return DataDir::WrInByLow;
  if (tag == "th") return DataDir::RdOutToHigh;
  if (tag == "fh") return DataDir::WrInByHigh;
  y::fail(n, path, field, fmt::format("direction '{}' is not fh, tl, fl or th", tag));
}

// One port of a memory: its name, type, bandwidths and operand allocations (a later allocation
// of the same operand and direction replaces an earlier one).
void parse_port(const YAML::Node& p, const std::string& path, const std::string& where,
                MemoryLevel& m) {
  static const std::regex kAlloc(R"(^\s*(I[12]|O)\s*,\s*(fh|tl|fl|th)\s*$)");
  static const std::regex kPortName(R"(^[r]?[w]?_port_\d+$)");
  if (!p.IsMap()) y::fail(p, path, where + " ports", "each port is a mapping with a name");
  MemoryPort port;
  port.name = y::as_string(y::require(p, "name", path, where + " ports name"), path, where);
  if (!std::regex_match(port.name, kPortName))
    y::fail(p, path, where + " ports",
            fmt::format("port name '{}' is not r_port_N, w_port_N or rw_port_N", port.name));
  const std::string type =
      y::as_string(y::require(p, "type", path, where + " ports type"), path, where);
  if (type == "read")
    port.type = PortType::Read;
  else if (type == "write")
    port.type = PortType::Write;
  else if (type == "read_write")
    port.type = PortType::ReadWrite;
  else
    y::fail(p, path, where + " ports type",
            fmt::format("'{}' is not read, write or read_write", type));
  port.bw_min_bits = y::as_int(y::require(p, "bandwidth_min", path, where + " bandwidth_min"), path,
                               where + " bandwidth_min", IntRule::positive());
  port.bw_max_bits = y::as_int(y::require(p, "bandwidth_max", path, where + " bandwidth_max"), path,
                               where + " bandwidth_max", IntRule::positive());
  const int port_index = static_cast<int>(m.ports.size());
  for (const auto& a : y::require(p, "allocation", path, where + " allocation")) {
    const std::string text = y::as_string(a, path, where + " allocation");
    std::smatch match;
    if (!std::regex_match(text, match, kAlloc))
      y::fail(a, path, where + " allocation",
              fmt::format("'{}' is not of the form \"I1, tl\"", text));
    PortAllocation alloc{match[1].str(), parse_dir(match[2].str(), a, path, where), port_index};
    bool replaced = false;
    for (auto& prev : m.allocations) {
      if (prev.operand == alloc.operand && prev.dir == alloc.dir) {
        prev.port = alloc.port;
        replaced = true;
      }
    }
    if (!replaced) m.allocations.push_back(alloc);
  }
  for (const auto& prev : m.ports)
    if (prev.name == port.name) y::fail(p, path, where + " ports", "port name used twice");
  m.ports.push_back(port);
}

MemoryLevel parse_memory(const std::string& name, const YAML::Node& node, const std::string& path) {
  static const std::set<std::string> kKeys = {"size",
                                              "r_cost",
                                              "w_cost",
                                              "area",
                                              "latency",
                                              "mem_type",
                                              "auto_cost_extraction",
                                              "operands",
                                              "ports",
                                              "served_dimensions",
                                              "min_r_granularity",
                                              "min_w_granularity"};
  const std::string where = fmt::format("memory '{}'", name);
  if (!node.IsMap()) y::fail(node, path, where, "expected a mapping");
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = y::as_string(it->first, path, where);
    if (!kKeys.count(key))
      y::unknown_key(it->first, path, fmt::format("{} {}", where, key),
                     std::vector<std::string>(kKeys.begin(), kKeys.end()));
  }
  MemoryLevel m;
  m.name = name;
  m.source_file = path;
  m.source_line = y::line_of(node);
  m.size_bits = y::as_int(y::require(node, "size", path, where + " size"), path, where + " size",
                          IntRule::positive());
  if (y::has(node, "auto_cost_extraction"))
    m.auto_cost = y::as_bool(y::find(node, "auto_cost_extraction"), path, where);
  for (const char* key : {"r_cost", "w_cost"}) {
    if (y::has(node, key)) {
      const double v = y::as_double(y::find(node, key), path, fmt::format("{} {}", where, key),
                                    NumberRule::non_negative());
      (std::string(key) == "r_cost" ? m.read_pj : m.write_pj) = v;
    } else if (!m.auto_cost) {
      y::fail(node, path, fmt::format("{} {}", where, key),
              "missing (give it, or set auto_cost_extraction: true and use a technology table)");
    }
  }
  if (y::has(node, "area"))
    m.area = y::as_double(y::find(node, "area"), path, where + " area", NumberRule::non_negative());
  m.latency_cycles =
      static_cast<int>(y::as_int(y::require(node, "latency", path, where + " latency"), path,
                                 where + " latency", IntRule::between(0, 1 << 30)));
  m.operands = y::as_string_list(y::require(node, "operands", path, where + " operands"), path,
                                 where + " operands");
  const YAML::Node ports = y::require(node, "ports", path, where + " ports");
  if (!ports.IsSequence()) y::fail(ports, path, where + " ports", "expected a list of ports");
  for (const auto& p : ports) parse_port(p, path, where, m);
  m.served_dims =
      y::as_string_list(y::require(node, "served_dimensions", path, where + " served_dimensions"),
                        path, where + " served_dimensions");
  // Allocations must name operands the memory holds.
  for (const auto& a : m.allocations)
    if (std::find(m.operands.begin(), m.operands.end(), a.operand) == m.operands.end())
      y::fail(ports, path, where + " allocation",
              fmt::format("port allocation for {} which the memory does not hold", a.operand));
  return m;
}

LoopNestHardware parse_root(const YAML::Node& root, const std::string& path) {
  if (!root.IsMap()) y::fail(root, path, "", "an accelerator is a mapping (name, memories, ...)");
  static const std::set<std::string> kKeys = {"name", "memories", "operational_array", "type",
                                              "dataflows"};
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = y::as_string(it->first, path, "");
    if (!kKeys.count(key))
      y::unknown_key(it->first, path, key, std::vector<std::string>(kKeys.begin(), kKeys.end()));
  }
  LoopNestHardware hw;
  hw.source_file = path;
  hw.name = y::as_string(y::require(root, "name", path, "name"), path, "name");
  const YAML::Node oa = y::require(root, "operational_array", path, "operational_array");
  if (!oa.IsMap()) y::fail(oa, path, "operational_array", "expected a mapping");
  if (y::has(oa, "is_imc") && y::as_bool(y::find(oa, "is_imc"), path, "operational_array is_imc"))
    y::fail(oa, path, "operational_array is_imc",
            "in-memory-compute arrays are not supported by mosaic's loop-nest model");
  hw.array.dims =
      y::as_string_list(y::require(oa, "dimensions", path, "operational_array dimensions"), path,
                        "operational_array dimensions");
  const YAML::Node sizes = y::require(oa, "sizes", path, "operational_array sizes");
  if (!sizes.IsSequence()) y::fail(sizes, path, "operational_array sizes", "expected a list");
  for (const auto& n : sizes)
    hw.array.sizes.push_back(
        y::as_int(n, path, "operational_array sizes", IntRule::between(1, 1 << 30)));
  const NumberRule non_negative = NumberRule::non_negative();
  if (y::has(oa, "unit_energy"))
    hw.array.unit_energy_pj =
        y::as_double(y::find(oa, "unit_energy"), path, "unit_energy", non_negative);
  if (y::has(oa, "unit_area"))
    hw.array.unit_area = y::as_double(y::find(oa, "unit_area"), path, "unit_area", non_negative);
  if (y::has(oa, "hop_energy"))
    hw.array.hop_energy_pj =
        y::as_double(y::find(oa, "hop_energy"), path, "hop_energy", non_negative);
  if (y::has(oa, "hop_mode")) {
    const std::string mode = y::as_string(y::find(oa, "hop_mode"), path, "hop_mode");
    if (mode != "neighbor" && mode != "global")
      y::fail(y::find(oa, "hop_mode"), path, "hop_mode", "expected neighbor or global");
    hw.array.global_hops = mode == "global";
  }
  const YAML::Node mems = y::require(root, "memories", path, "memories");
  if (!mems.IsMap()) y::fail(mems, path, "memories", "expected a mapping of named memories");
  std::set<std::string> seen;
  for (auto it = mems.begin(); it != mems.end(); ++it) {
    const std::string name = y::as_string(it->first, path, "memories");
    if (!seen.insert(name).second)
      y::fail(it->first, path, "memories", fmt::format("memory '{}' defined twice", name));
    hw.memories.push_back(parse_memory(name, it->second, path));
  }
  validate(hw);
  return hw;
}

}  // namespace

LoopNestHardware read_zigzag_hardware(const std::string& path) {
  return parse_root(y::load_file(path), path);
}

LoopNestHardware parse_zigzag_hardware(const std::string& text, const std::string& path) {
  return parse_root(y::load_text(text, path), path);
}

void check_zigzag_mapping(const LoopNestHardware& hw, const dataflow::LoopNestMappingSet& mappings,
                          const std::vector<std::string>& loop_dims) {
  for (const auto& e : mappings.entries) {
    auto fail = [&](const std::string& field, const std::string& message) {
      throw UserError(SourceLocation{e.source_file, e.source_line,
                                     fmt::format("mapping '{}' {}", e.name, field)},
                      message);
    };
    auto array_size = [&](const std::string& array_dim, const std::string& field) {
      const int a = array_dim_index(hw.array, array_dim);
      if (a < 0)
        fail(field,
             fmt::format("{} is not an array dimension of {} ({}){}", array_dim, hw.name,
                         fmt::join(hw.array.dims, ", "), did_you_mean(array_dim, hw.array.dims)));
      return hw.array.sizes[static_cast<std::size_t>(a)];
    };
    auto known_dim = [&](const std::string& dim, const std::string& field) {
      if (std::find(loop_dims.begin(), loop_dims.end(), dim) == loop_dims.end())
        fail(field, fmt::format("{} is not a loop dimension of the workload ({}){}", dim,
                                fmt::join(loop_dims, ", "), did_you_mean(dim, loop_dims)));
    };
    for (const auto& ad : e.spatial) {
      const std::string field = "spatial_mapping " + ad.array_dim;
      const std::int64_t size = array_size(ad.array_dim, field);
      std::int64_t product = 1;
      for (const auto& u : ad.unrolls) {
        known_dim(u.dim, field);
        product = checked_mul(product, u.factor, "the product of the unroll factors");
      }
      if (product > size)
        fail(field, fmt::format("the unroll factors multiply to {} but {} has {} units "
                                "(an impossible unrolling)",
                                product, ad.array_dim, size));
    }
    for (const auto& [array_dim, dims] : e.spatial_hint) {
      array_size(array_dim, "spatial_mapping_hint " + array_dim);
      for (const auto& d : dims) known_dim(d, "spatial_mapping_hint " + array_dim);
    }
    for (const auto& t : e.temporal_ordering)
      if (t.dim != "*") known_dim(t.dim, "temporal_ordering");
  }
}

}  // namespace mosaic::arch

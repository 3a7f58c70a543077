#include "arch/Core.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/Error.h"

namespace mosaic::arch {

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(SourceLocation{path.string(), 0, ""}, "cannot open the hardware file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool parse_i64(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Core read_maestro_hardware(const std::filesystem::path& path) {
  const std::string file = path.string();
  const std::string text = read_text(path);
  Core c;
  c.name = path.stem().string();
  c.num_pes = 1;
  c.l1_bytes = INT_MAX;
  c.l2_bytes = INT_MAX;
  c.noc_bw = INT_MAX;
  c.offchip_bw = INT_MAX;
  c.noc_hops = 1;
  c.noc_hop_latency = 1;
  std::istringstream lines(text);
  std::string line;
  int line_no = 0;
  while (std::getline(lines, line)) {
    ++line_no;
    if (auto p = line.find("//"); p != std::string::npos) line.resize(p);
    // Tokens split as MAESTRO splits them.
    std::vector<std::string> tokens;
    std::string cur;
    for (char ch : line) {
      if (ch == ' ' || ch == '\t' || ch == '\r' || ch == ',' || ch == '-' || ch == '>' ||
          ch == '(' || ch == ')' || ch == ':' || ch == ';') {
        if (!cur.empty()) tokens.push_back(cur);
        cur.clear();
      } else {
        cur.push_back(ch);
      }
    }
    if (!cur.empty()) tokens.push_back(cur);
    for (std::size_t i = 0; i < tokens.size(); i += 2) {
      const std::string& key = tokens[i];
      std::int64_t* field = nullptr;
      if (key == "num_pes")
        field = &c.num_pes;
      else if (key == "l1_size_cstr")
        field = &c.l1_bytes;
      else if (key == "l2_size_cstr")
        field = &c.l2_bytes;
      else if (key == "noc_bw_cstr")
        field = &c.noc_bw;
      else if (key == "offchip_bw_cstr")
        field = &c.offchip_bw;
      else if (key == "NoC_NumHops")
        field = &c.noc_hop_latency;
      else
        throw UserError(SourceLocation{file, line_no, key},
                        "unknown key; expected num_pes, l1_size_cstr, l2_size_cstr, noc_bw_cstr, "
                        "offchip_bw_cstr or NoC_NumHops");
      if (i + 1 >= tokens.size())
        throw UserError(SourceLocation{file, line_no, key}, "missing value");
      std::int64_t v = 0;
      if (!parse_i64(tokens[i + 1], v))
        throw UserError(SourceLocation{file, line_no, key},
                        fmt::format("expected an integer, found '{}'", tokens[i + 1]));
      *field = v;
    }
  }
  validate(c, file);
  return c;
}

Core read_core_yaml(const std::filesystem::path& path) {
  const std::string file = path.string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw UserError(SourceLocation{file, 0, ""}, "cannot open the hardware file");
  } catch (const YAML::Exception& e) {
    throw UserError(SourceLocation{file, e.mark.line + 1, "yaml"}, e.msg);
  }
  if (!root.IsMap()) throw UserError(SourceLocation{file, 1, ""}, "expected a YAML mapping");
  Core c;
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const int line = kv.first.Mark().line + 1;
    auto num = [&]() -> std::int64_t {
      try {
        return kv.second.as<std::int64_t>();
      } catch (const YAML::Exception&) {
        throw UserError(SourceLocation{file, line, key}, "expected an integer");
      }
    };
    if (key == "name")
      c.name = kv.second.as<std::string>();
    else if (key == "dataflow")
      c.dataflow = kv.second.as<std::string>();
    else if (key == "pes" || key == "num_pes")
      c.num_pes = num();
    else if (key == "vector_width")
      c.vector_width = num();
    else if (key == "l1_bytes")
      c.l1_bytes = num();
    else if (key == "l2_bytes")
      c.l2_bytes = num();
    else if (key == "noc_bw")
      c.noc_bw = num();
    else if (key == "noc_latency") {
      c.noc_hops = 1;
      c.noc_hop_latency = num();
    } else if (key == "offchip_bw")
      c.offchip_bw = num();
    else if (key == "precision_bits")
      c.precision_bits = static_cast<int>(num());
    else
      throw UserError(SourceLocation{file, line, key},
                      "unknown key; expected name, dataflow, pes, vector_width, l1_bytes, "
                      "l2_bytes, noc_bw, noc_latency, offchip_bw or precision_bits");
  }
  validate(c, file);
  return c;
}

Core read_hardware(const std::filesystem::path& path) {
  const std::string text = read_text(path);
  if (path.extension() == ".m" || text.find("_cstr") != std::string::npos ||
      text.find("NoC_NumHops") != std::string::npos)
    return read_maestro_hardware(path);
  return read_core_yaml(path);
}

void validate(const Core& c, const std::string& file) {
  auto check = [&](const char* field, std::int64_t v, std::int64_t min) {
    if (v < min)
      throw UserError(SourceLocation{file, 0, field},
                      fmt::format("must be at least {}, got {}", min, v));
  };
  check("num_pes", c.num_pes, 1);
  check("vector_width", c.vector_width, 1);
  check("l1_bytes", c.l1_bytes, 1);
  check("l2_bytes", c.l2_bytes, 1);
  check("noc_bw", c.noc_bw, 1);
  check("noc_latency", c.noc_latency(), 0);
  check("offchip_bw", c.offchip_bw, 1);
  check("precision_bits", c.precision_bits, 1);
}

Core loop_nest_core(LoopNestHardware hw) {
  Core c;
  c.name = hw.name;
  c.num_pes = total_units(hw.array);
  c.loop_nest = std::move(hw);
  return c;
}

}  // namespace mosaic::arch

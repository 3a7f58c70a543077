#include "dataflow/LoopNestMapping.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "common/Error.h"
#include "workload/ZigZagYaml.h"

namespace mosaic::dataflow {

namespace y = workload::yaml;

std::vector<OperandLink> default_links() {
  return {{"O", "O"}, {"I", "I1"}, {"W", "I2"}};
}

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// "K, 32" -> (K, 32)
SpatialUnroll parse_unroll(const YAML::Node& n, const std::string& path, const std::string& field) {
  static const std::regex kUnroll(R"(^\s*([A-Za-z]+\d*)\s*,\s*(\d+)\s*$)");
  const std::string s = y::as_string(n, path, field);
  std::smatch m;
  if (!std::regex_match(s, m, kUnroll))
    y::fail(n, path, field, fmt::format("'{}' is not of the form \"K, 32\"", s));
  SpatialUnroll u;
  u.dim = upper(m[1].str());
  u.factor = std::stoll(m[2].str());
  if (u.factor <= 0) y::fail(n, path, field, "unroll factor must be positive");
  return u;
}

LoopNestMappingEntry parse_entry(const YAML::Node& node, const std::string& path) {
  static const std::regex kArrayDim(R"(^D\d+$)");
  if (!node.IsMap()) y::fail(node, path, "mapping", "expected a mapping entry with a name");
  LoopNestMappingEntry e;
  e.source_file = path;
  e.source_line = y::line_of(node);
  e.name = y::as_string(y::require(node, "name", path, "name"), path, "name");
  const std::string where = fmt::format("mapping '{}'", e.name);
  if (y::has(node, "spatial_mapping")) {
    const YAML::Node sm = y::find(node, "spatial_mapping");
    if (!sm.IsMap()) y::fail(sm, path, where + " spatial_mapping", "expected D1: [\"K, 32\"], ...");
    e.has_spatial = true;
    for (auto it = sm.begin(); it != sm.end(); ++it) {
      ArrayDimUnrolling d;
      d.array_dim = y::as_string(it->first, path, where + " spatial_mapping");
      if (!std::regex_match(d.array_dim, kArrayDim))
        y::fail(it->first, path, where + " spatial_mapping",
                fmt::format("'{}' is not an array dimension (D1, D2, ...)", d.array_dim));
      const YAML::Node list = it->second;
      if (!list.IsSequence())
        y::fail(list, path, where + " spatial_mapping " + d.array_dim, "expected a list");
      for (const auto& u : list) {
        SpatialUnroll su = parse_unroll(u, path, where + " spatial_mapping " + d.array_dim);
        auto same = std::find_if(d.unrolls.begin(), d.unrolls.end(),
                                 [&](const SpatialUnroll& x) { return x.dim == su.dim; });
        if (same != d.unrolls.end())
          same->factor = su.factor;  // ZigZag keeps one factor per dimension (the last)
        else
          d.unrolls.push_back(su);
      }
      e.spatial.push_back(std::move(d));
    }
  }
  if (y::has(node, "spatial_mapping_hint")) {
    const YAML::Node h = y::find(node, "spatial_mapping_hint");
    if (!h.IsMap()) y::fail(h, path, where + " spatial_mapping_hint", "expected D1: [K, C], ...");
    for (auto it = h.begin(); it != h.end(); ++it) {
      std::vector<std::string> dims;
      for (auto& d : y::as_string_list(it->second, path, where + " spatial_mapping_hint"))
        dims.push_back(upper(d));
      e.spatial_hint.emplace_back(y::as_string(it->first, path, where + " spatial_mapping_hint"),
                                  std::move(dims));
    }
  }
  if (y::has(node, "memory_operand_links")) {
    const YAML::Node l = y::find(node, "memory_operand_links");
    if (!l.IsMap()) y::fail(l, path, where + " memory_operand_links", "expected O: O, W: I2, ...");
    std::set<std::string> mems;
    for (auto it = l.begin(); it != l.end(); ++it) {
      OperandLink link{y::as_string(it->first, path, where + " memory_operand_links"),
                       y::as_string(it->second, path, where + " memory_operand_links")};
      if (!mems.insert(link.memory_operand).second)
        y::fail(it->second, path, where + " memory_operand_links",
                fmt::format("memory operand {} linked twice", link.memory_operand));
      e.links.push_back(link);
    }
    for (const char* must : {"O", "W", "I"})
      if (std::none_of(e.links.begin(), e.links.end(),
                       [&](const OperandLink& x) { return x.layer_operand == must; }))
        y::fail(l, path, where + " memory_operand_links", fmt::format("missing '{}'", must));
  } else {
    e.links = default_links();
  }
  if (y::has(node, "temporal_ordering")) {
    const YAML::Node t = y::find(node, "temporal_ordering");
    if (!t.IsSequence()) y::fail(t, path, where + " temporal_ordering", "expected [[K, 2], ...]");
    for (const auto& item : t) {
      if (!item.IsSequence() || item.size() != 2)
        y::fail(item, path, where + " temporal_ordering",
                "each entry is [dimension, size or \"*\"]");
      TemporalOrderItem o;
      o.dim = upper(y::as_string(item[0], path, where + " temporal_ordering"));
      const std::string sz = y::as_string(item[1], path, where + " temporal_ordering");
      if (sz == "*") {
        o.size = 0;
      } else {
        o.size = y::as_int(item[1], path, where + " temporal_ordering");
        if (o.size <= 0)
          y::fail(item[1], path, where + " temporal_ordering", "size must be positive");
      }
      if (o.dim == "*" && o.size != 0)
        y::fail(item, path, where + " temporal_ordering", "the marker is [\"*\", \"*\"]");
      e.temporal_ordering.push_back(o);
    }
  }
  return e;
}

LoopNestMappingSet parse_root(const YAML::Node& root, const std::string& path) {
  if (!root.IsSequence()) y::fail(root, path, "", "a ZigZag mapping is a list of entries");
  LoopNestMappingSet set;
  set.source_file = path;
  std::set<std::string> names;
  for (const auto& n : root) {
    set.entries.push_back(parse_entry(n, path));
    if (!names.insert(set.entries.back().name).second)
      y::fail(n, path, "name", fmt::format("mapping '{}' defined twice", set.entries.back().name));
  }
  if (!names.count("default")) y::fail(root, path, "name", "no 'default' mapping entry");
  return set;
}

}  // namespace

LoopNestMappingSet read_zigzag_mapping(const std::string& path) {
  return parse_root(y::load_file(path), path);
}

LoopNestMappingSet parse_zigzag_mapping(const std::string& text, const std::string& path) {
  return parse_root(y::load_text(text, path), path);
}

const LoopNestMappingEntry& select_mapping(const LoopNestMappingSet& set,
                                           const std::string& layer_name,
                                           const std::string& op_type) {
  for (const auto& e : set.entries)
    if (e.name == layer_name) return e;
  for (const auto& e : set.entries)
    if (e.name == op_type) return e;
  for (const auto& e : set.entries)
    if (e.name == "default") return e;
  throw UserError(SourceLocation{set.source_file, 0, "name"}, "no 'default' mapping entry");
}

std::string uv_notation(const std::vector<ArrayDimUnrolling>& spatial) {
  std::string out;
  for (std::size_t i = 0; i < spatial.size(); ++i) {
    if (i) out += "|";
    std::string dims;
    for (const auto& u : spatial[i].unrolls) {
      if (u.factor <= 1) continue;
      if (!dims.empty()) dims += ",";
      dims += u.dim;
    }
    out += dims.empty() ? "-" : dims;
  }
  return out;
}

std::vector<std::vector<std::string>> parse_uv_notation(const std::string& text) {
  std::vector<std::vector<std::string>> out(1);
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && cur != "-") out.back().push_back(upper(cur));
    cur.clear();
  };
  for (char c : text) {
    if (c == '|') {
      flush();
      out.emplace_back();
    } else if (c == ',') {
      flush();
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      cur += c;
    }
  }
  flush();
  for (const auto& dims : out)
    for (const auto& d : dims)
      if (!std::all_of(d.begin(), d.end(), [](unsigned char c) { return std::isalnum(c); }))
        throw UserError(SourceLocation{"", 0, "dataflow"},
                        fmt::format("'{}' in '{}' is not a loop dimension", d, text));
  return out;
}

std::string render_loop_nest(const std::vector<TemporalLoop>& order, const TemporalMapping& tm,
                             const std::vector<std::vector<std::string>>& level_names,
                             const std::vector<ArrayDimUnrolling>& spatial) {
  // Boundaries: for every operand, the loop index (inner-first) where each level ends.
  const int n = static_cast<int>(order.size());
  std::vector<std::string> boundary(static_cast<std::size_t>(n) + 1);
  for (std::size_t o = 0; o < tm.size(); ++o) {
    int idx = 0;
    for (std::size_t lv = 0; lv < tm[o].levels.size(); ++lv) {
      idx += static_cast<int>(tm[o].levels[lv].size());
      const std::string mem = o < level_names.size() && lv < level_names[o].size()
                                  ? level_names[o][lv]
                                  : fmt::format("L{}", lv);
      // Loops [start, idx) of operand o live at level lv: tag the outermost loop of the level.
      if (!tm[o].levels[lv].empty() && idx <= n) {
        std::string& tag = boundary[static_cast<std::size_t>(idx)];
        if (!tag.empty()) tag += ", ";
        tag += fmt::format("{}@{}", tm[o].operand, mem);
      }
    }
  }
  std::string out;
  int depth = 0;
  for (int i = n - 1; i >= 0; --i) {
    const std::string& tag = boundary[static_cast<std::size_t>(i + 1)];
    if (!tag.empty())
      out +=
          fmt::format("{}# ---- {} ----\n", std::string(static_cast<std::size_t>(depth), ' '), tag);
    out += fmt::format("{}for {} in [0, {}):\n", std::string(static_cast<std::size_t>(depth), ' '),
                       order[static_cast<std::size_t>(i)].dim,
                       order[static_cast<std::size_t>(i)].size);
    ++depth;
  }
  for (const auto& d : spatial)
    for (const auto& u : d.unrolls)
      out += fmt::format("{}parfor {} in [0, {}) on {}\n",
                         std::string(static_cast<std::size_t>(depth), ' '), u.dim, u.factor,
                         d.array_dim);
  out += fmt::format("{}MAC\n", std::string(static_cast<std::size_t>(depth), ' '));
  return out;
}

}  // namespace mosaic::dataflow

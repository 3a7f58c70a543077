#include "workload/StreamWorkload.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Text.h"
#include "workload/OnnxImport.h"
#include "workload/ZigZagYaml.h"

namespace mosaic::workload {

namespace y = yaml;

namespace {

std::vector<StreamTiling> parse_tiling(const YAML::Node& n, const std::string& path,
                                       const std::string& field) {
  std::vector<StreamTiling> out;
  if (!n.IsSequence())
    throw UserError(SourceLocation{path, y::line_of(n), field}, "expected a list of \"DIM, n\"");
  for (const auto& e : n) {
    const std::string s = y::as_string(e, path, field);
    const auto comma = s.find(',');
    if (comma == std::string::npos)
      throw UserError(SourceLocation{path, y::line_of(e), field},
                      fmt::format("'{}' is not \"DIM, n\"", s));
    StreamTiling t;
    t.dim = trim_blanks(s.substr(0, comma));
    const std::string f = trim_blanks(s.substr(comma + 1));
    if (f == "all") {
      t.kind = StreamTiling::All;
    } else if (f == "*") {
      t.kind = StreamTiling::Wildcard;
    } else {
      try {
        std::size_t pos = 0;
        t.factor = std::stoll(f, &pos);
        if (pos != f.size() || t.factor < 1) throw std::invalid_argument(f);
      } catch (const std::exception&) {
        throw UserError(SourceLocation{path, y::line_of(e), field},
                        fmt::format("'{}': the factor must be a positive integer, all or *", s));
      }
    }
    out.push_back(t);
  }
  return out;
}

StreamMappingSet parse_mapping_root(const YAML::Node& root, const std::string& path) {
  StreamMappingSet set;
  set.source_file = path;
  if (!root.IsSequence())
    throw UserError(SourceLocation{path, y::line_of(root), ""},
                    "expected a list of mapping entries");
  for (const auto& n : root) {
    StreamMappingEntry e;
    e.source_file = path;
    e.source_line = y::line_of(n);
    e.name = y::as_string(y::require(n, "name", path, "mapping entry"), path, "name");
    const std::string where = fmt::format("entry '{}'", e.name);
    if (y::has(n, "core_allocation")) {
      const YAML::Node ca = y::find(n, "core_allocation");
      if (ca.IsScalar()) {
        e.core_allocation.push_back(
            static_cast<int>(y::as_int(ca, path, where + " core_allocation")));
      } else {
        for (auto v : y::as_int_list(ca, path, where + " core_allocation"))
          e.core_allocation.push_back(static_cast<int>(v));
      }
    }
    if (y::has(n, "intra_core_tiling")) {
      e.has_intra = true;
      e.intra = parse_tiling(y::find(n, "intra_core_tiling"), path, where + " intra_core_tiling");
    }
    if (y::has(n, "inter_core_tiling")) {
      e.has_inter = true;
      e.inter = parse_tiling(y::find(n, "inter_core_tiling"), path, where + " inter_core_tiling");
    }
    set.entries.push_back(std::move(e));
  }
  return set;
}

}  // namespace

int Cn::tensor_of(const std::string& operand) const {
  for (const auto& [op, id] : tensors)
    if (op == operand) return id;
  return -1;
}

StreamMappingSet read_stream_mapping(const std::string& path) {
  return parse_mapping_root(y::load_file(path), path);
}
StreamMappingSet parse_stream_mapping(const std::string& text, const std::string& path) {
  return parse_mapping_root(y::load_text(text, path), path);
}

const StreamMappingEntry& match_stream_mapping(const StreamMappingSet& set, const std::string& name,
                                               const std::string& op_type) {
  for (const auto& e : set.entries)
    if (e.name == name) return e;
  for (const auto& e : set.entries)
    if (ascii_lower(e.name) == ascii_lower(op_type)) return e;
  for (const auto& e : set.entries)
    if (e.name == "default") return e;
  throw UserError(
      SourceLocation{set.source_file, 0, "name"},
      fmt::format("no mapping entry for layer '{}' (op {}) and no 'default' entry", name, op_type));
}

namespace {

StreamWorkload stream_workload_from_onnx(const std::string& path) {
  StreamWorkload w;
  w.source_file = path;
  const Model m = import_onnx(path);
  w.layers = zigzag_layers(m);
  // The computation layer feeding a node input, through pass-through nodes (their first input).
  std::map<std::int64_t, bool> is_layer;
  for (const auto& l : w.layers) is_layer[l.id] = true;
  for (std::size_t i = 0; i < m.nodes.size(); ++i)
    if (stream_computation_op(m.nodes[i].layer.source_op))
      is_layer[static_cast<std::int64_t>(i)] = true;
  std::function<int(std::int32_t)> resolve_id = [&](std::int32_t node) -> int {
    for (int guard = 0; node >= 0 && guard < 100000; ++guard) {
      if (is_layer.count(node)) return node;
      const auto& ins = m.nodes[static_cast<std::size_t>(node)].inputs;
      node = ins.empty() ? -1 : ins.front().producer;
    }
    return -1;
  };
  auto data_preds = [&](std::size_t i) {
    std::vector<int> p;
    for (const auto& in : m.nodes[i].inputs) {
      const int r = in.producer < 0 ? -1 : resolve_id(in.producer);
      if (r >= 0) p.push_back(r);
    }
    return p;
  };
  for (std::size_t i = 0; i < m.nodes.size(); ++i) {
    if (!stream_computation_op(m.nodes[i].layer.source_op)) continue;
    auto r = stream_onnx_layer(m.nodes[i], static_cast<std::int64_t>(i),
                               static_cast<int>(data_preds(i).size()));
    if (!r.ok) {
      is_layer.erase(static_cast<std::int64_t>(i));
      continue;
    }
    r.layer.source_file = m.source;
    w.layers.push_back(std::move(r.layer));
  }
  std::stable_sort(w.layers.begin(), w.layers.end(),
                   [](const EinsumLayer& a, const EinsumLayer& b) { return a.id < b.id; });
  // Stream's ONNX Conv parser orders the loops B K G OX C FX OY FY and indexes the weight
  // without G when the convolution is not grouped.
  for (auto& l : w.layers) {
    if (l.dims.size() != 8 || l.op_type != "Conv") continue;
    const std::vector<std::string> order{"B", "K", "G", "OX", "C", "FX", "OY", "FY"};
    std::vector<std::int64_t> sizes;
    sizes.reserve(order.size());
    for (const auto& d : order) sizes.push_back(dim_size(l, d));
    l.dims = order;
    l.sizes = sizes;
    if (dim_size(l, "G") == 1)
      for (auto& o : l.operands)
        if (o.name == "W" && !o.dims.empty() && o.dims.front() == "G") o.dims.erase(o.dims.begin());
  }
  std::map<std::int64_t, int> index;
  for (std::size_t i = 0; i < w.layers.size(); ++i) index[w.layers[i].id] = static_cast<int>(i);
  // The computation layer feeding a node input, through pass-through nodes (their first input).
  std::function<int(std::int32_t)> resolve = [&](std::int32_t node) -> int {
    for (int guard = 0; node >= 0 && guard < 100000; ++guard) {
      auto it = index.find(node);
      if (it != index.end()) return it->second;
      const auto& ins = m.nodes[static_cast<std::size_t>(node)].inputs;
      node = ins.empty() ? -1 : ins.front().producer;
    }
    return -1;
  };
  for (auto& l : w.layers) {
    const auto& node = m.nodes[static_cast<std::size_t>(l.id)];
    std::vector<std::pair<std::string, int>> in;
    l.operand_source.clear();
    const auto preds = data_preds(static_cast<std::size_t>(l.id));
    if (preds.size() >= 2 && stream_computation_op(node.layer.source_op)) {
      // Stream's MulParser: W is the input whose shape is the broadcast one (the first input
      // when both shapes are equal), I the other predecessor.
      const int pw = index.at(preds[0]), pi = index.at(preds[1]);
      in.emplace_back("W", pw);
      in.emplace_back("I", pi);
      l.operand_source.emplace_back("W", preds[0]);
      l.operand_source.emplace_back("I", preds[1]);
    } else {
      const int p = node.inputs.empty() ? -1 : resolve(node.inputs.front().producer);
      in.emplace_back("I", p);
      l.operand_source.emplace_back("W", l.id);
      l.operand_source.emplace_back("I", p < 0 ? l.id : w.layers[static_cast<std::size_t>(p)].id);
    }
    w.inputs.push_back(std::move(in));
  }
  return w;
}

}  // namespace

StreamWorkload stream_workload_from_file(const std::string& path) {
  const bool onnx = path.size() > 5 && ascii_lower(path.substr(path.size() - 5)) == ".onnx";
  if (onnx) return stream_workload_from_onnx(path);
  StreamWorkload w;
  w.source_file = path;
  w.layers = read_zigzag_workload(path);
  std::map<std::int64_t, int> index;
  for (std::size_t i = 0; i < w.layers.size(); ++i) index[w.layers[i].id] = static_cast<int>(i);
  for (const auto& l : w.layers) {
    std::vector<std::pair<std::string, int>> in;
    for (const auto& [op, src] : l.operand_source) {
      if (src == l.id) continue;  // constant
      auto it = index.find(src);
      in.emplace_back(op, it == index.end() ? -1 : it->second);
    }
    w.inputs.push_back(std::move(in));
  }
  return w;
}

std::vector<int> topological_order(const StreamWorkload& w) {
  const int n = static_cast<int>(w.layers.size());
  std::vector<int> indeg(static_cast<std::size_t>(n), 0);
  std::vector<std::vector<int>> succ(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    for (const auto& [op, p] : w.inputs[static_cast<std::size_t>(i)])
      if (p >= 0) {
        succ[static_cast<std::size_t>(p)].push_back(i);
        ++indeg[static_cast<std::size_t>(i)];
      }
  std::set<std::pair<std::int64_t, int>> ready;
  for (int i = 0; i < n; ++i)
    if (indeg[static_cast<std::size_t>(i)] == 0)
      ready.insert({w.layers[static_cast<std::size_t>(i)].id, i});
  std::vector<int> order;
  while (!ready.empty()) {
    const int u = ready.begin()->second;
    ready.erase(ready.begin());
    order.push_back(u);
    for (int v : succ[static_cast<std::size_t>(u)])
      if (--indeg[static_cast<std::size_t>(v)] == 0)
        ready.insert({w.layers[static_cast<std::size_t>(v)].id, v});
  }
  if (static_cast<int>(order.size()) != n) {
    for (int i = 0; i < n; ++i)
      if (indeg[static_cast<std::size_t>(i)] > 0) {
        const auto& l = w.layers[static_cast<std::size_t>(i)];
        throw UserError(SourceLocation{w.source_file, l.source_line, "operand_source"},
                        fmt::format("the workload is cyclic: layer '{}' (id {}) depends on itself",
                                    l.name, l.id));
      }
  }
  return order;
}

std::vector<std::vector<int>> make_layer_stacks(const StreamWorkload& w, StackMode mode,
                                                const std::string& spec,
                                                double weight_capacity_bits) {
  const auto order = topological_order(w);
  std::vector<std::vector<int>> stacks;
  std::vector<bool> used(w.layers.size(), false);
  if (mode == StackMode::Fused && !spec.empty()) {
    std::map<std::int64_t, int> index;
    for (std::size_t i = 0; i < w.layers.size(); ++i) index[w.layers[i].id] = static_cast<int>(i);
    std::stringstream ss(spec);
    std::string part;
    while (std::getline(ss, part, ',')) {
      part = trim_blanks(part);
      std::int64_t a = 0, b = 0;
      const auto dash = part.find('-');
      try {
        a = std::stoll(part.substr(0, dash));
        b = dash == std::string::npos ? a : std::stoll(part.substr(dash + 1));
      } catch (const std::exception&) {
        throw UserError(SourceLocation{"", 0, "--layer-stacks"},
                        fmt::format("'{}' is not a layer id range like 0-10", part));
      }
      std::vector<int> stack;
      for (std::int64_t id = a; id <= b; ++id) {
        auto it = index.find(id);
        if (it == index.end() || used[static_cast<std::size_t>(it->second)]) continue;
        used[static_cast<std::size_t>(it->second)] = true;
        stack.push_back(it->second);
      }
      if (!stack.empty()) stacks.push_back(stack);
    }
  } else if (mode == StackMode::Fused) {
    double acc = 0;
    std::vector<int> first;
    for (int i : order) {
      const auto& l = w.layers[static_cast<std::size_t>(i)];
      double bits = 0;
      for (const auto& c : constant_operands(l)) {
        double elems = 1;
        for (const auto& op : l.operands)
          if (op.name == c)
            for (const auto& d : op.dims) elems *= static_cast<double>(dim_size(l, d));
        bits += elems * std::max(0, precision_of(l, c));
      }
      if (acc + bits > weight_capacity_bits) break;
      acc += bits;
      first.push_back(i);
      used[static_cast<std::size_t>(i)] = true;
    }
    if (!first.empty()) stacks.push_back(first);
  }
  for (int i : order)
    if (!used[static_cast<std::size_t>(i)]) stacks.push_back({i});
  return stacks;
}

}  // namespace mosaic::workload

#include "workload/ZigZagConvert.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/Checked.h"
#include "common/Error.h"

namespace mosaic::workload {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The index of the weight operand: the constant one (operand_source = own id; of several, the
// one named W), else the one named W, else the last input. Operand 0 is the output.
std::size_t weight_operand(const EinsumLayer& l) {
  std::vector<std::size_t> constant;
  for (std::size_t i = 1; i < l.operands.size(); ++i)
    for (const auto& [op, src] : l.operand_source)
      if (op == l.operands[i].name && src == l.id) constant.push_back(i);
  if (constant.size() == 1) return constant.front();
  for (std::size_t i = 1; i < l.operands.size(); ++i)
    if (l.operands[i].name == "W") return i;
  return constant.empty() ? l.operands.size() - 1 : constant.back();
}

struct Window {
  std::int64_t out = 1, filter = 1, stride = 1, dilation = 1, input = 0;
  std::int64_t pad_low = 0, pad_high = 0;
  bool present = false;
};

// A layer's fields of one spatial axis from its window (input and kernel extent 1 without one).
void set_axis(const Window& w, std::int64_t& input, std::int64_t& kernel, int& stride,
              int& dilation, int& pad_low, int& pad_high) {
  input = w.present ? w.input : 1;
  kernel = w.present ? w.filter : 1;
  stride = static_cast<int>(w.stride);
  dilation = static_cast<int>(w.dilation);
  pad_low = static_cast<int>(w.pad_low);
  pad_high = static_cast<int>(w.pad_high);
}

UserError bad_layer(const EinsumLayer& l, const std::string& why) {
  return UserError(SourceLocation{l.source_file, l.source_line, fmt::format("layer {}", l.id)},
                   why);
}

// The relation d = s*o + t*f as a window: o is the dimension of the output operand.
Window window_of(const EinsumLayer& l, const DimRelation& r, const std::vector<std::string>& out) {
  Window w;
  w.present = true;
  const bool a_out = contains(out, r.dim_a);
  if (a_out == contains(out, r.dim_b))
    throw bad_layer(l, fmt::format("relation of {}: exactly one of {} and {} must index the output",
                                   r.dim, r.dim_a, r.dim_b));
  w.out = dim_size(l, a_out ? r.dim_a : r.dim_b);
  w.stride = a_out ? r.coef_a : r.coef_b;
  w.filter = dim_size(l, a_out ? r.dim_b : r.dim_a);
  w.dilation = a_out ? r.coef_b : r.coef_a;
  const std::int64_t unpadded = w.stride * (w.out - 1) + w.dilation * (w.filter - 1) + 1;
  w.input = unpadded;
  for (std::size_t i = 0; i < l.pr_dims.size(); ++i) {
    if (l.pr_dims[i] != r.dim || i >= l.pr_sizes.size()) continue;
    const std::int64_t lo = i < l.padding.size() ? l.padding[i].first : 0;
    const std::int64_t hi = i < l.padding.size() ? l.padding[i].second : 0;
    // The file's input size and padding, when they give the same output size.
    const std::int64_t span = l.pr_sizes[i] + lo + hi - w.dilation * (w.filter - 1) - 1;
    if (span >= 0 && span / w.stride + 1 == w.out) {
      w.input = l.pr_sizes[i];
      w.pad_low = lo;
      w.pad_high = hi;
    }
  }
  return w;
}

bool is_rows(const DimRelation& r) {
  return r.dim.find('Y') != std::string::npos;
}

OpKind op_kind(const EinsumLayer& l, bool has_weights, std::int64_t g, std::int64_t k,
               std::int64_t c, bool spatial) {
  std::string t = l.op_type;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (t == "add" || t == "max") return OpKind::Elementwise;
  if (t.find("pool") != std::string::npos)
    return t.find("average") != std::string::npos ? OpKind::AvgPool : OpKind::MaxPool;
  if (!has_weights) return OpKind::Elementwise;
  if (!spatial) return OpKind::Gemm;
  if (g == 1) return OpKind::Conv;
  return (c == 1 && k == 1) ? OpKind::DepthwiseConv : OpKind::GroupedConv;
}

}  // namespace

Layer from_einsum(const EinsumLayer& l) {
  if (l.operands.size() < 2) throw bad_layer(l, "needs an output and an input operand");
  const std::vector<std::string>& out = l.operands[0].dims;
  const std::size_t wi = weight_operand(l);
  const std::size_t ii = wi == 1 && l.operands.size() > 2 ? 2 : 1;
  const std::vector<std::string>& wd = l.operands[wi].dims;
  const std::vector<std::string>& id = l.operands[ii].dims;
  // A weight operand of precision 0 (ZigZag's pooling window) carries no data.
  const bool has_weights = precision_of(l, l.operands[wi].name) != 0 && wi != ii &&
                           !(l.op_type == "Add" || l.op_type == "Max");
  Window rows, cols;
  std::set<std::string> windowed;
  for (const auto& r : l.relations) {
    if (!contains(id, r.dim)) continue;  // a relation no input reads
    Window& w = is_rows(r) ? rows : cols;
    if (w.present)
      throw bad_layer(l, fmt::format("more than one relation for the {} of the input",
                                     is_rows(r) ? "rows" : "columns"));
    w = window_of(l, r, out);
    windowed.insert(r.dim_a);
    windowed.insert(r.dim_b);
  }
  if (!rows.present && cols.present) std::swap(rows, cols);
  Layer x;
  x.name = l.name.empty() ? fmt::format("layer{}", l.id) : l.name;
  x.source_op = l.op_type;
  std::int64_t n = 1, g = 1, k = 1, c = 1, map_rows = 1, map_cols = 1;
  for (std::size_t i = 0; i < l.dims.size(); ++i) {
    const std::string& d = l.dims[i];
    if (windowed.count(d)) continue;
    const std::int64_t s = l.sizes[i];
    if (!has_weights && (d == "OY" || d == "OX")) {  // the map of an element-wise layer
      (d == "OY" ? map_rows : map_cols) = s;
      continue;
    }
    const bool o = contains(out, d), in = contains(id, d), w = has_weights && contains(wd, d);
    if (o && in && w) {
      g = checked_mul(g, s, "groups");
    } else if (o && w) {
      k = checked_mul(k, s, "K");
    } else if (in && w) {
      c = checked_mul(c, s, "C");
    } else if (o && in) {
      if (!has_weights && d != "B" && d != "N")
        g = checked_mul(g, s, "channels");
      else
        n = checked_mul(n, s, "batch");
    } else if (s != 1) {
      throw bad_layer(l, fmt::format("dimension {} (size {}) has no role mosaic's layers can take "
                                     "(it indexes {})",
                                     d, s,
                                     o    ? "the output only"
                                     : in ? "an input only"
                                          : "weights"));
    }
  }
  const bool spatial = rows.present || cols.present;
  x.op = op_kind(l, has_weights, g, k, c, spatial);
  x.N = n;
  x.G = g;
  x.K = k;
  x.C = c;
  if (x.op == OpKind::MaxPool || x.op == OpKind::AvgPool || x.op == OpKind::Elementwise) {
    x.K = x.C = 1;
    x.G = checked_mul(g, checked_mul(k, c, "channels"), "channels");
  }
  set_axis(rows, x.Y, x.R, x.stride_y, x.dilation_y, x.pad_top, x.pad_bottom);
  set_axis(cols, x.X, x.S, x.stride_x, x.dilation_x, x.pad_left, x.pad_right);
  if (x.op == OpKind::Elementwise) {
    // Elementwise: an Y x X map of G channels; the window (if any) is the map itself.
    x.R = x.S = 1;
    if (!rows.present) x.Y = map_rows;
    if (!cols.present) x.X = map_cols;
    x.num_inputs = static_cast<int>(l.operands.size()) - 1;
  }
  const int in_bits = precision_of(l, l.operands[ii].name);
  if (in_bits > 0) x.input_bits = in_bits;
  const int w_bits = precision_of(l, l.operands[wi].name);
  if (has_weights && w_bits > 0) x.weight_bits = w_bits;
  if (precision_of(l, "O_final") > 0) x.output_bits = precision_of(l, "O_final");
  if (precision_of(l, "O") > 0) x.psum_bits = precision_of(l, "O");
  try {
    validate(x);
  } catch (const UserError& e) {
    throw bad_layer(l, e.message());
  }
  return x;
}

Model zigzag_model(const std::vector<EinsumLayer>& layers, const std::string& name,
                   const std::string& source) {
  Model m;
  m.name = name;
  m.source = source;
  std::map<std::int64_t, std::int32_t> index_of;
  for (const auto& l : layers) {
    Node node;
    node.layer = from_einsum(l);
    const std::size_t wi = weight_operand(l);
    for (std::size_t i = 1; i < l.operands.size(); ++i) {
      if (i == wi && node.layer.op != OpKind::Elementwise) continue;
      TensorInput t;
      t.tensor = l.operands[i].name;
      for (const auto& [op, src] : l.operand_source) {
        if (op != l.operands[i].name || src == l.id) continue;
        const auto it = index_of.find(src);
        if (it == index_of.end())
          throw bad_layer(l, fmt::format("operand_source {}: layer {} comes later in the file (a "
                                         "producer must precede its consumers)",
                                         op, src));
        t.producer = it->second;
      }
      node.inputs.push_back(t);
    }
    index_of[l.id] = static_cast<std::int32_t>(m.nodes.size());
    m.nodes.push_back(std::move(node));
  }
  // Unique names (ZigZag files often leave layers unnamed or repeat a name).
  std::map<std::string, int> seen;
  for (auto& node : m.nodes)
    if (seen[node.layer.name]++ > 0)
      node.layer.name += fmt::format("_{}", seen[node.layer.name] - 1);
  validate(m);
  return m;
}

std::vector<EinsumLayer> einsum_layers(const Workload& w) {
  std::vector<EinsumLayer> out;
  for (const auto& e : w.models) {
    const Model m = compact(e.model);
    for (std::int64_t inst = 0; inst < e.instances; ++inst) {
      for (const auto& node : m.nodes) {
        if (!is_mac_op(node.layer.op) || node.layer.op == OpKind::TransposedConv) continue;
        const auto id = static_cast<std::int64_t>(out.size());
        auto r = to_einsum(batched(node.layer, e.batch), id);
        if (!r.ok) continue;
        r.layer.name = e.instances > 1 ? fmt::format("{}#{}/{}", e.name, inst, node.layer.name)
                                       : fmt::format("{}/{}", e.name, node.layer.name);
        r.layer.operand_source = {{"W", id}, {"I", id == 0 ? 0 : id - 1}};
        r.layer.source_file = e.spec;
        out.push_back(std::move(r.layer));
      }
    }
  }
  return out;
}

std::string zigzag_yaml(const std::vector<EinsumLayer>& layers) {
  std::string s;
  for (const auto& l : layers) {
    s += fmt::format("- id: {}\n  name: {}\n  operator_type: {}\n  equation: {}\n", l.id,
                     l.name.empty() ? fmt::format("layer{}", l.id) : l.name, l.op_type, l.equation);
    std::vector<std::string> rel;
    for (const auto& r : l.relations)
      rel.push_back(fmt::format("{}={}*{}+{}*{}", r.dim, r.coef_a, r.dim_a, r.coef_b, r.dim_b));
    for (auto& t : rel)
      std::transform(t.begin(), t.end(), t.begin(),
                     [](unsigned char ch) { return std::tolower(ch); });
    s += fmt::format("  dimension_relations: [{}]\n", fmt::join(rel, ", "));
    s += fmt::format("  loop_dims: [{}]\n  loop_sizes: [{}]\n", fmt::join(l.dims, ", "),
                     fmt::join(l.sizes, ", "));
    if (!l.pr_dims.empty()) {
      s += fmt::format("  pr_loop_dims: [{}]\n  pr_loop_sizes: [{}]\n", fmt::join(l.pr_dims, ", "),
                       fmt::join(l.pr_sizes, ", "));
      if (l.padding.size() == l.pr_dims.size()) {
        std::vector<std::string> pads;
        for (const auto& [lo, hi] : l.padding) pads.push_back(fmt::format("[{}, {}]", lo, hi));
        s += fmt::format("  padding: [{}]\n", fmt::join(pads, ", "));
      }
    }
    s += "  operand_precision:\n";
    for (const auto& [op, bits] : l.precision_bits) s += fmt::format("    {}: {}\n", op, bits);
    if (!l.operand_source.empty()) {
      s += "  operand_source:\n";
      for (const auto& [op, src] : l.operand_source) s += fmt::format("    {}: {}\n", op, src);
    }
    s += "\n";
  }
  return s;
}

}  // namespace mosaic::workload

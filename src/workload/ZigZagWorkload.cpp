#include "workload/ZigZagWorkload.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Suggest.h"
#include "workload/ZigZagYaml.h"

namespace mosaic::workload {

namespace {

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

const std::set<std::string>& allowed_operators() {
  static const std::set<std::string> ops = {
      "Max",  "Conv", "Pooling", "Add",         "Conv_downsample",
      "Gemm", "Pool", "MaxPool", "AveragePool", "GlobalAveragePool"};
  return ops;
}

}  // namespace

std::int64_t dim_size(const EinsumLayer& l, const std::string& dim) {
  for (std::size_t i = 0; i < l.dims.size(); ++i)
    if (l.dims[i] == dim) return l.sizes[i];
  return 1;
}

int precision_of(const EinsumLayer& l, const std::string& operand) {
  for (const auto& [name, bits] : l.precision_bits)
    if (name == operand) return bits;
  return -1;
}

std::int64_t total_iterations(const EinsumLayer& l) {
  std::int64_t p = 1;
  for (std::int64_t s : l.sizes) p *= s;
  return p;
}

std::vector<std::string> constant_operands(const EinsumLayer& l) {
  std::vector<std::string> out;
  for (const auto& [op, src] : l.operand_source)
    if (src == l.id) out.push_back(op);
  return out;
}

std::vector<EinsumOperand> parse_equation(const std::string& equation, const std::string& where) {
  // Same grammar as ZigZag: O[..]..(+)=X[..]..(*|+)Y[..].. ; "+=" is an accumulation.
  static const std::regex kEquation(
      R"(^\s*O(\[\w+\])+\s*\+?\s*=\s*\w+(\[\w+\])+\s*[*+]\s*\w+(\[(?:\w+)?\])+\s*$)");
  if (!std::regex_match(equation, kEquation))
    throw UserError(SourceLocation{where, 0, "equation"},
                    fmt::format("'{}' is not of the form O[..]+=W[..]*I[..]", equation));
  std::vector<EinsumOperand> out;
  std::size_t i = 0;
  bool expect_operand = true;
  while (i < equation.size()) {
    const char c = equation[i];
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i;
      while (j < equation.size() &&
             (std::isalnum(static_cast<unsigned char>(equation[j])) || equation[j] == '_'))
        ++j;
      const std::string token = equation.substr(i, j - i);
      if (expect_operand) {
        out.push_back({token, {}});
        expect_operand = false;
      } else {
        out.back().dims.push_back(upper(token));
      }
      i = j;
    } else if (c == '=' || c == '*' ||
               (c == '+' && !(i + 1 < equation.size() && equation[i + 1] == '='))) {
      expect_operand = true;
      ++i;
    } else {
      ++i;
    }
  }
  if (out.size() < 2)
    throw UserError(SourceLocation{where, 0, "equation"},
                    fmt::format("'{}' needs an output and at least one input", equation));
  std::set<std::string> names;
  for (const auto& op : out)
    if (!names.insert(op.name).second)
      throw UserError(SourceLocation{where, 0, "equation"},
                      fmt::format("operand '{}' appears twice in '{}'", op.name, equation));
  return out;
}

DimRelation parse_relation(const std::string& text, const std::string& where) {
  static const std::regex kRelation(
      R"(^(\w+)\s*=\s*(?:(\w+)\s*\*\s*)?(\w+)\s*\+\s*(?:(\w+)\s*\*\s*)?(\w+)$)");
  std::smatch m;
  if (!std::regex_match(text, m, kRelation))
    throw UserError(SourceLocation{where, 0, "dimension_relations"},
                    fmt::format("'{}' is not of the form ix=2*ox+1*fx", text));
  auto coef = [&](const std::ssub_match& s) -> std::int64_t {
    if (!s.matched) return 1;
    const std::string v = s.str();
    if (v.empty() ||
        !std::all_of(v.begin(), v.end(), [](unsigned char ch) { return std::isdigit(ch); }))
      throw UserError(SourceLocation{where, 0, "dimension_relations"},
                      fmt::format("coefficient '{}' in '{}' must be a positive integer", v, text));
    return std::stoll(v);
  };
  DimRelation r;
  r.dim = upper(m[1].str());
  r.coef_a = coef(m[2]);
  r.dim_a = upper(m[3].str());
  r.coef_b = coef(m[4]);
  r.dim_b = upper(m[5].str());
  if (r.coef_a <= 0 || r.coef_b <= 0)
    throw UserError(SourceLocation{where, 0, "dimension_relations"},
                    fmt::format("coefficients in '{}' must be positive", text));
  return r;
}

namespace {

// The operator, its equation and the dimension relations.
void parse_operator(const YAML::Node& node, const std::string& path, const std::string& where,
                    EinsumLayer& l) {
  namespace y = yaml;
  const YAML::Node op = y::require(node, "operator_type", path, where + " operator_type");
  l.op_type = y::as_string(op, path, where + " operator_type");
  if (!allowed_operators().count(l.op_type))
    y::fail(op, path, where + " operator_type",
            fmt::format("'{}' is not one of ZigZag's operators (Conv, Conv_downsample, Gemm, "
                        "Pooling, Pool, MaxPool, AveragePool, GlobalAveragePool, Add, Max)",
                        l.op_type));
  const YAML::Node eq = y::require(node, "equation", path, where + " equation");
  l.equation = y::as_string(eq, path, where + " equation");
  try {
    l.operands = parse_equation(l.equation, path);
  } catch (const UserError& e) {
    y::fail(eq, path, where + " equation", e.message());
  }
  if (y::has(node, "dimension_relations")) {
    const YAML::Node rel = y::find(node, "dimension_relations");
    for (const auto& text : y::as_string_list(rel, path, where + " dimension_relations")) {
      try {
        l.relations.push_back(parse_relation(text, path));
      } catch (const UserError& e) {
        y::fail(rel, path, where + " dimension_relations", e.message());
      }
    }
  }
}

// loop_dims and loop_sizes.
void parse_loops(const YAML::Node& node, const std::string& path, const std::string& where,
                 EinsumLayer& l) {
  namespace y = yaml;
  const YAML::Node dims_node = y::require(node, "loop_dims", path, where + " loop_dims");
  for (auto& d : y::as_string_list(dims_node, path, where + " loop_dims"))
    l.dims.push_back(upper(d));
  const YAML::Node sizes_node = y::require(node, "loop_sizes", path, where + " loop_sizes");
  l.sizes = y::as_int_list(sizes_node, path, where + " loop_sizes");
  if (l.dims.size() != l.sizes.size())
    y::fail(sizes_node, path, where + " loop_sizes",
            fmt::format("{} sizes for {} loop_dims", l.sizes.size(), l.dims.size()));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < l.dims.size(); ++i) {
    if (!seen.insert(l.dims[i]).second)
      y::fail(dims_node, path, where + " loop_dims", fmt::format("'{}' listed twice", l.dims[i]));
    if (l.sizes[i] <= 0)
      y::fail(sizes_node, path, where + " loop_sizes",
              fmt::format("size of {} must be positive, got {}", l.dims[i], l.sizes[i]));
  }
}

// operand_precision: O, O_final and every input operand.
void parse_precision(const YAML::Node& node, const std::string& path, const std::string& where,
                     EinsumLayer& l) {
  namespace y = yaml;
  const YAML::Node prec = y::require(node, "operand_precision", path, where + " operand_precision");
  if (!prec.IsMap()) y::fail(prec, path, where + " operand_precision", "expected a mapping");
  for (auto it = prec.begin(); it != prec.end(); ++it) {
    const std::string name = y::as_string(it->first, path, where + " operand_precision");
    const std::string field = fmt::format("{} operand_precision {}", where, name);
    const std::int64_t bits = y::as_int(it->second, path, field);
    if (bits < 0) y::fail(it->second, path, field, "bits must not be negative");
    l.precision_bits.emplace_back(name, static_cast<int>(bits));
  }
  for (const char* must : {"O", "O_final"})
    if (precision_of(l, must) < 0)
      y::fail(prec, path, where + " operand_precision", fmt::format("missing '{}'", must));
  for (std::size_t i = 1; i < l.operands.size(); ++i)
    if (precision_of(l, l.operands[i].name) < 0)
      y::fail(prec, path, where + " operand_precision",
              fmt::format("missing precision of operand '{}'", l.operands[i].name));
}

// operand_source: which layer produces each input operand.
void parse_operand_source(const YAML::Node& node, const std::string& path, const std::string& where,
                          EinsumLayer& l) {
  namespace y = yaml;
  if (y::has(node, "operand_source")) {
    const YAML::Node src = y::find(node, "operand_source");
    if (!src.IsMap()) y::fail(src, path, where + " operand_source", "expected a mapping");
    const std::string field = where + " operand_source";
    for (auto it = src.begin(); it != src.end(); ++it) {
      const std::string op = y::as_string(it->first, path, field);
      const std::string op_field = fmt::format("{} {}", field, op);
      std::vector<std::string> inputs;
      for (std::size_t i = 1; i < l.operands.size(); ++i) inputs.push_back(l.operands[i].name);
      if (std::find(inputs.begin(), inputs.end(), op) == inputs.end())
        y::fail(it->first, path, op_field,
                fmt::format("'{}' is not an input operand of '{}'{}", op, l.equation,
                            did_you_mean(op, inputs)));
      l.operand_source.emplace_back(op,
                                    y::as_int(it->second, path, op_field, IntRule::non_negative()));
    }
  }
}

// pr_loop_dims, pr_loop_sizes and padding.
void parse_padding(const YAML::Node& node, const std::string& path, const std::string& where,
                   EinsumLayer& l) {
  namespace y = yaml;
  if (y::has(node, "pr_loop_dims")) {
    for (auto& d : y::as_string_list(y::find(node, "pr_loop_dims"), path, where + " pr_loop_dims"))
      l.pr_dims.push_back(upper(d));
  }
  if (y::has(node, "pr_loop_sizes")) {
    const YAML::Node n = y::find(node, "pr_loop_sizes");
    l.pr_sizes = y::as_int_list(n, path, where + " pr_loop_sizes");
    if (l.pr_sizes.size() != l.pr_dims.size())
      y::fail(n, path, where + " pr_loop_sizes", "needs one size per pr_loop_dims entry");
  }
  if (y::has(node, "padding")) {
    const YAML::Node n = y::find(node, "padding");
    if (!n.IsSequence()) y::fail(n, path, where + " padding", "expected a list of [low, high]");
    for (const auto& p : n) {
      const auto v = y::as_int_list(p, path, where + " padding");
      if (v.size() != 2) y::fail(p, path, where + " padding", "each entry is [low, high]");
      l.padding.emplace_back(v[0], v[1]);
    }
    if (l.padding.size() != l.pr_dims.size())
      y::fail(n, path, where + " padding", "needs one [low, high] per pr_loop_dims entry");
  }
}

// Every operand dimension is a loop dimension or a related one; relations name loop dimensions.
void check_dimensions(const YAML::Node& node, const std::string& path, const std::string& where,
                      EinsumLayer& l) {
  namespace y = yaml;
  const YAML::Node eq = y::find(node, "equation");
  for (const auto& operand : l.operands) {
    for (const auto& d : operand.dims) {
      const bool is_loop = std::find(l.dims.begin(), l.dims.end(), d) != l.dims.end();
      const bool is_rel = std::any_of(l.relations.begin(), l.relations.end(),
                                      [&](const DimRelation& r) { return r.dim == d; });
      if (!is_loop && !is_rel)
        y::fail(eq, path, where + " equation",
                fmt::format("dimension {} of operand {} is neither in loop_dims nor defined by a "
                            "dimension relation",
                            d, operand.name));
    }
  }
  for (const auto& r : l.relations)
    for (const auto& d : {r.dim_a, r.dim_b})
      if (std::find(l.dims.begin(), l.dims.end(), d) == l.dims.end())
        y::fail(node, path, where + " dimension_relations",
                fmt::format("{} in the relation of {} is not a loop dimension", d, r.dim));
}

EinsumLayer parse_layer(const YAML::Node& node, const std::string& path) {
  namespace y = yaml;
  if (!node.IsMap()) y::fail(node, path, "layer", "expected a mapping (id, operator_type, ...)");
  EinsumLayer l;
  l.source_file = path;
  l.source_line = y::line_of(node);
  l.id = y::as_int(y::require(node, "id", path, "id"), path, "id");
  const std::string where = fmt::format("layer {}", l.id);
  if (y::has(node, "name")) l.name = y::as_string(y::find(node, "name"), path, where + " name");
  if (l.name.empty()) l.name = fmt::format("Layer{}", l.id);
  parse_operator(node, path, where, l);
  parse_loops(node, path, where, l);
  parse_precision(node, path, where, l);
  parse_operand_source(node, path, where, l);
  parse_padding(node, path, where, l);
  check_dimensions(node, path, where, l);
  return l;
}

}  // namespace

namespace {

std::vector<EinsumLayer> parse_workload_root(const YAML::Node& root, const std::string& path) {
  if (!root.IsSequence()) yaml::fail(root, path, "", "a ZigZag workload is a list of layers");
  std::vector<EinsumLayer> out;
  std::set<std::int64_t> ids;
  for (const auto& node : root) {
    out.push_back(parse_layer(node, path));
    if (!ids.insert(out.back().id).second)
      yaml::fail(node, path, "id", fmt::format("layer id {} used twice", out.back().id));
  }
  if (out.empty()) yaml::fail(root, path, "", "the workload has no layers");
  // Every operand_source names a layer of the file.
  for (const auto& l : out)
    for (const auto& [op, src] : l.operand_source)
      if (!ids.count(src))
        throw UserError(SourceLocation{path, l.source_line,
                                       fmt::format("layer {} operand_source {}", l.id, op)},
                        fmt::format("layer {} is not in the file (a dangling reference)", src));
  return out;
}

}  // namespace

std::vector<EinsumLayer> parse_zigzag_workload(const std::string& text, const std::string& path) {
  return parse_workload_root(yaml::load_text(text, path), path);
}

std::vector<EinsumLayer> read_zigzag_workload(const std::string& path) {
  return parse_workload_root(yaml::load_file(path), path);
}

namespace {

// The precisions of W, I, O and O_final, and the operand sources (W this layer's own, I the
// previous layer's) of a converted CONV or GEMM.
void set_operands(EinsumLayer& l, const Layer& layer, int act, std::int64_t id) {
  l.precision_bits = {
      {"W", layer.weight_bits}, {"I", act}, {"O_final", layer.output_bits}, {"O", layer.psum_bits}};
  l.operand_source = {{"W", id}, {"I", id - 1}};
}

}  // namespace

EinsumConversion to_einsum(const Layer& layer, std::int64_t id) {
  EinsumConversion r;
  EinsumLayer& l = r.layer;
  l.id = id;
  l.name = layer.name.empty() ? fmt::format("Layer{}", id) : layer.name;
  const int act = layer.input_bits;
  switch (layer.op) {
    case OpKind::Conv:
    case OpKind::GroupedConv:
    case OpKind::DepthwiseConv: {
      l.op_type = "Conv";
      l.equation = "O[b][g][k][oy][ox]+=W[g][k][c][fy][fx]*I[b][g][c][iy][ix]";
      l.operands = parse_equation(l.equation, "");
      // ZigZag: OX = output width, OY = output height, FX = kernel_shape[0] (rows), FY =
      // kernel_shape[1]; relations use strides[0]/dilations[0] for ix.
      l.dims = {"B", "K", "G", "OX", "OY", "C", "FX", "FY"};
      l.sizes = {layer.N, layer.K, layer.G, output_cols(layer), output_rows(layer),
                 layer.C, layer.R, layer.S};
      l.relations = {{"IX", "OX", layer.stride_y, "FX", layer.dilation_y},
                     {"IY", "OY", layer.stride_x, "FY", layer.dilation_x}};
      l.pr_dims = {"IX", "IY"};
      l.pr_sizes = {layer.X, layer.Y};
      l.padding = {{layer.pad_top, layer.pad_bottom}, {layer.pad_left, layer.pad_right}};
      set_operands(l, layer, act, id);
      r.ok = true;
      return r;
    }
    case OpKind::Gemm: {
      l.op_type = "Gemm";
      if (layer.G > 1) {  // batched matmul: ZigZag's B dimension
        l.equation = "O[b][d][k]+=I[b][d][c]*W[b][c][k]";
        l.operands = parse_equation(l.equation, "");
        l.dims = {"C", "D", "K", "B"};
        l.sizes = {layer.C, layer.N, layer.K, layer.G};
      } else {
        l.equation = "O[d][k]+=I[d][c]*W[c][k]";
        l.operands = parse_equation(l.equation, "");
        l.dims = {"C", "D", "K"};
        l.sizes = {layer.C, layer.N, layer.K};
      }
      set_operands(l, layer, act, id);
      r.ok = true;
      return r;
    }
    default:
      r.reason = fmt::format("ZigZag has no cost for {} layers (it skips them)", op_name(layer.op));
      return r;
  }
}

std::vector<EinsumLayer> zigzag_layers(const Model& model) {
  std::vector<EinsumLayer> out;
  for (std::size_t i = 0; i < model.nodes.size(); ++i) {
    const Layer& l = model.nodes[i].layer;
    const std::string& op = l.source_op;
    const bool conv =
        (op == "Conv" || op == "QLinearConv") &&
        (l.op == OpKind::Conv || l.op == OpKind::GroupedConv || l.op == OpKind::DepthwiseConv);
    const bool gemm =
        (op == "Gemm" || op == "MatMul" || op == "QLinearMatMul") && l.op == OpKind::Gemm;
    if (!conv && !gemm) continue;
    auto r = to_einsum(l, static_cast<std::int64_t>(i));
    if (!r.ok) continue;
    r.layer.source_file = model.source;
    out.push_back(std::move(r.layer));
  }
  return out;
}

}  // namespace mosaic::workload

// Stream's ONNX computation nodes beside convolutions and matrix products (stream/parser/onnx:
// PoolingParser, MulParser, SimdParser), as loop nests.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "workload/StreamWorkload.h"

namespace mosaic::workload {

namespace {

// Stream's SimdParser and MulParser operators (ONNXModelParser.OP_TYPE_TO_PARSER).
bool is_simd_op(const std::string& op) {
  static const std::set<std::string> ops{"Exp",  "Relu", "Gelu", "Silu",      "Sigmoid",
                                         "Sqrt", "Div",  "Pow",  "Reciprocal"};
  return ops.count(op) > 0;
}
bool is_mul_op(const std::string& op) {
  return op == "Add" || op == "Mul";
}
bool is_pool_op(const std::string& op) {
  return op == "MaxPool" || op == "AveragePool" || op == "GlobalMaxPool" ||
         op == "GlobalAveragePool";
}

std::string lower_dims(const std::vector<std::string>& dims) {
  std::string s;
  for (const auto& d : dims) {
    s += "[";
    for (char c : d) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s += "]";
  }
  return s;
}

// PoolingParser: loops B K OX OY C FX FY with OX the output's third ONNX axis, K = C the
// channels (C is a loop no operand indexes, as in Stream), W of precision 0.
EinsumLayer pooling_layer(const Node& n, std::int64_t id) {
  const Layer& l = n.layer;
  EinsumLayer e;
  e.id = id;
  e.name = l.name;
  e.op_type = l.source_op;
  e.equation = "O[b][k][oy][ox]+=W[fy][fx]*I[b][k][iy][ix]";
  e.operands = parse_equation(e.equation, "");
  const std::int64_t channels = l.G * l.C;
  e.dims = {"B", "K", "OX", "OY", "C", "FX", "FY"};
  e.sizes = {l.N, channels, output_rows(l), output_cols(l), channels, l.R, l.S};
  e.relations = {{"IX", "OX", l.stride_y, "FX", l.dilation_y},
                 {"IY", "OY", l.stride_x, "FY", l.dilation_x}};
  e.pr_dims = {"IX", "IY"};
  e.pr_sizes = {l.Y, l.X};
  e.padding = {{l.pad_top, l.pad_bottom}, {l.pad_left, l.pad_right}};
  e.precision_bits = {{"O", 8}, {"O_final", 8}, {"W", 0}, {"I", 8}};
  return e;
}

// SimdParser (one data input) and MulParser (two): loops B H D K over the output shape, W
// without dimensions when there is one data input.
EinsumLayer elementwise_layer(const Node& n, std::int64_t id, int data_inputs) {
  const Layer& l = n.layer;
  EinsumLayer e;
  e.id = id;
  e.name = l.name;
  e.op_type = l.source_op;
  const std::vector<std::string> all{"B", "H", "D", "K"};
  const std::size_t rank = std::min<std::size_t>(n.output_shape.size(), all.size());
  e.dims.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(rank));
  e.sizes.assign(n.output_shape.begin(),
                 n.output_shape.begin() + static_cast<std::ptrdiff_t>(rank));
  const std::string d = lower_dims(e.dims);
  e.equation = "O" + d + "+=I" + d + "*W" + (data_inputs >= 2 ? d : std::string("[]"));
  e.operands = parse_equation(e.equation, "");
  const int w_bits = 8;  // ZigZag's default weight and activation precisions
  e.precision_bits = {{"W", w_bits}, {"I", 8}, {"O_final", 8}, {"O", 16}};
  return e;
}

}  // namespace

bool stream_computation_op(const std::string& onnx_op) {
  return is_simd_op(onnx_op) || is_mul_op(onnx_op) || is_pool_op(onnx_op);
}

EinsumConversion stream_onnx_layer(const Node& n, std::int64_t id, int data_inputs) {
  EinsumConversion r;
  const std::string& op = n.layer.source_op;
  if (is_pool_op(op)) {
    r.layer = pooling_layer(n, id);
    r.ok = true;
  } else if ((is_simd_op(op) || is_mul_op(op)) && n.shape_known && !n.output_shape.empty() &&
             n.output_shape.size() <= 4) {
    r.layer = elementwise_layer(n, id, data_inputs);
    r.ok = true;
  } else {
    r.reason = fmt::format("Stream has no computation node for {}", op);
  }
  return r;
}

}  // namespace mosaic::workload

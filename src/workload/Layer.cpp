#include "workload/Layer.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "common/Checked.h"
#include "common/Error.h"

namespace mosaic::workload {

namespace {

struct OpEntry {
  OpKind op;
  std::string_view name;
};

constexpr std::array<OpEntry, 9> kOps = {{
    {OpKind::Conv, "conv"},
    {OpKind::GroupedConv, "gconv"},
    {OpKind::DepthwiseConv, "dwconv"},
    {OpKind::TransposedConv, "trconv"},
    {OpKind::Gemm, "gemm"},
    {OpKind::MaxPool, "maxpool"},
    {OpKind::AvgPool, "avgpool"},
    {OpKind::Elementwise, "eltwise"},
    {OpKind::Other, "other"},
}};

std::int64_t conv_out(std::int64_t in, int pad_lo, int pad_hi, std::int64_t k, int dil,
                      int stride) {
  const std::int64_t span = static_cast<std::int64_t>(dil) * (k - 1) + 1;
  const std::int64_t padded = in + pad_lo + pad_hi;
  if (padded < span) return 0;
  return (padded - span) / stride + 1;
}

std::int64_t trconv_out(std::int64_t in, int pad_lo, int pad_hi, std::int64_t k, int dil,
                        int stride, int out_pad) {
  return (in - 1) * stride - pad_lo - pad_hi + static_cast<std::int64_t>(dil) * (k - 1) + out_pad +
         1;
}

// One spatial axis of a layer: input extent, padding, kernel extent, dilation, stride and the
// transposed convolution's output padding.
struct Axis {
  std::int64_t in;
  int pad_lo, pad_hi;
  std::int64_t kernel;
  int dilation, stride, output_pad;
};

// The output extent of an axis: a (transposed) convolution's, or the input's for the operators
// that keep the spatial shape.
std::int64_t output_extent(OpKind op, const Axis& a) {
  switch (op) {
    case OpKind::TransposedConv:
      return trconv_out(a.in, a.pad_lo, a.pad_hi, a.kernel, a.dilation, a.stride, a.output_pad);
    case OpKind::Gemm:
    case OpKind::Elementwise:
    case OpKind::Other:
      return a.in;
    default:
      return conv_out(a.in, a.pad_lo, a.pad_hi, a.kernel, a.dilation, a.stride);
  }
}

std::int64_t bytes_of(std::int64_t elements, int bits) {
  return checked_add(checked_mul(elements, bits, "a tensor's bits"), 7, "a tensor's bits") / 8;
}

}  // namespace

std::string_view op_name(OpKind op) {
  for (const auto& e : kOps)
    if (e.op == op) return e.name;
  return "other";
}

bool parse_op_name(std::string_view text, OpKind& out) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& e : kOps) {
    if (e.name == lower) {
      out = e.op;
      return true;
    }
  }
  return false;
}

bool has_weights(OpKind op) {
  return is_mac_op(op);
}

bool is_mac_op(OpKind op) {
  switch (op) {
    case OpKind::Conv:
    case OpKind::GroupedConv:
    case OpKind::DepthwiseConv:
    case OpKind::TransposedConv:
    case OpKind::Gemm:
      return true;
    default:
      return false;
  }
}

std::int64_t output_rows(const Layer& l) {
  return output_extent(
      l.op, {l.Y, l.pad_top, l.pad_bottom, l.R, l.dilation_y, l.stride_y, l.output_pad_y});
}

std::int64_t output_cols(const Layer& l) {
  return output_extent(
      l.op, {l.X, l.pad_left, l.pad_right, l.S, l.dilation_x, l.stride_x, l.output_pad_x});
}

std::string shape_key(const Layer& l) {
  return fmt::format("{}|{},{},{},{},{},{},{},{}|{},{},{},{},{},{},{},{},{},{}|{},{},{},{}",
                     static_cast<int>(l.op), l.N, l.G, l.K, l.C, l.Y, l.X, l.R, l.S, l.stride_y,
                     l.stride_x, l.dilation_y, l.dilation_x, l.pad_top, l.pad_bottom, l.pad_left,
                     l.pad_right, l.output_pad_y, l.output_pad_x, l.input_bits, l.weight_bits,
                     l.output_bits, l.num_inputs);
}

std::int64_t macs(const Layer& l) {
  switch (l.op) {
    case OpKind::TransposedConv:
      // Every input element meets every filter tap once (scatter form).
      return checked_product({l.N, l.G, l.K, l.C, l.Y, l.X, l.R, l.S}, "the layer's MACs");
    case OpKind::Conv:
    case OpKind::GroupedConv:
    case OpKind::DepthwiseConv:
    case OpKind::Gemm:
      return checked_product({l.N, l.G, l.K, l.C, output_rows(l), output_cols(l), l.R, l.S},
                             "the layer's MACs");
    default:
      return 0;
  }
}

std::int64_t ops(const Layer& l) {
  switch (l.op) {
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      return checked_product({l.N, l.G, output_rows(l), output_cols(l), l.R, l.S},
                             "the layer's ops");
    case OpKind::Elementwise:
      return checked_product({l.N, l.G, l.Y, l.X, std::max(1, l.num_inputs - 1)},
                             "the layer's ops");
    case OpKind::Other:
      return 0;
    default:
      return macs(l);
  }
}

std::int64_t input_elements(const Layer& l) {
  const std::int64_t one =
      checked_product({l.N, l.G, l.C, l.Y, l.X}, "the input tensor's elements");
  return l.op == OpKind::Elementwise
             ? checked_mul(one, std::max(1, l.num_inputs), "the input tensors' elements")
             : one;
}

std::int64_t weight_elements(const Layer& l) {
  return has_weights(l.op)
             ? checked_product({l.G, l.K, l.C, l.R, l.S}, "the weight tensor's elements")
             : 0;
}

std::int64_t output_elements(const Layer& l) {
  switch (l.op) {
    case OpKind::MaxPool:
    case OpKind::AvgPool:
    case OpKind::Elementwise:
    case OpKind::Other:
      return checked_product({l.N, l.G, l.C, output_rows(l), output_cols(l)},
                             "the output tensor's elements");
    default:
      return checked_product({l.N, l.G, l.K, output_rows(l), output_cols(l)},
                             "the output tensor's elements");
  }
}

std::int64_t input_bytes(const Layer& l) {
  return bytes_of(input_elements(l), l.input_bits);
}
std::int64_t weight_bytes(const Layer& l) {
  return bytes_of(weight_elements(l), l.weight_bits);
}
std::int64_t output_bytes(const Layer& l) {
  return bytes_of(output_elements(l), l.output_bits);
}

void validate(const Layer& l) {
  auto fail = [&](const std::string& field, const std::string& msg) {
    throw UserError(SourceLocation{"", 0, fmt::format("layer '{}' {}", l.name, field)}, msg);
  };
  const std::pair<const char*, std::int64_t> dims[] = {{"N", l.N}, {"G", l.G}, {"K", l.K},
                                                       {"C", l.C}, {"Y", l.Y}, {"X", l.X},
                                                       {"R", l.R}, {"S", l.S}};
  for (const auto& [name, value] : dims)
    if (value <= 0) fail(name, fmt::format("dimension must be positive, got {}", value));
  if (l.stride_y <= 0 || l.stride_x <= 0)
    fail("stride", fmt::format("must be positive, got {}x{}", l.stride_y, l.stride_x));
  if (l.dilation_y <= 0 || l.dilation_x <= 0)
    fail("dilation", fmt::format("must be positive, got {}x{}", l.dilation_y, l.dilation_x));
  if (l.pad_top < 0 || l.pad_bottom < 0 || l.pad_left < 0 || l.pad_right < 0)
    fail("padding", "must not be negative");
  if (l.input_bits <= 0 || l.weight_bits < 0 || l.output_bits <= 0 || l.psum_bits <= 0)
    fail("precision", "bits must be positive");
  if (l.op != OpKind::TransposedConv && l.op != OpKind::Gemm && l.op != OpKind::Elementwise &&
      l.op != OpKind::Other) {
    if (output_rows(l) <= 0)
      fail("R", fmt::format("filter rows {} (dilation {}) exceed the padded input rows {}", l.R,
                            l.dilation_y, l.Y + l.pad_top + l.pad_bottom));
    if (output_cols(l) <= 0)
      fail("S", fmt::format("filter columns {} (dilation {}) exceed the padded input columns {}",
                            l.S, l.dilation_x, l.X + l.pad_left + l.pad_right));
  }
  if (l.op == OpKind::TransposedConv && (output_rows(l) <= 0 || output_cols(l) <= 0))
    fail("output", "transposed convolution has an empty output");
}

}  // namespace mosaic::workload

#include "workload/OnnxOps.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <map>
#include <unordered_map>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "common/Error.h"

namespace mosaic::workload::onnx_detail {

namespace {

constexpr std::int64_t kMaxParam = std::int64_t{1} << 20;  // strides, dilations, pads

std::int64_t to_i64(long double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2233720368547758e18L) return std::numeric_limits<std::int64_t>::max();
  if (v <= -9.2233720368547758e18L) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(v);
}

// a * b, or -1 when the product exceeds kMaxElements (both >= 0).
std::int64_t mul_bounded(std::int64_t a, std::int64_t b) {
  if (a == 0 || b == 0) return 0;
  if (a > kMaxElements / b) return -1;
  return a * b;
}

std::int64_t count_of(const OpContext& ctx, const Dims& d) {
  std::int64_t n = 1;
  for (std::int64_t v : d) {
    n = mul_bounded(n, v);
    if (n < 0) ctx.fail(fmt::format("tensor {} has more than 2^52 elements", dims_text(d)));
  }
  return n;
}

std::int64_t prod(const OpContext& ctx, const Dims& d, std::size_t from, std::size_t to) {
  return count_of(ctx, Dims(d.begin() + static_cast<std::ptrdiff_t>(from),
                            d.begin() + static_cast<std::ptrdiff_t>(to)));
}

std::size_t norm_axis(const OpContext& ctx, std::int64_t axis, std::size_t rank,
                      const char* what = "axis") {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r)
    ctx.fail(fmt::format("{} {} is out of range for rank {}", what, axis, rank));
  return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

void check_dim(const OpContext& ctx, std::int64_t v, const std::string& what) {
  if (v < 0) ctx.fail(fmt::format("{} is negative ({})", what, v));
  if (v > kMaxDim) ctx.fail(fmt::format("{} = {} exceeds 2^40", what, v));
}

Dims broadcast(const OpContext& ctx, const Dims& a, const Dims& b) {
  const std::size_t r = std::max(a.size(), b.size());
  Dims out(r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t x = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const std::int64_t y = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (x == y || y == 1)
      out[i] = x;
    else if (x == 1)
      out[i] = y;
    else
      ctx.fail(fmt::format("shapes {} and {} do not broadcast", dims_text(a), dims_text(b)));
  }
  return out;
}

Value shaped(Dims d, int elem_type) {
  Value v;
  v.has_shape = true;
  v.shape = std::move(d);
  v.elem_type = elem_type;
  return v;
}

Contents ints_contents(const std::vector<std::int64_t>& v) {
  Contents c;
  c.is_int = true;
  c.values.assign(v.begin(), v.end());
  return c;
}

int param_int(const OpContext& ctx, std::int64_t v, const std::string& what, std::int64_t min) {
  if (v < min || v > kMaxParam)
    ctx.fail(fmt::format("{} = {} is out of range [{}, 2^20]", what, v, min));
  return static_cast<int>(v);
}

std::int64_t elem_or(const OpContext& ctx, std::size_t i) {
  const Value* v = ctx.in(i);
  return v ? v->elem_type : 0;
}

// ---------------------------------------------------------------------------------------------
// Spatial parameters shared by Conv, ConvTranspose and pooling.

struct Spatial {
  std::int64_t in = 1, k = 1, out = 1;
  std::int64_t stride = 1, dil = 1, pad_begin = 0, pad_end = 0, out_pad = 0;
};

std::vector<std::int64_t> ints_or(const OpContext& ctx, std::string_view name, std::size_t n,
                                  std::int64_t def) {
  auto v = ctx.attr_ints(name);
  if (v.empty()) return std::vector<std::int64_t>(n, def);
  if (v.size() != n)
    ctx.fail(fmt::format("attribute '{}' has {} values, expected {}", name, v.size(), n));
  return v;
}

// Conv / pooling: output = floor-or-ceil((in + pads - span) / stride) + 1.
std::vector<Spatial> forward_spatial(const OpContext& ctx, const Dims& in, const Dims& kernel,
                                     bool ceil_mode, bool allow_dilation) {
  const std::size_t n = in.size();
  auto strides = ints_or(ctx, "strides", n, 1);
  auto dil = allow_dilation ? ints_or(ctx, "dilations", n, 1) : std::vector<std::int64_t>(n, 1);
  auto pads = ints_or(ctx, "pads", 2 * n, 0);
  const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  std::vector<Spatial> sp(n);
  for (std::size_t i = 0; i < n; ++i) {
    Spatial& s = sp[i];
    s.in = in[i];
    s.k = kernel[i];
    check_dim(ctx, s.k, fmt::format("kernel size on axis {}", i));
    if (s.k < 1) ctx.fail(fmt::format("kernel size on axis {} is {}", i, s.k));
    s.stride = param_int(ctx, strides[i], fmt::format("stride on axis {}", i), 1);
    s.dil = param_int(ctx, dil[i], fmt::format("dilation on axis {}", i), 1);
    const std::int64_t span = s.dil * (s.k - 1) + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const std::int64_t out = (s.in + s.stride - 1) / s.stride;
      const std::int64_t total = std::max<std::int64_t>(0, (out - 1) * s.stride + span - s.in);
      const std::int64_t small = total / 2, big = total - total / 2;
      s.pad_begin = auto_pad == "SAME_UPPER" ? small : big;
      s.pad_end = auto_pad == "SAME_UPPER" ? big : small;
    } else if (auto_pad == "VALID") {
      s.pad_begin = s.pad_end = 0;
    } else if (auto_pad == "NOTSET" || auto_pad.empty()) {
      s.pad_begin = param_int(ctx, pads[i], fmt::format("pad at the start of axis {}", i), 0);
      s.pad_end = param_int(ctx, pads[i + n], fmt::format("pad at the end of axis {}", i), 0);
    } else {
      ctx.fail(fmt::format("auto_pad '{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID",
                           auto_pad));
    }
    const std::int64_t room = s.in + s.pad_begin + s.pad_end - span;
    if (room < 0)
      ctx.fail(fmt::format("kernel span {} on axis {} exceeds the padded input size {}", span, i,
                           s.in + s.pad_begin + s.pad_end));
    s.out = room / s.stride + 1;
    if (ceil_mode) {
      s.out = (room + s.stride - 1) / s.stride + 1;
      // As PyTorch: the last window must start inside the input or its leading padding.
      if ((s.out - 1) * s.stride >= s.in + s.pad_begin) --s.out;
      // Extra end padding that makes the floor formula give the ceil result.
      s.pad_end = std::max<std::int64_t>(0, (s.out - 1) * s.stride + span - s.in - s.pad_begin);
      if (s.pad_end > kMaxParam) ctx.fail("padding out of range");
    }
  }
  return sp;
}

void apply_spatial(Layer& l, const std::vector<Spatial>& sp) {
  // sp has 1 (X only) or 2 (Y, X) entries.
  const Spatial one{};
  const Spatial& y = sp.size() >= 2 ? sp[sp.size() - 2] : one;
  const Spatial& x = sp.back();
  l.Y = y.in;
  l.R = y.k;
  l.stride_y = static_cast<int>(y.stride);
  l.dilation_y = static_cast<int>(y.dil);
  l.pad_top = static_cast<int>(y.pad_begin);
  l.pad_bottom = static_cast<int>(y.pad_end);
  l.output_pad_y = static_cast<int>(y.out_pad);
  l.X = x.in;
  l.S = x.k;
  l.stride_x = static_cast<int>(x.stride);
  l.dilation_x = static_cast<int>(x.dil);
  l.pad_left = static_cast<int>(x.pad_begin);
  l.pad_right = static_cast<int>(x.pad_end);
  l.output_pad_x = static_cast<int>(x.out_pad);
}

// Bounds every dimension and the MAC/ops product, then runs Layer validation.
void check_layer(const OpContext& ctx, const Layer& l) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 62;
  auto within = [&](std::initializer_list<std::int64_t> factors) {
    std::int64_t p = 1;
    for (std::int64_t f : factors) {
      if (f < 1 || p > kLimit / f) return false;
      p *= f;
    }
    return true;
  };
  const std::int64_t dims[] = {l.N, l.G, l.K, l.C, l.Y, l.X, l.R, l.S};
  for (std::int64_t d : dims) {
    if (d < 1) ctx.fail(fmt::format("layer dimension is {} (must be positive)", d));
    if (d > kMaxDim) ctx.fail(fmt::format("layer dimension {} exceeds 2^40", d));
  }
  if (!within({l.N, l.G, l.K, l.C, l.Y, l.X, l.R, l.S}))
    ctx.fail("the layer's loop nest exceeds 2^62 iterations");
  try {
    validate(l);
  } catch (const UserError& e) {
    ctx.fail(e.message());
  }
  const std::int64_t oy = output_rows(l), ox = output_cols(l);
  if (oy < 1 || ox < 1 || !within({l.N, l.G, l.K, l.C, oy, ox, l.R, l.S}))
    ctx.fail("the layer's output is empty or too large");
}

// ---------------------------------------------------------------------------------------------
// MAC and pooling layers.

void build_conv(OpContext& ctx, Layer& l, std::vector<Value>& outs, std::size_t xi,
                std::size_t wi) {
  const Dims x = ctx.shape(xi);
  const Dims w = ctx.shape(wi);
  if (x.size() < 3 || x.size() > 5)
    ctx.fail(fmt::format("input {} has rank {}; Conv takes rank 3 (1-D), 4 (2-D) or 5 (3-D)",
                         dims_text(x), x.size()));
  if (w.size() != x.size())
    ctx.fail(fmt::format("weight {} and input {} differ in rank", dims_text(w), dims_text(x)));
  const std::size_t nsp = x.size() - 2;
  const std::int64_t group = ctx.attr_int("group", 1);
  if (group < 1 || group > kMaxDim) ctx.fail(fmt::format("group = {} is invalid", group));
  const std::int64_t cin = x[1], cout = w[0], cpg = w[1];
  if (cpg < 1 || cin != cpg * group)
    ctx.fail(fmt::format("the weight {} expects {} x {} = {} input channels, the input {} has {}",
                         dims_text(w), cpg, group, cpg * group, dims_text(x), cin));
  if (cout < 1 || cout % group != 0)
    ctx.fail(fmt::format("{} output channels do not split into {} groups", cout, group));
  Dims kernel(w.begin() + 2, w.end());
  auto ks = ctx.attr_ints("kernel_shape");
  if (!ks.empty() && Dims(ks.begin(), ks.end()) != kernel)
    ctx.fail(
        fmt::format("kernel_shape {} disagrees with the weight {}", dims_text(ks), dims_text(w)));
  Dims in(x.begin() + 2, x.end());
  auto sp = forward_spatial(ctx, in, kernel, false, true);

  l.N = x[0];
  if (group == 1) {
    l.op = OpKind::Conv;
    l.G = 1;
    l.C = cin;
    l.K = cout;
  } else if (cpg == 1 && group == cin) {
    l.op = OpKind::DepthwiseConv;
    l.G = cin;
    l.C = 1;
    l.K = cout / group;
  } else {
    l.op = OpKind::GroupedConv;
    l.G = group;
    l.C = cpg;
    l.K = cout / group;
  }
  Dims out_shape{x[0], cout};
  for (const auto& s : sp) out_shape.push_back(s.out);
  if (nsp == 3) {
    // Depth folded: every output depth slice is an independent 2-D conv over C x kd channels.
    l.N = mul_bounded(l.N, sp[0].out);
    l.C = mul_bounded(l.C, sp[0].k);
    if (l.N < 0 || l.C < 0) ctx.fail("3-D convolution too large");
    sp.erase(sp.begin());
    ctx.warnings.push_back(fmt::format(
        "{}: 3-D convolution mapped onto 2-D loop dimensions (output depth folded into N, kernel "
        "depth into C): MACs exact, input tensor size approximate",
        ctx.display));
  }
  apply_spatial(l, sp);
  check_layer(ctx, l);
  if (!outs.empty()) outs[0] = shaped(out_shape, static_cast<int>(elem_or(ctx, xi)));
}

void build_conv_transpose(OpContext& ctx, Layer& l, std::vector<Value>& outs) {
  const Dims x = ctx.shape(0);
  const Dims w = ctx.shape(1);
  if (x.size() < 3 || x.size() > 5)
    ctx.fail(fmt::format("input {} has rank {}; ConvTranspose takes rank 3, 4 or 5", dims_text(x),
                         x.size()));
  if (w.size() != x.size())
    ctx.fail(fmt::format("weight {} and input {} differ in rank", dims_text(w), dims_text(x)));
  const std::size_t n = x.size() - 2;
  const std::int64_t group = ctx.attr_int("group", 1);
  if (group < 1 || group > kMaxDim) ctx.fail(fmt::format("group = {} is invalid", group));
  const std::int64_t cin = x[1];
  if (w[0] != cin)
    ctx.fail(fmt::format("the weight {} expects {} input channels, the input {} has {}",
                         dims_text(w), w[0], dims_text(x), cin));
  if (cin % group != 0)
    ctx.fail(fmt::format("{} input channels do not split into {} groups", cin, group));
  if (w[1] < 1) ctx.fail("the weight has no output channels");
  Dims kernel(w.begin() + 2, w.end());
  auto ks = ctx.attr_ints("kernel_shape");
  if (!ks.empty() && Dims(ks.begin(), ks.end()) != kernel)
    ctx.fail(
        fmt::format("kernel_shape {} disagrees with the weight {}", dims_text(ks), dims_text(w)));
  auto strides = ints_or(ctx, "strides", n, 1);
  auto dil = ints_or(ctx, "dilations", n, 1);
  auto pads = ints_or(ctx, "pads", 2 * n, 0);
  auto out_pad = ints_or(ctx, "output_padding", n, 0);
  auto out_shape_attr = ctx.attr_ints("output_shape");
  if (out_shape_attr.size() == n + 2)
    out_shape_attr.erase(out_shape_attr.begin(), out_shape_attr.begin() + 2);
  if (!out_shape_attr.empty() && out_shape_attr.size() != n)
    ctx.fail(fmt::format("output_shape has {} values, expected {}", out_shape_attr.size(), n));
  const std::string auto_pad = ctx.attr_string("auto_pad", "NOTSET");
  std::vector<Spatial> sp(n);
  for (std::size_t i = 0; i < n; ++i) {
    Spatial& s = sp[i];
    s.in = x[i + 2];
    s.k = kernel[i];
    check_dim(ctx, s.k, fmt::format("kernel size on axis {}", i));
    if (s.k < 1) ctx.fail(fmt::format("kernel size on axis {} is {}", i, s.k));
    s.stride = param_int(ctx, strides[i], fmt::format("stride on axis {}", i), 1);
    s.dil = param_int(ctx, dil[i], fmt::format("dilation on axis {}", i), 1);
    s.out_pad = param_int(ctx, out_pad[i], fmt::format("output_padding on axis {}", i), 0);
    const std::int64_t span = s.dil * (s.k - 1) + 1;
    const std::int64_t natural = s.stride * (s.in - 1) + s.out_pad + span;
    const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
    if (!out_shape_attr.empty() || same) {
      const std::int64_t target = !out_shape_attr.empty() ? out_shape_attr[i] : s.in * s.stride;
      check_dim(ctx, target, fmt::format("output_shape on axis {}", i));
      const std::int64_t total = natural - target;
      if (total < 0)
        ctx.fail(
            fmt::format("output size {} on axis {} is larger than the transposed "
                        "convolution produces ({})",
                        target, i, natural));
      if (auto_pad == "SAME_UPPER") {
        s.pad_begin = total / 2;
        s.pad_end = total - total / 2;
      } else {
        s.pad_begin = total - total / 2;
        s.pad_end = total / 2;
      }
      if (s.pad_begin > kMaxParam || s.pad_end > kMaxParam) ctx.fail("padding out of range");
    } else if (auto_pad == "VALID" || auto_pad == "NOTSET" || auto_pad.empty()) {
      if (auto_pad != "VALID") {
        s.pad_begin = param_int(ctx, pads[i], fmt::format("pad at the start of axis {}", i), 0);
        s.pad_end = param_int(ctx, pads[i + n], fmt::format("pad at the end of axis {}", i), 0);
      }
    } else {
      ctx.fail(fmt::format("auto_pad '{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID",
                           auto_pad));
    }
    s.out = natural - s.pad_begin - s.pad_end;
    if (s.out < 1)
      ctx.fail(fmt::format("the output on axis {} is empty ({} after padding)", i, s.out));
  }
  l.op = OpKind::TransposedConv;
  l.N = x[0];
  l.G = group;
  l.C = cin / group;
  l.K = w[1];
  Dims out_shape{x[0], w[1] * group};
  for (const auto& s : sp) out_shape.push_back(s.out);
  if (n == 3) {
    l.N = mul_bounded(l.N, sp[0].in);
    l.C = mul_bounded(l.C, sp[0].k);
    if (l.N < 0 || l.C < 0) ctx.fail("3-D transposed convolution too large");
    sp.erase(sp.begin());
    ctx.warnings.push_back(fmt::format(
        "{}: 3-D transposed convolution mapped onto 2-D loop dimensions (input depth folded into "
        "N, kernel depth into C): MACs exact, tensor sizes approximate",
        ctx.display));
  }
  apply_spatial(l, sp);
  check_layer(ctx, l);
  if (!outs.empty()) outs[0] = shaped(out_shape, static_cast<int>(elem_or(ctx, 0)));
}

void build_gemm(OpContext& ctx, Layer& l, std::vector<Value>& outs) {
  const Dims& a = ctx.shape(0);
  const Dims& b = ctx.shape(1);
  if (a.size() != 2 || b.size() != 2)
    ctx.fail(fmt::format("Gemm takes 2-D operands, got {} and {}", dims_text(a), dims_text(b)));
  const bool ta = ctx.attr_int("transA", 0) != 0, tb = ctx.attr_int("transB", 0) != 0;
  const std::int64_t m = ta ? a[1] : a[0], k1 = ta ? a[0] : a[1];
  const std::int64_t k2 = tb ? b[1] : b[0], ncol = tb ? b[0] : b[1];
  if (k1 != k2)
    ctx.fail(fmt::format("reduction sizes differ: A {} gives {}, B {} gives {}", dims_text(a), k1,
                         dims_text(b), k2));
  l.op = OpKind::Gemm;
  l.N = m;
  l.C = k1;
  l.K = ncol;
  check_layer(ctx, l);
  if (!outs.empty()) outs[0] = shaped({m, ncol}, static_cast<int>(elem_or(ctx, 0)));
}

void build_matmul(OpContext& ctx, Layer& l, std::vector<Value>& outs, std::size_t ai,
                  std::size_t bi) {
  Dims a = ctx.shape(ai);
  Dims b = ctx.shape(bi);
  if (a.empty() || b.empty()) ctx.fail("MatMul operands must have rank >= 1");
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  const std::int64_t m = a[a.size() - 2], ka = a.back(), kb = b[b.size() - 2], ncol = b.back();
  if (ka != kb)
    ctx.fail(fmt::format("reduction sizes differ: {} x {}", dims_text(ctx.shape(ai)),
                         dims_text(ctx.shape(bi))));
  const Dims batch_a(a.begin(), a.end() - 2), batch_b(b.begin(), b.end() - 2);
  const Dims batch = broadcast(ctx, batch_a, batch_b);
  const std::int64_t nbatch = count_of(ctx, batch);
  const std::int64_t nbatch_b = count_of(ctx, batch_b);
  l.op = OpKind::Gemm;
  l.C = ka;
  l.K = ncol;
  if (nbatch_b <= 1) {
    // B is shared by every row of A (a weight matrix): one GEMM over all leading dims.
    l.N = mul_bounded(nbatch, m);
    l.G = 1;
  } else {
    // Both operands are batched (attention): independent GEMMs.
    l.N = m;
    l.G = nbatch;
  }
  if (l.N < 0) ctx.fail("MatMul too large");
  if (nbatch == 0) ctx.fail("MatMul has an empty batch");
  check_layer(ctx, l);
  Dims out = batch;
  if (!a_vec) out.push_back(m);
  if (!b_vec) out.push_back(ncol);
  if (!outs.empty()) outs[0] = shaped(out, static_cast<int>(elem_or(ctx, ai)));
}

void build_recurrent(OpContext& ctx, Layer& l, std::vector<Value>& outs) {
  const Dims x = ctx.shape(0);
  const Dims w = ctx.shape(1);
  if (x.size() != 3 || w.size() != 3)
    ctx.fail(
        fmt::format("{} takes X [seq, batch, input] and W [dirs, gates x hidden, input], "
                    "got {} and {}",
                    ctx.op_type, dims_text(x), dims_text(w)));
  const int gates = ctx.op_type == "LSTM" ? 4 : ctx.op_type == "GRU" ? 3 : 1;
  const bool batch_first = ctx.attr_int("layout", 0) != 0;
  const std::int64_t seq = batch_first ? x[1] : x[0], batch = batch_first ? x[0] : x[1];
  const std::int64_t input = x[2];
  const std::string direction = ctx.attr_string("direction", "forward");
  const std::int64_t dirs = direction == "bidirectional" ? 2 : 1;
  if (direction != "forward" && direction != "reverse" && direction != "bidirectional")
    ctx.fail(fmt::format("direction '{}' is not forward, reverse or bidirectional", direction));
  if (w[0] != dirs || w[2] != input || w[1] % gates != 0)
    ctx.fail(fmt::format("W {} does not fit {} directions, {} gates and input size {}",
                         dims_text(w), dirs, gates, input));
  const std::int64_t hidden = ctx.attr_int("hidden_size", w[1] / gates);
  if (hidden * gates != w[1])
    ctx.fail(fmt::format("hidden_size {} disagrees with W {}", hidden, dims_text(w)));
  l.op = OpKind::Gemm;
  l.G = dirs;
  l.N = mul_bounded(seq, batch);
  l.C = input + hidden;
  l.K = gates * hidden;
  if (l.N < 0) ctx.fail("sequence too long");
  check_layer(ctx, l);
  const int et = static_cast<int>(elem_or(ctx, 0));
  const Dims y = batch_first ? Dims{batch, seq, dirs, hidden} : Dims{seq, dirs, batch, hidden};
  const Dims yh = batch_first ? Dims{batch, dirs, hidden} : Dims{dirs, batch, hidden};
  if (!outs.empty()) outs[0] = shaped(y, et);
  if (outs.size() > 1) outs[1] = shaped(yh, et);
  if (outs.size() > 2) outs[2] = shaped(yh, et);
}

// Two-operand Einsum as a GEMM: indices in both operands and the output are independent
// GEMMs (G), indices of A and the output only are rows (N), of B and the output only columns
// (K), and every index summed away is reduction (C). MACs = the product of all index sizes,
// the cost of the contraction.
void build_einsum(OpContext& ctx, Layer& l, std::vector<Value>& outs) {
  std::string eq;
  for (char ch : ctx.attr_string("equation", ""))
    if (ch != ' ') eq += ch;
  const auto arrow = eq.find("->");
  const std::string lhs = arrow == std::string::npos ? eq : eq.substr(0, arrow);
  const auto comma = lhs.find(',');
  if (comma == std::string::npos || lhs.find(',', comma + 1) != std::string::npos)
    ctx.fail(fmt::format("equation '{}' does not have two operands", eq));
  std::string terms[2] = {lhs.substr(0, comma), lhs.substr(comma + 1)};
  const Dims* shapes[2] = {&ctx.shape(0), &ctx.shape(1)};
  // Ellipsis: right-aligned broadcast dimensions, named by the characters '0' + k.
  std::size_t ell = 0;
  for (int i = 0; i < 2; ++i) {
    const auto e = terms[i].find("...");
    if (e == std::string::npos) continue;
    const std::size_t letters = terms[i].size() - 3;
    if (shapes[i]->size() < letters) ctx.fail(fmt::format("operand {} has too few dimensions", i));
    ell = std::max(ell, shapes[i]->size() - letters);
  }
  auto expand = [&](const std::string& t, std::size_t rank) {
    const auto e = t.find("...");
    if (e == std::string::npos) return t;
    const std::size_t n = rank - (t.size() - 3);
    std::string mid;
    for (std::size_t k = ell - n; k < ell; ++k) mid += static_cast<char>('0' + k);
    return t.substr(0, e) + mid + t.substr(e + 3);
  };
  if (ell > 9) ctx.fail("too many ellipsis dimensions");
  std::map<char, std::int64_t> size;
  std::map<char, int> where;  // bit 0: A, bit 1: B, bit 2: output
  for (int i = 0; i < 2; ++i) {
    terms[i] = expand(terms[i], shapes[i]->size());
    if (terms[i].size() != shapes[i]->size())
      ctx.fail(
          fmt::format("operand {} has {} dimensions for '{}'", i, shapes[i]->size(), terms[i]));
    for (std::size_t k = 0; k < terms[i].size(); ++k) {
      const char c = terms[i][k];
      const std::int64_t d = (*shapes[i])[k];
      auto [it, fresh] = size.emplace(c, d);
      if (!fresh && it->second != d) {
        if (it->second == 1)
          it->second = d;
        else if (d != 1)
          ctx.fail(fmt::format("index '{}' has sizes {} and {}", c, it->second, d));
      }
      where[c] |= 1 << i;
    }
  }
  std::string out;
  if (arrow != std::string::npos) {
    out = eq.substr(arrow + 2);
    const auto e = out.find("...");
    if (e != std::string::npos) {
      std::string mid;
      for (std::size_t k = 0; k < ell; ++k) mid += static_cast<char>('0' + k);
      out = out.substr(0, e) + mid + out.substr(e + 3);
    }
  } else {
    for (std::size_t k = 0; k < ell; ++k) out += static_cast<char>('0' + k);
    for (const auto& [c, w] : where) {
      const int count =
          (terms[0].find(c) != std::string::npos) + (terms[1].find(c) != std::string::npos);
      if (count == 1 && !(c >= '0' && c <= '9')) out += c;
    }
  }
  Dims out_shape;
  for (char c : out) {
    auto it = size.find(c);
    if (it == size.end()) ctx.fail(fmt::format("output index '{}' is not in an operand", c));
    where[c] |= 4;
    out_shape.push_back(it->second);
  }
  std::int64_t g = 1, n = 1, k = 1, red = 1;
  for (const auto& [c, w] : where) {
    std::int64_t& slot = (w == 7) ? g : (w == 5) ? n : (w == 6) ? k : red;
    slot = mul_bounded(slot, size[c]);
    if (slot < 0 || slot > kMaxDim) ctx.fail("Einsum too large");
  }
  l.op = OpKind::Gemm;
  l.G = g;
  l.N = n;
  l.K = k;
  l.C = red;
  check_layer(ctx, l);
  if (!outs.empty()) outs[0] = shaped(out_shape, static_cast<int>(elem_or(ctx, 0)));
}

void build_pool(OpContext& ctx, Layer& l, std::vector<Value>& outs, bool global) {
  const Dims x = ctx.shape(0);
  if (x.size() < 3 || x.size() > 5)
    ctx.fail(
        fmt::format("input {} has rank {}; pooling takes rank 3, 4 or 5", dims_text(x), x.size()));
  const bool is_max = ctx.op_type.find("Max") != std::string::npos;
  l.op = is_max ? OpKind::MaxPool : OpKind::AvgPool;
  l.N = x[0];
  l.G = x[1];
  l.C = l.K = 1;
  Dims in(x.begin() + 2, x.end());
  std::vector<Spatial> sp;
  if (global) {
    for (std::int64_t d : in) {
      Spatial s;
      s.in = s.k = d;
      sp.push_back(s);
    }
  } else {
    auto ks = ctx.attr_ints("kernel_shape");
    if (ks.size() != in.size())
      ctx.fail(fmt::format("kernel_shape has {} values for {} spatial axes", ks.size(), in.size()));
    const bool ceil_mode = ctx.attr_int("ceil_mode", 0) != 0;
    sp = forward_spatial(ctx, in, Dims(ks.begin(), ks.end()), ceil_mode, is_max || ctx.opset >= 19);
  }
  Dims out_shape{x[0], x[1]};
  for (const auto& s : sp) out_shape.push_back(s.out);
  if (sp.size() == 3) {
    if (global) {
      // One window over the whole volume: depth x rows as rows.
      sp[1].in = sp[1].k = mul_bounded(sp[0].in, sp[1].in);
      if (sp[1].in < 0) ctx.fail("3-D pooling too large");
    } else {
      l.N = mul_bounded(l.N, sp[0].out);
      if (l.N < 0) ctx.fail("3-D pooling too large");
      ctx.warnings.push_back(fmt::format(
          "{}: 3-D pooling mapped onto 2-D loop dimensions (output depth folded into N): output "
          "size exact, operation count approximate",
          ctx.display));
    }
    sp.erase(sp.begin());
  }
  apply_spatial(l, sp);
  check_layer(ctx, l);
  if (output_rows(l) != (sp.size() >= 2 ? sp[0].out : 1) || output_cols(l) != sp.back().out)
    ctx.fail("pooling output size cannot be represented");
  const int et = static_cast<int>(elem_or(ctx, 0));
  for (auto& o : outs) o = shaped(out_shape, et);
  if (outs.size() > 1) outs[1].elem_type = onnx::TensorProto_DataType_INT64;
}

// ---------------------------------------------------------------------------------------------
// Element-wise and shape operators.

// Row-major strides of a shape.
std::vector<std::int64_t> strides_of(const Dims& s) {
  std::vector<std::int64_t> st(s.size(), 1);
  for (std::size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

// Calls fn(index, flat) for every multi-index of `shape` in row-major order.
template <class F>
void for_each_index(const Dims& shape, F fn) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  std::vector<std::int64_t> idx(shape.size(), 0);
  for (std::int64_t flat = 0; flat < n; ++flat) {
    fn(idx, static_cast<std::size_t>(flat));
    for (std::size_t i = shape.size(); i-- > 0;) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
}

// Flat index into `in` (right-aligned and broadcast against the output index).
std::size_t broadcast_flat(const Dims& in, const std::vector<std::int64_t>& strides,
                           const std::vector<std::int64_t>& out_idx) {
  std::size_t flat = 0;
  const std::size_t off = out_idx.size() - in.size();
  for (std::size_t i = 0; i < in.size(); ++i)
    if (in[i] != 1) flat += static_cast<std::size_t>(out_idx[i + off] * strides[i]);
  return flat;
}

bool contents_fit(const Value* v) {
  if (!v || !v->has_shape || !v->data) return false;
  const std::int64_t n = element_count(v->shape);
  return n >= 0 && static_cast<std::size_t>(n) == v->data->values.size();
}

long double arith(const std::string& op, long double a, long double b, bool is_int, bool fmod,
                  bool& ok) {
  if (op == "Add" || op == "Sum") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") {
    if (b == 0) {
      ok = false;
      return 0;
    }
    return is_int ? std::trunc(a / b) : a / b;
  }
  if (op == "Mod") {
    if (b == 0) {
      ok = false;
      return 0;
    }
    long double r = std::fmod(a, b);
    if (!fmod && r != 0 && ((r < 0) != (b < 0))) r += b;  // integer Mod follows the divisor
    return r;
  }
  if (op == "Pow") return std::pow(a, b);
  if (op == "Max") return std::max(a, b);
  if (op == "Min") return std::min(a, b);
  if (op == "Equal") return a == b ? 1 : 0;
  if (op == "Less") return a < b ? 1 : 0;
  if (op == "LessOrEqual") return a <= b ? 1 : 0;
  if (op == "Greater") return a > b ? 1 : 0;
  if (op == "GreaterOrEqual") return a >= b ? 1 : 0;
  if (op == "And") return (a != 0 && b != 0) ? 1 : 0;
  if (op == "Or") return (a != 0 || b != 0) ? 1 : 0;
  ok = false;
  return 0;
}

void propagate_broadcast(OpContext& ctx, std::vector<Value>& outs) {
  Dims shape;
  bool first = true;
  int et = 0;
  for (std::size_t i = 0; i < ctx.inputs.size(); ++i) {
    if (!ctx.inputs[i]) continue;
    const Dims& s = ctx.shape(i);
    if (first) {
      shape = s;
      et = ctx.inputs[i]->elem_type;
      first = false;
    } else {
      shape = broadcast(ctx, shape, s);
    }
  }
  if (first) throw Unknown{"inputs"};
  if (ctx.op_type == "Where" && ctx.in(1)) et = ctx.in(1)->elem_type;
  const bool boolean = ctx.op_type == "Equal" || ctx.op_type == "Less" ||
                       ctx.op_type == "Greater" || ctx.op_type == "LessOrEqual" ||
                       ctx.op_type == "GreaterOrEqual" || ctx.op_type == "And" ||
                       ctx.op_type == "Or" || ctx.op_type == "Xor";
  if (boolean) et = onnx::TensorProto_DataType_BOOL;
  Value out = shaped(shape, et);
  // Contents of small shape arithmetic.
  bool all = !ctx.inputs.empty();
  for (const Value* v : ctx.inputs) all = all && contents_fit(v);
  const std::int64_t n = count_of(ctx, shape);
  if (all && n <= static_cast<std::int64_t>(kMaxContents)) {
    std::vector<std::vector<std::int64_t>> strides;
    for (const Value* v : ctx.inputs) strides.push_back(strides_of(v->shape));
    auto at = [&](std::size_t k, const std::vector<std::int64_t>& idx) {
      return ctx.inputs[k]->data->values[broadcast_flat(ctx.inputs[k]->shape, strides[k], idx)];
    };
    Contents c;
    c.values.resize(static_cast<std::size_t>(n));
    bool ok = true;
    const bool fmod = ctx.attr_int("fmod", 0) != 0;
    if (ctx.op_type == "Where" && ctx.inputs.size() == 3) {
      c.is_int = ctx.inputs[1]->data->is_int && ctx.inputs[2]->data->is_int;
      for_each_index(shape, [&](const std::vector<std::int64_t>& idx, std::size_t flat) {
        c.values[flat] = at(0, idx) != 0 ? at(1, idx) : at(2, idx);
      });
    } else {
      c.is_int = boolean;
      if (!boolean) {
        c.is_int = true;
        for (const Value* v : ctx.inputs) c.is_int = c.is_int && v->data->is_int;
      }
      for_each_index(shape, [&](const std::vector<std::int64_t>& idx, std::size_t flat) {
        long double acc = at(0, idx);
        for (std::size_t k = 1; k < ctx.inputs.size() && ok; ++k)
          acc = arith(ctx.op_type, acc, at(k, idx), c.is_int, fmod, ok);
        c.values[flat] = acc;
      });
      if (ctx.inputs.size() < 2) ok = false;
    }
    if (ok) out.data = std::move(c);
  }
  if (!outs.empty()) outs[0] = std::move(out);
}

void propagate_same_shape(OpContext& ctx, std::vector<Value>& outs) {
  const Dims& s = ctx.shape(0);
  int et = static_cast<int>(elem_or(ctx, 0));
  if (ctx.op_type == "Cast") et = static_cast<int>(ctx.attr_int("to", et));
  Value out = shaped(s, et);
  if (ctx.in(0)->data) {
    Contents c = *ctx.in(0)->data;
    bool keep = true;
    if (ctx.op_type == "Cast") {
      const bool to_int =
          et == onnx::TensorProto_DataType_INT64 || et == onnx::TensorProto_DataType_INT32 ||
          et == onnx::TensorProto_DataType_INT8 || et == onnx::TensorProto_DataType_UINT8 ||
          et == onnx::TensorProto_DataType_INT16 || et == onnx::TensorProto_DataType_BOOL;
      if (to_int)
        for (auto& v : c.values) v = std::trunc(v);
      c.is_int = to_int;
    } else if (ctx.op_type == "Floor") {
      for (auto& v : c.values) v = std::floor(v);
    } else if (ctx.op_type == "Ceil") {
      for (auto& v : c.values) v = std::ceil(v);
    } else if (ctx.op_type == "Neg") {
      for (auto& v : c.values) v = -v;
    } else if (ctx.op_type == "Sqrt") {
      for (auto& v : c.values) v = std::sqrt(v);
    } else if (ctx.op_type == "Reciprocal") {
      for (auto& v : c.values) v = 1 / v;
      c.is_int = false;
    } else if (ctx.op_type == "Abs") {
      for (auto& v : c.values) v = std::fabs(v);
    } else if (ctx.op_type == "Round") {
      for (auto& v : c.values) v = std::nearbyint(v);
    } else if (ctx.op_type != "Identity" && ctx.op_type != "Dropout") {
      keep = false;
    }
    if (keep) out.data = std::move(c);
  }
  for (std::size_t i = 0; i < outs.size(); ++i) {
    outs[i] = out;
    if (i > 0) outs[i].data.reset();
  }
  if (ctx.op_type == "Dropout" && outs.size() > 1)
    outs[1].elem_type = onnx::TensorProto_DataType_BOOL;
  if (ctx.op_type == "BatchNormalization" || ctx.op_type == "LayerNormalization") {
    // Training-mode / statistics outputs are not activations; leave them unknown.
    for (std::size_t i = 1; i < outs.size(); ++i) outs[i] = Value{};
  }
}

std::vector<std::int64_t> axes_input_or_attr(OpContext& ctx, std::size_t input, int since) {
  if (ctx.opset >= since) {
    if (!ctx.in(input)) return {};
    return ctx.int_contents(input);
  }
  return ctx.attr_ints("axes");
}

void reshape(OpContext& ctx, std::vector<Value>& outs) {
  const auto target = ctx.int_contents(1);
  const bool allowzero = ctx.attr_int("allowzero", 0) != 0;
  const Value* data = ctx.in(0);
  const bool data_known = data && data->has_shape;
  Dims out(target.size());
  int infer = -1;
  std::int64_t known = 1;
  for (std::size_t i = 0; i < target.size(); ++i) {
    std::int64_t t = target[i];
    if (t == 0 && !allowzero) {
      if (!data_known) throw Unknown{"input 0"};
      if (i >= data->shape.size())
        ctx.fail(fmt::format("shape {} copies axis {} of the rank-{} input", dims_text(target), i,
                             data->shape.size()));
      t = data->shape[i];
    }
    if (t == -1) {
      if (infer >= 0) ctx.fail(fmt::format("shape {} has more than one -1", dims_text(target)));
      infer = static_cast<int>(i);
      continue;
    }
    if (t < 0) ctx.fail(fmt::format("shape {} has a negative dimension", dims_text(target)));
    check_dim(ctx, t, "reshape dimension");
    out[i] = t;
    known = mul_bounded(known, t);
    if (known < 0) ctx.fail("reshape target too large");
  }
  if (infer >= 0 || data_known) {
    if (!data_known) throw Unknown{"input 0"};
    const std::int64_t total = count_of(ctx, data->shape);
    if (infer >= 0) {
      if (known == 0 || total % known != 0)
        ctx.fail(fmt::format("cannot reshape {} ({} elements) into {}", dims_text(data->shape),
                             total, dims_text(target)));
      out[static_cast<std::size_t>(infer)] = total / known;
    } else if (known != total) {
      ctx.fail(fmt::format("cannot reshape {} ({} elements) into {} ({} elements)",
                           dims_text(data->shape), total, dims_text(out), known));
    }
  }
  Value v = shaped(out, data ? data->elem_type : 0);
  if (data && data->data) v.data = data->data;
  outs[0] = std::move(v);
}

void slice(OpContext& ctx, std::vector<Value>& outs) {
  const Dims& in = ctx.shape(0);
  std::vector<std::int64_t> starts, ends, axes, steps;
  if (ctx.opset < 10) {
    starts = ctx.attr_ints("starts");
    ends = ctx.attr_ints("ends");
    axes = ctx.attr_ints("axes");
  } else {
    starts = ctx.int_contents(1);
    ends = ctx.int_contents(2);
    if (ctx.in(3)) axes = ctx.int_contents(3);
    if (ctx.in(4)) steps = ctx.int_contents(4);
  }
  if (starts.size() != ends.size())
    ctx.fail(fmt::format("{} starts but {} ends", starts.size(), ends.size()));
  if (axes.empty())
    for (std::size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<std::int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size())
    ctx.fail("starts, ends, axes and steps differ in length");
  Dims out = in;
  std::vector<std::int64_t> first(in.size(), 0), step(in.size(), 1);
  std::vector<bool> seen(in.size(), false);
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const std::size_t ax = norm_axis(ctx, axes[i], in.size());
    if (seen[ax]) ctx.fail(fmt::format("axis {} is sliced twice", ax));
    seen[ax] = true;
    const std::int64_t dim = in[ax], st = steps[i];
    if (st == 0) ctx.fail("slice step is 0");
    std::int64_t s = starts[i], e = ends[i];
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    std::int64_t len;
    if (st > 0) {
      s = std::clamp<std::int64_t>(s, 0, dim);
      e = std::clamp<std::int64_t>(e, 0, dim);
      len = e > s ? (e - s - 1) / st + 1 : 0;
    } else {
      s = std::clamp<std::int64_t>(s, 0, dim - 1);
      e = std::clamp<std::int64_t>(e, -1, dim - 1);
      len = s > e ? (s - e - 1) / (-st) + 1 : 0;
    }
    out[ax] = len;
    first[ax] = s;
    step[ax] = st;
  }
  Value v = shaped(out, ctx.in(0)->elem_type);
  const Value* data = ctx.in(0);
  if (contents_fit(data) && element_count(out) <= static_cast<std::int64_t>(kMaxContents)) {
    const auto st = strides_of(in);
    Contents c;
    c.is_int = data->data->is_int;
    c.values.resize(static_cast<std::size_t>(element_count(out)));
    for_each_index(out, [&](const std::vector<std::int64_t>& idx, std::size_t flat) {
      std::size_t src = 0;
      for (std::size_t d = 0; d < in.size(); ++d)
        src += static_cast<std::size_t>((first[d] + idx[d] * step[d]) * st[d]);
      c.values[flat] = data->data->values[src];
    });
    v.data = std::move(c);
  }
  outs[0] = std::move(v);
}

void concat(OpContext& ctx, std::vector<Value>& outs) {
  if (!ctx.has_attr("axis")) ctx.fail("Concat has no axis attribute");
  std::vector<const Dims*> shapes;
  for (std::size_t i = 0; i < ctx.inputs.size(); ++i)
    if (ctx.inputs[i]) shapes.push_back(&ctx.shape(i));
  if (shapes.empty()) ctx.fail("Concat has no inputs");
  const std::size_t rank = shapes[0]->size();
  const std::size_t ax = norm_axis(ctx, ctx.attr_int("axis", 0), rank);
  Dims out = *shapes[0];
  for (std::size_t i = 1; i < shapes.size(); ++i) {
    const Dims& s = *shapes[i];
    if (s.size() != rank)
      ctx.fail(fmt::format("inputs {} and {} differ in rank", dims_text(out), dims_text(s)));
    for (std::size_t d = 0; d < rank; ++d)
      if (d != ax && s[d] != out[d])
        ctx.fail(fmt::format("inputs {} and {} differ outside the axis {}", dims_text(*shapes[0]),
                             dims_text(s), ax));
    out[ax] += s[ax];
    check_dim(ctx, out[ax], "concatenated size");
  }
  Value v = shaped(out, ctx.inputs[0] ? ctx.inputs[0]->elem_type : 0);
  bool all = true;
  for (const Value* in : ctx.inputs) all = all && (!in || contents_fit(in));
  if (all && element_count(out) <= static_cast<std::int64_t>(kMaxContents)) {
    // Row-major: for each outer index, append each input's block along the axis.
    Contents c;
    std::int64_t outer = 1, inner = 1;
    for (std::size_t d = 0; d < ax; ++d) outer *= out[d];
    for (std::size_t d = ax + 1; d < rank; ++d) inner *= out[d];
    for (std::int64_t o = 0; o < outer; ++o) {
      for (const Value* in : ctx.inputs) {
        if (!in) continue;
        c.is_int = c.is_int && in->data->is_int;
        const std::int64_t block = in->shape[ax] * inner;
        const auto begin = in->data->values.begin() + static_cast<std::ptrdiff_t>(o * block);
        c.values.insert(c.values.end(), begin, begin + static_cast<std::ptrdiff_t>(block));
      }
    }
    v.data = std::move(c);
  }
  outs[0] = std::move(v);
}

void split(OpContext& ctx, std::vector<Value>& outs) {
  const Dims& in = ctx.shape(0);
  const std::size_t ax = norm_axis(ctx, ctx.attr_int("axis", 0), in.size());
  std::vector<std::int64_t> sizes;
  if (ctx.opset >= 13) {
    if (ctx.in(1)) sizes = ctx.int_contents(1);
  } else {
    sizes = ctx.attr_ints("split");
  }
  const std::size_t n = outs.size();
  if (n == 0) return;
  if (sizes.empty()) {
    const std::int64_t chunk =
        (in[ax] + static_cast<std::int64_t>(n) - 1) / static_cast<std::int64_t>(n);
    std::int64_t left = in[ax];
    for (std::size_t i = 0; i < n; ++i) {
      sizes.push_back(std::min(chunk, left));
      left -= sizes.back();
    }
  }
  if (sizes.size() != n) ctx.fail(fmt::format("{} split sizes for {} outputs", sizes.size(), n));
  std::int64_t sum = 0;
  for (std::int64_t s : sizes) {
    if (s < 0) ctx.fail("negative split size");
    sum += s;
    if (sum > kMaxDim) ctx.fail("split sizes too large");
  }
  if (sum != in[ax])
    ctx.fail(fmt::format("split sizes sum to {} but axis {} has {}", sum, ax, in[ax]));
  for (std::size_t i = 0; i < n; ++i) {
    Dims o = in;
    o[ax] = sizes[i];
    outs[i] = shaped(o, ctx.in(0)->elem_type);
  }
}

void squeeze(OpContext& ctx, std::vector<Value>& outs) {
  const Dims& in = ctx.shape(0);
  auto axes = axes_input_or_attr(ctx, 1, 13);
  std::vector<bool> drop(in.size(), false);
  if (axes.empty()) {
    for (std::size_t i = 0; i < in.size(); ++i) drop[i] = in[i] == 1;
  } else {
    for (std::int64_t a : axes) {
      const std::size_t ax = norm_axis(ctx, a, in.size());
      if (in[ax] != 1) ctx.fail(fmt::format("cannot squeeze axis {} of size {}", ax, in[ax]));
      drop[ax] = true;
    }
  }
  Dims out;
  for (std::size_t i = 0; i < in.size(); ++i)
    if (!drop[i]) out.push_back(in[i]);
  Value v = shaped(out, ctx.in(0)->elem_type);
  v.data = ctx.in(0)->data;
  outs[0] = std::move(v);
}

void unsqueeze(OpContext& ctx, std::vector<Value>& outs) {
  const Dims& in = ctx.shape(0);
  auto axes = axes_input_or_attr(ctx, 1, 13);
  if (axes.empty()) ctx.fail("Unsqueeze has no axes");
  const std::size_t rank = in.size() + axes.size();
  if (rank > 64) ctx.fail("Unsqueeze rank too large");
  std::vector<bool> inserted(rank, false);
  for (std::int64_t a : axes) {
    const std::size_t ax = norm_axis(ctx, a, rank);
    if (inserted[ax]) ctx.fail(fmt::format("axis {} given twice", ax));
    inserted[ax] = true;
  }
  Dims out;
  std::size_t j = 0;
  for (std::size_t i = 0; i < rank; ++i) out.push_back(inserted[i] ? 1 : in[j++]);
  Value v = shaped(out, ctx.in(0)->elem_type);
  v.data = ctx.in(0)->data;
  outs[0] = std::move(v);
}

void propagate_shape_op(OpContext& ctx, std::vector<Value>& outs) {
  const std::string& op = ctx.op_type;
  if (outs.empty()) return;
  const int et0 = static_cast<int>(elem_or(ctx, 0));
  if (op == "Constant") {
    Value v;
    v.constant = true;
    if (const onnx::TensorProto* t = ctx.attr_tensor("value")) {
      Dims d(t->dims().begin(), t->dims().end());
      for (std::int64_t x : d) check_dim(ctx, x, "constant dimension");
      v = shaped(d, t->data_type());
      v.data = read_contents(*t);
    } else if (ctx.has_attr("value_int")) {
      v = shaped({}, onnx::TensorProto_DataType_INT64);
      v.data = ints_contents({ctx.attr_int("value_int", 0)});
    } else if (ctx.has_attr("value_ints")) {
      auto ints = ctx.attr_ints("value_ints");
      v = shaped({static_cast<std::int64_t>(ints.size())}, onnx::TensorProto_DataType_INT64);
      v.data = ints_contents(ints);
    } else if (ctx.has_attr("value_float")) {
      v = shaped({}, onnx::TensorProto_DataType_FLOAT);
      Contents c;
      c.is_int = false;
      c.values.push_back(ctx.attr_float("value_float", 0));
      v.data = std::move(c);
    } else if (ctx.has_attr("value_floats")) {
      auto fl = ctx.attr_floats("value_floats");
      v = shaped({static_cast<std::int64_t>(fl.size())}, onnx::TensorProto_DataType_FLOAT);
      Contents c;
      c.is_int = false;
      c.values.assign(fl.begin(), fl.end());
      v.data = std::move(c);
    } else {
      throw Unknown{"the constant's value"};
    }
    outs[0] = std::move(v);
  } else if (op == "Reshape") {
    reshape(ctx, outs);
  } else if (op == "Flatten") {
    const Dims& in = ctx.shape(0);
    std::int64_t axis = ctx.attr_int("axis", 1);
    const auto r = static_cast<std::int64_t>(in.size());
    if (axis < -r || axis > r) ctx.fail(fmt::format("axis {} out of range for rank {}", axis, r));
    if (axis < 0) axis += r;
    const auto a = static_cast<std::size_t>(axis);
    outs[0] = shaped({prod(ctx, in, 0, a), prod(ctx, in, a, in.size())}, et0);
  } else if (op == "Transpose") {
    const Dims& in = ctx.shape(0);
    auto perm = ctx.attr_ints("perm");
    if (perm.empty())
      for (std::size_t i = in.size(); i-- > 0;) perm.push_back(static_cast<std::int64_t>(i));
    if (perm.size() != in.size())
      ctx.fail(fmt::format("perm has {} entries for rank {}", perm.size(), in.size()));
    Dims out(in.size());
    std::vector<bool> used(in.size(), false);
    for (std::size_t i = 0; i < perm.size(); ++i) {
      const std::size_t p = norm_axis(ctx, perm[i], in.size(), "perm entry");
      if (used[p]) ctx.fail("perm is not a permutation");
      used[p] = true;
      out[i] = in[p];
      perm[i] = static_cast<std::int64_t>(p);
    }
    Value v = shaped(out, et0);
    if (contents_fit(ctx.in(0))) {
      const auto st = strides_of(in);
      Contents c;
      c.is_int = ctx.in(0)->data->is_int;
      c.values.resize(ctx.in(0)->data->values.size());
      for_each_index(out, [&](const std::vector<std::int64_t>& idx, std::size_t flat) {
        std::size_t src = 0;
        for (std::size_t i = 0; i < idx.size(); ++i)
          src += static_cast<std::size_t>(idx[i] * st[static_cast<std::size_t>(perm[i])]);
        c.values[flat] = ctx.in(0)->data->values[src];
      });
      v.data = std::move(c);
    }
    outs[0] = std::move(v);
  } else if (op == "Concat") {
    concat(ctx, outs);
  } else if (op == "Split") {
    split(ctx, outs);
  } else if (op == "Slice") {
    slice(ctx, outs);
  } else if (op == "Squeeze") {
    squeeze(ctx, outs);
  } else if (op == "Unsqueeze") {
    unsqueeze(ctx, outs);
  } else if (op == "Pad") {
    const Dims& in = ctx.shape(0);
    auto pads = ctx.opset >= 11 ? ctx.int_contents(1) : ctx.attr_ints("pads");
    if (pads.size() != 2 * in.size())
      ctx.fail(fmt::format("{} pads for rank {}", pads.size(), in.size()));
    Dims out(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (std::llabs(pads[i]) > kMaxDim || std::llabs(pads[i + in.size()]) > kMaxDim)
        ctx.fail("pad out of range");
      out[i] = in[i] + pads[i] + pads[i + in.size()];
      if (out[i] < 0) ctx.fail(fmt::format("padding makes axis {} negative", i));
      check_dim(ctx, out[i], "padded size");
    }
    outs[0] = shaped(out, et0);
  } else if (op == "Resize" || op == "Upsample") {
    const Dims& in = ctx.shape(0);
    std::vector<long double> scales;
    Dims out = in;
    bool have_sizes = false;
    if (op == "Resize" && ctx.opset >= 11 && ctx.in(3)) {
      auto sizes = ctx.int_contents(3);
      if (!sizes.empty()) {
        if (sizes.size() != in.size())
          ctx.fail(fmt::format("{} sizes for rank {}", sizes.size(), in.size()));
        for (std::size_t i = 0; i < in.size(); ++i) {
          check_dim(ctx, sizes[i], "resize size");
          out[i] = sizes[i];
        }
        have_sizes = true;
      }
    }
    if (!have_sizes) {
      if (op == "Upsample" && ctx.opset < 9) {
        auto f = ctx.attr_floats("scales");
        scales.assign(f.begin(), f.end());
      } else {
        const std::size_t si = (op == "Resize" && ctx.opset >= 11) ? 2 : 1;
        scales = ctx.contents(si).values;
      }
      if (scales.size() != in.size())
        ctx.fail(fmt::format("{} scales for rank {}", scales.size(), in.size()));
      for (std::size_t i = 0; i < in.size(); ++i) {
        const long double v = std::floor(static_cast<long double>(in[i]) * scales[i]);
        if (!std::isfinite(v) || v < 0 || v > static_cast<long double>(kMaxDim))
          ctx.fail(fmt::format("scale {} on axis {} gives an invalid size",
                               static_cast<double>(scales[i]), i));
        out[i] = static_cast<std::int64_t>(v);
      }
    }
    outs[0] = shaped(out, et0);
  } else if (op == "Gather") {
    const Dims& data = ctx.shape(0);
    const Dims& idx = ctx.shape(1);
    if (data.empty()) ctx.fail("Gather from a scalar");
    const std::size_t ax = norm_axis(ctx, ctx.attr_int("axis", 0), data.size());
    Dims out(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(ax));
    out.insert(out.end(), idx.begin(), idx.end());
    out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(ax) + 1, data.end());
    Value v = shaped(out, et0);
    const Value* dv = ctx.in(0);
    const Value* iv = ctx.in(1);
    if (contents_fit(dv) && contents_fit(iv) &&
        element_count(out) <= static_cast<std::int64_t>(kMaxContents)) {
      std::int64_t outer = 1, inner = 1;
      for (std::size_t d = 0; d < ax; ++d) outer *= data[d];
      for (std::size_t d = ax + 1; d < data.size(); ++d) inner *= data[d];
      Contents c;
      c.is_int = dv->data->is_int;
      bool ok = true;
      for (std::int64_t o = 0; o < outer && ok; ++o) {
        for (long double x : iv->data->values) {
          std::int64_t i = to_i64(x);
          if (i < 0) i += data[ax];
          if (i < 0 || i >= data[ax]) {
            ok = false;
            break;
          }
          const auto begin =
              dv->data->values.begin() + static_cast<std::ptrdiff_t>((o * data[ax] + i) * inner);
          c.values.insert(c.values.end(), begin, begin + static_cast<std::ptrdiff_t>(inner));
        }
      }
      if (ok) v.data = std::move(c);
    }
    outs[0] = std::move(v);
  } else if (op == "GatherElements") {
    outs[0] = shaped(ctx.shape(1), et0);
  } else if (op == "Shape") {
    const Dims& in = ctx.shape(0);
    const auto r = static_cast<std::int64_t>(in.size());
    std::int64_t start = ctx.attr_int("start", 0), end = ctx.attr_int("end", r);
    if (start < 0) start += r;
    if (end < 0) end += r;
    start = std::clamp<std::int64_t>(start, 0, r);
    end = std::clamp<std::int64_t>(end, 0, r);
    std::vector<std::int64_t> vals;
    for (std::int64_t i = start; i < end; ++i) vals.push_back(in[static_cast<std::size_t>(i)]);
    Value v = shaped({static_cast<std::int64_t>(vals.size())}, onnx::TensorProto_DataType_INT64);
    v.data = ints_contents(vals);
    outs[0] = std::move(v);
  } else if (op == "Size") {
    Value v = shaped({}, onnx::TensorProto_DataType_INT64);
    v.data = ints_contents({count_of(ctx, ctx.shape(0))});
    outs[0] = std::move(v);
  } else if (op == "ConstantOfShape") {
    auto d = ctx.int_contents(0);
    for (std::int64_t x : d) check_dim(ctx, x, "ConstantOfShape dimension");
    const Dims out(d.begin(), d.end());
    int et = onnx::TensorProto_DataType_FLOAT;
    long double fill = 0;
    bool is_int = false;
    if (const onnx::TensorProto* t = ctx.attr_tensor("value")) {
      et = t->data_type();
      if (auto c = read_contents(*t); c && !c->values.empty()) {
        fill = c->values[0];
        is_int = c->is_int;
      }
    }
    Value v = shaped(out, et);
    const std::int64_t n = count_of(ctx, out);
    if (n <= static_cast<std::int64_t>(kMaxContents)) {
      Contents c;
      c.is_int = is_int;
      c.values.assign(static_cast<std::size_t>(n), fill);
      v.data = std::move(c);
    }
    outs[0] = std::move(v);
  } else if (op == "Expand") {
    auto target = ctx.int_contents(1);
    for (std::int64_t x : target) check_dim(ctx, x, "Expand dimension");
    outs[0] = shaped(broadcast(ctx, ctx.shape(0), Dims(target.begin(), target.end())), et0);
  } else if (op == "Tile") {
    const Dims& in = ctx.shape(0);
    auto reps = ctx.int_contents(1);
    if (reps.size() != in.size())
      ctx.fail(fmt::format("{} repeats for rank {}", reps.size(), in.size()));
    Dims out(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (reps[i] < 0) ctx.fail("negative repeat");
      out[i] = mul_bounded(in[i], reps[i]);
      if (out[i] < 0 || out[i] > kMaxDim) ctx.fail("tiled size too large");
    }
    outs[0] = shaped(out, et0);
  } else if (op == "Range") {
    const auto& s = ctx.contents(0);
    const auto& l = ctx.contents(1);
    const auto& d = ctx.contents(2);
    if (s.values.size() != 1 || l.values.size() != 1 || d.values.size() != 1)
      ctx.fail("Range takes scalars");
    if (d.values[0] == 0) ctx.fail("Range delta is 0");
    const long double n =
        std::max<long double>(0, std::ceil((l.values[0] - s.values[0]) / d.values[0]));
    if (!std::isfinite(n) || n > static_cast<long double>(kMaxDim)) ctx.fail("Range too long");
    const auto count = static_cast<std::int64_t>(n);
    Value v = shaped({count}, et0);
    if (count <= static_cast<std::int64_t>(kMaxContents)) {
      Contents c;
      c.is_int = s.is_int && d.is_int;
      for (std::int64_t i = 0; i < count; ++i)
        c.values.push_back(s.values[0] + static_cast<long double>(i) * d.values[0]);
      v.data = std::move(c);
    }
    outs[0] = std::move(v);
  } else if (op.rfind("Reduce", 0) == 0 || op == "ArgMax" || op == "ArgMin") {
    const Dims& in = ctx.shape(0);
    const bool keep = ctx.attr_int("keepdims", 1) != 0;
    std::vector<std::int64_t> axes;
    if (op == "ArgMax" || op == "ArgMin") {
      axes.push_back(ctx.attr_int("axis", 0));
    } else {
      axes = axes_input_or_attr(ctx, 1, op == "ReduceSum" ? 13 : 18);
      if (axes.empty() && ctx.attr_int("noop_with_empty_axes", 0) != 0) {
        outs[0] = shaped(in, et0);
        return;
      }
    }
    std::vector<bool> reduced(in.size(), axes.empty());
    for (std::int64_t a : axes) reduced[norm_axis(ctx, a, in.size())] = true;
    Dims out;
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (!reduced[i])
        out.push_back(in[i]);
      else if (keep)
        out.push_back(1);
    }
    Value v =
        shaped(out, (op == "ArgMax" || op == "ArgMin") ? onnx::TensorProto_DataType_INT64 : et0);
    const bool simple = op == "ReduceMax" || op == "ReduceMin" || op == "ReduceSum" ||
                        op == "ReduceProd" || op == "ReduceMean";
    if (simple && contents_fit(ctx.in(0)) && !ctx.in(0)->data->values.empty()) {
      // The keep-dims shape of the result indexes it while walking the input.
      Dims kd = in;
      for (std::size_t i = 0; i < in.size(); ++i)
        if (reduced[i]) kd[i] = 1;
      const auto kst = strides_of(kd);
      const auto m = static_cast<std::size_t>(element_count(kd));
      Contents c;
      c.is_int = ctx.in(0)->data->is_int && op != "ReduceMean";
      std::vector<bool> seen(m, false);
      std::vector<std::int64_t> cnt(m, 0);
      c.values.assign(m, 0);
      for_each_index(in, [&](const std::vector<std::int64_t>& idx, std::size_t flat) {
        std::size_t o = 0;
        for (std::size_t i = 0; i < idx.size(); ++i)
          if (!reduced[i]) o += static_cast<std::size_t>(idx[i] * kst[i]);
        const long double x = ctx.in(0)->data->values[flat];
        long double& r = c.values[o];
        if (!seen[o]) {
          r = x;
          seen[o] = true;
        } else if (op == "ReduceMax") {
          r = std::max(r, x);
        } else if (op == "ReduceMin") {
          r = std::min(r, x);
        } else if (op == "ReduceProd") {
          r *= x;
        } else {
          r += x;
        }
        ++cnt[o];
      });
      if (op == "ReduceMean")
        for (std::size_t o = 0; o < m; ++o) c.values[o] /= static_cast<long double>(cnt[o]);
      v.data = std::move(c);
    }
    outs[0] = std::move(v);
  } else if (op == "DepthToSpace" || op == "SpaceToDepth") {
    const Dims& in = ctx.shape(0);
    const std::int64_t b = ctx.attr_int("blocksize", 0);
    if (in.size() != 4 || b < 1 || b > 4096)
      ctx.fail("needs a rank-4 input and a positive blocksize");
    Dims out = in;
    if (op == "DepthToSpace") {
      if (in[1] % (b * b) != 0) ctx.fail("channels not divisible by blocksize^2");
      out = {in[0], in[1] / (b * b), in[2] * b, in[3] * b};
    } else {
      if (in[2] % b != 0 || in[3] % b != 0) ctx.fail("spatial size not divisible by blocksize");
      out = {in[0], in[1] * b * b, in[2] / b, in[3] / b};
    }
    for (std::int64_t d : out) check_dim(ctx, d, "output dimension");
    outs[0] = shaped(out, et0);
  } else if (op == "TopK") {
    const Dims& in = ctx.shape(0);
    std::int64_t k = 0;
    if (ctx.opset >= 10) {
      auto kv = ctx.int_contents(1);
      if (kv.size() != 1) ctx.fail("K must hold one value");
      k = kv[0];
    } else {
      k = ctx.attr_int("k", 0);
    }
    const std::size_t ax = norm_axis(ctx, ctx.attr_int("axis", -1), in.size());
    if (k < 0 || k > in[ax]) ctx.fail(fmt::format("K = {} for an axis of size {}", k, in[ax]));
    Dims out = in;
    out[ax] = k;
    outs[0] = shaped(out, et0);
    if (outs.size() > 1) outs[1] = shaped(out, onnx::TensorProto_DataType_INT64);
  } else if (op == "RoiAlign") {
    const Dims& x = ctx.shape(0);
    const Dims& rois = ctx.shape(1);
    if (x.size() != 4 || rois.size() != 2) ctx.fail("RoiAlign takes X [N,C,H,W] and rois [R,4]");
    const std::int64_t oh = ctx.attr_int("output_height", 1), ow = ctx.attr_int("output_width", 1);
    check_dim(ctx, oh, "output_height");
    check_dim(ctx, ow, "output_width");
    outs[0] = shaped({rois[0], x[1], oh, ow}, et0);
  } else if (op == "GridSample") {
    const Dims& x = ctx.shape(0);
    const Dims& grid = ctx.shape(1);
    if (x.size() != 4 || grid.size() != 4) ctx.fail("GridSample takes rank-4 X and grid");
    outs[0] = shaped({x[0], x[1], grid[1], grid[2]}, et0);
  } else if (op == "Identity" || op == "Dropout" || op == "Cast" || op == "CastLike") {
    propagate_same_shape(ctx, outs);
  } else {
    // ScatterND, ScatterElements, CumSum, Trilu, ReverseSequence, EyeLike: shape of input 0.
    outs[0] = shaped(ctx.shape(0), et0);
  }
}

const std::unordered_map<std::string_view, Rule>& rule_table() {
  static const std::unordered_map<std::string_view, Rule> table = [] {
    std::unordered_map<std::string_view, Rule> t;
    t["Conv"] = Rule::Conv;
    t["ConvInteger"] = Rule::Conv;
    t["QLinearConv"] = Rule::Conv;
    t["ConvTranspose"] = Rule::ConvTranspose;
    t["Gemm"] = Rule::Gemm;
    t["MatMul"] = Rule::MatMul;
    t["MatMulInteger"] = Rule::MatMul;
    t["QLinearMatMul"] = Rule::MatMul;
    for (auto op : {"LSTM", "GRU", "RNN"}) t[op] = Rule::Recurrent;
    t["Einsum"] = Rule::Einsum;
    for (auto op : {"MaxPool", "AveragePool", "LpPool"}) t[op] = Rule::Pool;
    for (auto op : {"GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"}) t[op] = Rule::GlobalPool;
    for (auto op : {"Add",  "Sub",         "Mul",      "Div",        "Pow",       "Max",
                    "Min",  "Sum",         "Mean",     "Equal",      "Greater",   "GreaterOrEqual",
                    "Less", "LessOrEqual", "And",      "Or",         "Xor",       "Where",
                    "Mod",  "PRelu",       "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor"})
      t[op] = Rule::Broadcast;
    for (auto op : {"Relu",
                    "LeakyRelu",
                    "Sigmoid",
                    "Tanh",
                    "HardSigmoid",
                    "HardSwish",
                    "Clip",
                    "Elu",
                    "Selu",
                    "Celu",
                    "Softplus",
                    "Softsign",
                    "Gelu",
                    "Erf",
                    "Exp",
                    "Log",
                    "Sqrt",
                    "Abs",
                    "Neg",
                    "Reciprocal",
                    "Floor",
                    "Ceil",
                    "Round",
                    "Sign",
                    "Not",
                    "IsNaN",
                    "IsInf",
                    "BatchNormalization",
                    "InstanceNormalization",
                    "LayerNormalization",
                    "LRN",
                    "Softmax",
                    "LogSoftmax",
                    "Hardmax",
                    "Mish",
                    "ThresholdedRelu",
                    "Shrink",
                    "Sin",
                    "Cos",
                    "Tan",
                    "Asin",
                    "Acos",
                    "Atan",
                    "Sinh",
                    "Cosh",
                    "Asinh",
                    "Acosh",
                    "Atanh",
                    "MeanVarianceNormalization",
                    "QuantizeLinear",
                    "DequantizeLinear",
                    "BitwiseNot"})
      t[op] = Rule::SameShape;
    for (auto op : {"Reshape",
                    "Flatten",
                    "Transpose",
                    "Concat",
                    "Split",
                    "Slice",
                    "Squeeze",
                    "Unsqueeze",
                    "Pad",
                    "Resize",
                    "Upsample",
                    "Gather",
                    "GatherElements",
                    "Shape",
                    "Size",
                    "Constant",
                    "ConstantOfShape",
                    "Expand",
                    "Tile",
                    "Range",
                    "ReduceMean",
                    "ReduceSum",
                    "ReduceMax",
                    "ReduceMin",
                    "ReduceProd",
                    "ReduceL1",
                    "ReduceL2",
                    "ReduceLogSum",
                    "ReduceLogSumExp",
                    "ReduceSumSquare",
                    "ArgMax",
                    "ArgMin",
                    "DepthToSpace",
                    "SpaceToDepth",
                    "TopK",
                    "RoiAlign",
                    "GridSample",
                    "Identity",
                    "Dropout",
                    "Cast",
                    "CastLike",
                    "ScatterND",
                    "ScatterElements",
                    "Scatter",
                    "CumSum",
                    "Trilu",
                    "ReverseSequence",
                    "EyeLike"})
      t[op] = Rule::Shape;
    return t;
  }();
  return table;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

void OpContext::fail(const std::string& message) const {
  throw UserError(SourceLocation{file, 0, display}, message);
}

const Dims& OpContext::shape(std::size_t i) const {
  const Value* v = in(i);
  if (!v || !v->has_shape) throw Unknown{fmt::format("the shape of input {}", i)};
  return v->shape;
}

const Contents& OpContext::contents(std::size_t i) const {
  const Value* v = in(i);
  if (!v || !v->data) throw Unknown{fmt::format("the contents of input {}", i)};
  return *v->data;
}

std::vector<std::int64_t> OpContext::int_contents(std::size_t i) const {
  const Contents& c = contents(i);
  std::vector<std::int64_t> out;
  out.reserve(c.values.size());
  for (long double v : c.values) out.push_back(to_i64(v));
  return out;
}

namespace {
const onnx::AttributeProto* find_attr(const onnx::NodeProto* node, std::string_view name) {
  if (!node) return nullptr;
  for (const auto& a : node->attribute())
    if (a.name() == name) return &a;
  return nullptr;
}
}  // namespace

bool OpContext::has_attr(std::string_view name) const {
  return find_attr(node, name) != nullptr;
}

std::int64_t OpContext::attr_int(std::string_view name, std::int64_t def) const {
  const auto* a = find_attr(node, name);
  return a && a->has_i() ? a->i() : def;
}

std::vector<std::int64_t> OpContext::attr_ints(std::string_view name) const {
  const auto* a = find_attr(node, name);
  if (!a) return {};
  return std::vector<std::int64_t>(a->ints().begin(), a->ints().end());
}

std::vector<float> OpContext::attr_floats(std::string_view name) const {
  const auto* a = find_attr(node, name);
  if (!a) return {};
  return std::vector<float>(a->floats().begin(), a->floats().end());
}

float OpContext::attr_float(std::string_view name, float def) const {
  const auto* a = find_attr(node, name);
  return a && a->has_f() ? a->f() : def;
}

std::string OpContext::attr_string(std::string_view name, std::string_view def) const {
  const auto* a = find_attr(node, name);
  return a && a->has_s() ? a->s() : std::string(def);
}

const onnx::TensorProto* OpContext::attr_tensor(std::string_view name) const {
  const auto* a = find_attr(node, name);
  return a && a->has_t() ? &a->t() : nullptr;
}

Rule rule_of(std::string_view op_type) {
  const auto& t = rule_table();
  auto it = t.find(op_type);
  return it == t.end() ? Rule::Unknown : it->second;
}

void build_compute_layer(Rule rule, OpContext& ctx, Layer& layer, std::vector<Value>& outputs) {
  switch (rule) {
    case Rule::Conv:
      if (ctx.op_type == "QLinearConv")
        build_conv(ctx, layer, outputs, 0, 3);
      else
        build_conv(ctx, layer, outputs, 0, 1);
      break;
    case Rule::ConvTranspose:
      build_conv_transpose(ctx, layer, outputs);
      break;
    case Rule::Gemm:
      build_gemm(ctx, layer, outputs);
      break;
    case Rule::MatMul:
      if (ctx.op_type == "QLinearMatMul")
        build_matmul(ctx, layer, outputs, 0, 3);
      else
        build_matmul(ctx, layer, outputs, 0, 1);
      break;
    case Rule::Recurrent:
      build_recurrent(ctx, layer, outputs);
      break;
    case Rule::Einsum:
      build_einsum(ctx, layer, outputs);
      break;
    case Rule::Pool:
      build_pool(ctx, layer, outputs, false);
      break;
    case Rule::GlobalPool:
      build_pool(ctx, layer, outputs, true);
      break;
    default:
      MOSAIC_CHECK(false, "build_compute_layer: not a compute rule");
  }
}

void propagate(Rule rule, OpContext& ctx, std::vector<Value>& outputs) {
  switch (rule) {
    case Rule::Broadcast:
      propagate_broadcast(ctx, outputs);
      break;
    case Rule::SameShape:
      propagate_same_shape(ctx, outputs);
      break;
    case Rule::Shape:
      propagate_shape_op(ctx, outputs);
      break;
    default:
      MOSAIC_CHECK(false, "propagate: not a shape rule");
  }
}

void set_dims_from_shape(Layer& l, const Dims& s) {
  l.N = l.G = l.C = l.K = l.Y = l.X = l.R = l.S = 1;
  switch (s.size()) {
    case 0:
      break;
    case 1:
      l.G = s[0];
      break;
    case 2:
      l.N = s[0];
      l.G = s[1];
      break;
    case 3:
      l.N = s[0];
      l.G = s[1];
      l.X = s[2];
      break;
    default: {
      l.N = s[0];
      l.G = s[1];
      l.Y = s[2];
      std::int64_t x = 1;
      for (std::size_t i = 3; i < s.size(); ++i) x *= s[i];
      l.X = x;
    }
  }
}

std::optional<Contents> read_contents(const onnx::TensorProto& t) {
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) return std::nullopt;
  std::int64_t n = 1;
  for (std::int64_t d : t.dims()) {
    if (d < 0) return std::nullopt;
    n = mul_bounded(n, d);
    if (n < 0 || n > static_cast<std::int64_t>(kMaxContents)) return std::nullopt;
  }
  const auto count = static_cast<std::size_t>(n);
  Contents c;
  const std::string& raw = t.raw_data();
  auto from_raw = [&](auto sample, bool is_int) -> std::optional<Contents> {
    using T = decltype(sample);
    if (raw.size() != count * sizeof(T)) return std::nullopt;
    c.is_int = is_int;
    c.values.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      T v;
      std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
      c.values[i] = static_cast<long double>(v);
    }
    return c;
  };
  const bool has_raw = t.has_raw_data();
  switch (t.data_type()) {
    case onnx::TensorProto_DataType_INT64:
      if (has_raw) return from_raw(std::int64_t{}, true);
      if (static_cast<std::size_t>(t.int64_data_size()) != count) return std::nullopt;
      c.values.assign(t.int64_data().begin(), t.int64_data().end());
      return c;
    case onnx::TensorProto_DataType_INT32:
      if (has_raw) return from_raw(std::int32_t{}, true);
      if (static_cast<std::size_t>(t.int32_data_size()) != count) return std::nullopt;
      c.values.assign(t.int32_data().begin(), t.int32_data().end());
      return c;
    case onnx::TensorProto_DataType_FLOAT:
      if (has_raw) return from_raw(float{}, false);
      if (static_cast<std::size_t>(t.float_data_size()) != count) return std::nullopt;
      c.is_int = false;
      c.values.assign(t.float_data().begin(), t.float_data().end());
      return c;
    case onnx::TensorProto_DataType_DOUBLE:
      if (has_raw) return from_raw(double{}, false);
      if (static_cast<std::size_t>(t.double_data_size()) != count) return std::nullopt;
      c.is_int = false;
      c.values.assign(t.double_data().begin(), t.double_data().end());
      return c;
    case onnx::TensorProto_DataType_BOOL:
    case onnx::TensorProto_DataType_UINT8:
      if (has_raw) return from_raw(std::uint8_t{}, true);
      if (static_cast<std::size_t>(t.int32_data_size()) != count) return std::nullopt;
      c.values.assign(t.int32_data().begin(), t.int32_data().end());
      return c;
    case onnx::TensorProto_DataType_INT8:
      if (has_raw) return from_raw(std::int8_t{}, true);
      if (static_cast<std::size_t>(t.int32_data_size()) != count) return std::nullopt;
      c.values.assign(t.int32_data().begin(), t.int32_data().end());
      return c;
    default:
      return std::nullopt;
  }
}

std::int64_t element_count(const Dims& d) {
  std::int64_t n = 1;
  for (std::int64_t v : d) {
    if (v < 0) return -1;
    n = mul_bounded(n, v);
    if (n < 0) return -1;
  }
  return n;
}

int element_bits(int elem_type) {
  switch (elem_type) {
    case onnx::TensorProto_DataType_FLOAT:
    case onnx::TensorProto_DataType_INT32:
    case onnx::TensorProto_DataType_UINT32:
      return 32;
    case onnx::TensorProto_DataType_DOUBLE:
    case onnx::TensorProto_DataType_INT64:
    case onnx::TensorProto_DataType_UINT64:
      return 64;
    case onnx::TensorProto_DataType_FLOAT16:
    case onnx::TensorProto_DataType_BFLOAT16:
    case onnx::TensorProto_DataType_INT16:
    case onnx::TensorProto_DataType_UINT16:
      return 16;
    case onnx::TensorProto_DataType_INT8:
    case onnx::TensorProto_DataType_UINT8:
    case onnx::TensorProto_DataType_BOOL:
      return 8;
    default:
      return 0;
  }
}

std::string dims_text(const Dims& d) {
  return fmt::format("[{}]", fmt::join(d, ", "));
}

}  // namespace mosaic::workload::onnx_detail

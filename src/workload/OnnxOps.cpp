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

#include "workload/OnnxOpsUtil.h"

namespace mosaic::workload::onnx_detail {

namespace {

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

// Operators whose output has the shape of their input: activations, normalizations,
// quantization.
constexpr std::string_view kSameShapeOps[] = {"Relu",
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
                                              "BitwiseNot"};

// Operators that move, reshape or reduce data: their output shapes are propagated.
constexpr std::string_view kShapeOps[] = {"Reshape",
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
                                          "EyeLike"};

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
    for (auto op : kSameShapeOps) t[op] = Rule::SameShape;
    for (auto op : kShapeOps) t[op] = Rule::Shape;
    return t;
  }();
  return table;
}

}  // namespace

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

}  // namespace mosaic::workload::onnx_detail

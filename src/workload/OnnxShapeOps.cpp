// The ONNX importer's shape and element-wise operators: output shapes, and contents of small
// constants so that shape arithmetic folds (see OnnxOps.h).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "common/Error.h"
#include "workload/OnnxOpsUtil.h"

namespace mosaic::workload::onnx_detail {

namespace {

// Flat index into `in` (right-aligned and broadcast against the output index).
std::size_t broadcast_flat(const Dims& in, const std::vector<std::int64_t>& strides,
                           const std::vector<std::int64_t>& out_idx) {
  std::size_t flat = 0;
  const std::size_t off = out_idx.size() - in.size();
  for (std::size_t i = 0; i < in.size(); ++i)
    if (in[i] != 1) flat += static_cast<std::size_t>(out_idx[i + off] * strides[i]);
  return flat;
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

}  // namespace

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

namespace {

void shape_constant(OpContext& ctx, std::vector<Value>& outs) {
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
}

void shape_flatten(OpContext& ctx, std::vector<Value>& outs) {
  const int et0 = static_cast<int>(elem_or(ctx, 0));
  const Dims& in = ctx.shape(0);
  std::int64_t axis = ctx.attr_int("axis", 1);
  const auto r = static_cast<std::int64_t>(in.size());
  if (axis < -r || axis > r) ctx.fail(fmt::format("axis {} out of range for rank {}", axis, r));
  if (axis < 0) axis += r;
  const auto a = static_cast<std::size_t>(axis);
  outs[0] = shaped({prod(ctx, in, 0, a), prod(ctx, in, a, in.size())}, et0);
}

void shape_transpose(OpContext& ctx, std::vector<Value>& outs) {
  const int et0 = static_cast<int>(elem_or(ctx, 0));
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
}

void shape_pad(OpContext& ctx, std::vector<Value>& outs) {
  const int et0 = static_cast<int>(elem_or(ctx, 0));
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
}

void shape_resize(OpContext& ctx, std::vector<Value>& outs) {
  const std::string& op = ctx.op_type;
  const int et0 = static_cast<int>(elem_or(ctx, 0));
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
}

void shape_gather(OpContext& ctx, std::vector<Value>& outs) {
  const int et0 = static_cast<int>(elem_or(ctx, 0));
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
}

void shape_shape(OpContext& ctx, std::vector<Value>& outs) {
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
}

void shape_constant_of_shape(OpContext& ctx, std::vector<Value>& outs) {
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
}

void shape_tile(OpContext& ctx, std::vector<Value>& outs) {
  const int et0 = static_cast<int>(elem_or(ctx, 0));
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
}

void shape_range(OpContext& ctx, std::vector<Value>& outs) {
  const int et0 = static_cast<int>(elem_or(ctx, 0));
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
}

void shape_reduce(OpContext& ctx, std::vector<Value>& outs) {
  const std::string& op = ctx.op_type;
  const int et0 = static_cast<int>(elem_or(ctx, 0));
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
}

void shape_depth_to_space(OpContext& ctx, std::vector<Value>& outs) {
  const std::string& op = ctx.op_type;
  const int et0 = static_cast<int>(elem_or(ctx, 0));
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
}

void shape_top_k(OpContext& ctx, std::vector<Value>& outs) {
  const int et0 = static_cast<int>(elem_or(ctx, 0));
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
}

void shape_roi_align(OpContext& ctx, std::vector<Value>& outs) {
  const int et0 = static_cast<int>(elem_or(ctx, 0));
  const Dims& x = ctx.shape(0);
  const Dims& rois = ctx.shape(1);
  if (x.size() != 4 || rois.size() != 2) ctx.fail("RoiAlign takes X [N,C,H,W] and rois [R,4]");
  const std::int64_t oh = ctx.attr_int("output_height", 1), ow = ctx.attr_int("output_width", 1);
  check_dim(ctx, oh, "output_height");
  check_dim(ctx, ow, "output_width");
  outs[0] = shaped({rois[0], x[1], oh, ow}, et0);
}

void shape_grid_sample(OpContext& ctx, std::vector<Value>& outs) {
  const int et0 = static_cast<int>(elem_or(ctx, 0));
  const Dims& x = ctx.shape(0);
  const Dims& grid = ctx.shape(1);
  if (x.size() != 4 || grid.size() != 4) ctx.fail("GridSample takes rank-4 X and grid");
  outs[0] = shaped({x[0], x[1], grid[1], grid[2]}, et0);
}

}  // namespace

void propagate_shape_op(OpContext& ctx, std::vector<Value>& outs) {
  const std::string& op = ctx.op_type;
  if (outs.empty()) return;
  const int et0 = static_cast<int>(elem_or(ctx, 0));
  if (op == "Constant") {
    shape_constant(ctx, outs);
  } else if (op == "Reshape") {
    reshape(ctx, outs);
  } else if (op == "Flatten") {
    shape_flatten(ctx, outs);
  } else if (op == "Transpose") {
    shape_transpose(ctx, outs);
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
    shape_pad(ctx, outs);
  } else if (op == "Resize" || op == "Upsample") {
    shape_resize(ctx, outs);
  } else if (op == "Gather") {
    shape_gather(ctx, outs);
  } else if (op == "GatherElements") {
    outs[0] = shaped(ctx.shape(1), et0);
  } else if (op == "Shape") {
    shape_shape(ctx, outs);
  } else if (op == "Size") {
    Value v = shaped({}, onnx::TensorProto_DataType_INT64);
    v.data = ints_contents({count_of(ctx, ctx.shape(0))});
    outs[0] = std::move(v);
  } else if (op == "ConstantOfShape") {
    shape_constant_of_shape(ctx, outs);
  } else if (op == "Expand") {
    auto target = ctx.int_contents(1);
    for (std::int64_t x : target) check_dim(ctx, x, "Expand dimension");
    outs[0] = shaped(broadcast(ctx, ctx.shape(0), Dims(target.begin(), target.end())), et0);
  } else if (op == "Tile") {
    shape_tile(ctx, outs);
  } else if (op == "Range") {
    shape_range(ctx, outs);
  } else if (op.rfind("Reduce", 0) == 0 || op == "ArgMax" || op == "ArgMin") {
    shape_reduce(ctx, outs);
  } else if (op == "DepthToSpace" || op == "SpaceToDepth") {
    shape_depth_to_space(ctx, outs);
  } else if (op == "TopK") {
    shape_top_k(ctx, outs);
  } else if (op == "RoiAlign") {
    shape_roi_align(ctx, outs);
  } else if (op == "GridSample") {
    shape_grid_sample(ctx, outs);
  } else if (op == "Identity" || op == "Dropout" || op == "Cast" || op == "CastLike") {
    propagate_same_shape(ctx, outs);
  } else {
    // ScatterND, ScatterElements, CumSum, Trilu, ReverseSequence, EyeLike: shape of input 0.
    outs[0] = shaped(ctx.shape(0), et0);
  }
}

}  // namespace mosaic::workload::onnx_detail

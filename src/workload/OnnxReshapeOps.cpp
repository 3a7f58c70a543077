// The ONNX importer's reshaping operators: Reshape, Slice, Concat, Split, Squeeze, Unsqueeze
// (output shapes, and contents of small constants; see OnnxOps.h).
#include <algorithm>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "common/Error.h"
#include "workload/OnnxOpsUtil.h"

namespace mosaic::workload::onnx_detail {

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

}  // namespace mosaic::workload::onnx_detail

// Internal to the ONNX importer: the arithmetic and shape helpers every operator rule uses
// (OnnxOps.cpp: the layers; OnnxShapeOps.cpp: the shape and element-wise operators).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "workload/OnnxOps.h"

namespace mosaic::workload::onnx_detail {

inline constexpr std::int64_t kMaxParam = std::int64_t{1} << 20;  // strides, dilations, pads

// A constant's value as int64 (saturated; NaN is 0).
std::int64_t to_i64(long double v);
// a * b, or -1 when the product exceeds kMaxElements (both >= 0).
std::int64_t mul_bounded(std::int64_t a, std::int64_t b);
// Elements of a tensor of shape d (fails beyond 2^52); of the dims [from, to).
std::int64_t count_of(const OpContext& ctx, const Dims& d);
std::int64_t prod(const OpContext& ctx, const Dims& d, std::size_t from, std::size_t to);
// A possibly negative axis of a tensor of that rank, made non-negative (fails when out of range).
std::size_t norm_axis(const OpContext& ctx, std::int64_t axis, std::size_t rank,
                      const char* what = "axis");
void check_dim(const OpContext& ctx, std::int64_t v, const std::string& what);
// Numpy broadcasting of two shapes.
Dims broadcast(const OpContext& ctx, const Dims& a, const Dims& b);
Value shaped(Dims d, int elem_type);
Contents ints_contents(const std::vector<std::int64_t>& v);
// An integer attribute in [min, 2^20].
int param_int(const OpContext& ctx, std::int64_t v, const std::string& what, std::int64_t min);
// The element type of input i (0 when absent).
std::int64_t elem_or(const OpContext& ctx, std::size_t i);

// Row-major strides of a shape.
std::vector<std::int64_t> strides_of(const Dims& s);

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

// True when a value's contents are known and complete for its shape.
bool contents_fit(const Value* v);

// The axes of a reduction-like operator: input `input` from opset `since` on, else the attribute.
std::vector<std::int64_t> axes_input_or_attr(OpContext& ctx, std::size_t input, int since);

// The reshaping operators (OnnxReshapeOps.cpp).
void reshape(OpContext& ctx, std::vector<Value>& outs);
void slice(OpContext& ctx, std::vector<Value>& outs);
void concat(OpContext& ctx, std::vector<Value>& outs);
void split(OpContext& ctx, std::vector<Value>& outs);
void squeeze(OpContext& ctx, std::vector<Value>& outs);
void unsqueeze(OpContext& ctx, std::vector<Value>& outs);

// The shape and element-wise operators (OnnxShapeOps.cpp).
void propagate_broadcast(OpContext& ctx, std::vector<Value>& outs);
void propagate_same_shape(OpContext& ctx, std::vector<Value>& outs);
void propagate_shape_op(OpContext& ctx, std::vector<Value>& outs);

}  // namespace mosaic::workload::onnx_detail

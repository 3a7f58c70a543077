#include "workload/OnnxOpsUtil.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "common/Error.h"

namespace mosaic::workload::onnx_detail {

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

std::size_t norm_axis(const OpContext& ctx, std::int64_t axis, std::size_t rank, const char* what) {
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

std::vector<std::int64_t> strides_of(const Dims& s) {
  std::vector<std::int64_t> st(s.size(), 1);
  for (std::size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

bool contents_fit(const Value* v) {
  if (!v || !v->has_shape || !v->data) return false;
  const std::int64_t n = element_count(v->shape);
  return n >= 0 && static_cast<std::size_t>(n) == v->data->values.size();
}

std::vector<std::int64_t> axes_input_or_attr(OpContext& ctx, std::size_t input, int since) {
  if (ctx.opset >= since) {
    if (!ctx.in(input)) return {};
    return ctx.int_contents(input);
  }
  return ctx.attr_ints("axes");
}

// ---- the operator context and constant tensors ------------------------------------------------

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

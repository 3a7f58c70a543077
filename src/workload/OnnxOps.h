// Internal to the ONNX importer: the per-operator rules. For each ONNX op type, a function that
// computes the output shapes (and, for small integer/float tensors, the contents, so that shape
// arithmetic such as Shape -> Gather -> Concat -> Reshape folds) and fills the Layer of the node.
// Only OnnxImport.cpp and the tests use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workload/Layer.h"

namespace onnx {
class NodeProto;
class TensorProto;
}  // namespace onnx

namespace mosaic::workload::onnx_detail {

using Dims = std::vector<std::int64_t>;

// Contents of a small constant tensor. long double holds every int64 exactly (64-bit mantissa
// on x86-64) and every float.
struct Contents {
  std::vector<long double> values;
  bool is_int = true;
};

// What the importer knows about one ONNX value (tensor).
struct Value {
  bool has_shape = false;
  Dims shape;  // when has_shape: every dim >= 0
  bool constant = false;
  std::optional<Contents> data;  // small constants only
  int elem_type = 0;             // onnx::TensorProto_DataType
  std::int32_t producer = -1;    // Model node that produces it; -1 = graph input or constant
};

// Thrown by an op rule when a shape or constant it needs is not known: the outputs stay unknown
// (a MAC node turns this into an error, other nodes keep unknown sizes).
struct Unknown {
  std::string what;  // which input, for messages
};

// The largest dimension and tensor size the importer accepts (guards 64-bit arithmetic).
inline constexpr std::int64_t kMaxDim = (std::int64_t{1} << 40);
inline constexpr std::int64_t kMaxElements = (std::int64_t{1} << 52);
inline constexpr std::size_t kMaxContents = 4096;  // constant contents kept up to this size

struct OpContext {
  const onnx::NodeProto* node = nullptr;
  std::string op_type;
  std::string display;  // "node 'name' (OpType)" for messages
  std::string file;
  int opset = 0;
  std::vector<const Value*> inputs;  // nullptr for an absent optional input
  std::vector<std::string> warnings;

  [[noreturn]] void fail(const std::string& message) const;

  const Value* in(std::size_t i) const { return i < inputs.size() ? inputs[i] : nullptr; }
  // The shape of input i; throws Unknown when absent or unknown.
  const Dims& shape(std::size_t i) const;
  // The contents of input i; throws Unknown when not a known constant.
  const Contents& contents(std::size_t i) const;
  std::vector<std::int64_t> int_contents(std::size_t i) const;

  bool has_attr(std::string_view name) const;
  std::int64_t attr_int(std::string_view name, std::int64_t def) const;
  std::vector<std::int64_t> attr_ints(std::string_view name) const;  // empty when absent
  std::vector<float> attr_floats(std::string_view name) const;
  float attr_float(std::string_view name, float def) const;
  std::string attr_string(std::string_view name, std::string_view def) const;
  const onnx::TensorProto* attr_tensor(std::string_view name) const;
};

// How a node becomes a layer.
enum class Rule {
  Conv,
  ConvTranspose,
  Gemm,
  MatMul,
  Recurrent,   // LSTM, GRU, RNN
  Einsum,      // two-operand Einsum: a GEMM over its index classes
  Pool,        // MaxPool, AveragePool, LpPool
  GlobalPool,  // GlobalAveragePool, GlobalMaxPool, GlobalLpPool
  Broadcast,   // element-wise arithmetic over broadcast inputs
  SameShape,   // unary element-wise: output shape = input 0 shape
  Shape,       // data movement / shape ops: Other, with a shape function
  Unknown,
};

Rule rule_of(std::string_view op_type);

// Builds the layer of a MAC or pooling node (Rule Conv .. GlobalPool) and its output shapes.
// `layer` arrives with name, source_op and precisions set.
void build_compute_layer(Rule rule, OpContext& ctx, Layer& layer, std::vector<Value>& outputs);

// Computes the outputs of an element-wise or shape node (Rule Broadcast, SameShape, Shape).
void propagate(Rule rule, OpContext& ctx, std::vector<Value>& outputs);

// Lays a tensor shape onto the layer dimensions of an element-wise / Other layer:
// rank 1 {G}, 2 {N, G}, 3 {N, G, X}, 4 {N, G, Y, X}, 5+ {N, G, Y, X = product of the rest}.
void set_dims_from_shape(Layer& layer, const Dims& shape);

// Reads the contents of a small constant tensor (INT64, INT32, FLOAT, DOUBLE, ...); nullopt
// when it is too large, external, or of another type.
std::optional<Contents> read_contents(const onnx::TensorProto& t);

// Element count of a shape; throws via ctx when it exceeds kMaxElements.
std::int64_t element_count(const Dims& d);
// Bits of one element of an ONNX element type (0 when unknown).
int element_bits(int elem_type);

std::string dims_text(const Dims& d);  // "[1, 64, 112, 112]"

}  // namespace mosaic::workload::onnx_detail

// A DNN layer as a loop nest over named dimensions, plus everything derived from its shape
// (output size, MAC count, tensor sizes), computed in one place.
//
// Dimension names follow MAESTRO (and Herald):
//   N  batch                         G  groups (1 for a plain convolution)
//   K  output channels per group     C  input channels per group
//   Y  input rows  (unpadded)        X  input columns (unpadded)
//   R  filter rows                   S  filter columns
// Output rows/columns (Y', X') are derived, never stored.
//
// How each operator maps onto them:
//   Conv            G = 1
//   GroupedConv     G > 1, C and K per group
//   DepthwiseConv   G = channels, C = 1, K = channel multiplier (usually 1)
//   TransposedConv  as Conv; the output is upsampled: (Y-1)*stride - pads + dil*(R-1) + out_pad + 1
//   Gemm / FC       a matrix [M x Kred] * [Kred x Ncol]: N = M (rows, batch), C = Kred, K = Ncol,
//                   Y = X = R = S = 1
//   MaxPool/AvgPool G = channels, C = K = 1, R x S window, no weights
//   Elementwise     G = channels, Y x X, C = K = R = S = 1, no weights, `num_inputs` operands
//   Other           a node without arithmetic (reshape, concat, unknown op): zero MACs
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mosaic::workload {

enum class OpKind {
  Conv,
  GroupedConv,
  DepthwiseConv,
  TransposedConv,
  Gemm,
  MaxPool,
  AvgPool,
  Elementwise,
  Other,
};

// Short stable name used in files and tables: "conv", "gconv", "dwconv", "trconv", "gemm",
// "maxpool", "avgpool", "eltwise", "other".
std::string_view op_name(OpKind op);
// Parses op_name() output (case-insensitive); returns false on an unknown name.
bool parse_op_name(std::string_view text, OpKind& out);

struct Layer {
  std::string name;
  OpKind op = OpKind::Conv;

  std::int64_t N = 1, G = 1, K = 1, C = 1, Y = 1, X = 1, R = 1, S = 1;

  int stride_y = 1, stride_x = 1;
  int dilation_y = 1, dilation_x = 1;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int output_pad_y = 0, output_pad_x = 0;  // TransposedConv only

  // Operand precisions in bits. psum_bits is the precision of partial sums kept on chip.
  int input_bits = 8, weight_bits = 8, output_bits = 8, psum_bits = 16;

  // Elementwise: number of input operands (2 for a residual add).
  int num_inputs = 1;

  // Free-form label of the operator this layer came from (e.g. the ONNX op type).
  std::string source_op;
};

// Shape queries; all are pure and exact (64-bit).
std::int64_t output_rows(const Layer& l);  // Y'
std::int64_t output_cols(const Layer& l);  // X'

// Multiply-accumulates (0 for pooling, element-wise and Other layers).
std::int64_t macs(const Layer& l);
// Arithmetic operations of any kind: MACs, or comparisons/additions for pooling and element-wise.
std::int64_t ops(const Layer& l);

// Tensor sizes in elements. input_elements counts every input operand (x num_inputs).
std::int64_t input_elements(const Layer& l);
std::int64_t weight_elements(const Layer& l);
std::int64_t output_elements(const Layer& l);

// Tensor sizes in bytes (rounded up per tensor).
std::int64_t input_bytes(const Layer& l);
std::int64_t weight_bytes(const Layer& l);
std::int64_t output_bytes(const Layer& l);

// True when the op multiplies by a weight tensor.
bool has_weights(OpKind op);
// True for Conv/GroupedConv/DepthwiseConv/TransposedConv/Gemm.
bool is_mac_op(OpKind op);

// Checks every dimension and hyper-parameter; throws mosaic::UserError naming the layer and the
// field (e.g. "R = 5 exceeds the padded input rows 3").
void validate(const Layer& l);

// The layer's shape: every field that affects a cost (operator, dimensions, strides, dilations,
// padding, precisions, input count), but not its name, psum_bits or source_op. Two layers with the
// same key cost the same on any core; every cost cache keys layers by it (cost::CostCache, and
// through it Herald's sweep). The text is "op|N,G,K,C,Y,X,R,S|strides,dilations,pads,output
// pads|input,weight,output bits,inputs".
std::string shape_key(const Layer& l);

}  // namespace mosaic::workload

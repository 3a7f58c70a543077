// ONNX import: reads an ONNX model (with its weights, with weights stripped, or with external
// weight files that are absent; weight values are never needed) and builds a Model.
//
// Every ONNX node that depends on a graph input becomes one Node of the Model, in topological
// order, named after the ONNX node (or "<OpType>_<index>" when the node has no name), with the
// ONNX op type in Layer::source_op. Nodes that depend only on constants (Constant, shape
// arithmetic, weight pre-processing) are folded away.
//
//   Conv (group 1)                  -> Conv
//   Conv (group = channels)         -> DepthwiseConv (G = channels, C = 1, K = multiplier)
//   Conv (other groups)             -> GroupedConv   (G = groups, C and K per group)
//   Conv1d                          -> Y = R = 1, the length on X / S
//   Conv3d                          -> depth folded: N *= output depth, C *= kernel depth
//                                      (MACs exact, input size approximate; a warning says so)
//   ConvTranspose                   -> TransposedConv
//   Gemm, MatMul                    -> Gemm: N = rows (all leading dims of A when B is shared),
//                                      C = reduction, K = columns; batched matmuls whose two
//                                      operands both carry batch dims (attention) put the batch
//                                      in G
//   LSTM / GRU / RNN                -> Gemm per direction (G = directions), N = seq x batch,
//                                      C = input + hidden, K = gates x hidden
//   MaxPool / AveragePool / LpPool,
//   GlobalAveragePool / GlobalMaxPool -> MaxPool / AvgPool (G = channels); ceil_mode becomes
//                                      extra end padding
//   activations, normalisation, Add, Mul, comparisons, ... -> Elementwise (num_inputs = data
//                                      operands)
//   Reshape, Flatten, Transpose, Concat, Split, Slice, Resize, Pad, Gather, ... -> Other
//   anything else                   -> Other, zero cost, with a warning naming the op types
//
// Shapes come from mosaic's own shape propagation (including small constant folding of shape
// arithmetic); where it cannot compute a shape it takes the file's value_info. When both are
// known and disagree, the import fails naming the node.
//
// The importer (OnnxImport.cpp, OnnxOps.cpp: every src/workload/Onnx*.cpp) is built into the
// plugin libmosaic_onnx.so, not into mosaic_workload; the functions below reach it through
// ImportPlugin.cpp. A new function that mosaic calls must be added as an Op in OnnxPlugin.h and
// forwarded in ImportPlugin.cpp and OnnxPluginEntry.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "workload/Model.h"

namespace mosaic::workload {

struct OnnxImportOptions {
  // Values of symbolic dimensions (ONNX dim_param names), e.g. {"batch_size", 8}.
  std::map<std::string, std::int64_t> dim_params;
  // Value of symbolic or missing dimensions of the graph inputs not named in dim_params.
  std::int64_t default_dim = 1;
  // Operand precisions (bits) given to every layer.
  int input_bits = 8, weight_bits = 8, output_bits = 8, psum_bits = 16;
  // Take input/weight/output bits from the tensor element types instead (FLOAT 32, FLOAT16 and
  // BFLOAT16 16, INT8/UINT8 8, ...), falling back to the bits above for unknown types.
  bool precision_from_types = false;
  // Use the shapes the file records (value_info, graph outputs) where propagation cannot.
  bool use_value_info = true;
  // Model name; empty = the ONNX graph name, or the file stem.
  std::string name;
};

// Reads an ONNX file. Throws UserError naming the file and node for anything it cannot read:
// not a protobuf, truncated, unsupported opset, cycles, unknown shapes at a MAC node, zero or
// negative dimensions, inconsistent shapes.
Model import_onnx(const std::filesystem::path& path, const OnnxImportOptions& options = {});

// The same from bytes in memory; `label` names the source in messages and in Model::source.
Model import_onnx_bytes(const void* data, std::size_t size, const std::string& label,
                        const OnnxImportOptions& options = {});

// The opsets of the default ONNX domain that import_onnx accepts.
inline constexpr int kMinOnnxOpset = 7;
inline constexpr int kMaxOnnxOpset = 22;  // the newest opset mosaic's shape propagation reads
int max_onnx_opset();  // max(kMaxOnnxOpset, the newest opset the linked ONNX library knows)

}  // namespace mosaic::workload

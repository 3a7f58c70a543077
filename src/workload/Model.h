// A DNN model: a DAG of layers connected by tensors.
//
// Nodes are kept in a topological order (every producer before its consumers). Each node holds
// its Layer (shape, operator, precisions) and the tensors it reads from other nodes or from the
// model's inputs, with their sizes in elements. Constant operands (weights, folded shape
// arithmetic) are not edges: their size is part of the Layer (weight_elements).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workload/Layer.h"

namespace mosaic::workload {

// One tensor read by a node.
struct TensorInput {
  std::int32_t producer = -1;  // index of the producing node, or -1 for a model input
  std::int64_t elements = 0;   // tensor size; 0 when the size is unknown
  std::string tensor;          // tensor name (ONNX value name, or "<producer>:out")
};

struct Node {
  Layer layer;
  std::vector<TensorInput> inputs;
  // Shape of the (first) output tensor as the source gives it, e.g. {1, 64, 112, 112}. Empty when
  // unknown (a zero-cost node after a data-dependent operator); then `shape_known` is false and
  // the layer's dimensions are 1.
  std::vector<std::int64_t> output_shape;
  bool shape_known = true;
};

struct Model {
  std::string name;
  std::string source;  // "zoo:resnet50", an ONNX path, a MAESTRO file path
  std::vector<Node> nodes;
  std::vector<std::string> warnings;  // non-fatal remarks of the importer (unknown ops, ...)
};

// Indices of the distinct nodes a node reads from, ascending (model inputs excluded).
std::vector<std::int32_t> predecessors(const Model& m, std::int32_t node);
// Successor lists of every node (ascending).
std::vector<std::vector<std::int32_t>> successors(const Model& m);

std::int64_t total_macs(const Model& m);
// Number of nodes whose operator multiplies (conv, gemm, ...).
std::int64_t mac_layer_count(const Model& m);

// Checks the invariants: producers precede consumers, names unique and non-empty, every layer
// valid. Throws UserError naming the model and node.
void validate(const Model& m);

// A copy with the "pass-through" nodes removed: single-input zero-MAC operators that do not
// pool (activations, normalisation, reshape, transpose, slice, resize, ...). Their consumers
// read from their producers instead, so dependences are kept. MAC layers, pooling layers and
// joins (residual adds, concatenations: two or more data inputs) remain. Schedulers work on this
// compact graph.
Model compact(const Model& m);

// A linear chain: node i reads node i-1 (the first reads the model input). Used for layer tables
// without explicit edges (MAESTRO model files).
Model chain_model(std::string name, std::string source, std::vector<Layer> layers);

}  // namespace mosaic::workload

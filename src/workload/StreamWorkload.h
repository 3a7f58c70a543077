// Stream's workload side: the mapping YAML (core allocation and tiling per layer), the layer
// stacks, the tiling of layers into computation nodes (CNs) and the CN dependency graph.
//
// Mapping YAML (classic Stream), entries matched by layer name, then operator type, then `default`:
//   - name: default
//     core_allocation: [0, 1, 2]       # one id = fixed; several = free choice, or one per split
//     intra_core_tiling: ["OY, all"]   # temporal tiles (fusion granularity): "DIM, n|all"
//     inter_core_tiling: ["K, 3"]      # split over cores: "DIM, n|*"
//
// Tiling follows Stream's TilingGeneration and TiledWorkloadGeneration stages: invalid dimensions
// are an error (Stream drops them with a warning; mosaic names the file and line), a factor
// above the size is reduced to it, single-layer stacks get no intra-core tiling, missing tilings
// take Stream's defaults, dimensions are padded up to a multiple of their outer tiling, tiles
// are numbered with the inter-core loops varying fastest, consecutive tiles of one inter-core
// group are chained by intra-layer edges, and inter-layer edges join a producer tile to every
// consumer tile whose input range overlaps its output range.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "workload/ZigZagWorkload.h"

namespace mosaic::workload {

struct StreamTiling {
  std::string dim;
  std::int64_t factor = 1;
  enum Kind { Number, All, Wildcard } kind = Number;
};

struct StreamMappingEntry {
  std::string name;
  std::vector<int> core_allocation;
  bool has_intra = false, has_inter = false;
  std::vector<StreamTiling> intra, inter;
  std::string source_file;
  int source_line = 0;
};

struct StreamMappingSet {
  std::vector<StreamMappingEntry> entries;
  std::string source_file;
};

StreamMappingSet read_stream_mapping(const std::string& path);
StreamMappingSet parse_stream_mapping(const std::string& text, const std::string& path);
// The entry for a layer (name, then operator type case-insensitively, then "default"); throws
// UserError when none applies.
const StreamMappingEntry& match_stream_mapping(const StreamMappingSet& set, const std::string& name,
                                               const std::string& op_type);

// A workload as Stream sees it: its computation layers (ZigZag loop form) and, per layer and
// input operand, the producing layer (index into `layers`; -1 for a graph input).
struct StreamWorkload {
  std::vector<EinsumLayer> layers;
  std::vector<std::vector<std::pair<std::string, int>>> inputs;  // per layer: operand -> producer
  std::string source_file;
};

// Stream's other ONNX computation nodes: pooling (MaxPool, AveragePool, GlobalMaxPool,
// GlobalAveragePool), element-wise Add/Mul and SIMD operators (Relu, Gelu, Silu, Sigmoid, Exp,
// Sqrt, Div, Pow, Reciprocal). `data_inputs`: how many of the node's inputs come from other
// nodes (2: W is a data input, not a constant).
bool stream_computation_op(const std::string& onnx_op);
EinsumConversion stream_onnx_layer(const Node& n, std::int64_t id, int data_inputs);

// From an ONNX model (Conv/Gemm/MatMul, pooling, element-wise and SIMD layers as Stream's ONNX
// parser makes them; other nodes pass their first input through) or from a ZigZag/Stream
// workload YAML (operand_source gives the producers).
StreamWorkload stream_workload_from_file(const std::string& path);
// Layer indices in a topological order; throws UserError naming a layer on a cycle.
std::vector<int> topological_order(const StreamWorkload& w);

// Layer stacks, as lists of layer indices.
enum class StackMode { LayerByLayer, Fused };
// `spec` like "0-10,11-21" (layer indices); missing layers become single stacks. Empty spec with
// Fused: Stream's rule (the first run of layers whose weights fit `weight_capacity_bits` is fused,
// the rest layer by layer).
std::vector<std::vector<int>> make_layer_stacks(const StreamWorkload& w, StackMode mode,
                                                const std::string& spec,
                                                double weight_capacity_bits);

struct CnTensor {
  int layer = 0;
  std::string operand;                                        // layer operand: "O", "W", "I"
  std::vector<std::string> dims;                              // operand dimensions (equation order)
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;  // per dim, [begin, end)
  std::int64_t size_bits = 0;
};

struct Cn {
  int layer = 0;
  int sub_id = 0;
  int group = 0;             // inter-core group
  int fixed_core = -1;       // when the allocation is fixed per group
  int unique = 0;            // index of the unique CN shape (same cost)
  bool final_output = true;  // all output-irrelevant loops at their end
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;  // per loop dim of the layer
  std::vector<std::pair<std::string, int>> tensors;           // layer operand -> tensor id
  int tensor_of(const std::string& operand) const;            // -1 when absent
};

struct CnEdge {
  int src = 0, dst = 0;
  std::string operand;  // consumer layer operand ("" for intra-layer edges)
  bool intra = false;
};

struct TileGraph {
  std::vector<int> layer_order;  // topological
  std::vector<std::vector<int>> stacks;
  std::vector<EinsumLayer> tile_layers;  // per unique CN: the tile as a layer
  std::vector<int> unique_stack_size;    // per unique CN: size of its stack
  std::vector<int> unique_layer;         // per unique CN: its layer
  std::vector<Cn> cns;
  std::vector<CnEdge> edges;
  std::vector<CnTensor> tensors;
  std::vector<std::vector<int>> preds, succs;  // CN adjacency (edge ids)
  std::vector<int> order;                      // scheduling order: CN ids, highest priority first
  std::vector<int> inter_splits;               // per layer: product of inter-core factors
  std::vector<std::vector<int>> core_allocation;        // per layer
  std::vector<std::vector<StreamTiling>> intra, inter;  // per layer, after validation
};

// Tiles the workload. Throws UserError (naming the mapping file and line) for a tiling dimension
// the layer lacks or a fixed allocation that does not match the inter-core split.
TileGraph split_workload(const StreamWorkload& w, const StreamMappingSet& mapping,
                         const std::vector<std::vector<int>>& stacks, StackMode mode);

}  // namespace mosaic::workload

// A layer as a loop nest over named dimensions with an einsum-like equation: the representation
// ZigZag and Stream use, and the input of the loop-nest cost model (src/cost/LoopNest*).
//
//   equation  O[b][k][oy][ox] += W[k][c][fy][fx] * I[b][c][iy][ix]
//   dims      B K C OY OX FY FX with sizes
//   relations ix = 2*ox + 1*fx, iy = 2*oy + 1*fy   (partially relevant dimensions)
//
// An operand's dimensions are the bracketed names in the equation (upper-cased). A dimension that
// is not a loop dimension (IX, IY) must be defined by a relation. Precisions are in bits: each
// operand by name, plus "O_final" for the final output (the output operand's own precision is
// that of partial sums).
//
// Readers: ZigZag's YAML layer list (read_zigzag_workload), and mosaic's Layer (to_einsum, which
// converts exactly as ZigZag's ONNX parser does so that ONNX workloads cost the same).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "workload/Layer.h"
#include "workload/Model.h"

namespace mosaic::workload {

struct EinsumOperand {
  std::string name;               // "O", "W", "I" (any identifier)
  std::vector<std::string> dims;  // upper-case dimension names, as in the equation
};

// dim = coef_a * dim_a + coef_b * dim_b, e.g. IX = 2*OX + 1*FX.
struct DimRelation {
  std::string dim;
  std::string dim_a;
  std::int64_t coef_a = 1;
  std::string dim_b;
  std::int64_t coef_b = 1;
};

struct EinsumLayer {
  std::int64_t id = 0;
  std::string name;
  std::string op_type;  // Conv, Pooling, Add, Gemm, ... (selects a mapping entry)
  std::string equation;

  std::vector<std::string> dims;    // loop dimensions, in file order
  std::vector<std::int64_t> sizes;  // same length as dims

  std::vector<EinsumOperand> operands;  // equation order; operands[0] is the output
  std::vector<DimRelation> relations;

  std::vector<std::pair<std::string, int>> precision_bits;  // "I", "W", "O", "O_final"
  // Producer layer id of each input operand; an operand whose source is the layer's own id is a
  // constant (weights).
  std::vector<std::pair<std::string, std::int64_t>> operand_source;

  // Optional sizes and padding of partially relevant dimensions (IX, IY): the largest index range
  // of the dimension. Without sizes, the range is computed from the relation minus the padding.
  std::vector<std::string> pr_dims;
  std::vector<std::int64_t> pr_sizes;
  std::vector<std::pair<std::int64_t, std::int64_t>> padding;

  // Where the layer was read from (for messages); line 0 when not from a file.
  std::string source_file;
  int source_line = 0;
};

// Queries.
std::int64_t dim_size(const EinsumLayer& l, const std::string& dim);  // 1 when absent
int precision_of(const EinsumLayer& l, const std::string& operand);   // -1 when absent
// Product of all loop sizes (ZigZag's total MAC count; element count for Add/Pooling).
std::int64_t total_iterations(const EinsumLayer& l);
// Constant operands (operand_source == id).
std::vector<std::string> constant_operands(const EinsumLayer& l);

// Parses an equation "O[b][k]+=W[k][c]*I[b][c]" into operands (output first). Throws UserError
// (with `where`) when malformed.
std::vector<EinsumOperand> parse_equation(const std::string& equation, const std::string& where);
// Parses "ix=2*ox+1*fx" (coefficients optional).
DimRelation parse_relation(const std::string& text, const std::string& where);

// Reads a ZigZag workload YAML (a list of layers). Validates like ZigZag's WorkloadValidator and
// checks that every operand dimension is a loop dimension or defined by a relation.
std::vector<EinsumLayer> read_zigzag_workload(const std::string& path);
std::vector<EinsumLayer> parse_zigzag_workload(const std::string& text, const std::string& path);

// Converts a mosaic Layer into ZigZag's loop representation the way ZigZag's ONNX parser does:
// Conv (any groups): dims B K G OX OY C FX FY, equation
//   O[b][g][k][oy][ox] += W[g][k][c][fy][fx] * I[b][g][c][iy][ix], relations
//   ix = stride_y*ox + dilation_y*fx, iy = stride_x*oy + dilation_x*fy (ZigZag pairs the ONNX
//   first kernel axis with OX), IX/IY sized by the unpadded input, precisions I = W = O_final =
//   activation bits, O = 2 x activation bits unless the layer says otherwise.
// Gemm: dims C D K (+B), O[d][k] += I[d][c] * W[c][k].
// Other op kinds have no ZigZag layer (ZigZag skips them): returns false.
struct EinsumConversion {
  bool ok = false;
  EinsumLayer layer;
  std::string reason;  // why not, when !ok
};
EinsumConversion to_einsum(const Layer& layer, std::int64_t id);

// The layers ZigZag's ONNX parser would cost in an imported model: nodes whose ONNX op is Conv,
// QLinearConv, Gemm or MatMul (everything else, LSTM included, is a zero-cost dummy in ZigZag),
// converted with to_einsum; ids are the node indices.
std::vector<EinsumLayer> zigzag_layers(const Model& model);

}  // namespace mosaic::workload

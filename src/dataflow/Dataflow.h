// The data-centric dataflow IR of MAESTRO (section 3 of the MAESTRO paper):
//   TemporalMap(size, offset) D   the same tile of D goes to every sub-cluster; it moves by
//                                 `offset` each temporal step
//   SpatialMap(size, offset) D    sub-cluster i gets [i*offset, i*offset+size) of D; folded over
//                                 time when the sub-clusters do not cover D
//   Cluster(size[, P|L])          groups `size` sub-clusters into one unit for the directives above
// Sizes are integers or Sz(D) (the size of D in the layer the dataflow is bound to). Output
// coordinates Y' and X' may be mapped; they are converted to input coordinates when bound.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workload/Layer.h"
#include "workload/MaestroFormat.h"

namespace mosaic::dataflow {

// Dimensions, in alphabetical order of their names (MAESTRO keeps dimension tables sorted by name
// and appends implicit directives in that order, which its analysis depends on).
enum class Dim : std::uint8_t { C, G, K, M, N, R, S, X, Xp, Y, Yp };
inline constexpr int kNumDims = 11;
inline constexpr int di(Dim d) {
  return static_cast<int>(d);
}
std::string_view dim_name(Dim d);  // "C", ..., "X'", "Y'"
std::optional<Dim> parse_dim(std::string_view name);

// A directive size: a number or Sz(dim).
struct Size {
  std::int64_t value = 0;
  std::optional<Dim> of_dim;  // Sz(of_dim)
  std::string text() const;
};

enum class DirectiveKind { TemporalMap, SpatialMap, Cluster };

struct Directive {
  DirectiveKind kind = DirectiveKind::TemporalMap;
  Size size;
  Size offset;               // maps only
  Dim dim = Dim::K;          // maps only
  bool physical = true;      // Cluster only
  int line = 0;              // source line, 0 when built in code
  std::string text() const;  // e.g. "SpatialMap(Sz(R),1) Y"
};

// A dataflow: an ordered directive list (outermost first), unbound.
struct Dataflow {
  std::string name;
  std::string file;  // where it was read from (for messages), may be empty
  std::vector<Directive> directives;
};

// Builds a Dataflow from parsed MAESTRO syntax; unknown dimension names are UserErrors.
Dataflow from_syntax(const std::vector<workload::maestro_format::DirectiveSyntax>& syntax,
                     const std::string& name, const std::string& file);

// Reads a dataflow file (a Dataflow { ... } block or bare directives, MAESTRO syntax).
Dataflow read_dataflow_file(const std::string& path, const std::string& name);

// ---------------------------------------------------------------------------------------------
// The problem a dataflow is bound to: MAESTRO's view of a layer. Operator classes and the
// dimensions each tensor depends on:
//   Conv      input {N,C,Y,X}   weight {K,C,R,S}    output {N,K,Y,X}
//   DwConv    input {N,C,Y,X}   weight {C,R,S}      output {N,C,Y,X}
//   GConv     input {N,G,C,Y,X} weight {G,K,C,R,S}  output {N,G,K,C,Y,X}
//   Gemm      input {M,K}       weight {K,N}        output {M,N}
// (N is in the tensors only when the problem has a batch dimension.)
enum class ProblemType { Conv, DwConv, GConv, Gemm };

struct Problem {
  ProblemType type = ProblemType::Conv;
  std::string name;
  std::array<std::int64_t, kNumDims> size{};    // 0 = absent
  std::array<std::int64_t, kNumDims> stride{};  // outer stride per dimension (1 by default)
  bool batch = false;                           // tensors carry N
  // Dimensions in the order the layer declared them (the "Num Total ... Pixels" figures of the
  // MAESTRO CSV count only declared dimensions).
  std::vector<Dim> declared;

  bool has(Dim d) const { return size[static_cast<std::size_t>(di(d))] > 0; }
  std::int64_t operator[](Dim d) const { return size[static_cast<std::size_t>(di(d))]; }
};

// The tensors of a problem type, as dimension lists in MAESTRO's order.
struct TensorDims {
  std::array<Dim, 6> dims{};
  int count = 0;
  std::uint16_t mask = 0;  // bit di(d) set for every dimension of the tensor
  bool contains(Dim d) const { return (mask >> di(d)) & 1u; }
};
TensorDims input_dims(ProblemType t, bool batch);
TensorDims weight_dims(ProblemType t, bool batch);
TensorDims output_dims(ProblemType t, bool batch);

// MAESTRO's problem for a parsed MAESTRO layer: declared dimensions, strides, and the derived
// Y' = Y-R+1 / X' = X-S+1 (or Y/X from Y'/X'), exactly as the MAESTRO tool builds them.
// With maestro_compat, the derived dimension's stride is read from the other axis when Y'/X' are
// given (MAESTRO's swapped variables); otherwise from its own axis.
Problem problem_from_syntax(const workload::maestro_format::LayerSyntax& layer,
                            const std::string& file, bool maestro_compat = true);

// The problem for a framework layer (padding folded into the input size, since the directive
// model has none). A GEMM becomes a 1x1 convolution over its rows (Y = M); pooling and
// element-wise layers map onto DwConv shapes; a transposed convolution becomes the equivalent
// direct convolution over its upsampled input. Throws UserError for operators the directive
// model cannot express (Other).
Problem problem_from_layer(const workload::Layer& layer);

// A directive with its sizes resolved against a problem.
struct BoundDirective {
  DirectiveKind kind = DirectiveKind::TemporalMap;
  std::int64_t size = 0;
  std::int64_t offset = 0;
  Dim dim = Dim::K;
  int line = 0;
};

// A strided 1x1 window reads only every stride-th input: the same work as a stride-1 layer over
// the subsampled input (Y = Y' = output rows). The directive analysis models that exactly, while
// its stride handling for windows narrower than the stride is approximate.
Problem densify_pointwise_stride(const Problem& p);

// A library dataflow applied to a batched problem walks the batch outermost, one sample at a
// time (TemporalMap(1,1) N in front), unless it maps N itself.
Dataflow adapt_to_problem(const Dataflow& df, const Problem& problem);

// Resolves Sz(D) against `problem` (Sz(Y') and Sz(X') resolve to the derived output size).
// Throws UserError (file, line, field) when a size names a dimension the problem lacks.
std::vector<BoundDirective> bind(const Dataflow& df, const Problem& problem);

}  // namespace mosaic::dataflow

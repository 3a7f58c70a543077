// MAESTRO's network / mapping file format (the `.m` files of the public MAESTRO tool), read as
// syntax: layers with their dimensions, strides and (optionally) dataflow directives. The dataflow
// module gives the directives their meaning; Layer conversion is here.
//
// Lexical rules follow MAESTRO: a line splits into tokens at space, tab and , - > ( ) : ; so
// `Y:224`, `Y 224` and `Y: 224;` are the same, except that a `-` starting a token before a digit
// is a minus sign (`K: -8` is -8 and refused as a size; MAESTRO drops the sign). A UTF-8
// byte-order mark is skipped. Unlike MAESTRO, `{` and `}` also split tokens
// (`Dimensions {K: 64` works) and `//` starts a comment anywhere. Line numbers are exact.
//
//   file       := { "Constant" NAME INT | network | accelerator }
//   network    := "Network" [NAME] "{" { layer } "}"
//   layer      := "Layer" [NAME] "{" "Type" TYPE [stride] dims [dataflow] "}"
//   stride     := "Stride" "{" { DIM INT } "}"           (must precede Dimensions)
//   dims       := "Dimensions" "{" { DIM (INT|CONSTANT) } "}"
//   dataflow   := "Dataflow" "{" { directive } "}"
//   directive  := ("TemporalMap"|"SpatialMap") "(" size "," size ")" DIM
//               | "Cluster" "(" size ["," ("P"|"L")] ")"
//   size       := INT | CONSTANT | "Sz" "(" DIM ")"
//   accelerator:= "Accelerator" "{" ... "}"              (parsed and ignored, as MAESTRO does)
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workload/Layer.h"

namespace mosaic::workload::maestro_format {

// A token of a .m file (network, mapping or hardware file) and its 1-based line. The text is a
// view into the text given to tokenize, which must outlive the tokens.
struct Token {
  std::string_view text;
  int line = 0;
};
// Splits a .m file's text into tokens by the rules above (`//` comments dropped).
std::vector<Token> tokenize(std::string_view text);

// A directive size: a number (a literal or a named constant, already resolved) or Sz(DIM).
struct SizeExpr {
  std::int64_t value = 0;  // when dim is empty
  std::string dim;         // Sz(dim) when not empty
  std::string text;        // as written, for messages and rendering
  bool is_dim_size() const { return !dim.empty(); }
};

enum class DirectiveKind { TemporalMap, SpatialMap, Cluster };

struct DirectiveSyntax {
  DirectiveKind kind = DirectiveKind::TemporalMap;
  SizeExpr size;
  SizeExpr offset;          // maps only
  std::string dim;          // maps only: N G K C R S Y X Y' X' (GEMM: M N K)
  char cluster_type = 'P';  // Cluster only: 'P' physical or 'L' logical
  int line = 0;
};

struct DimSyntax {
  std::string name;
  std::int64_t size = 0;
  int line = 0;
};

struct LayerSyntax {
  std::string name;
  std::string type;  // CONV, DSCONV, NGCONV, GEMM, TRCONV
  int line = 0;
  std::vector<DimSyntax> strides;  // Stride { X: 2, Y: 2 } in order
  std::vector<DimSyntax> dims;     // Dimensions { ... } in order
  bool has_dataflow = false;
  int dataflow_line = 0;
  std::vector<DirectiveSyntax> dataflow;

  // The size of a declared dimension, or nullopt.
  std::optional<std::int64_t> dim(std::string_view name) const;
  // The stride given for a dimension (1 when absent).
  std::int64_t stride(std::string_view name) const;
};

struct NetworkSyntax {
  std::string file;  // as given to the parser, for messages
  std::string name;
  std::map<std::string, std::int64_t> constants;
  std::vector<LayerSyntax> layers;
};

// Parses a network (model or mapping) file. Throws UserError naming file, line and field.
NetworkSyntax parse_network_file(const std::filesystem::path& path);
NetworkSyntax parse_network_text(std::string_view text, const std::string& file_label);

// Parses a bare directive list (the body of a Dataflow block, with or without the surrounding
// `Dataflow { }`), as used by the named dataflow library. Constants may precede it.
std::vector<DirectiveSyntax> parse_dataflow_text(std::string_view text,
                                                 const std::string& file_label);

// Builds a Layer from a MAESTRO layer (no padding, as MAESTRO's convention):
//   CONV -> Conv; NGCONV -> GroupedConv; DSCONV -> DepthwiseConv (G = C, K = 1 per group);
//   GEMM (M, N, K) -> Gemm with N = M rows, C = K reduction, K = N columns;
//   TRCONV -> TransposedConv (stride from the Stride block, 2 when none is given: a transposed
//   convolution upsamples by its stride).
// Output-centric dimensions (Y', X') give the input size (Y'-1)*stride + R.
Layer to_layer(const LayerSyntax& layer, const std::string& file);

}  // namespace mosaic::workload::maestro_format

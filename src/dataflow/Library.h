// The library of named dataflows: our own directive files under examples/dataflows/, compiled
// into the binary and usable by name with any layer.
//
//   kcp_ws  NVDLA-like weight stationary      yxp_os  ShiDianNao-like output stationary
//   rs      Eyeriss-like row stationary       xp_ws   X-parallel weight stationary
//   nlr     no local reuse (DianNao-like)     ckp_ws  weight stationary, C across clusters
//   tpu_ck  TPU-like systolic, C|K            maeri   MAERI virtual neurons (3 levels)
//   dpt     depthwise                         nmk     GEMM (M x K) * (K x N)
// Aliases: nvdla = kcp_ws, shidiannao (or shi) = yxp_os, eyeriss = rs, tpu = tpu_ck.
//
// A name resolves to a variant per layer class: depthwise layers use `<name>.dw.m` when it
// exists and `dpt` otherwise; GEMM problems (M, N, K dimensions) use `<name>.gemm.m` when it
// exists and `nmk` otherwise. A path to a .m file is read as a dataflow file.
#pragma once

#include <string>
#include <vector>

#include "dataflow/Dataflow.h"

namespace mosaic::dataflow {

namespace detail {
struct EmbeddedFile {
  const char* name;
  const char* text;
};
extern const EmbeddedFile kEmbeddedDataflows[];
extern const int kNumEmbeddedDataflows;
}  // namespace detail

// The canonical names of the library (sorted), without variants.
std::vector<std::string> library_names();

// True when `name` (or an alias) is in the library.
bool is_library_dataflow(const std::string& name);

// The dataflow named `name` (or an alias, or a path to a .m file) for a problem of type `type`.
// Throws UserError listing the known names when the name is unknown.
Dataflow library_dataflow(const std::string& name, ProblemType type);

// The canonical name behind an alias ("nvdla" -> "kcp_ws"); unknown names are returned as is.
std::string canonical_dataflow_name(const std::string& name);

}  // namespace mosaic::dataflow

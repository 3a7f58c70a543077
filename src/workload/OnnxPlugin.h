// The boundary between mosaic and its ONNX importer, which lives in a plugin (libmosaic_onnx.so)
// loaded the first time an ONNX file is read. libonnx and protobuf are then mapped and relocated
// only by the runs that read ONNX: they were 40 % of the dynamic loader's work at every start-up
// (9,000 relocations), whatever the verb (bench/README.md, start-up section).
//
// The call crosses the boundary as one struct of plain pointers; no exception crosses it (the
// plugin catches its errors and the caller re-throws them as its own UserError / InternalError).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "common/Error.h"
#include "workload/Model.h"
#include "workload/OnnxImport.h"

namespace mosaic::workload {

inline constexpr int kOnnxPluginAbi = 1;
inline constexpr const char* kOnnxPluginEntry = "mosaic_onnx_plugin_call";
inline constexpr const char* kOnnxPluginFile = "libmosaic_onnx.so";

struct OnnxPluginCall {
  enum class Op { ImportFile, ImportBytes, MaxOpset };
  enum class Outcome { Ok, UserError, InternalError, OtherError };

  int abi = kOnnxPluginAbi;
  Op op = Op::ImportFile;
  // Inputs (by op).
  const std::filesystem::path* path = nullptr;
  const void* data = nullptr;
  std::size_t size = 0;
  const std::string* label = nullptr;
  const OnnxImportOptions* options = nullptr;
  // Outputs.
  Model* model = nullptr;
  int max_opset = 0;
  Outcome outcome = Outcome::Ok;
  SourceLocation error_where;
  std::string error_message;
};

// The plugin's entry point: fills `call`'s outputs; returns 0, or -1 for an ABI mismatch.
using OnnxPluginEntry = int (*)(OnnxPluginCall* call);

}  // namespace mosaic::workload

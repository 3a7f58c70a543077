// Workload files (YAML, or the same schema in JSON) and the one-argument workload names the
// command line accepts. The format is described in docs/workloads.md:
//
//   name: my-workload
//   models:
//     - zoo: resnet50              # a built-in model, or
//       instances: 2
//     - onnx: nets/model.onnx      # an ONNX file (relative to this file), or
//       dims: {batch_size: 1}      #   values of symbolic dimensions
//     - maestro: nets/unet.m       # a MAESTRO model/mapping file, or
//     - name: tiny                 # an inline layer table
//       batch: 4
//       layers:
//         - {name: c1, op: conv, dims: {K: 16, C: 3, Y: 32, X: 32, R: 3, S: 3}, pad: 1}
//         - {name: fc, op: gemm, dims: {C: 16384, K: 10}, inputs: [c1]}
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "workload/Workload.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::workload {

// Parses a workload file's text. `file_label` names it in messages; relative model paths are
// resolved against `base_dir`. Throws UserError naming file, line and key.
Workload parse_workload_text(std::string_view text, const std::string& file_label,
                             const std::filesystem::path& base_dir);

// Reads a YAML or JSON workload file.
Workload load_workload_file(const std::filesystem::path& path);

// A workload from one command-line argument: a built-in workload (arvr-a, arvr-b, mlperf,
// mlperf-b8), a zoo model name, an ONNX file (*.onnx), a MAESTRO file (*.m), a ZigZag workload
// YAML (a list of layers; read by ZigZagConvert.h's zigzag_model) or a workload file (*.yaml,
// *.yml, *.json). The one workload front end of every verb (docs/cli.md).
Workload load_workload(const std::string& spec);

// The same argument as ZigZag layers, for the loop-nest verbs (map, memsize): a ZigZag workload
// YAML as written, an ONNX file by ZigZag's ONNX parser's rules (zigzag_layers), anything else
// through load_workload and einsum_layers (its convolution and matrix-multiply layers).
std::vector<EinsumLayer> load_einsum_layers(const std::string& spec);

// True when a .yaml file is a ZigZag workload (its first entry is a list item), not a mosaic
// workload file (a mapping with `models:`).
bool is_zigzag_workload_file(const std::filesystem::path& path);

}  // namespace mosaic::workload

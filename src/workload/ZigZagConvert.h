// ZigZag's loop form <-> mosaic's workloads, so that every verb takes every workload kind:
//
//   - a ZigZag workload YAML read as a mosaic Model (herald, dse, schedule, workload show/convert,
//     h3m): each layer's roles are found from its equation, as ZigZag's own operand roles are
//     (the output operand, the constant operand = weights, the other input), not from its names;
//   - any mosaic workload (zoo model, built-in, MAESTRO .m, mosaic YAML/JSON) as ZigZag layers
//     (map, memsize): to_einsum of every layer ZigZag would cost;
//   - `mosaic workload convert --to zigzag`: a ZigZag workload YAML that read_zigzag_workload and
//     ZigZag itself read back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workload/Workload.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::workload {

// One ZigZag layer as a mosaic Layer, by the roles of its dimensions in the equation:
//   in O, I and W: groups G;  O and W only: K;  I and W only: C;  O and I only: batch N (or, for
//   an operator without weights, channels G unless named B);  a relation d = s*o + t*f: an output
//   dimension o (stride s) and a filter dimension f (dilation t), rows for IY/OY/FY, columns
//   otherwise. The MAC count is the product of the loop sizes, as in ZigZag. Throws UserError
//   naming the layer when the equation has no such reading (e.g. three relations).
Layer from_einsum(const EinsumLayer& layer);

// A whole ZigZag workload as a Model: the edges are the operand_source references.
Model zigzag_model(const std::vector<EinsumLayer>& layers, const std::string& name,
                   const std::string& source);

// The layers ZigZag costs in a workload (Conv, grouped/depthwise Conv and Gemm layers, at the
// models' batch, every instance), named "<model>/<layer>" ("<model>#<i>/<layer>" with several
// instances), ids 0, 1, ...
std::vector<EinsumLayer> einsum_layers(const Workload& w);

// A ZigZag workload YAML of `layers` (ids, names, equations, relations, sizes, precisions,
// operand sources, padding).
std::string zigzag_yaml(const std::vector<EinsumLayer>& layers);

}  // namespace mosaic::workload

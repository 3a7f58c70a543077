// Writers for workloads: mosaic's own schema as JSON (with derived figures: MACs, tensor bytes,
// heterogeneity) or YAML (inline layer tables that load back with load_workload_file), and
// MAESTRO's model-file format.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "workload/Workload.h"

namespace mosaic::workload {

// The workload as JSON. Top level: name, granularity, total_macs, total_layers (all instances),
// heterogeneity, models. Each model: name, spec, source, batch, instances, macs (one instance at
// its batch), total_macs, layer_count, mac_layer_count, heterogeneity, warnings, layers. Each
// layer: name, op, source_op, dims (the model's own, batch not applied), stride, dilation, pad,
// output_pad, bits, num_inputs, inputs, output_shape, and derived at the entry's batch: macs,
// ops, input_bytes, weight_bytes, output_bytes. load_workload_file() reads it back.
nlohmann::json workload_json(const Workload& w, Granularity g);

// The same schema as YAML, without the derived figures.
std::string workload_yaml(const Workload& w, Granularity g);

// MAESTRO model files: one "Network <model> { Layer ... }" per model entry, MAC layers only
// (MAESTRO has no pooling or element-wise layer types; the skipped layers are listed in a
// comment). Padding is folded into the input size; see docs/workloads.md for every rule.
std::string maestro_network(const ModelEntry& e);
std::string workload_maestro(const Workload& w);

}  // namespace mosaic::workload

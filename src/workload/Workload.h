// A multi-DNN workload: several models, each with a batch size and an instance count (Herald
// Table II), and the flattened workload graph the schedulers consume.
//
//   batch      multiplies N of every layer of the model (a batch of 8 images in one pass)
//   instances  independent copies of the model, each scheduled on its own (Herald's
//              "# of batches": AR/VR-A runs ResNet-50 twice, so its graph holds ResNet-50's
//              layers twice, with no dependence between the two copies)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "workload/Model.h"

namespace mosaic::workload {

struct ModelEntry {
  std::string name;  // unique within the workload
  Model model;       // at the model's own batch (usually 1)
  std::int64_t batch = 1;
  std::int64_t instances = 1;
  std::string spec;  // how the user named it: "zoo:resnet50", "onnx:path", "maestro:path", ...
};

struct Workload {
  std::string name;
  std::vector<ModelEntry> models;
};

// A layer with the entry's batch applied (N multiplied by the batch).
Layer batched(const Layer& l, std::int64_t batch);

// MACs of one instance of a model entry at its batch, and of all its instances.
std::int64_t instance_macs(const ModelEntry& e);
std::int64_t entry_macs(const ModelEntry& e);
std::int64_t total_macs(const Workload& w);

// Which nodes of each model become workload nodes.
enum class Granularity {
  Compute,  // Model compact(): MAC layers, pooling and joins (residual adds, concatenations)
  All,      // every node of the model, activations and reshapes included
};

struct WorkloadNode {
  std::int32_t model = 0;           // index into Workload::models
  std::int32_t instance = 0;        // 0 .. instances-1
  std::int32_t node = 0;            // index into the (compacted, for Compute) model's nodes
  std::string name;                 // "<model>/<layer>", or "<model>#<instance>/<layer>" when
                                    // the model has several instances
  Layer layer;                      // batch applied
  std::vector<std::int32_t> preds;  // indices of WorkloadGraph::nodes, ascending
};

// Every layer of every model instance, model by model and instance by instance, each model in
// its own topological order; predecessors only within the same instance (the models' own DAG
// edges: a chain for a plain network, real branches and joins for ResNet/Inception/UNet).
struct WorkloadGraph {
  std::vector<WorkloadNode> nodes;
  // First node of each (model, instance), in order; size = sum of instances.
  struct Span {
    std::int32_t model = 0, instance = 0, first = 0, count = 0;
  };
  std::vector<Span> spans;
};

WorkloadGraph flatten(const Workload& w, Granularity g = Granularity::Compute);

// Applies a granularity to one model (Compute = compact(m)).
Model at_granularity(const Model& m, Granularity g);

// Herald Table I heterogeneity figures of a set of layers: the channel-activation size ratio
// (input channels / input rows) of every MAC layer, and the operator set in Herald's terms
// (CONV2D, PWCONV, DWCONV, GCONV, FC, UPCONV, SKIP-CON, CONCAT, POOL).
struct Heterogeneity {
  double ratio_min = 0, ratio_median = 0, ratio_max = 0;
  std::int64_t mac_layers = 0;
  std::vector<std::string> operators;  // sorted, unique
};
Heterogeneity heterogeneity(const std::vector<const Layer*>& layers);
Heterogeneity heterogeneity(const Model& m);
// The Herald operator class of a layer ("" for layers Table I does not name).
std::string herald_operator(const Layer& l);

// The built-in workloads of Herald Table II: "arvr-a", "arvr-b", "mlperf", "mlperf-b8".
std::vector<std::string> builtin_workload_names();
bool is_builtin_workload(std::string_view name);
Workload builtin_workload(std::string_view name);

}  // namespace mosaic::workload

#include "workload/Workload.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/Checked.h"
#include "common/Error.h"
#include "workload/Zoo.h"

namespace mosaic::workload {

Layer batched(const Layer& l, std::int64_t batch) {
  Layer out = l;
  out.N = checked_mul(l.N, batch, "the batched layer's N");
  return out;
}

std::int64_t instance_macs(const ModelEntry& e) {
  return checked_mul(total_macs(e.model), e.batch, "the model's MACs x batch");
}

std::int64_t entry_macs(const ModelEntry& e) {
  return checked_mul(instance_macs(e), e.instances, "the model's MACs x instances");
}

std::int64_t total_macs(const Workload& w) {
  std::int64_t sum = 0;
  for (const auto& e : w.models) sum = checked_add(sum, entry_macs(e), "the workload's MACs");
  return sum;
}

Model at_granularity(const Model& m, Granularity g) {
  return g == Granularity::Compute ? compact(m) : m;
}

WorkloadGraph flatten(const Workload& w, Granularity g) {
  WorkloadGraph graph;
  for (std::size_t mi = 0; mi < w.models.size(); ++mi) {
    const ModelEntry& e = w.models[mi];
    const Model m = at_granularity(e.model, g);
    for (std::int64_t inst = 0; inst < e.instances; ++inst) {
      const auto first = static_cast<std::int32_t>(graph.nodes.size());
      graph.spans.push_back({static_cast<std::int32_t>(mi), static_cast<std::int32_t>(inst), first,
                             static_cast<std::int32_t>(m.nodes.size())});
      for (std::size_t i = 0; i < m.nodes.size(); ++i) {
        WorkloadNode n;
        n.model = static_cast<std::int32_t>(mi);
        n.instance = static_cast<std::int32_t>(inst);
        n.node = static_cast<std::int32_t>(i);
        n.name = e.instances > 1 ? fmt::format("{}#{}/{}", e.name, inst, m.nodes[i].layer.name)
                                 : fmt::format("{}/{}", e.name, m.nodes[i].layer.name);
        n.layer = batched(m.nodes[i].layer, e.batch);
        for (std::int32_t p : predecessors(m, static_cast<std::int32_t>(i)))
          n.preds.push_back(first + p);
        graph.nodes.push_back(std::move(n));
      }
    }
  }
  return graph;
}

std::string herald_operator(const Layer& l) {
  switch (l.op) {
    case OpKind::Conv:
      return l.R * l.S == 1 ? "PWCONV" : "CONV2D";
    case OpKind::DepthwiseConv:
      return "DWCONV";
    case OpKind::GroupedConv:
      return "GCONV";
    case OpKind::TransposedConv:
      return "UPCONV";
    case OpKind::Gemm:
      return "FC";
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      return "POOL";
    case OpKind::Elementwise:
      return (l.num_inputs >= 2 && (l.source_op == "Add" || l.source_op == "Sum")) ? "SKIP-CON"
                                                                                   : "";
    case OpKind::Other:
      return l.source_op == "Concat" ? "CONCAT" : "";
  }
  return "";
}

Heterogeneity heterogeneity(const std::vector<const Layer*>& layers) {
  Heterogeneity h;
  std::vector<double> ratios;
  std::set<std::string> ops;
  for (const Layer* l : layers) {
    const std::string op = herald_operator(*l);
    if (!op.empty()) ops.insert(op);
    if (!is_mac_op(l->op)) continue;
    const double channels = static_cast<double>(l->G * l->C);
    ratios.push_back(channels / static_cast<double>(l->Y));
  }
  h.mac_layers = static_cast<std::int64_t>(ratios.size());
  h.operators.assign(ops.begin(), ops.end());
  if (!ratios.empty()) {
    std::sort(ratios.begin(), ratios.end());
    h.ratio_min = ratios.front();
    h.ratio_max = ratios.back();
    const std::size_t n = ratios.size();
    h.ratio_median = n % 2 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
  }
  return h;
}

Heterogeneity heterogeneity(const Model& m) {
  std::vector<const Layer*> layers;
  for (const auto& n : m.nodes) layers.push_back(&n.layer);
  return heterogeneity(layers);
}

namespace {

struct Builtin {
  const char* name;
  std::vector<std::pair<const char*, std::int64_t>> models;  // zoo name, instances
};

const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> b = {
      {"arvr-a", {{"resnet50", 2}, {"unet", 4}, {"mobilenet_v2", 4}}},
      {"arvr-b",
       {{"resnet50", 2},
        {"unet", 2},
        {"mobilenet_v2", 4},
        {"handpose_deepprior", 2},
        {"depthnet_sfmlearner", 2}}},
      {"mlperf",
       {{"resnet50", 1},
        {"mobilenet_v1", 1},
        {"ssd_resnet34", 1},
        {"ssd_mobilenet_v1", 1},
        {"gnmt", 1}}},
      {"mlperf-b8",
       {{"resnet50", 8},
        {"mobilenet_v1", 8},
        {"ssd_resnet34", 8},
        {"ssd_mobilenet_v1", 8},
        {"gnmt", 8}}},
  };
  return b;
}

}  // namespace

std::vector<std::string> builtin_workload_names() {
  std::vector<std::string> out;
  for (const auto& b : builtins()) out.push_back(b.name);
  return out;
}

bool is_builtin_workload(std::string_view name) {
  for (const auto& b : builtins())
    if (name == b.name) return true;
  return false;
}

Workload builtin_workload(std::string_view name) {
  for (const auto& b : builtins()) {
    if (name != b.name) continue;
    Workload w;
    w.name = b.name;
    for (const auto& [zoo, instances] : b.models) {
      ModelEntry e;
      e.name = zoo;
      e.model = zoo_model(zoo);
      e.instances = instances;
      e.spec = std::string("zoo:") + zoo;
      w.models.push_back(std::move(e));
    }
    return w;
  }
  throw UserError(SourceLocation{"", 0, "workload"},
                  fmt::format("unknown built-in workload '{}'; built in: {}", name,
                              fmt::join(builtin_workload_names(), ", ")));
}

}  // namespace mosaic::workload

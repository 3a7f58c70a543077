#include "workload/Model.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "common/Checked.h"
#include "common/Error.h"

namespace mosaic::workload {

std::vector<std::int32_t> predecessors(const Model& m, std::int32_t node) {
  MOSAIC_CHECK(node >= 0 && node < static_cast<std::int32_t>(m.nodes.size()),
               "predecessors: node index out of range");
  std::vector<std::int32_t> out;
  for (const auto& in : m.nodes[static_cast<std::size_t>(node)].inputs)
    if (in.producer >= 0) out.push_back(in.producer);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::vector<std::int32_t>> successors(const Model& m) {
  std::vector<std::vector<std::int32_t>> out(m.nodes.size());
  for (std::size_t i = 0; i < m.nodes.size(); ++i)
    for (std::int32_t p : predecessors(m, static_cast<std::int32_t>(i)))
      out[static_cast<std::size_t>(p)].push_back(static_cast<std::int32_t>(i));
  return out;
}

std::int64_t total_macs(const Model& m) {
  std::int64_t sum = 0;
  for (const auto& n : m.nodes) sum = checked_add(sum, macs(n.layer), "the model's MACs");
  return sum;
}

std::int64_t mac_layer_count(const Model& m) {
  return std::count_if(m.nodes.begin(), m.nodes.end(),
                       [](const Node& n) { return is_mac_op(n.layer.op); });
}

void validate(const Model& m) {
  std::unordered_set<std::string> names;
  for (std::size_t i = 0; i < m.nodes.size(); ++i) {
    const Node& n = m.nodes[i];
    auto fail = [&](const std::string& msg) {
      throw UserError(
          SourceLocation{m.source, 0, fmt::format("model '{}' node '{}'", m.name, n.layer.name)},
          msg);
    };
    if (n.layer.name.empty()) fail(fmt::format("node {} has no name", i));
    if (!names.insert(n.layer.name).second) fail("duplicate node name");
    for (const auto& in : n.inputs) {
      if (in.producer >= static_cast<std::int32_t>(i))
        fail(fmt::format("reads node {} which does not precede it", in.producer));
      if (in.producer < -1) fail("invalid producer index");
      if (in.elements < 0) fail("negative tensor size");
    }
    try {
      validate(n.layer);
    } catch (const UserError& e) {
      throw UserError(SourceLocation{m.source, 0, fmt::format("model '{}'", m.name)}, e.what());
    }
  }
}

namespace {

bool is_pass_through(const Node& n) {
  if (n.inputs.size() >= 2) return false;
  return n.layer.op == OpKind::Other || n.layer.op == OpKind::Elementwise;
}

}  // namespace

Model compact(const Model& m) {
  Model out;
  out.name = m.name;
  out.source = m.source;
  out.warnings = m.warnings;
  // For every original node: the producer a consumer should read instead (new index or -1), and
  // whether it was kept.
  std::vector<std::int32_t> remap(m.nodes.size(), -1);
  for (std::size_t i = 0; i < m.nodes.size(); ++i) {
    const Node& n = m.nodes[i];
    if (is_pass_through(n)) {
      remap[i] = n.inputs.empty() ? -1
                                  : (n.inputs[0].producer >= 0
                                         ? remap[static_cast<std::size_t>(n.inputs[0].producer)]
                                         : -1);
      continue;
    }
    Node copy = n;
    for (auto& in : copy.inputs)
      if (in.producer >= 0) in.producer = remap[static_cast<std::size_t>(in.producer)];
    remap[i] = static_cast<std::int32_t>(out.nodes.size());
    out.nodes.push_back(std::move(copy));
  }
  return out;
}

Model chain_model(std::string name, std::string source, std::vector<Layer> layers) {
  Model m;
  m.name = std::move(name);
  m.source = std::move(source);
  m.nodes.reserve(layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i) {
    Node n;
    n.layer = std::move(layers[i]);
    TensorInput in;
    in.producer = static_cast<std::int32_t>(i) - 1;
    in.elements = input_elements(n.layer);
    in.tensor = i == 0 ? "input" : m.nodes[i - 1].layer.name + ":out";
    n.inputs.push_back(std::move(in));
    n.output_shape = {n.layer.N, n.layer.op == OpKind::Gemm ? n.layer.K : n.layer.G * n.layer.K,
                      output_rows(n.layer), output_cols(n.layer)};
    m.nodes.push_back(std::move(n));
  }
  return m;
}

}  // namespace mosaic::workload

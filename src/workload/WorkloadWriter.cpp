#include "workload/WorkloadWriter.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace mosaic::workload {

namespace {

nlohmann::json heterogeneity_json(const Heterogeneity& h) {
  return nlohmann::json{{"ratio_min", h.ratio_min},
                        {"ratio_median", h.ratio_median},
                        {"ratio_max", h.ratio_max},
                        {"mac_layers", h.mac_layers},
                        {"operators", h.operators}};
}

nlohmann::json dims_json(const Layer& l) {
  return nlohmann::json{{"N", l.N}, {"G", l.G}, {"K", l.K}, {"C", l.C},
                        {"Y", l.Y}, {"X", l.X}, {"R", l.R}, {"S", l.S}};
}

std::string input_name(const Model& m, const TensorInput& in) {
  return in.producer < 0 ? "input" : m.nodes[static_cast<std::size_t>(in.producer)].layer.name;
}

nlohmann::json layer_json(const Model& m, const Node& n, std::int64_t batch) {
  const Layer& l = n.layer;
  const Layer b = batched(l, batch);
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& in : n.inputs)
    inputs.push_back({{"from", input_name(m, in)}, {"elements", in.elements}});
  nlohmann::json j{{"name", l.name},
                   {"op", std::string(op_name(l.op))},
                   {"source_op", l.source_op},
                   {"dims", dims_json(l)},
                   {"output", {{"rows", output_rows(l)}, {"cols", output_cols(l)}}},
                   {"stride", {l.stride_y, l.stride_x}},
                   {"dilation", {l.dilation_y, l.dilation_x}},
                   {"pad", {l.pad_top, l.pad_bottom, l.pad_left, l.pad_right}},
                   {"output_pad", {l.output_pad_y, l.output_pad_x}},
                   {"bits",
                    {{"input", l.input_bits},
                     {"weight", l.weight_bits},
                     {"output", l.output_bits},
                     {"psum", l.psum_bits}}},
                   {"num_inputs", l.num_inputs},
                   {"inputs", inputs},
                   {"macs", macs(b)},
                   {"ops", ops(b)},
                   {"input_bytes", input_bytes(b)},
                   {"weight_bytes", weight_bytes(b)},
                   {"output_bytes", output_bytes(b)}};
  j["output_shape"] = n.shape_known ? nlohmann::json(n.output_shape) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

nlohmann::json workload_json(const Workload& w, Granularity g) {
  nlohmann::json models = nlohmann::json::array();
  std::vector<Layer> all_layers;  // every layer of every instance, batch applied
  std::int64_t total_layers = 0;
  for (const auto& e : w.models) {
    const Model m = at_granularity(e.model, g);
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& n : m.nodes) {
      layers.push_back(layer_json(m, n, e.batch));
      for (std::int64_t i = 0; i < e.instances; ++i)
        all_layers.push_back(batched(n.layer, e.batch));
    }
    total_layers += static_cast<std::int64_t>(m.nodes.size()) * e.instances;
    models.push_back({{"name", e.name},
                      {"spec", e.spec},
                      {"source", m.source},
                      {"batch", e.batch},
                      {"instances", e.instances},
                      {"macs", instance_macs(e)},
                      {"total_macs", entry_macs(e)},
                      {"layer_count", m.nodes.size()},
                      {"mac_layer_count", mac_layer_count(m)},
                      {"heterogeneity", heterogeneity_json(heterogeneity(m))},
                      {"warnings", m.warnings},
                      {"layers", layers}});
  }
  std::vector<const Layer*> ptrs;
  ptrs.reserve(all_layers.size());
  for (const auto& l : all_layers) ptrs.push_back(&l);
  return nlohmann::json{{"name", w.name},
                        {"granularity", g == Granularity::Compute ? "compute" : "all"},
                        {"total_macs", total_macs(w)},
                        {"total_layers", total_layers},
                        {"heterogeneity", heterogeneity_json(heterogeneity(ptrs))},
                        {"models", models}};
}

std::string workload_yaml(const Workload& w, Granularity g) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << w.name;
  out << YAML::Key << "models" << YAML::Value << YAML::BeginSeq;
  for (const auto& e : w.models) {
    const Model m = at_granularity(e.model, g);
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << e.name;
    out << YAML::Key << "source" << YAML::Value << m.source;
    out << YAML::Key << "batch" << YAML::Value << e.batch;
    out << YAML::Key << "instances" << YAML::Value << e.instances;
    out << YAML::Key << "layers" << YAML::Value << YAML::BeginSeq;
    for (const auto& n : m.nodes) {
      const Layer& l = n.layer;
      out << YAML::Flow << YAML::BeginMap;
      out << YAML::Key << "name" << YAML::Value << l.name;
      out << YAML::Key << "op" << YAML::Value << std::string(op_name(l.op));
      if (!l.source_op.empty()) out << YAML::Key << "source_op" << YAML::Value << l.source_op;
      out << YAML::Key << "dims" << YAML::Value << YAML::Flow << YAML::BeginMap;
      const std::pair<const char*, std::int64_t> dims[] = {{"N", l.N}, {"G", l.G}, {"K", l.K},
                                                           {"C", l.C}, {"Y", l.Y}, {"X", l.X},
                                                           {"R", l.R}, {"S", l.S}};
      for (const auto& [k, v] : dims) out << YAML::Key << k << YAML::Value << v;
      out << YAML::EndMap;
      out << YAML::Key << "stride" << YAML::Value << YAML::Flow
          << std::vector<int>{l.stride_y, l.stride_x};
      if (l.dilation_y != 1 || l.dilation_x != 1)
        out << YAML::Key << "dilation" << YAML::Value << YAML::Flow
            << std::vector<int>{l.dilation_y, l.dilation_x};
      out << YAML::Key << "pad" << YAML::Value << YAML::Flow
          << std::vector<int>{l.pad_top, l.pad_bottom, l.pad_left, l.pad_right};
      if (l.output_pad_y != 0 || l.output_pad_x != 0)
        out << YAML::Key << "output_pad" << YAML::Value << YAML::Flow
            << std::vector<int>{l.output_pad_y, l.output_pad_x};
      out << YAML::Key << "bits" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
          << "input" << YAML::Value << l.input_bits << YAML::Key << "weight" << YAML::Value
          << l.weight_bits << YAML::Key << "output" << YAML::Value << l.output_bits << YAML::Key
          << "psum" << YAML::Value << l.psum_bits << YAML::EndMap;
      if (l.num_inputs != 1) out << YAML::Key << "num_inputs" << YAML::Value << l.num_inputs;
      out << YAML::Key << "inputs" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto& in : n.inputs)
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "from" << YAML::Value
            << input_name(m, in) << YAML::Key << "elements" << YAML::Value << in.elements
            << YAML::EndMap;
      out << YAML::EndSeq;
      out << YAML::Key << "output_shape" << YAML::Value;
      if (n.shape_known)
        out << YAML::Flow << n.output_shape;
      else
        out << YAML::Null;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

namespace {

// MAESTRO names: tokens split at space , - > ( ) : ; TAB, so keep letters, digits, '_' and '.'.
std::string maestro_name(const std::string& s) {
  std::string out;
  for (char c : s)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.') ? c : '_';
  while (!out.empty() && out.front() == '_') out.erase(out.begin());
  return out.empty() ? "layer" : out;
}

}  // namespace

std::string maestro_network(const ModelEntry& e) {
  std::ostringstream os;
  const Model& m = e.model;
  os << "// " << m.name << " (" << m.source << "), written by mosaic\n";
  os << "// MAESTRO has no padding: padded layers carry their padded input size.\n";
  if (e.batch != 1) os << "// batch " << e.batch << " applied to N (GEMM: M).\n";
  std::vector<std::string> skipped;
  std::ostringstream body;
  for (const auto& n : m.nodes) {
    const Layer l = batched(n.layer, e.batch);
    if (!is_mac_op(l.op)) {
      skipped.push_back(fmt::format("{} ({})", l.name, op_name(l.op)));
      continue;
    }
    const std::string name = maestro_name(l.name);
    body << "Layer " << name << " {\n";
    if (l.op == OpKind::Gemm) {
      body << "Type: GEMM\n";
      if (l.G > 1) body << "// " << l.G << " independent GEMMs stacked into M\n";
      body << fmt::format("Dimensions {{ M: {}, N: {}, K: {} }}\n", l.N * l.G, l.K, l.C);
      body << "}\n";
      continue;
    }
    // Input extent MAESTRO sees: the padded input; with dilation, the extent that keeps the
    // output size and MAC count with the undilated kernel.
    auto extent = [&](std::int64_t in, int lo, int hi, std::int64_t k, int dil, int stride,
                      std::int64_t out) {
      if (l.op == OpKind::TransposedConv) return in;
      if (dil == 1) return in + lo + hi;
      return (out - 1) * stride + k;
    };
    const std::int64_t y =
        extent(l.Y, l.pad_top, l.pad_bottom, l.R, l.dilation_y, l.stride_y, output_rows(l));
    const std::int64_t x =
        extent(l.X, l.pad_left, l.pad_right, l.S, l.dilation_x, l.stride_x, output_cols(l));
    std::string type, dims;
    const std::string n_dim = l.N > 1 ? fmt::format("N: {}, ", l.N) : "";
    switch (l.op) {
      case OpKind::Conv:
        type = "CONV";
        dims = fmt::format("{}K: {}, C: {}", n_dim, l.K, l.C);
        break;
      case OpKind::DepthwiseConv:
        if (l.K == 1) {
          type = "DSCONV";
          dims = fmt::format("{}K: 1, C: {}", n_dim, l.G);
        } else {
          type = "NGCONV";
          dims = fmt::format("{}G: {}, K: {}, C: 1", n_dim, l.G, l.K);
        }
        break;
      case OpKind::GroupedConv:
        type = "NGCONV";
        dims = fmt::format("{}G: {}, K: {}, C: {}", n_dim, l.G, l.K, l.C);
        break;
      default:  // TransposedConv
        type = "TRCONV";
        dims = l.G > 1 ? fmt::format("{}G: {}, K: {}, C: {}", n_dim, l.G, l.K, l.C)
                       : fmt::format("{}K: {}, C: {}", n_dim, l.K, l.C);
        break;
    }
    body << "Type: " << type << "\n";
    if (l.dilation_y != 1 || l.dilation_x != 1)
      body << fmt::format(
          "// dilation {}x{}: input written as (out-1)*stride+R to keep the output "
          "size and MAC count\n",
          l.dilation_y, l.dilation_x);
    if (l.op == OpKind::TransposedConv && (l.pad_top || l.pad_bottom || l.pad_left || l.pad_right ||
                                           l.output_pad_y || l.output_pad_x))
      body << fmt::format(
          "// output cropped by pads {},{},{},{} (output_pad {},{}) in the "
          "source: {}x{}\n",
          l.pad_top, l.pad_bottom, l.pad_left, l.pad_right, l.output_pad_y, l.output_pad_x,
          output_rows(l), output_cols(l));
    body << fmt::format("Stride {{ X: {}, Y: {} }}\n", l.stride_x, l.stride_y);
    body << fmt::format("Dimensions {{ {}, R: {}, S: {}, Y: {}, X: {} }}\n", dims, l.R, l.S, y, x);
    body << "}\n";
  }
  if (!skipped.empty()) {
    os << "// Layers without MACs are not written (MAESTRO has no such layer type):\n";
    for (std::size_t i = 0; i < skipped.size(); i += 6) {
      os << "//  ";
      for (std::size_t k = i; k < std::min(skipped.size(), i + 6); ++k)
        os << " " << skipped[k] << (k + 1 < skipped.size() ? "," : "");
      os << "\n";
    }
  }
  os << "Network " << maestro_name(e.name) << " {\n" << body.str() << "}\n";
  return os.str();
}

std::string workload_maestro(const Workload& w) {
  std::string out;
  for (const auto& e : w.models) {
    if (!out.empty()) out += "\n";
    out += maestro_network(e);
  }
  return out;
}

}  // namespace mosaic::workload

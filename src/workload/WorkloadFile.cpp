#include "workload/WorkloadFile.h"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/Error.h"
#include "common/Suggest.h"
#include "common/Validate.h"
#include "workload/MaestroFormat.h"
#include "workload/OnnxImport.h"
#include "workload/ZigZagConvert.h"
#include "workload/ZigZagYaml.h"
#include "workload/Zoo.h"

namespace mosaic::workload {

namespace {

class Reader {
 public:
  Reader(std::string file, std::filesystem::path base)
      : file_(std::move(file)), base_(std::move(base)) {}

  Workload workload(const YAML::Node& root);

 private:
  [[noreturn]] void fail(const YAML::Node& n, const std::string& field,
                         const std::string& message) const {
    const int line = n.IsDefined() && !n.Mark().is_null() ? n.Mark().line + 1 : 0;
    throw UserError(SourceLocation{file_, line, field}, message);
  }

  void check_keys(const YAML::Node& map, const std::string& what,
                  std::initializer_list<const char*> allowed,
                  std::initializer_list<const char*> ignored = {}) const {
    for (const auto& kv : map) {
      const std::string key = kv.first.Scalar();
      bool ok = false;
      for (const char* a : allowed) ok = ok || key == a;
      for (const char* a : ignored) ok = ok || key == a;
      if (!ok) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        fail(kv.first, fmt::format("{}.{}", what, key),
             fmt::format("unknown key '{}'{}; expected one of: {}", key, did_you_mean(key, names),
                         fmt::join(names, ", ")));
      }
    }
  }

  std::int64_t integer(const YAML::Node& n, const std::string& field, std::int64_t min,
                       std::int64_t max = std::int64_t{1} << 40) const {
    if (!n.IsScalar()) fail(n, field, "expected an integer");
    const int line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
    return parse_integer(n.Scalar(), IntRule::between(min, max),
                         SourceLocation{file_, line, field});
  }

  std::string text(const YAML::Node& n, const std::string& field) const {
    if (!n.IsScalar()) fail(n, field, "expected a string");
    return n.Scalar();
  }

  bool boolean(const YAML::Node& n, const std::string& field) const {
    if (!n.IsScalar()) fail(n, field, "expected true or false");
    try {
      return n.as<bool>();
    } catch (const YAML::Exception&) {
      fail(n, field, fmt::format("expected true or false, got '{}'", n.Scalar()));
    }
  }

  // An int or a list of `count` ints (a single value applies to every entry).
  std::vector<int> ints(const YAML::Node& n, const std::string& field, std::size_t count,
                        int min) const {
    std::vector<int> out;
    if (n.IsScalar()) {
      out.assign(count, static_cast<int>(integer(n, field, min, 1 << 20)));
    } else if (n.IsSequence() && n.size() == count) {
      for (std::size_t i = 0; i < count; ++i)
        out.push_back(static_cast<int>(integer(n[i], field, min, 1 << 20)));
    } else {
      fail(n, field, fmt::format("expected an integer or a list of {}", count));
    }
    return out;
  }

  std::filesystem::path resolve(const std::string& p) const {
    std::filesystem::path path(p);
    return path.is_absolute() ? path : base_ / path;
  }

  ModelEntry entry(const YAML::Node& n, std::size_t index);
  Model inline_model(const YAML::Node& layers, const std::string& name, const std::string& field);
  Layer layer(const YAML::Node& n, const std::string& field);
  void apply_bits(const YAML::Node& n, const std::string& field, Layer& l) const;

  std::string file_;
  std::filesystem::path base_;
};

void Reader::apply_bits(const YAML::Node& n, const std::string& field, Layer& l) const {
  if (!n.IsMap()) fail(n, field, "expected a map {input, weight, output, psum}");
  check_keys(n, field, {"input", "weight", "output", "psum"});
  if (n["input"]) l.input_bits = static_cast<int>(integer(n["input"], field + ".input", 1, 64));
  if (n["weight"]) l.weight_bits = static_cast<int>(integer(n["weight"], field + ".weight", 1, 64));
  if (n["output"]) l.output_bits = static_cast<int>(integer(n["output"], field + ".output", 1, 64));
  if (n["psum"]) l.psum_bits = static_cast<int>(integer(n["psum"], field + ".psum", 1, 128));
}

Layer Reader::layer(const YAML::Node& n, const std::string& field) {
  if (!n.IsMap()) fail(n, field, "a layer is a map with at least name, op and dims");
  check_keys(n, field,
             {"name", "op", "source_op", "dims", "stride", "dilation", "pad", "output_pad", "bits",
              "num_inputs", "inputs", "output_shape"},
             {"macs", "ops", "input_bytes", "weight_bytes", "output_bytes", "output"});
  Layer l;
  if (!n["name"]) fail(n, field + ".name", "the layer has no name");
  l.name = text(n["name"], field + ".name");
  if (l.name.empty()) fail(n["name"], field + ".name", "the layer name is empty");
  const std::string f = field + " '" + l.name + "'";
  if (!n["op"]) fail(n, f + ".op", "the layer has no op (conv, gconv, dwconv, trconv, gemm, ...)");
  const std::string op = text(n["op"], f + ".op");
  if (!parse_op_name(op, l.op))
    fail(n["op"], f + ".op",
         fmt::format("unknown op '{}'; expected conv, gconv, dwconv, trconv, gemm, maxpool, "
                     "avgpool, eltwise or other",
                     op));
  l.source_op = n["source_op"] ? text(n["source_op"], f + ".source_op") : "";
  if (!n["dims"] || !n["dims"].IsMap()) fail(n, f + ".dims", "expected a map of dimensions");
  const YAML::Node dims = n["dims"];
  check_keys(dims, f + ".dims", {"N", "G", "K", "C", "Y", "X", "R", "S"});
  std::int64_t* slots[] = {&l.N, &l.G, &l.K, &l.C, &l.Y, &l.X, &l.R, &l.S};
  const char* names[] = {"N", "G", "K", "C", "Y", "X", "R", "S"};
  for (int i = 0; i < 8; ++i)
    if (dims[names[i]]) *slots[i] = integer(dims[names[i]], f + ".dims." + names[i], 1);
  // [y, x] pairs and the four paddings, each with its least value.
  const auto read_ints = [&](const char* key, std::size_t count, int min,
                             std::initializer_list<int*> fields) {
    if (!n[key]) return;
    const auto v = ints(n[key], f + "." + key, count, min);
    std::size_t i = 0;
    for (int* field : fields) *field = v[i++];
  };
  read_ints("stride", 2, 1, {&l.stride_y, &l.stride_x});
  read_ints("dilation", 2, 1, {&l.dilation_y, &l.dilation_x});
  read_ints("pad", 4, 0, {&l.pad_top, &l.pad_bottom, &l.pad_left, &l.pad_right});
  read_ints("output_pad", 2, 0, {&l.output_pad_y, &l.output_pad_x});
  if (n["bits"]) apply_bits(n["bits"], f + ".bits", l);
  if (n["num_inputs"])
    l.num_inputs = static_cast<int>(integer(n["num_inputs"], f + ".num_inputs", 1, 1024));
  try {
    validate(l);
  } catch (const UserError& e) {
    fail(n, f, e.message());
  }
  return l;
}

Model Reader::inline_model(const YAML::Node& layers, const std::string& name,
                           const std::string& field) {
  if (!layers.IsSequence() || layers.size() == 0)
    fail(layers, field, "expected a non-empty list of layers");
  Model m;
  m.name = name;
  m.source = file_;
  std::unordered_map<std::string, std::int32_t> index;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const YAML::Node& ln = layers[i];
    const std::string lf = fmt::format("{}[{}]", field, i);
    Node node;
    node.layer = layer(ln, lf);
    const std::string& lname = node.layer.name;
    if (index.count(lname))
      fail(ln["name"], lf + ".name", fmt::format("duplicate layer name '{}'", lname));
    if (ln["output_shape"]) {
      const YAML::Node s = ln["output_shape"];
      if (s.IsNull()) {
        node.shape_known = false;
      } else {
        if (!s.IsSequence()) fail(s, lf + ".output_shape", "expected a list of dimensions");
        for (std::size_t d = 0; d < s.size(); ++d)
          node.output_shape.push_back(integer(s[d], lf + ".output_shape", 0));
      }
    } else {
      const Layer& l = node.layer;
      const std::int64_t ch = (l.op == OpKind::MaxPool || l.op == OpKind::AvgPool ||
                               l.op == OpKind::Elementwise || l.op == OpKind::Other)
                                  ? l.G * l.C
                                  : l.G * l.K;
      node.output_shape = l.op == OpKind::Gemm
                              ? std::vector<std::int64_t>{l.N, l.G * l.K}
                              : std::vector<std::int64_t>{l.N, ch, output_rows(l), output_cols(l)};
    }
    auto producer_elements = [&](std::int32_t p) {
      if (p < 0) return input_elements(node.layer);
      const Node& pn = m.nodes[static_cast<std::size_t>(p)];
      if (!pn.shape_known) return std::int64_t{0};
      std::int64_t e = 1;
      for (std::int64_t d : pn.output_shape) e *= d;
      return e;
    };
    auto resolve_name = [&](const YAML::Node& at, const std::string& from) -> std::int32_t {
      auto it = index.find(from);
      if (it != index.end()) return it->second;
      if (from == "input") return -1;
      fail(at, lf + ".inputs",
           fmt::format("'{}' is not an earlier layer of model '{}' (nor 'input')", from, name));
    };
    if (!ln["inputs"]) {
      TensorInput in;
      in.producer = static_cast<std::int32_t>(i) - 1;
      in.elements = producer_elements(in.producer);
      in.tensor = i == 0 ? "input" : m.nodes[i - 1].layer.name;
      node.inputs.push_back(in);
    } else {
      const YAML::Node ins = ln["inputs"];
      if (!ins.IsSequence()) fail(ins, lf + ".inputs", "expected a list of layer names");
      for (std::size_t k = 0; k < ins.size(); ++k) {
        TensorInput in;
        const YAML::Node& item = ins[k];
        if (item.IsScalar()) {
          in.producer = resolve_name(item, item.Scalar());
          in.tensor = item.Scalar();
          in.elements = producer_elements(in.producer);
        } else if (item.IsMap()) {
          check_keys(item, lf + ".inputs", {"from", "elements", "tensor"});
          if (!item["from"]) fail(item, lf + ".inputs.from", "an input needs 'from'");
          const std::string from = text(item["from"], lf + ".inputs.from");
          in.producer = resolve_name(item["from"], from);
          in.tensor = item["tensor"] ? text(item["tensor"], lf + ".inputs.tensor") : from;
          in.elements = item["elements"] ? integer(item["elements"], lf + ".inputs.elements", 0,
                                                   std::int64_t{1} << 52)
                                         : producer_elements(in.producer);
        } else {
          fail(item, lf + ".inputs", "an input is a layer name or {from, elements}");
        }
        node.inputs.push_back(std::move(in));
      }
    }
    index[lname] = static_cast<std::int32_t>(m.nodes.size());
    m.nodes.push_back(std::move(node));
  }
  return m;
}

ModelEntry Reader::entry(const YAML::Node& n, std::size_t index) {
  const std::string field = fmt::format("models[{}]", index);
  if (!n.IsMap()) fail(n, field, "a model entry is a map with one of zoo, onnx, maestro, layers");
  check_keys(n, field,
             {"name", "zoo", "onnx", "maestro", "layers", "batch", "instances", "dims",
              "precision_from_types", "bits"},
             {"source", "spec", "macs", "total_macs", "layer_count", "mac_layer_count",
              "heterogeneity", "warnings"});
  int kinds = 0;
  for (const char* k : {"zoo", "onnx", "maestro", "layers"}) kinds += n[k] ? 1 : 0;
  if (kinds != 1) fail(n, field, "give exactly one of 'zoo', 'onnx', 'maestro' or 'layers'");
  ModelEntry e;
  if (n["name"]) e.name = text(n["name"], field + ".name");
  if (n["zoo"]) {
    const std::string z = text(n["zoo"], field + ".zoo");
    try {
      e.model = zoo_model(z);
    } catch (const UserError& err) {
      fail(n["zoo"], field + ".zoo", err.message());
    }
    e.spec = "zoo:" + z;
    if (e.name.empty()) e.name = e.model.name;
  } else if (n["onnx"]) {
    const std::string p = text(n["onnx"], field + ".onnx");
    OnnxImportOptions opt;
    if (n["dims"]) {
      const YAML::Node d = n["dims"];
      if (!d.IsMap()) fail(d, field + ".dims", "expected a map {name: value}");
      for (const auto& kv : d)
        opt.dim_params[kv.first.Scalar()] =
            integer(kv.second, field + ".dims." + kv.first.Scalar(), 1);
    }
    if (n["precision_from_types"])
      opt.precision_from_types =
          boolean(n["precision_from_types"], field + ".precision_from_types");
    e.model = import_onnx(resolve(p), opt);
    e.spec = "onnx:" + p;
    if (e.name.empty()) e.name = std::filesystem::path(p).stem().string();
  } else if (n["maestro"]) {
    const std::string p = text(n["maestro"], field + ".maestro");
    const auto net = maestro_format::parse_network_file(resolve(p));
    std::vector<Layer> layers;
    for (const auto& ls : net.layers) layers.push_back(maestro_format::to_layer(ls, net.file));
    if (layers.empty()) fail(n["maestro"], field + ".maestro", "the MAESTRO file has no layers");
    e.model = chain_model(net.name.empty() ? std::filesystem::path(p).stem().string() : net.name,
                          resolve(p).string(), std::move(layers));
    e.spec = "maestro:" + p;
    if (e.name.empty()) e.name = std::filesystem::path(p).stem().string();
  } else {
    if (e.name.empty()) fail(n, field + ".name", "an inline model needs a name");
    e.model = inline_model(n["layers"], e.name, field + ".layers");
    // Files written by mosaic keep the model's origin in 'source'.
    if (n["source"]) e.model.source = text(n["source"], field + ".source");
    e.spec = "inline";
  }
  if (n["dims"] && !n["onnx"])
    fail(n["dims"], field + ".dims", "'dims' applies to ONNX models only");
  if (n["batch"]) e.batch = integer(n["batch"], field + ".batch", 1, 1 << 20);
  if (n["instances"]) e.instances = integer(n["instances"], field + ".instances", 1, 1 << 16);
  if (n["bits"])
    for (auto& node : e.model.nodes) apply_bits(n["bits"], field + ".bits", node.layer);
  try {
    validate(e.model);
  } catch (const UserError& err) {
    fail(n, field, err.what());
  }
  return e;
}

Workload Reader::workload(const YAML::Node& root) {
  if (!root.IsMap()) fail(root, "", "a workload file is a map with a 'models' list");
  check_keys(root, "workload", {"name", "models"},
             {"total_macs", "total_layers", "granularity", "heterogeneity"});
  Workload w;
  w.name = root["name"] ? text(root["name"], "name") : std::filesystem::path(file_).stem().string();
  const YAML::Node models = root["models"];
  if (!models || !models.IsSequence() || models.size() == 0)
    fail(models ? models : root, "models", "expected a non-empty list of models");
  std::set<std::string> names;
  for (std::size_t i = 0; i < models.size(); ++i) {
    ModelEntry e = entry(models[i], i);
    if (!names.insert(e.name).second)
      fail(models[i], fmt::format("models[{}].name", i),
           fmt::format("model name '{}' is used twice; give the entries distinct names", e.name));
    w.models.push_back(std::move(e));
  }
  return w;
}

std::string lower_extension(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace

Workload parse_workload_text(std::string_view text, const std::string& file_label,
                             const std::filesystem::path& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(strip_utf8_bom(text)));
  } catch (const YAML::Exception& e) {
    throw UserError(SourceLocation{file_label, e.mark.is_null() ? 0 : e.mark.line + 1, ""},
                    "not valid YAML/JSON: " + e.msg);
  }
  yaml::check_duplicate_keys(root, file_label, yaml::DuplicateKeys::Error);
  try {
    return Reader(file_label, base_dir).workload(root);
  } catch (const YAML::Exception& e) {
    throw UserError(SourceLocation{file_label, e.mark.is_null() ? 0 : e.mark.line + 1, ""}, e.msg);
  }
}

Workload load_workload_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(SourceLocation{path.string(), 0, ""}, "cannot read the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_workload_text(ss.str(), path.string(), path.parent_path());
}

bool is_zigzag_workload_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    std::string_view t = first ? strip_utf8_bom(line) : std::string_view(line);
    first = false;
    const auto b = t.find_first_not_of(" \t\r");
    if (b == std::string_view::npos || t[b] == '#' || t.substr(b, 3) == "---") continue;
    return t[b] == '-' || t[b] == '[';
  }
  return false;
}

std::vector<EinsumLayer> load_einsum_layers(const std::string& spec) {
  const std::filesystem::path path(spec);
  const std::string ext = lower_extension(path);
  if ((ext == ".yaml" || ext == ".yml") && std::filesystem::exists(path) &&
      is_zigzag_workload_file(path))
    return read_zigzag_workload(spec);
  if (ext == ".onnx" && std::filesystem::exists(path)) {
    // ZigZag's own ONNX parser's choice of layers (checked against ZigZag's numbers).
    auto layers = zigzag_layers(import_onnx(path));
    if (layers.empty())
      throw UserError(SourceLocation{spec, 0, ""}, "no Conv, Gemm or MatMul node");
    return layers;
  }
  auto layers = einsum_layers(load_workload(spec));
  if (layers.empty())
    throw UserError(SourceLocation{spec, 0, ""},
                    "no convolution or matrix-multiply layer (the loop-nest analysis costs only "
                    "those, as ZigZag does)");
  return layers;
}

Workload load_workload(const std::string& spec) {
  if (is_builtin_workload(spec)) return builtin_workload(spec);
  const std::filesystem::path path(spec);
  const std::string ext = lower_extension(path);
  const bool file_like =
      ext == ".onnx" || ext == ".m" || ext == ".yaml" || ext == ".yml" || ext == ".json";
  if (!file_like && is_zoo_model(spec)) {
    Workload w;
    ModelEntry e;
    e.model = zoo_model(spec);
    e.name = e.model.name;
    e.spec = "zoo:" + e.model.name;
    w.name = e.name;
    w.models.push_back(std::move(e));
    return w;
  }
  if (!std::filesystem::exists(path)) {
    std::vector<std::string> zoo;
    for (const auto& z : zoo_catalog()) zoo.push_back(z.name);
    std::vector<std::string> names = builtin_workload_names();
    names.insert(names.end(), zoo.begin(), zoo.end());
    const std::string hint = did_you_mean(spec, names);
    throw UserError(
        SourceLocation{spec, 0, ""},
        hint.empty() ? fmt::format("no such file, built-in workload ({}) or zoo model "
                                   "({})",
                                   fmt::join(builtin_workload_names(), ", "), fmt::join(zoo, ", "))
                     : "no such file, built-in workload or zoo model" + hint);
  }
  if (ext == ".yaml" || ext == ".yml") {
    if (is_zigzag_workload_file(path)) {  // a list of ZigZag layers (ZigZagConvert.h)
      Workload w;
      ModelEntry e;
      e.name = path.stem().string();
      e.model = zigzag_model(read_zigzag_workload(spec), e.name, spec);
      e.spec = "zigzag:" + spec;
      w.name = e.name;
      w.models.push_back(std::move(e));
      return w;
    }
    return load_workload_file(path);
  }
  if (ext == ".json") return load_workload_file(path);
  Workload w;
  ModelEntry e;
  e.name = path.stem().string();
  w.name = e.name;
  if (ext == ".onnx") {
    e.model = import_onnx(path);
    e.spec = "onnx:" + spec;
  } else if (ext == ".m") {
    const auto net = maestro_format::parse_network_file(path);
    std::vector<Layer> layers;
    for (const auto& ls : net.layers) layers.push_back(maestro_format::to_layer(ls, net.file));
    if (layers.empty())
      throw UserError(SourceLocation{spec, 0, ""}, "the MAESTRO file has no layers");
    e.model = chain_model(net.name.empty() ? e.name : net.name, spec, std::move(layers));
    e.spec = "maestro:" + spec;
    validate(e.model);
  } else {
    throw UserError(SourceLocation{spec, 0, ""},
                    "unknown file type; expected .onnx, .m (MAESTRO), .yaml, .yml or .json");
  }
  w.models.push_back(std::move(e));
  return w;
}

}  // namespace mosaic::workload

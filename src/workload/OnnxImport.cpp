#include "workload/OnnxImport.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include "common/Error.h"
#include "workload/OnnxOps.h"

namespace mosaic::workload {

using onnx_detail::Dims;
using onnx_detail::OpContext;
using onnx_detail::Rule;
using onnx_detail::Value;

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& field,
                       const std::string& message) {
  throw UserError(SourceLocation{file, 0, field}, message);
}

std::string node_label(const onnx::NodeProto& n, int index) {
  if (!n.name().empty()) return fmt::format("node '{}' ({})", n.name(), n.op_type());
  return fmt::format("node #{} ({})", index, n.op_type());
}

bool has_subgraph(const onnx::NodeProto& n) {
  for (const auto& a : n.attribute())
    if (a.has_g() || a.graphs_size() > 0) return true;
  return false;
}

// A shape the file records; -1 for a dimension it leaves symbolic.
using FileShape = std::vector<std::int64_t>;

bool fully_known(const FileShape& s) {
  return std::all_of(s.begin(), s.end(), [](std::int64_t d) { return d >= 0; });
}

class Importer {
 public:
  Importer(const onnx::ModelProto& proto, std::string file, const OnnxImportOptions& options)
      : proto_(proto), graph_(proto.graph()), file_(std::move(file)), options_(options) {}

  Model run();

 private:
  void check_opset();
  void read_initializers();
  void read_graph_inputs();
  void read_file_shapes();
  std::vector<int> topological_order();
  void convert_node(int index);
  void add_model_node(const onnx::NodeProto& np, const OpContext& ctx, Rule rule, bool compute,
                      Layer layer, std::vector<Value>& outs);
  void set_precisions(Layer& l, const OpContext& ctx, const std::vector<Value>& outs) const;
  std::string unique_name(const onnx::NodeProto& n, int index);
  void accept_shape(const OpContext& ctx, const std::string& tensor, Value& v);

  const onnx::ModelProto& proto_;
  const onnx::GraphProto& graph_;
  std::string file_;
  const OnnxImportOptions& options_;
  int opset_ = 0;
  Model model_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, FileShape> file_shapes_;
  std::map<std::string, std::int64_t> params_;  // resolved symbolic dimensions
  std::unordered_set<std::string> names_;
  std::map<std::string, std::pair<int, std::string>> unknown_ops_;  // op -> (count, first node)
  std::vector<std::string> warnings_;
};

void Importer::check_opset() {
  bool found = false;
  for (const auto& o : proto_.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      if (o.version() > INT_MAX || o.version() < 0)
        fail(file_, "opset_import", fmt::format("opset version {} is invalid", o.version()));
      opset_ = static_cast<int>(o.version());
      found = true;
    }
  }
  if (!found)
    fail(file_, "opset_import",
         fmt::format("the model imports no opset of the default ONNX domain (IR version {}); "
                     "mosaic reads opsets {} to {}",
                     proto_.ir_version(), kMinOnnxOpset, max_onnx_opset()));
  if (opset_ < kMinOnnxOpset || opset_ > max_onnx_opset())
    fail(file_, "opset_import",
         fmt::format("opset {} of the default ONNX domain is not supported (mosaic reads opsets "
                     "{} to {}); convert the model with onnx.version_converter",
                     opset_, kMinOnnxOpset, max_onnx_opset()));
}

void Importer::read_initializers() {
  auto add = [&](const std::string& name, const google::protobuf::RepeatedField<std::int64_t>& dims,
                 int elem_type, const onnx::TensorProto* t) {
    if (name.empty()) fail(file_, "initializer", "an initializer has no name");
    Value v;
    v.has_shape = true;
    v.constant = true;
    v.elem_type = elem_type;
    for (std::int64_t d : dims) {
      if (d < 0 || d > onnx_detail::kMaxDim)
        fail(file_, fmt::format("initializer '{}'", name),
             fmt::format("dimension {} is out of range", d));
      v.shape.push_back(d);
    }
    if (t) v.data = onnx_detail::read_contents(*t);
    if (!values_.emplace(name, std::move(v)).second)
      fail(file_, fmt::format("initializer '{}'", name), "the name is defined twice");
  };
  for (const auto& t : graph_.initializer()) add(t.name(), t.dims(), t.data_type(), &t);
  for (const auto& s : graph_.sparse_initializer())
    add(s.values().name(), s.dims(), s.values().data_type(), nullptr);
}

void Importer::read_graph_inputs() {
  for (const auto& in : graph_.input()) {
    if (values_.count(in.name())) continue;  // IR < 4 lists initializers as inputs too
    if (in.name().empty()) fail(file_, "graph input", "a graph input has no name");
    Value v;
    const std::string field = fmt::format("input '{}'", in.name());
    if (in.type().has_tensor_type()) {
      const auto& tt = in.type().tensor_type();
      v.elem_type = tt.elem_type();
      if (tt.has_shape()) {
        v.has_shape = true;
        for (int i = 0; i < tt.shape().dim_size(); ++i) {
          const auto& d = tt.shape().dim(i);
          std::int64_t value = 0;
          if (d.has_dim_value()) {
            value = d.dim_value();
            if (value <= 0)
              fail(file_, field,
                   fmt::format("dimension {} is {} (dimensions must be positive)", i, value));
            if (value > onnx_detail::kMaxDim)
              fail(file_, field, fmt::format("dimension {} = {} exceeds 2^40", i, value));
          } else {
            const std::string param = d.dim_param();
            auto it = options_.dim_params.find(param);
            if (it != options_.dim_params.end()) {
              value = it->second;
            } else {
              value = options_.default_dim;
              warnings_.push_back(fmt::format("{} dimension {} is symbolic{}; taken as {}", field,
                                              i, param.empty() ? "" : fmt::format(" ('{}')", param),
                                              value));
            }
            if (value <= 0 || value > onnx_detail::kMaxDim)
              fail(file_, field,
                   fmt::format("dimension {} set to {} (must be positive)", i, value));
            if (!param.empty()) params_.emplace(param, value);
          }
          v.shape.push_back(value);
        }
      }
    }
    values_[in.name()] = std::move(v);
  }
}

void Importer::read_file_shapes() {
  if (!options_.use_value_info) return;
  auto add = [&](const onnx::ValueInfoProto& vi) {
    if (!vi.type().has_tensor_type() || !vi.type().tensor_type().has_shape()) return;
    FileShape s;
    for (const auto& d : vi.type().tensor_type().shape().dim()) {
      if (d.has_dim_value() && d.dim_value() >= 0) {
        s.push_back(d.dim_value());
      } else if (d.has_dim_param()) {
        auto it = options_.dim_params.find(d.dim_param());
        auto jt = params_.find(d.dim_param());
        s.push_back(it != options_.dim_params.end() ? it->second
                    : jt != params_.end()           ? jt->second
                                                    : -1);
      } else {
        s.push_back(-1);
      }
    }
    file_shapes_[vi.name()] = std::move(s);
  };
  for (const auto& vi : graph_.value_info()) add(vi);
  for (const auto& vi : graph_.output()) add(vi);
}

std::vector<int> Importer::topological_order() {
  const int n = graph_.node_size();
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < n; ++i) {
    for (const auto& out : graph_.node(i).output()) {
      if (out.empty()) continue;
      if (values_.count(out))
        fail(file_, node_label(graph_.node(i), i),
             fmt::format("output '{}' has the name of a graph input or initializer", out));
      auto [it, inserted] = producer.emplace(out, i);
      if (!inserted)
        fail(file_, node_label(graph_.node(i), i),
             fmt::format("output '{}' is also produced by {}", out,
                         node_label(graph_.node(it->second), it->second)));
    }
  }
  std::vector<std::vector<int>> consumers(static_cast<std::size_t>(n));
  std::vector<int> pending(static_cast<std::size_t>(n), 0);
  std::vector<std::vector<int>> deps(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto& node = graph_.node(i);
    for (const auto& in : node.input()) {
      if (in.empty() || values_.count(in)) continue;
      auto it = producer.find(in);
      if (it == producer.end())
        fail(file_, node_label(node, i),
             fmt::format("input '{}' is not a graph input, an initializer or the output of any "
                         "node",
                         in));
      deps[static_cast<std::size_t>(i)].push_back(it->second);
    }
    auto& d = deps[static_cast<std::size_t>(i)];
    std::sort(d.begin(), d.end());
    d.erase(std::unique(d.begin(), d.end()), d.end());
    pending[static_cast<std::size_t>(i)] = static_cast<int>(d.size());
    for (int p : d) consumers[static_cast<std::size_t>(p)].push_back(i);
  }
  // Kahn's algorithm, always taking the lowest original index: files that are already sorted
  // keep their order.
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i)
    if (pending[static_cast<std::size_t>(i)] == 0) ready.push(i);
  std::vector<int> order;
  order.reserve(static_cast<std::size_t>(n));
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int c : consumers[static_cast<std::size_t>(i)])
      if (--pending[static_cast<std::size_t>(c)] == 0) ready.push(c);
  }
  if (static_cast<int>(order.size()) != n) {
    // Walk back along unsorted dependences until a node repeats: that is a cycle.
    int start = 0;
    while (pending[static_cast<std::size_t>(start)] == 0) ++start;
    std::vector<int> path;
    std::unordered_map<int, std::size_t> pos;
    int cur = start;
    while (!pos.count(cur)) {
      pos[cur] = path.size();
      path.push_back(cur);
      for (int d : deps[static_cast<std::size_t>(cur)]) {
        if (pending[static_cast<std::size_t>(d)] > 0) {
          cur = d;
          break;
        }
      }
    }
    std::vector<std::string> names;
    for (std::size_t k = path.size(); k-- > pos[cur];)
      names.push_back(node_label(graph_.node(path[k]), path[k]));
    names.push_back(names.front());
    fail(file_, node_label(graph_.node(cur), cur),
         fmt::format("the graph has a cycle: {}", fmt::join(names, " -> ")));
  }
  return order;
}

std::string Importer::unique_name(const onnx::NodeProto& n, int index) {
  std::string base = n.name().empty() ? fmt::format("{}_{}", n.op_type(), index) : n.name();
  std::string name = base;
  for (int k = 2; names_.count(name); ++k) name = fmt::format("{}_{}", base, k);
  names_.insert(name);
  return name;
}

void Importer::set_precisions(Layer& l, const OpContext& ctx,
                              const std::vector<Value>& outs) const {
  l.input_bits = options_.input_bits;
  l.weight_bits = options_.weight_bits;
  l.output_bits = options_.output_bits;
  l.psum_bits = options_.psum_bits;
  if (!options_.precision_from_types) return;
  auto bits_of = [](const Value* v, int def) {
    const int b = v ? onnx_detail::element_bits(v->elem_type) : 0;
    return b > 0 ? b : def;
  };
  const std::size_t wi = (ctx.op_type == "QLinearConv" || ctx.op_type == "QLinearMatMul") ? 3 : 1;
  l.input_bits = bits_of(ctx.in(0), l.input_bits);
  if (is_mac_op(l.op)) l.weight_bits = bits_of(ctx.in(wi), l.weight_bits);
  l.output_bits = bits_of(outs.empty() ? nullptr : &outs[0], l.output_bits);
}

void Importer::accept_shape(const OpContext& ctx, const std::string& tensor, Value& v) {
  auto it = file_shapes_.find(tensor);
  if (v.has_shape) {
    if (it != file_shapes_.end()) {
      const FileShape& f = it->second;
      bool same = f.size() == v.shape.size();
      for (std::size_t i = 0; same && i < f.size(); ++i) same = f[i] < 0 || f[i] == v.shape[i];
      if (!same)
        ctx.fail(fmt::format("output '{}' has shape {} in the file but {} by shape propagation",
                             tensor, onnx_detail::dims_text(f), onnx_detail::dims_text(v.shape)));
    }
  } else if (it != file_shapes_.end() && fully_known(it->second)) {
    v.has_shape = true;
    v.shape = it->second;
    v.data.reset();
  }
  if (v.has_shape) {
    for (std::int64_t d : v.shape)
      if (d > onnx_detail::kMaxDim)
        ctx.fail(fmt::format("output '{}' dimension {} exceeds 2^40", tensor, d));
    const std::int64_t n = onnx_detail::element_count(v.shape);
    if (n < 0)
      ctx.fail(fmt::format("output '{}' {} has more than 2^52 elements", tensor,
                           onnx_detail::dims_text(v.shape)));
  }
}

// Adds the model node of a node that does not fold: its layer (non-compute nodes take their
// output's shape), data inputs, precisions and output shape; its outputs' producer.
void Importer::add_model_node(const onnx::NodeProto& np, const OpContext& ctx, Rule rule,
                              bool compute, Layer layer, std::vector<Value>& outs) {
  Node node;
  node.layer = std::move(layer);
  Layer& l = node.layer;
  if (!compute) {
    l.op = rule == Rule::Broadcast || rule == Rule::SameShape ? OpKind::Elementwise : OpKind::Other;
    if (!outs.empty() && outs[0].has_shape) {
      // An empty tensor (a legal zero-size slice) keeps dims 1: Layer dimensions are positive.
      if (onnx_detail::element_count(outs[0].shape) > 0)
        onnx_detail::set_dims_from_shape(l, outs[0].shape);
      else
        onnx_detail::set_dims_from_shape(l, {});
    } else {
      onnx_detail::set_dims_from_shape(l, {});
      node.shape_known = false;
    }
  }
  int data_inputs = 0;
  for (int j = 0; j < np.input_size(); ++j) {
    const Value* v = ctx.inputs[static_cast<std::size_t>(j)];
    if (!v || v->constant) continue;
    ++data_inputs;
    TensorInput ti;
    ti.producer = v->producer;
    ti.elements = v->has_shape ? onnx_detail::element_count(v->shape) : 0;
    ti.tensor = np.input(j);
    node.inputs.push_back(std::move(ti));
  }
  if (l.op == OpKind::Elementwise) l.num_inputs = std::max(1, data_inputs);
  set_precisions(l, ctx, outs);
  if (!outs.empty() && outs[0].has_shape)
    node.output_shape = outs[0].shape;
  else
    node.shape_known = false;
  if (!compute && node.shape_known) {
    try {
      validate(l);
    } catch (const UserError& e) {
      ctx.fail(e.message());
    }
  }
  const auto idx = static_cast<std::int32_t>(model_.nodes.size());
  for (auto& v : outs) v.producer = idx;
  model_.nodes.push_back(std::move(node));
}

void Importer::convert_node(int index) {
  const onnx::NodeProto& np = graph_.node(index);
  OpContext ctx;
  ctx.node = &np;
  ctx.op_type = np.op_type();
  ctx.display = node_label(np, index);
  ctx.file = file_;
  ctx.opset = opset_;
  const bool default_domain = np.domain().empty() || np.domain() == "ai.onnx";
  Rule rule = default_domain ? onnx_detail::rule_of(np.op_type()) : Rule::Unknown;
  if (has_subgraph(np)) rule = Rule::Unknown;
  if (rule == Rule::Einsum && np.input_size() != 2) rule = Rule::Unknown;

  bool all_constant = true;
  for (const auto& name : np.input()) {
    if (name.empty()) {
      ctx.inputs.push_back(nullptr);
      continue;
    }
    const Value& v = values_.at(name);
    ctx.inputs.push_back(&v);
    all_constant = all_constant && v.constant;
  }
  // Nodes without inputs (Constant, RandomNormal, ...) are constants too.

  std::vector<Value> outs(static_cast<std::size_t>(np.output_size()));
  const bool compute = rule == Rule::Conv || rule == Rule::ConvTranspose || rule == Rule::Gemm ||
                       rule == Rule::MatMul || rule == Rule::Recurrent || rule == Rule::Einsum ||
                       rule == Rule::Pool || rule == Rule::GlobalPool;
  Layer layer;
  layer.name = unique_name(np, index);
  layer.source_op = default_domain ? np.op_type() : np.domain() + "." + np.op_type();
  if (rule == Rule::Unknown) {
    auto& entry = unknown_ops_[layer.source_op];
    if (entry.first++ == 0) entry.second = layer.name;
  }
  try {
    if (compute)
      onnx_detail::build_compute_layer(rule, ctx, layer, outs);
    else if (rule != Rule::Unknown)
      onnx_detail::propagate(rule, ctx, outs);
  } catch (const onnx_detail::Unknown& u) {
    if (compute && !all_constant)
      ctx.fail(
          fmt::format("{} is unknown: the file records no shape for it (value_info) and "
                      "mosaic cannot propagate one to it; run onnx.shape_inference on the "
                      "model or give its symbolic dimensions",
                      u.what));
    for (auto& o : outs) o = Value{};
  }
  for (auto& w : ctx.warnings) warnings_.push_back(std::move(w));
  ctx.warnings.clear();

  // A node whose outputs are all known small constants (Shape of a known shape, arithmetic on
  // it) depends on shapes only: it folds like a constant.
  bool all_known = !outs.empty();
  for (int j = 0; j < np.output_size(); ++j)
    if (!np.output(j).empty() && !outs[static_cast<std::size_t>(j)].data) all_known = false;
  const bool folded = all_constant || (all_known && !compute);
  for (int j = 0; j < np.output_size(); ++j) {
    auto& v = outs[static_cast<std::size_t>(j)];
    v.constant = folded;
    if (!np.output(j).empty()) accept_shape(ctx, np.output(j), v);
  }

  if (!folded) add_model_node(np, ctx, rule, compute, std::move(layer), outs);
  for (int j = 0; j < np.output_size(); ++j) {
    if (np.output(j).empty()) continue;
    values_[np.output(j)] = std::move(outs[static_cast<std::size_t>(j)]);
  }
}

Model Importer::run() {
  if (!proto_.has_graph()) fail(file_, "graph", "the model has no graph (not an ONNX model?)");
  check_opset();
  model_.source = file_;
  model_.name = options_.name;
  if (model_.name.empty()) model_.name = graph_.name();
  if (model_.name.empty()) model_.name = std::filesystem::path(file_).stem().string();
  read_initializers();
  read_graph_inputs();
  read_file_shapes();
  const auto order = topological_order();
  for (int i : order) convert_node(i);
  if (model_.nodes.empty())
    fail(file_, "graph", "no node of the graph depends on a graph input: nothing to compute");
  for (const auto& [op, entry] : unknown_ops_)
    warnings_.push_back(
        fmt::format("unknown operator '{}' ({} node{}, first '{}') kept as a zero-cost node", op,
                    entry.first, entry.first == 1 ? "" : "s", entry.second));
  model_.warnings = std::move(warnings_);
  return std::move(model_);
}

}  // namespace

int max_onnx_opset() {
  const auto& map = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto it = map.find(onnx::ONNX_DOMAIN);
  // mosaic propagates shapes itself (OnnxOps.cpp), so it reads the opsets up to
  // kMaxOnnxOpset even when the linked ONNX library is older: opsets 18-22 changed types and
  // moved Reduce* axes / Split counts to inputs and attributes, which OnnxOps handles.
  return std::max(kMaxOnnxOpset, it == map.end() ? 17 : it->second.second);
}

Model import_onnx_bytes(const void* data, std::size_t size, const std::string& label,
                        const OnnxImportOptions& options) {
  if (size > static_cast<std::size_t>(INT_MAX))
    fail(label, "",
         "the file is larger than 2 GiB, protobuf's limit; store the weights as "
         "external data");
  onnx::ModelProto proto;
  if (!proto.ParseFromArray(data, static_cast<int>(size)))
    fail(label, "",
         "not a valid ONNX model: the protobuf does not parse (truncated or corrupt "
         "file?)");
  return Importer(proto, label, options).run();
}

Model import_onnx(const std::filesystem::path& path, const OnnxImportOptions& options) {
  const std::string label = path.string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(label, "", "cannot open the file");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(label, "", "not a regular file");
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    fail(label, "", "the file is empty");
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) fail(label, "", "cannot map the file into memory");
  struct Unmap {
    void* p;
    std::size_t n;
    ~Unmap() { ::munmap(p, n); }
  } unmap{map, size};
  return import_onnx_bytes(map, size, label, options);
}

}  // namespace mosaic::workload

// Test helper: builds small ONNX models in memory with the protobuf classes of libonnx.
#pragma once

#ifndef ONNX_ML
#define ONNX_ML 1
#endif
#ifndef ONNX_NAMESPACE
#define ONNX_NAMESPACE onnx
#endif

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "workload/OnnxImport.h"

namespace mosaic::onnx_test {

using workload::import_onnx_bytes;
using workload::Model;
using workload::OnnxImportOptions;

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int opset = 13) {
    model_.set_ir_version(7);
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    model_.mutable_graph()->set_name("test_graph");
  }

  onnx::ModelProto& proto() { return model_; }
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }

  // A graph input; a negative dim becomes a symbolic dimension named `param`.
  OnnxBuilder& input(const std::string& name, const std::vector<std::int64_t>& dims,
                     const std::string& param = "batch") {
    auto* vi = graph().add_input();
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto_DataType_FLOAT);
    auto* shape = tt->mutable_shape();
    for (std::int64_t d : dims) {
      auto* dim = shape->add_dim();
      if (d < 0)
        dim->set_dim_param(param);
      else
        dim->set_dim_value(d);
    }
    return *this;
  }

  // A weight initializer with dims only (no values: weights stripped).
  OnnxBuilder& weight(const std::string& name, const std::vector<std::int64_t>& dims) {
    auto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto_DataType_FLOAT);
    for (std::int64_t d : dims) t->add_dims(d);
    return *this;
  }

  // An INT64 initializer with values.
  OnnxBuilder& ints(const std::string& name, const std::vector<std::int64_t>& values,
                    bool as_vector = true) {
    auto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto_DataType_INT64);
    if (as_vector) t->add_dims(static_cast<std::int64_t>(values.size()));
    for (std::int64_t v : values) t->add_int64_data(v);
    return *this;
  }

  OnnxBuilder& floats(const std::string& name, const std::vector<float>& values) {
    auto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto_DataType_FLOAT);
    t->add_dims(static_cast<std::int64_t>(values.size()));
    for (float v : values) t->add_float_data(v);
    return *this;
  }

  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "") {
    auto* n = graph().add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? outputs.at(0) + "_node" : name);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return *n;
  }

  static void attr(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_INT);
    a->set_i(v);
  }
  static void attr(onnx::NodeProto& n, const std::string& name,
                   const std::vector<std::int64_t>& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_INTS);
    for (std::int64_t x : v) a->add_ints(x);
  }
  static void attr(onnx::NodeProto& n, const std::string& name, const std::string& v) {
    auto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto_AttributeType_STRING);
    a->set_s(v);
  }

  // Records a shape for a tensor in value_info.
  OnnxBuilder& value_info(const std::string& name, const std::vector<std::int64_t>& dims) {
    auto* vi = graph().add_value_info();
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto_DataType_FLOAT);
    auto* shape = tt->mutable_shape();
    for (std::int64_t d : dims) shape->add_dim()->set_dim_value(d);
    return *this;
  }

  std::string bytes() const { return model_.SerializeAsString(); }

  Model import(const OnnxImportOptions& options = {}) const {
    const std::string b = bytes();
    return import_onnx_bytes(b.data(), b.size(), "test.onnx", options);
  }

 private:
  onnx::ModelProto model_;
};

}  // namespace mosaic::onnx_test

// The H3M serving sets and the BERT-base model (not in the zoo).
#include <fmt/format.h>

#include "common/Error.h"
#include "search/H3m.h"
#include "workload/Zoo.h"

namespace mosaic::search {

namespace {

workload::Layer gemm(const std::string& name, std::int64_t rows, std::int64_t red,
                     std::int64_t cols) {
  workload::Layer l;
  l.name = name;
  l.op = workload::OpKind::Gemm;
  l.source_op = "MatMul";
  l.N = rows;
  l.C = red;
  l.K = cols;
  return l;
}

}  // namespace

workload::Model bert_base(std::int64_t seq) {
  const std::int64_t h = 768, heads = 12, dh = 64, ffn = 3072;
  workload::Model m;
  m.name = seq == 128 ? "bert_base" : fmt::format("bert_base_s{}", seq);
  m.source = fmt::format(
      "Devlin et al., BERT, NAACL 2019: BERT-base (12 layers, hidden 768, 12 heads, FFN 3072), "
      "sequence {}; per layer the QKV projection, the attention scores and context (the 12 "
      "heads as {} rows), the output projection and the two FFN GEMMs; embeddings, softmax, "
      "layer norms and residual adds omitted (no MACs)",
      seq, heads * seq);
  auto add = [&](workload::Layer l, const std::vector<std::int32_t>& from) {
    workload::Node n;
    for (auto f : from) {
      workload::TensorInput in;
      in.producer = f;
      in.elements =
          f < 0 ? seq * h : workload::output_elements(m.nodes[static_cast<std::size_t>(f)].layer);
      in.tensor = f < 0 ? "input" : m.nodes[static_cast<std::size_t>(f)].layer.name;
      n.inputs.push_back(in);
    }
    n.output_shape = {l.N, l.K};
    n.layer = std::move(l);
    m.nodes.push_back(std::move(n));
    return static_cast<std::int32_t>(m.nodes.size() - 1);
  };
  std::int32_t x = -1;
  for (int i = 0; i < 12; ++i) {
    const std::string p = fmt::format("layer{}.", i);
    const auto qkv = add(gemm(p + "qkv", seq, h, 3 * h), {x});
    const auto score = add(gemm(p + "attn.score", heads * seq, dh, seq), {qkv});
    const auto ctx = add(gemm(p + "attn.context", heads * seq, seq, dh), {score, qkv});
    const auto out = add(gemm(p + "attn.out", seq, h, h), {ctx});
    const auto f1 = add(gemm(p + "ffn1", seq, h, ffn), {out});
    x = add(gemm(p + "ffn2", seq, ffn, h), {f1});
  }
  workload::validate(m);
  return m;
}

workload::Workload h3m_workload(const std::string& name) {
  auto entry = [](workload::Model m, std::int64_t batch, std::int64_t requests) {
    workload::ModelEntry e;
    e.name = m.name;
    e.spec = "h3m:" + m.name;
    e.model = std::move(m);
    e.batch = batch;
    e.instances = requests;
    return e;
  };
  auto zoo = [&](const char* n, std::int64_t batch = 1, std::int64_t requests = 1) {
    return entry(workload::zoo_model(n), batch, requests);
  };
  workload::Workload w;
  w.name = name;
  if (name == "vision") {
    // ResNet-50, MobileNet-v2, VGG-16; GoogLeNet stands in for Inception-v3 and
    // SSD-MobileNet-v1 for YOLOv3 / SSD (the zoo has neither Inception-v3 nor YOLOv3).
    w.models = {zoo("resnet50"), zoo("mobilenet_v2"), zoo("vgg16"), zoo("googlenet"),
                zoo("ssd_mobilenet_v1")};
  } else if (name == "nlp") {
    w.models = {entry(bert_base(128), 1, 1), entry(bert_base(384), 1, 1), zoo("gnmt")};
  } else if (name == "mixed") {
    w.models = {zoo("resnet50"), zoo("mobilenet_v2"), zoo("ssd_mobilenet_v1"),
                entry(bert_base(128), 1, 1), zoo("gnmt")};
  } else {
    throw UserError(SourceLocation{"", 0, "--workload"},
                    fmt::format("unknown serving set '{}'; expected vision, nlp, mixed or a "
                                "workload file",
                                name));
  }
  return w;
}

}  // namespace mosaic::search

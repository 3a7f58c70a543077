#include "mapper/InterstellarNetworks.h"

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::mapper {

using workload::EinsumLayer;

namespace {

EinsumLayer base(const std::string& name, const std::string& op, const std::string& equation) {
  EinsumLayer l;
  l.name = name;
  l.op_type = op;
  l.equation = equation;
  l.operands = workload::parse_equation(equation, name);
  l.precision_bits = {{"I", 16}, {"W", 16}, {"O", 16}, {"O_final", 16}};
  l.operand_source = {{"W", 0}, {"I", -1}};
  return l;
}

}  // namespace

EinsumLayer conv_layer(const std::string& name, int batch, int k, int c, int out_y, int out_x,
                       int fy, int fx, int stride, int in_y, int in_x) {
  EinsumLayer l = base(name, "Conv", "O[b][k][oy][ox]+=W[k][c][fy][fx]*I[b][c][iy][ix]");
  l.dims = {"B", "K", "C", "OY", "OX", "FY", "FX"};
  l.sizes = {batch, k, c, out_y, out_x, fy, fx};
  l.relations = {{"IX", "OX", stride, "FX", 1}, {"IY", "OY", stride, "FY", 1}};
  l.pr_dims = {"IX", "IY"};
  l.pr_sizes = {in_x, in_y};
  return l;
}

EinsumLayer depthwise_layer(const std::string& name, int batch, int g, int out_y, int out_x, int fy,
                            int fx, int stride, int in_y, int in_x) {
  EinsumLayer l = base(name, "Conv", "O[b][g][oy][ox]+=W[g][fy][fx]*I[b][g][iy][ix]");
  l.dims = {"B", "G", "OY", "OX", "FY", "FX"};
  l.sizes = {batch, g, out_y, out_x, fy, fx};
  l.relations = {{"IX", "OX", stride, "FX", 1}, {"IY", "OY", stride, "FY", 1}};
  l.pr_dims = {"IX", "IY"};
  l.pr_sizes = {in_x, in_y};
  return l;
}

EinsumLayer fc_layer(const std::string& name, int batch, int k, int c) {
  EinsumLayer l = base(name, "Gemm", "O[b][k]+=W[k][c]*I[b][c]");
  l.dims = {"B", "K", "C"};
  l.sizes = {batch, k, c};
  return l;
}

namespace {

// A 3x3 / 1x1 "same" convolution at resolution r (pad (f-1)/2).
EinsumLayer same_conv(const std::string& name, int b, int k, int c, int r, int f, int stride = 1) {
  const int out = (r + (f - 1) - f) / stride + 1;  // with padding (f-1)/2 on both sides
  return conv_layer(name, b, k, c, out, out, f, f, stride, r, r);
}

void inception(std::vector<EinsumLayer>& v, const std::string& n, int b, int r, int c, int c1,
               int c3r, int c3, int c5r, int c5, int pp) {
  v.push_back(same_conv(n + "_1x1", b, c1, c, r, 1));
  v.push_back(same_conv(n + "_3x3r", b, c3r, c, r, 1));
  v.push_back(same_conv(n + "_3x3", b, c3, c3r, r, 3));
  v.push_back(same_conv(n + "_5x5r", b, c5r, c, r, 1));
  v.push_back(same_conv(n + "_5x5", b, c5, c5r, r, 5));
  v.push_back(same_conv(n + "_pool_proj", b, pp, c, r, 1));
}

std::vector<EinsumLayer> alexnet(int b) {
  return {conv_layer("conv1", b, 96, 3, 55, 55, 11, 11, 4, 227, 227),
          same_conv("conv2", b, 256, 48, 27, 5),
          same_conv("conv3", b, 384, 256, 13, 3),
          same_conv("conv4", b, 384, 192, 13, 3),
          same_conv("conv5", b, 256, 192, 13, 3),
          fc_layer("fc6", b, 4096, 9216),
          fc_layer("fc7", b, 4096, 4096),
          fc_layer("fc8", b, 1000, 4096)};
}

std::vector<EinsumLayer> vgg16(int b) {
  std::vector<EinsumLayer> v;
  const int cfg[][3] = {{64, 3, 224},   {64, 64, 224},  {128, 64, 112}, {128, 128, 112},
                        {256, 128, 56}, {256, 256, 56}, {256, 256, 56}, {512, 256, 28},
                        {512, 512, 28}, {512, 512, 28}, {512, 512, 14}, {512, 512, 14},
                        {512, 512, 14}};
  int i = 1;
  for (const auto& c : cfg)
    v.push_back(same_conv(fmt::format("conv{}", i++), b, c[0], c[1], c[2], 3));
  v.push_back(fc_layer("fc14", b, 4096, 25088));
  v.push_back(fc_layer("fc15", b, 4096, 4096));
  v.push_back(fc_layer("fc16", b, 1000, 4096));
  return v;
}

std::vector<EinsumLayer> googlenet(int b) {
  std::vector<EinsumLayer> v;
  v.push_back(conv_layer("conv1", b, 64, 3, 112, 112, 7, 7, 2, 224, 224));
  v.push_back(same_conv("conv2_reduce", b, 64, 64, 56, 1));
  v.push_back(same_conv("conv2", b, 192, 64, 56, 3));
  inception(v, "3a", b, 28, 192, 64, 96, 128, 16, 32, 32);
  inception(v, "3b", b, 28, 256, 128, 128, 192, 32, 96, 64);
  inception(v, "4a", b, 14, 480, 192, 96, 208, 16, 48, 64);
  inception(v, "4b", b, 14, 512, 160, 112, 224, 24, 64, 64);
  inception(v, "4c", b, 14, 512, 128, 128, 256, 24, 64, 64);
  inception(v, "4d", b, 14, 512, 112, 144, 288, 32, 64, 64);
  inception(v, "4e", b, 14, 528, 256, 160, 320, 32, 128, 128);
  inception(v, "5a", b, 7, 832, 256, 160, 320, 32, 128, 128);
  inception(v, "5b", b, 7, 832, 384, 192, 384, 48, 128, 128);
  v.push_back(fc_layer("fc", b, 1000, 1024));
  return v;
}

std::vector<EinsumLayer> mobilenet(int b) {
  std::vector<EinsumLayer> v;
  v.push_back(conv_layer("conv1", b, 32, 3, 112, 112, 3, 3, 2, 224, 224));
  // (channels in, channels out, input resolution, depthwise stride)
  const int blocks[][4] = {{32, 64, 112, 1},  {64, 128, 112, 2}, {128, 128, 56, 1},
                           {128, 256, 56, 2}, {256, 256, 28, 1}, {256, 512, 28, 2},
                           {512, 512, 14, 1}, {512, 512, 14, 1}, {512, 512, 14, 1},
                           {512, 512, 14, 1}, {512, 512, 14, 1}, {512, 1024, 14, 2},
                           {1024, 1024, 7, 1}};
  int n = 2;
  for (const auto& blk : blocks) {
    const int cin = blk[0], cout = blk[1], r = blk[2], s = blk[3];
    const int out = (r + 2 - 3) / s + 1;
    v.push_back(depthwise_layer(fmt::format("conv{}_dw", n++), b, cin, out, out, 3, 3, s, r, r));
    v.push_back(same_conv(fmt::format("conv{}_pw", n++), b, cout, cin, out, 1));
  }
  v.push_back(fc_layer("fc", b, 1000, 1024));
  return v;
}

}  // namespace

std::vector<std::string> interstellar_network_names() {
  return {"alexnet",         "vgg16",         "googlenet",     "mobilenet",
          "lstm-m",          "lstm-l",        "rhn",           "mlp-m",
          "mlp-l",           "alexnet-conv2", "alexnet-conv3", "mobilenet-conv14",
          "mobilenet-conv15"};
}

std::vector<EinsumLayer> interstellar_network(const std::string& name, int batch) {
  const bool cnn = name == "alexnet" || name == "vgg16" || name == "googlenet" ||
                   name == "mobilenet" || name.rfind("alexnet-", 0) == 0 ||
                   name.rfind("mobilenet-", 0) == 0;
  const int b = batch > 0 ? batch : (cnn ? 16 : 128);
  std::vector<EinsumLayer> v;
  if (name == "alexnet")
    v = alexnet(b);
  else if (name == "vgg16")
    v = vgg16(b);
  else if (name == "googlenet")
    v = googlenet(b);
  else if (name == "mobilenet")
    v = mobilenet(b);
  else if (name == "lstm-m")
    v = {fc_layer("lstm_m", b, 4 * 500, 2 * 500)};
  else if (name == "lstm-l")
    v = {fc_layer("lstm_l", b, 4 * 1000, 2 * 1000)};
  else if (name == "rhn")
    v = {fc_layer("rhn", b, 2 * 1500, 2 * 1500)};
  else if (name == "mlp-m")
    v = {fc_layer("fc1", b, 1000, 784), fc_layer("fc2", b, 500, 1000),
         fc_layer("fc3", b, 250, 500)};
  else if (name == "mlp-l")
    v = {fc_layer("fc1", b, 1500, 784), fc_layer("fc2", b, 1000, 1500),
         fc_layer("fc3", b, 500, 1000)};
  else if (name == "alexnet-conv2")
    v = {alexnet(b)[1]};
  else if (name == "alexnet-conv3")
    v = {alexnet(b)[2]};
  else if (name == "mobilenet-conv14")
    v = {mobilenet(b)[13]};
  else if (name == "mobilenet-conv15")
    v = {mobilenet(b)[14]};
  else {
    std::string known;
    for (const auto& n : interstellar_network_names()) known += (known.empty() ? "" : ", ") + n;
    throw UserError(SourceLocation{"", 0, "network"},
                    fmt::format("unknown network '{}' (known: {})", name, known));
  }
  for (std::size_t i = 0; i < v.size(); ++i) v[i].id = static_cast<std::int64_t>(i);
  return v;
}

}  // namespace mosaic::mapper

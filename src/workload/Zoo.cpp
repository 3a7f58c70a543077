#include "workload/Zoo.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::workload {

namespace {

struct Shape {
  std::int64_t c = 1, y = 1, x = 1;
};

struct Pad {
  int t = 0, b = 0, l = 0, r = 0;
};

Pad sym(int p) {
  return Pad{p, p, p, p};
}

// TensorFlow "SAME" padding of one axis: output ceil(in / stride), the odd pixel at the end.
std::pair<int, int> same_axis(std::int64_t in, std::int64_t k, int stride) {
  const std::int64_t out = (in + stride - 1) / stride;
  const std::int64_t total = std::max<std::int64_t>(0, (out - 1) * stride + k - in);
  return {static_cast<int>(total / 2), static_cast<int>(total - total / 2)};
}

// Builds a model node by node, tracking every node's output shape (channels, rows, columns).
class Net {
 public:
  Net(std::string name, std::string source, Shape input, std::int64_t batch = 1)
      : input_(input), batch_(batch) {
    model_.name = std::move(name);
    model_.source = std::move(source);
  }

  static constexpr int kInput = -1;

  Shape shape(int id) const { return id < 0 ? input_ : shapes_[static_cast<std::size_t>(id)]; }

  Pad same(int from, std::int64_t k, int stride) const {
    const Shape s = shape(from);
    auto [t, b] = same_axis(s.y, k, stride);
    auto [l, r] = same_axis(s.x, k, stride);
    return Pad{t, b, l, r};
  }

  int conv(const std::string& name, int from, std::int64_t k_out, std::int64_t kernel, int stride,
           Pad pad, std::int64_t groups = 1) {
    const Shape in = shape(from);
    Layer l = base(name, "Conv");
    if (groups == 1) {
      l.op = OpKind::Conv;
    } else if (groups == in.c) {
      l.op = OpKind::DepthwiseConv;
    } else {
      l.op = OpKind::GroupedConv;
    }
    MOSAIC_CHECK(in.c % groups == 0 && k_out % groups == 0, "zoo: channels do not split");
    l.G = groups;
    l.C = in.c / groups;
    l.K = k_out / groups;
    spatial(l, in, kernel, kernel, stride, pad);
    const Shape out{k_out, output_rows(l), output_cols(l)};
    return add_layer(std::move(l), {from}, out);
  }
  int conv(const std::string& name, int from, std::int64_t k_out, std::int64_t kernel, int stride,
           int pad) {
    return conv(name, from, k_out, kernel, stride, sym(pad));
  }
  int dwconv(const std::string& name, int from, std::int64_t kernel, int stride, Pad pad) {
    return conv(name, from, shape(from).c, kernel, stride, pad, shape(from).c);
  }

  // Transposed convolution with `pad_end` cropped at the end of each axis.
  int trconv(const std::string& name, int from, std::int64_t k_out, std::int64_t kernel, int stride,
             int pad_begin, int pad_end) {
    const Shape in = shape(from);
    Layer l = base(name, "ConvTranspose");
    l.op = OpKind::TransposedConv;
    l.C = in.c;
    l.K = k_out;
    spatial(l, in, kernel, kernel, stride, Pad{pad_begin, pad_end, pad_begin, pad_end});
    const Shape out{k_out, output_rows(l), output_cols(l)};
    return add_layer(std::move(l), {from}, out);
  }

  int pool(const std::string& name, int from, OpKind op, std::int64_t kernel, int stride, Pad pad,
           bool ceil_mode = false) {
    const Shape in = shape(from);
    Layer l = base(name, op == OpKind::MaxPool ? "MaxPool" : "AveragePool");
    l.op = op;
    l.G = in.c;
    if (ceil_mode) {
      // Caffe/PyTorch ceil mode: extra end padding so that the floor formula gives the ceil size.
      auto extra = [&](std::int64_t n, int lo, int hi) {
        const std::int64_t room = n + lo + hi - kernel;
        std::int64_t out = (room + stride - 1) / stride + 1;
        if ((out - 1) * stride >= n + lo) --out;
        return static_cast<int>(std::max<std::int64_t>(hi, (out - 1) * stride + kernel - n - lo));
      };
      pad.b = extra(in.y, pad.t, pad.b);
      pad.r = extra(in.x, pad.l, pad.r);
    }
    spatial(l, in, kernel, kernel, stride, pad);
    const Shape out{in.c, output_rows(l), output_cols(l)};
    return add_layer(std::move(l), {from}, out);
  }
  int pool(const std::string& name, int from, OpKind op, std::int64_t kernel, int stride,
           int pad = 0, bool ceil_mode = false) {
    return pool(name, from, op, kernel, stride, sym(pad), ceil_mode);
  }

  int global_avgpool(const std::string& name, int from) {
    const Shape in = shape(from);
    Layer l = base(name, "GlobalAveragePool");
    l.op = OpKind::AvgPool;
    l.G = in.c;
    l.Y = l.R = in.y;
    l.X = l.S = in.x;
    return add_layer(std::move(l), {from}, Shape{in.c, 1, 1});
  }

  // Fully connected layer over the flattened input.
  int fc(const std::string& name, int from, std::int64_t k_out) {
    const Shape in = shape(from);
    return gemm(name, {from}, batch_, in.c * in.y * in.x, k_out, 1, "Gemm");
  }

  // A general GEMM: rows x reduction x columns (rows include the batch), G independent copies.
  int gemm(const std::string& name, const std::vector<int>& from, std::int64_t rows,
           std::int64_t red, std::int64_t cols, std::int64_t g = 1,
           const char* source_op = "Gemm") {
    Layer l = base(name, source_op);
    l.op = OpKind::Gemm;
    l.N = rows;
    l.C = red;
    l.K = cols;
    l.G = g;
    return add_layer(std::move(l), from, Shape{cols, 1, 1}, {rows, cols});
  }

  int add(const std::string& name, int a, int b) {
    const Shape s = shape(a);
    Layer l = base(name, "Add");
    l.op = OpKind::Elementwise;
    l.G = s.c;
    l.Y = s.y;
    l.X = s.x;
    l.num_inputs = 2;
    return add_layer(std::move(l), {a, b}, s);
  }

  int concat(const std::string& name, const std::vector<int>& from) {
    Shape s = shape(from.front());
    s.c = 0;
    for (int f : from) s.c += shape(f).c;
    return other(name, "Concat", from, s);
  }

  // A zero-cost node (crop, resize, reshape) with the given output shape.
  int other(const std::string& name, const std::string& op, const std::vector<int>& from,
            Shape out) {
    Layer l = base(name, op);
    l.op = OpKind::Other;
    l.G = out.c;
    l.Y = out.y;
    l.X = out.x;
    return add_layer(std::move(l), from, out);
  }

  Model take() { return std::move(model_); }

 private:
  Layer base(const std::string& name, const std::string& source_op) const {
    Layer l;
    l.name = name;
    l.source_op = source_op;
    l.N = batch_;
    return l;
  }

  static void spatial(Layer& l, Shape in, std::int64_t r, std::int64_t s, int stride, Pad pad) {
    l.Y = in.y;
    l.X = in.x;
    l.R = r;
    l.S = s;
    l.stride_y = l.stride_x = stride;
    l.pad_top = pad.t;
    l.pad_bottom = pad.b;
    l.pad_left = pad.l;
    l.pad_right = pad.r;
  }

  int add_layer(Layer l, const std::vector<int>& from, Shape out,
                const std::vector<std::int64_t>& shape = {}) {
    validate(l);
    Node n;
    for (int f : from) {
      const Shape s = this->shape(f);
      TensorInput in;
      in.producer = f;
      in.elements = f < 0 ? batch_ * s.c * s.y * s.x : element_count_of(f);
      in.tensor = f < 0 ? "input" : model_.nodes[static_cast<std::size_t>(f)].layer.name;
      n.inputs.push_back(std::move(in));
    }
    n.output_shape = shape.empty() ? std::vector<std::int64_t>{batch_, out.c, out.y, out.x} : shape;
    n.layer = std::move(l);
    model_.nodes.push_back(std::move(n));
    shapes_.push_back(out);
    return static_cast<int>(model_.nodes.size()) - 1;
  }

  std::int64_t element_count_of(int id) const {
    std::int64_t n = 1;
    for (std::int64_t d : model_.nodes[static_cast<std::size_t>(id)].output_shape) n *= d;
    return n;
  }

  Model model_;
  std::vector<Shape> shapes_;
  Shape input_;
  std::int64_t batch_;
};

// ---------------------------------------------------------------------------------------------

Model resnet50() {
  Net n("resnet50",
        "He et al., Deep Residual Learning, CVPR 2016; torchvision 0.14 resnet50 (v1.5: stride "
        "in the 3x3 conv)",
        {3, 224, 224});
  int x = n.conv("conv1", Net::kInput, 64, 7, 2, 3);
  x = n.pool("maxpool", x, OpKind::MaxPool, 3, 2, 1);
  const std::array<int, 4> blocks{3, 4, 6, 3};
  std::int64_t planes = 64;
  for (int li = 0; li < 4; ++li, planes *= 2) {
    for (int b = 0; b < blocks[static_cast<std::size_t>(li)]; ++b) {
      const std::string p = fmt::format("layer{}.{}.", li + 1, b);
      const int stride = (b == 0 && li > 0) ? 2 : 1;
      int y = n.conv(p + "conv1", x, planes, 1, 1, 0);
      y = n.conv(p + "conv2", y, planes, 3, stride, 1);
      y = n.conv(p + "conv3", y, planes * 4, 1, 1, 0);
      int shortcut = x;
      if (b == 0) shortcut = n.conv(p + "downsample.0", x, planes * 4, 1, stride, 0);
      x = n.add(p + "add", y, shortcut);
    }
  }
  x = n.global_avgpool("avgpool", x);
  n.fc("fc", x, 1000);
  return n.take();
}

Model mobilenet_v2() {
  Net n("mobilenet_v2",
        "Sandler et al., MobileNetV2: Inverted Residuals and Linear Bottlenecks, CVPR 2018; "
        "torchvision 0.14 mobilenet_v2 (width 1.0)",
        {3, 224, 224});
  int x = n.conv("features.0.0", Net::kInput, 32, 3, 2, 1);
  struct Cfg {
    int t, c, n, s;
  };
  const Cfg cfg[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                     {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  int idx = 1;
  for (const Cfg& c : cfg) {
    for (int i = 0; i < c.n; ++i, ++idx) {
      const int stride = i == 0 ? c.s : 1;
      const std::string p = fmt::format("features.{}.conv.", idx);
      const std::int64_t in_c = n.shape(x).c;
      int y = x;
      if (c.t != 1) {
        y = n.conv(p + "0.0", y, in_c * c.t, 1, 1, 0);
        y = n.dwconv(p + "1.0", y, 3, stride, sym(1));
        y = n.conv(p + "2", y, c.c, 1, 1, 0);
      } else {
        y = n.dwconv(p + "0.0", y, 3, stride, sym(1));
        y = n.conv(p + "1", y, c.c, 1, 1, 0);
      }
      x = (stride == 1 && in_c == c.c) ? n.add(fmt::format("features.{}.add", idx), y, x) : y;
    }
  }
  x = n.conv("features.18.0", x, 1280, 1, 1, 0);
  x = n.global_avgpool("avgpool", x);
  n.fc("classifier.1", x, 1000);
  return n.take();
}

// MobileNetV1's 13 depthwise-separable blocks (Table 1, width 1.0) after the stem `x`: block i's
// (from 1) depthwise and pointwise layers are named by the patterns with i; returns each block's
// output. Shared by mobilenet_v1 and ssd_mobilenet_v1 (the same backbone, other names).
std::vector<int> mobilenet_v1_blocks(Net& n, int x, std::string_view dw_name,
                                     std::string_view pw_name) {
  const std::pair<std::int64_t, int> cfg[] = {{64, 1},  {128, 2},  {128, 1}, {256, 2}, {256, 1},
                                              {512, 2}, {512, 1},  {512, 1}, {512, 1}, {512, 1},
                                              {512, 1}, {1024, 2}, {1024, 1}};
  std::vector<int> out;
  int i = 1;
  for (auto [k, s] : cfg) {
    x = n.dwconv(fmt::format(fmt::runtime(dw_name), i), x, 3, s, n.same(x, 3, s));
    x = n.conv(fmt::format(fmt::runtime(pw_name), i), x, k, 1, 1, 0);
    out.push_back(x);
    ++i;
  }
  return out;
}

Model mobilenet_v1() {
  Net n("mobilenet_v1",
        "Howard et al., MobileNets, arXiv:1704.04861 (Table 1, width 1.0, 224x224); TensorFlow "
        "'SAME' padding as in the TF-slim model MLPerf uses",
        {3, 224, 224});
  const int stem = n.conv("conv0", Net::kInput, 32, 3, 2, n.same(Net::kInput, 3, 2));
  int x = mobilenet_v1_blocks(n, stem, "conv{}_dw", "conv{}_pw").back();
  x = n.global_avgpool("avgpool", x);
  n.fc("fc", x, 1000);
  return n.take();
}

Model vgg16() {
  Net n("vgg16",
        "Simonyan & Zisserman, Very Deep Convolutional Networks, ICLR 2015 (configuration D); "
        "torchvision 0.14 vgg16",
        {3, 224, 224});
  const int cfg[] = {64, 64,  -1,  128, 128, -1,  256, 256, 256,
                     -1, 512, 512, 512, -1,  512, 512, 512, -1};
  int x = Net::kInput;
  int idx = 0;
  for (int c : cfg) {
    if (c < 0) {
      x = n.pool(fmt::format("features.{}", idx), x, OpKind::MaxPool, 2, 2);
      idx += 1;
    } else {
      x = n.conv(fmt::format("features.{}", idx), x, c, 3, 1, 1);
      idx += 2;  // conv + ReLU
    }
  }
  x = n.fc("classifier.0", x, 4096);
  x = n.fc("classifier.3", x, 4096);
  n.fc("classifier.6", x, 1000);
  return n.take();
}

Model alexnet() {
  Net n("alexnet",
        "Krizhevsky et al., ImageNet Classification with Deep CNNs, NIPS 2012 (two-group "
        "convolutions, 227x227 input); Caffe bvlc_alexnet",
        {3, 227, 227});
  int x = n.conv("conv1", Net::kInput, 96, 11, 4, sym(0));
  x = n.pool("pool1", x, OpKind::MaxPool, 3, 2);
  x = n.conv("conv2", x, 256, 5, 1, sym(2), 2);
  x = n.pool("pool2", x, OpKind::MaxPool, 3, 2);
  x = n.conv("conv3", x, 384, 3, 1, sym(1));
  x = n.conv("conv4", x, 384, 3, 1, sym(1), 2);
  x = n.conv("conv5", x, 256, 3, 1, sym(1), 2);
  x = n.pool("pool5", x, OpKind::MaxPool, 3, 2);
  x = n.fc("fc6", x, 4096);
  x = n.fc("fc7", x, 4096);
  n.fc("fc8", x, 1000);
  return n.take();
}

Model googlenet() {
  Net n("googlenet",
        "Szegedy et al., Going Deeper with Convolutions, CVPR 2015 (Table 1: 5x5 convolutions in "
        "the third branch; torchvision uses 3x3 there)",
        {3, 224, 224});
  int x = n.conv("conv1", Net::kInput, 64, 7, 2, 3);
  x = n.pool("maxpool1", x, OpKind::MaxPool, 3, 2, 0, true);
  x = n.conv("conv2", x, 64, 1, 1, 0);
  x = n.conv("conv3", x, 192, 3, 1, 1);
  x = n.pool("maxpool2", x, OpKind::MaxPool, 3, 2, 0, true);
  auto inception = [&](const std::string& p, int in, std::int64_t b1, std::int64_t b2r,
                       std::int64_t b2, std::int64_t b3r, std::int64_t b3, std::int64_t b4) {
    const int a = n.conv(p + ".branch1", in, b1, 1, 1, 0);
    int b = n.conv(p + ".branch2.0", in, b2r, 1, 1, 0);
    b = n.conv(p + ".branch2.1", b, b2, 3, 1, 1);
    int c = n.conv(p + ".branch3.0", in, b3r, 1, 1, 0);
    c = n.conv(p + ".branch3.1", c, b3, 5, 1, 2);
    int d = n.pool(p + ".branch4.0", in, OpKind::MaxPool, 3, 1, 1, true);
    d = n.conv(p + ".branch4.1", d, b4, 1, 1, 0);
    return n.concat(p + ".concat", {a, b, c, d});
  };
  x = inception("inception3a", x, 64, 96, 128, 16, 32, 32);
  x = inception("inception3b", x, 128, 128, 192, 32, 96, 64);
  x = n.pool("maxpool3", x, OpKind::MaxPool, 3, 2, 0, true);
  x = inception("inception4a", x, 192, 96, 208, 16, 48, 64);
  x = inception("inception4b", x, 160, 112, 224, 24, 64, 64);
  x = inception("inception4c", x, 128, 128, 256, 24, 64, 64);
  x = inception("inception4d", x, 112, 144, 288, 32, 64, 64);
  x = inception("inception4e", x, 256, 160, 320, 32, 128, 128);
  x = n.pool("maxpool4", x, OpKind::MaxPool, 3, 2, 0, true);
  x = inception("inception5a", x, 256, 160, 320, 32, 128, 128);
  x = inception("inception5b", x, 384, 192, 384, 48, 128, 128);
  x = n.global_avgpool("avgpool", x);
  n.fc("fc", x, 1000);
  return n.take();
}

Model unet() {
  Net n("unet",
        "Ronneberger et al., U-Net, MICCAI 2015 (Fig. 1: 572x572 input, unpadded 3x3 "
        "convolutions, 2x2 up-convolutions, 388x388 output, 2 classes)",
        {1, 572, 572});
  auto block = [&](const std::string& p, int in, std::int64_t c) {
    const int a = n.conv(p + "_1", in, c, 3, 1, 0);
    return n.conv(p + "_2", a, c, 3, 1, 0);
  };
  const int c1 = block("conv1", Net::kInput, 64);
  int x = n.pool("pool1", c1, OpKind::MaxPool, 2, 2);
  const int c2 = block("conv2", x, 128);
  x = n.pool("pool2", c2, OpKind::MaxPool, 2, 2);
  const int c3 = block("conv3", x, 256);
  x = n.pool("pool3", c3, OpKind::MaxPool, 2, 2);
  const int c4 = block("conv4", x, 512);
  x = n.pool("pool4", c4, OpKind::MaxPool, 2, 2);
  x = block("conv5", x, 1024);
  const std::array<std::pair<int, std::int64_t>, 4> skips{
      {{c4, 512}, {c3, 256}, {c2, 128}, {c1, 64}}};
  int level = 6;
  for (auto [skip, c] : skips) {
    const std::string p = fmt::format("{}", level);
    x = n.trconv("upconv" + p, x, c, 2, 2, 0, 0);
    const Shape up = n.shape(x);
    const int crop = n.other("crop" + p, "Crop", {skip}, Shape{c, up.y, up.x});
    x = n.concat("concat" + p, {crop, x});
    x = block("conv" + p, x, c);
    ++level;
  }
  n.conv("conv10", x, 2, 1, 1, 0);
  return n.take();
}

Model ssd_resnet34() {
  Net n("ssd_resnet34",
        "MLPerf Inference v0.5 SSD-Large: SSD (Liu et al., ECCV 2016) on a ResNet-34 backbone "
        "cut after conv4_x with its first block at stride 1, 1200x1200 input, 81 classes; "
        "mlcommons/inference ssd_r34.py",
        {3, 1200, 1200});
  int x = n.conv("model.conv1", Net::kInput, 64, 7, 2, 3);
  x = n.pool("model.maxpool", x, OpKind::MaxPool, 3, 2, 1);
  const std::array<int, 3> blocks{3, 4, 6};
  std::int64_t planes = 64;
  for (int li = 0; li < 3; ++li, planes *= 2) {
    for (int b = 0; b < blocks[static_cast<std::size_t>(li)]; ++b) {
      const std::string p = fmt::format("model.layer{}.{}.", li + 1, b);
      const int stride = (b == 0 && li == 1) ? 2 : 1;  // layer3 keeps stride 1 (modified)
      int y = n.conv(p + "conv1", x, planes, 3, stride, 1);
      y = n.conv(p + "conv2", y, planes, 3, 1, 1);
      int shortcut = x;
      if (b == 0 && li > 0) shortcut = n.conv(p + "downsample.0", x, planes, 1, stride, 0);
      x = n.add(p + "add", y, shortcut);
    }
  }
  std::vector<int> sources{x};
  struct Extra {
    std::int64_t mid, out;
    int stride, pad;
  };
  const Extra extras[] = {
      {256, 512, 2, 1}, {256, 512, 2, 1}, {128, 256, 2, 1}, {128, 256, 2, 0}, {128, 256, 1, 0}};
  int i = 0;
  for (const Extra& e : extras) {
    const std::string p = fmt::format("additional_blocks.{}.", i++);
    x = n.conv(p + "0", x, e.mid, 1, 1, 0);
    x = n.conv(p + "2", x, e.out, 3, e.stride, e.pad);
    sources.push_back(x);
  }
  const int defaults[] = {4, 6, 6, 6, 4, 4};
  for (std::size_t s = 0; s < sources.size(); ++s) {
    n.conv(fmt::format("loc.{}", s), sources[s], defaults[s] * 4, 3, 3, 1);
    n.conv(fmt::format("conf.{}", s), sources[s], defaults[s] * 81, 3, 3, 1);
  }
  return n.take();
}

Model ssd_mobilenet_v1() {
  Net n("ssd_mobilenet_v1",
        "MLPerf Inference v0.5 SSD-Small: SSD on MobileNetV1 (TensorFlow ssd_mobilenet_v1_coco), "
        "300x300 input, 91 classes, 1x1 box predictors; mlcommons/inference ssd_mobilenet_v1.py",
        {3, 300, 300});
  const int stem = n.conv("backbone.0.0", Net::kInput, 32, 3, 2, n.same(Net::kInput, 3, 2));
  const std::vector<int> blocks =
      mobilenet_v1_blocks(n, stem, "backbone.{}.depthwise", "backbone.{}.pointwise");
  std::vector<int> features = {blocks[10], blocks[12]};  // blocks 11 and 13
  int x = blocks.back();
  const std::pair<std::int64_t, std::int64_t> extras[] = {
      {256, 512}, {128, 256}, {128, 256}, {64, 128}};
  int e = 0;
  for (auto [mid, out] : extras) {
    x = n.conv(fmt::format("extras.{}.0", e), x, mid, 1, 1, 0);
    x = n.conv(fmt::format("extras.{}.2", e), x, out, 3, 2, n.same(x, 3, 2));
    features.push_back(x);
    ++e;
  }
  const int anchors[] = {3, 6, 6, 6, 6, 6};
  for (std::size_t f = 0; f < features.size(); ++f) {
    n.conv(fmt::format("predictors.{}.classification", f), features[f], 91 * anchors[f], 1, 1, 0);
    n.conv(fmt::format("predictors.{}.regression", f), features[f], 4 * anchors[f], 1, 1, 0);
  }
  return n.take();
}

// GNMT with every LSTM layer over a whole sentence as one gate GEMM:
//   rows = tokens (25), reduction = input + hidden (+ attention context), columns = 4 x 1024.
Model gnmt() {
  Net n("gnmt",
        "Wu et al., Google's Neural Machine Translation System, arXiv:1609.08144, as the 4-layer "
        "GNMT of MLPerf Inference v0.5 (hidden 1024, 32000-token vocabulary); 25-token source "
        "and target sentences; LSTM gates as GEMMs (see docs/workloads.md)",
        {1024, 25, 1});
  const std::int64_t t = 25, h = 1024, e = 1024, v = 32000;
  const int fwd = n.gemm("encoder.l0.fwd", {Net::kInput}, t, e + h, 4 * h, 1, "LSTM");
  const int bwd = n.gemm("encoder.l0.bwd", {Net::kInput}, t, e + h, 4 * h, 1, "LSTM");
  int x = n.gemm("encoder.l1", {fwd, bwd}, t, 2 * h + h, 4 * h, 1, "LSTM");
  x = n.gemm("encoder.l2", {x}, t, h + h, 4 * h, 1, "LSTM");
  const int enc = n.gemm("encoder.l3", {x}, t, h + h, 4 * h, 1, "LSTM");
  const int keys = n.gemm("attention.memory", {enc}, t, h, h, 1, "MatMul");
  const int d0 = n.gemm("decoder.l0", {Net::kInput}, t, e + h + h, 4 * h, 1, "LSTM");
  const int q = n.gemm("attention.query", {d0}, t, h, h, 1, "MatMul");
  const int score = n.gemm("attention.score", {q, keys}, t * t, h, 1, 1, "MatMul");
  const int ctx = n.gemm("attention.context", {score, enc}, t, t, h, 1, "MatMul");
  x = n.gemm("decoder.l1", {d0, ctx}, t, h + h + h, 4 * h, 1, "LSTM");
  x = n.gemm("decoder.l2", {x, ctx}, t, h + h + h, 4 * h, 1, "LSTM");
  x = n.gemm("decoder.l3", {x, ctx}, t, h + h + h, 4 * h, 1, "LSTM");
  n.gemm("classifier", {x}, t, h, v, 1, "MatMul");
  return n.take();
}

// Interstellar Table VI, as in the authors' released layer files (examples/layer/*_batch128.json):
// each recurrent benchmark is one E x E matrix product per step at batch 128.
Model interstellar_rnn(const std::string& name, std::int64_t embedding, const std::string& what) {
  Net n(name,
        fmt::format("Yang et al., Interstellar (ASPLOS 2020) Table VI: {}, embedding {}, batch "
                    "128; one {}x{} FC per step as in the authors' layer files",
                    what, embedding, embedding, embedding),
        {embedding, 1, 1}, 128);
  n.fc("fc", Net::kInput, embedding);
  return n.take();
}

Model interstellar_mlp(const std::string& name, const std::array<std::int64_t, 4>& sizes) {
  Net n(name,
        fmt::format("Yang et al., Interstellar (ASPLOS 2020) Table VI: MLP {}-{}-{}-{} from "
                    "their reference [46], batch 128",
                    sizes[0], sizes[1], sizes[2], sizes[3]),
        {sizes[0], 1, 1}, 128);
  int x = n.fc("fc1", Net::kInput, sizes[1]);
  x = n.fc("fc2", x, sizes[2]);
  n.fc("fc3", x, sizes[3]);
  return n.take();
}

Model handpose_deepprior() {
  Net n("handpose_deepprior",
        "Stand-in for Herald's BR-Q HandposeNet: DeepPrior (Oberweger, Wohlhart, Lepetit, Hands "
        "Deep in Deep Learning for Hand Pose Estimation, CVWW 2015), configuration 0 of the "
        "authors' poseregnet.py with the 30-D pose prior, NYU setting (14 joints), 128x128 depth",
        {1, 128, 128});
  int x = n.conv("conv1", Net::kInput, 8, 5, 1, 0);
  x = n.pool("pool1", x, OpKind::MaxPool, 4, 4);
  x = n.conv("conv2", x, 8, 5, 1, 0);
  x = n.pool("pool2", x, OpKind::MaxPool, 2, 2);
  x = n.conv("conv3", x, 8, 3, 1, 0);
  x = n.fc("fc1", x, 1024);
  x = n.fc("fc2", x, 1024);
  x = n.fc("embedding", x, 30);
  n.fc("prior", x, 14 * 3);
  return n.take();
}

Model depthnet_sfmlearner() {
  Net n("depthnet_sfmlearner",
        "Stand-in for Herald's Focal-Length DepthNet: the single-view depth network of "
        "SfMLearner (Zhou et al., Unsupervised Learning of Depth and Ego-Motion from Video, CVPR "
        "2017; disp_net in the authors' nets.py), 128x416 input, TensorFlow 'SAME' padding",
        {3, 128, 416});
  auto conv_same = [&](const std::string& name, int from, std::int64_t k, std::int64_t kernel,
                       int stride) {
    return n.conv(name, from, k, kernel, stride, n.same(from, kernel, stride));
  };
  const std::pair<std::int64_t, std::int64_t> enc[] = {{32, 7},  {64, 5},  {128, 3}, {256, 3},
                                                       {512, 3}, {512, 3}, {512, 3}};
  std::vector<int> skips;
  int x = Net::kInput;
  int i = 1;
  for (auto [k, kernel] : enc) {
    x = conv_same(fmt::format("cnv{}", i), x, k, kernel, 2);
    x = conv_same(fmt::format("cnv{}b", i), x, k, kernel, 1);
    skips.push_back(x);
    ++i;
  }
  // Decoder: 3x3 stride-2 up-convolutions ('SAME': output = 2 x input), resized to the skip's
  // size where the encoder rounded up.
  auto up = [&](const std::string& name, int from, std::int64_t k) {
    return n.trconv(name, from, k, 3, 2, 0, 1);
  };
  int disp_up = -2;
  const std::int64_t dec[] = {512, 512, 256, 128, 64, 32, 16};
  for (int level = 7; level >= 1; --level) {
    const std::int64_t k = dec[7 - level];
    x = up(fmt::format("upcnv{}", level), x, k);
    std::vector<int> cat;
    if (level >= 2) {
      const int skip = skips[static_cast<std::size_t>(level - 2)];
      const Shape s = n.shape(skip), u = n.shape(x);
      if (s.y != u.y || s.x != u.x)
        x = n.other(fmt::format("resize{}", level), "Resize", {x}, Shape{u.c, s.y, s.x});
      cat = {x, skip};
    } else {
      cat = {x};
    }
    if (disp_up >= 0) cat.push_back(disp_up);
    const int in = cat.size() > 1 ? n.concat(fmt::format("concat{}", level), cat) : cat[0];
    x = conv_same(fmt::format("icnv{}", level), in, k, 3, 1);
    if (level <= 4) {
      const int disp = conv_same(fmt::format("disp{}", level), x, 1, 3, 1);
      if (level > 1) {
        const Shape s = n.shape(x);
        disp_up =
            n.other(fmt::format("disp{}_up", level), "Resize", {disp}, Shape{1, s.y * 2, s.x * 2});
      }
    }
  }
  return n.take();
}

struct Entry {
  ZooInfo info;
  std::function<Model()> build;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> e = [] {
    std::vector<Entry> v;
    auto add = [&](std::string name, std::string task, std::string input, std::string notes,
                   std::function<Model()> build) {
      ZooInfo info;
      info.name = std::move(name);
      info.task = std::move(task);
      info.input = std::move(input);
      info.notes = std::move(notes);
      info.source = build().source;
      v.push_back(Entry{std::move(info), std::move(build)});
    };
    add("resnet50", "classification", "3x224x224", "53 convolutions, 16 residual adds, FC",
        resnet50);
    add("mobilenet_v2", "classification", "3x224x224",
        "52 convolutions (17 depthwise), 10 residual adds, FC", mobilenet_v2);
    add("mobilenet_v1", "classification", "3x224x224", "27 convolutions (13 depthwise), FC",
        mobilenet_v1);
    add("vgg16", "classification", "3x224x224", "13 convolutions, 3 FC", vgg16);
    add("alexnet", "classification", "3x227x227", "5 convolutions (conv2/4/5 in two groups), 3 FC",
        alexnet);
    add("googlenet", "classification", "3x224x224", "57 convolutions in 9 inception modules, FC",
        googlenet);
    add("unet", "segmentation", "1x572x572",
        "23 layers: 18 3x3 convolutions, 4 up-convolutions, the final 1x1 convolution; crops "
        "and concatenations as zero-cost nodes",
        unet);
    add("ssd_resnet34", "detection", "3x1200x1200",
        "29 backbone convolutions, 10 extra-feature convolutions, 12 head convolutions",
        ssd_resnet34);
    add("ssd_mobilenet_v1", "detection", "3x300x300",
        "27 backbone convolutions, 8 extra-feature convolutions, 12 head convolutions",
        ssd_mobilenet_v1);
    add("gnmt", "translation", "25 tokens",
        "4+4 LSTM layers (first encoder layer bidirectional) as gate GEMMs, additive attention "
        "as 4 GEMMs, 32000-way classifier",
        gnmt);
    add("lstm_m", "language (Interstellar LSTM-M)", "500 x batch 128", "one 500x500 FC",
        [] { return interstellar_rnn("lstm_m", 500, "LSTM-M"); });
    add("lstm_l", "language (Interstellar LSTM-L)", "1000 x batch 128", "one 1000x1000 FC",
        [] { return interstellar_rnn("lstm_l", 1000, "LSTM-L"); });
    add("rhn", "language (Interstellar RHN)", "1500 x batch 128", "one 1500x1500 FC",
        [] { return interstellar_rnn("rhn", 1500, "Recurrent Highway Network"); });
    add("mlp_m", "MLP (Interstellar MLP-M)", "784 x batch 128", "FC 784-1000-500-250", [] {
      return interstellar_mlp("mlp_m", {784, 1000, 500, 250});
    });
    add("mlp_l", "MLP (Interstellar MLP-L)", "784 x batch 128", "FC 784-1500-1000-500", [] {
      return interstellar_mlp("mlp_l", {784, 1500, 1000, 500});
    });
    add("handpose_deepprior", "hand pose estimation (stand-in for BR-Q HandposeNet)", "1x128x128",
        "3 convolutions, 4 FC", handpose_deepprior);
    add("depthnet_sfmlearner", "depth estimation (stand-in for Focal-Length DepthNet)", "3x128x416",
        "14 encoder convolutions, 7 up-convolutions, 7 decoder convolutions, 4 disparity heads",
        depthnet_sfmlearner);
    return v;
  }();
  return e;
}

std::string normalize(std::string_view name) {
  std::string s(name);
  for (char& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c == '-') c = '_';
  }
  return s;
}

const Entry* find_entry(std::string_view name) {
  const std::string key = normalize(name);
  for (const auto& e : entries())
    if (e.info.name == key) return &e;
  return nullptr;
}

}  // namespace

const std::vector<ZooInfo>& zoo_catalog() {
  static const std::vector<ZooInfo> catalog = [] {
    std::vector<ZooInfo> v;
    for (const auto& e : entries()) v.push_back(e.info);
    return v;
  }();
  return catalog;
}

bool is_zoo_model(std::string_view name) {
  return find_entry(name) != nullptr;
}

Model zoo_model(std::string_view name) {
  const Entry* e = find_entry(name);
  if (!e) {
    std::vector<std::string> names;
    for (const auto& x : entries()) names.push_back(x.info.name);
    throw UserError(
        SourceLocation{"", 0, "zoo"},
        fmt::format("unknown zoo model '{}'; the zoo has: {}", name, fmt::join(names, ", ")));
  }
  Model m = e->build();
  m.source = "zoo:" + e->info.name + " (" + m.source + ")";
  return m;
}

}  // namespace mosaic::workload

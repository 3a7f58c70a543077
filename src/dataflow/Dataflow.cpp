#include "dataflow/Dataflow.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::dataflow {

namespace mf = workload::maestro_format;
using workload::Layer;
using workload::OpKind;

namespace {
constexpr std::array<std::string_view, kNumDims> kDimNames = {"C", "G", "K",  "M", "N", "R",
                                                              "S", "X", "X'", "Y", "Y'"};
}  // namespace

std::string_view dim_name(Dim d) {
  return kDimNames[static_cast<std::size_t>(di(d))];
}

std::optional<Dim> parse_dim(std::string_view name) {
  // The names of kDimNames: one letter, or X' / Y'.
  if (name.size() == 2 && name[1] == '\'') {
    if (name[0] == 'X') return Dim::Xp;
    if (name[0] == 'Y') return Dim::Yp;
    return std::nullopt;
  }
  if (name.size() != 1) return std::nullopt;
  switch (name[0]) {
    case 'C':
      return Dim::C;
    case 'G':
      return Dim::G;
    case 'K':
      return Dim::K;
    case 'M':
      return Dim::M;
    case 'N':
      return Dim::N;
    case 'R':
      return Dim::R;
    case 'S':
      return Dim::S;
    case 'X':
      return Dim::X;
    case 'Y':
      return Dim::Y;
    default:
      return std::nullopt;
  }
}

std::string Size::text() const {
  if (of_dim) return fmt::format("Sz({})", dim_name(*of_dim));
  return std::to_string(value);
}

std::string Directive::text() const {
  switch (kind) {
    case DirectiveKind::TemporalMap:
      return fmt::format("TemporalMap({},{}) {}", size.text(), offset.text(), dim_name(dim));
    case DirectiveKind::SpatialMap:
      return fmt::format("SpatialMap({},{}) {}", size.text(), offset.text(), dim_name(dim));
    case DirectiveKind::Cluster:
      return fmt::format("Cluster({},{})", size.text(), physical ? 'P' : 'L');
  }
  return "";
}

namespace {

Size size_from(const mf::SizeExpr& e, const std::string& file, int line, const char* field) {
  Size s;
  if (e.is_dim_size()) {
    s.of_dim = parse_dim(e.dim);
    if (!s.of_dim)
      throw UserError(SourceLocation{file, line, field},
                      fmt::format("Sz({}): unknown dimension", e.dim));
  } else {
    s.value = e.value;
  }
  return s;
}

}  // namespace

Dataflow from_syntax(const std::vector<mf::DirectiveSyntax>& syntax, const std::string& name,
                     const std::string& file) {
  Dataflow df;
  df.name = name;
  df.file = file;
  df.directives.reserve(syntax.size());
  for (const auto& d : syntax) {
    Directive out;
    out.line = d.line;
    switch (d.kind) {
      case mf::DirectiveKind::TemporalMap:
      case mf::DirectiveKind::SpatialMap: {
        out.kind = d.kind == mf::DirectiveKind::TemporalMap ? DirectiveKind::TemporalMap
                                                            : DirectiveKind::SpatialMap;
        const char* field = out.kind == DirectiveKind::TemporalMap ? "TemporalMap" : "SpatialMap";
        auto dim = parse_dim(d.dim);
        if (!dim)
          throw UserError(SourceLocation{file, d.line, field},
                          fmt::format("unknown dimension '{}'; expected one of N G K C R S Y X "
                                      "Y' X' (GEMM: M N K)",
                                      d.dim));
        out.dim = *dim;
        out.size = size_from(d.size, file, d.line, field);
        out.offset = size_from(d.offset, file, d.line, field);
        break;
      }
      case mf::DirectiveKind::Cluster:
        out.kind = DirectiveKind::Cluster;
        out.size = size_from(d.size, file, d.line, "Cluster");
        out.physical = d.cluster_type != 'L';
        break;
    }
    df.directives.push_back(out);
  }
  return df;
}

Dataflow read_dataflow_file(const std::string& path, const std::string& name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(SourceLocation{path, 0, ""}, "cannot open the dataflow file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return from_syntax(mf::parse_dataflow_text(ss.str(), path), name, path);
}

namespace {
TensorDims make(std::initializer_list<Dim> ds) {
  TensorDims t;
  for (Dim d : ds) {
    t.dims[static_cast<std::size_t>(t.count++)] = d;
    t.mask = static_cast<std::uint16_t>(t.mask | (1u << di(d)));
  }
  return t;
}
}  // namespace

TensorDims input_dims(ProblemType t, bool batch) {
  switch (t) {
    case ProblemType::Gemm:
      return make({Dim::M, Dim::K});
    case ProblemType::GConv:
      return batch ? make({Dim::N, Dim::G, Dim::C, Dim::Y, Dim::X})
                   : make({Dim::G, Dim::C, Dim::Y, Dim::X});
    default:
      return batch ? make({Dim::N, Dim::C, Dim::Y, Dim::X}) : make({Dim::C, Dim::Y, Dim::X});
  }
}

TensorDims weight_dims(ProblemType t, bool) {
  switch (t) {
    case ProblemType::Gemm:
      return make({Dim::K, Dim::N});
    case ProblemType::GConv:
      return make({Dim::G, Dim::K, Dim::C, Dim::R, Dim::S});
    case ProblemType::DwConv:
      return make({Dim::C, Dim::R, Dim::S});
    default:
      return make({Dim::K, Dim::C, Dim::R, Dim::S});
  }
}

TensorDims output_dims(ProblemType t, bool batch) {
  switch (t) {
    case ProblemType::Gemm:
      return make({Dim::M, Dim::N});
    case ProblemType::GConv:
      return batch ? make({Dim::N, Dim::G, Dim::K, Dim::C, Dim::Y, Dim::X})
                   : make({Dim::G, Dim::K, Dim::C, Dim::Y, Dim::X});
    case ProblemType::DwConv:
      return batch ? make({Dim::N, Dim::C, Dim::Y, Dim::X}) : make({Dim::C, Dim::Y, Dim::X});
    default:
      return batch ? make({Dim::N, Dim::K, Dim::Y, Dim::X}) : make({Dim::K, Dim::Y, Dim::X});
  }
}

Problem problem_from_syntax(const mf::LayerSyntax& ls, const std::string& file, bool compat) {
  Problem p;
  p.name = ls.name;
  p.stride.fill(1);
  if (ls.type == "GEMM") {
    p.type = ProblemType::Gemm;
  } else if (ls.type == "DSCONV") {
    p.type = ProblemType::DwConv;
  } else if (ls.type == "NGCONV") {
    p.type = ProblemType::GConv;
  } else {
    p.type = ProblemType::Conv;  // CONV and TRCONV (MAESTRO analyses TRCONV as CONV)
  }
  for (const auto& d : ls.dims) {
    auto dim = parse_dim(d.name);
    const bool gemm_dim = d.name == "M" || d.name == "N" || d.name == "K";
    const bool conv_dim = dim && d.name != "M";
    if (!dim || (p.type == ProblemType::Gemm ? !gemm_dim : !conv_dim))
      throw UserError(SourceLocation{file, d.line, "Dimensions " + d.name},
                      p.type == ProblemType::Gemm
                          ? "unknown GEMM dimension; expected M, N or K"
                          : "unknown dimension; expected N, G, K, C, R, S, Y, X, Y' or X'");
    p.size[static_cast<std::size_t>(di(*dim))] = d.size;
    p.stride[static_cast<std::size_t>(di(*dim))] = ls.stride(d.name);
    p.declared.push_back(*dim);
  }
  if (p.type == ProblemType::Gemm) return p;

  auto& sz = p.size;
  auto& st = p.stride;
  auto at = [](Dim d) { return static_cast<std::size_t>(di(d)); };
  const bool has_iy = p.has(Dim::Y), has_ix = p.has(Dim::X);
  const bool has_oy = p.has(Dim::Yp), has_ox = p.has(Dim::Xp);
  if (has_iy && has_oy)
    throw UserError(SourceLocation{file, ls.line, "Layer " + ls.name + " Dimensions"},
                    "both Y and Y' are given; give one of them");
  if (has_ix && has_ox)
    throw UserError(SourceLocation{file, ls.line, "Layer " + ls.name + " Dimensions"},
                    "both X and X' are given; give one of them");
  const std::int64_t r = p.has(Dim::R) ? sz[at(Dim::R)] : 1;
  const std::int64_t s = p.has(Dim::S) ? sz[at(Dim::S)] : 1;
  // MAESTRO reads the row stride of a derived dimension from the column one and vice versa when
  // the output-centric form is given (its variables are swapped); both are 1 in practice.
  const Dim oy_src = compat ? Dim::Xp : Dim::Yp;
  const Dim ox_src = compat ? Dim::Yp : Dim::Xp;
  const std::int64_t y_stride = has_iy ? st[at(Dim::Y)] : (p.has(oy_src) ? st[at(oy_src)] : 1);
  const std::int64_t x_stride = has_ix ? st[at(Dim::X)] : (p.has(ox_src) ? st[at(ox_src)] : 1);
  if (has_ix && !has_ox) {
    sz[at(Dim::Xp)] = sz[at(Dim::X)] - s + 1;
    st[at(Dim::Xp)] = x_stride;
  }
  if (has_iy && !has_oy) {
    sz[at(Dim::Yp)] = sz[at(Dim::Y)] - r + 1;
    st[at(Dim::Yp)] = y_stride;
  }
  if (!has_ix && has_ox) {
    sz[at(Dim::X)] = sz[at(Dim::Xp)] + s - 1;
    st[at(Dim::X)] = x_stride;
  }
  if (!has_iy && has_oy) {
    sz[at(Dim::Y)] = sz[at(Dim::Yp)] + r - 1;
    st[at(Dim::Y)] = y_stride;
  }
  for (Dim d : {Dim::Xp, Dim::Yp})
    if (p.has(Dim::Y) && p[d] <= 0)
      throw UserError(SourceLocation{file, ls.line, "Layer " + ls.name + " Dimensions"},
                      "the filter is larger than the input");
  p.batch = p.has(Dim::N);
  return p;
}

Problem problem_from_layer(const Layer& l) {
  Problem p;
  p.name = l.name;
  p.stride.fill(1);
  auto set = [&](Dim d, std::int64_t v) {
    p.size[static_cast<std::size_t>(di(d))] = v;
    p.declared.push_back(d);
  };
  if (l.op == OpKind::Gemm) {
    // A GEMM [M x Kred] * [Kred x Ncol] is a 1x1 convolution over M input rows: C = Kred,
    // K = Ncol, Y = M (MAESTRO's own convolution encoding of BLAS3), so every convolution
    // dataflow applies to it and reuses weights across rows the way it does across pixels.
    p.type = ProblemType::Conv;
    set(Dim::K, l.K);
    set(Dim::C, l.C);
    set(Dim::R, 1);
    set(Dim::S, 1);
    set(Dim::Y, l.N);
    set(Dim::X, 1);
    p.size[static_cast<std::size_t>(di(Dim::Yp))] = l.N;
    p.size[static_cast<std::size_t>(di(Dim::Xp))] = 1;
    return p;
  }
  if (l.op == OpKind::Other)
    throw UserError(SourceLocation{"", 0, "layer '" + l.name + "'"},
                    "has no arithmetic the directive cost model can analyse");
  std::int64_t y = l.Y + l.pad_top + l.pad_bottom;
  std::int64_t x = l.X + l.pad_left + l.pad_right;
  const std::int64_t r = static_cast<std::int64_t>(l.dilation_y) * (l.R - 1) + 1;
  const std::int64_t s = static_cast<std::int64_t>(l.dilation_x) * (l.S - 1) + 1;
  int sy = l.stride_y, sx = l.stride_x;
  if (l.op == OpKind::TransposedConv) {
    // The equivalent direct convolution: the input upsampled by the stride (zeros between
    // pixels), padded by (span - 1 - pad), convolved with stride 1. It yields exactly the
    // transposed convolution's output size.
    y = (l.Y - 1) * l.stride_y + 1 + 2 * (r - 1) - l.pad_top - l.pad_bottom + l.output_pad_y;
    x = (l.X - 1) * l.stride_x + 1 + 2 * (s - 1) - l.pad_left - l.pad_right + l.output_pad_x;
    sy = sx = 1;
  }
  if (l.N > 1) {
    set(Dim::N, l.N);
    p.batch = true;
  }
  switch (l.op) {
    case OpKind::Conv:
    case OpKind::TransposedConv:
      p.type = l.G == 1 ? ProblemType::Conv : ProblemType::GConv;
      break;
    case OpKind::DepthwiseConv:
      p.type = (l.C == 1 && l.K == 1) ? ProblemType::DwConv : ProblemType::GConv;
      break;
    case OpKind::GroupedConv:
      p.type = ProblemType::GConv;
      break;
    default:  // pooling and element-wise: per-channel sliding windows without reduction
      p.type = ProblemType::DwConv;
      break;
  }
  if (p.type == ProblemType::GConv) {
    set(Dim::G, l.G);
    set(Dim::K, l.K);
    set(Dim::C, l.C);
  } else if (p.type == ProblemType::DwConv) {
    set(Dim::C, l.G * l.C);
  } else {
    set(Dim::K, l.K);
    set(Dim::C, l.C);
  }
  set(Dim::R, r);
  set(Dim::S, s);
  set(Dim::Y, y);
  set(Dim::X, x);
  p.stride[static_cast<std::size_t>(di(Dim::Y))] = sy;
  p.stride[static_cast<std::size_t>(di(Dim::X))] = sx;
  p.size[static_cast<std::size_t>(di(Dim::Yp))] = y - r + 1;
  p.size[static_cast<std::size_t>(di(Dim::Xp))] = x - s + 1;
  p.stride[static_cast<std::size_t>(di(Dim::Yp))] = sy;
  p.stride[static_cast<std::size_t>(di(Dim::Xp))] = sx;
  if (y < r || x < s)
    throw UserError(SourceLocation{"", 0, "layer '" + l.name + "'"},
                    "the filter is larger than the padded input");
  return p;
}

Problem densify_pointwise_stride(const Problem& in) {
  Problem p = in;
  if (p.type == ProblemType::Gemm) return p;
  auto fix = [&](Dim in_dim, Dim out_dim, Dim win) {
    const auto i = static_cast<std::size_t>(di(in_dim));
    const auto o = static_cast<std::size_t>(di(out_dim));
    const std::int64_t window = p.has(win) ? p[win] : 1;
    const std::int64_t stride = p.stride[i];
    if (window != 1 || stride <= 1 || !p.has(in_dim)) return;
    const std::int64_t outputs = (p.size[i] - 1) / stride + 1;
    p.size[i] = outputs;
    p.size[o] = outputs;
    p.stride[i] = p.stride[o] = 1;
  };
  fix(Dim::Y, Dim::Yp, Dim::R);
  fix(Dim::X, Dim::Xp, Dim::S);
  return p;
}

Dataflow adapt_to_problem(const Dataflow& df, const Problem& problem) {
  Dataflow out = df;
  if (!problem.batch) return out;
  for (const auto& d : df.directives)
    if (d.kind != DirectiveKind::Cluster && d.dim == Dim::N) return out;
  Directive n;
  n.kind = DirectiveKind::TemporalMap;
  n.dim = Dim::N;
  n.size.value = 1;
  n.offset.value = 1;
  out.directives.insert(out.directives.begin(), n);
  return out;
}

std::vector<BoundDirective> bind(const Dataflow& df, const Problem& problem) {
  std::vector<BoundDirective> out;
  out.reserve(df.directives.size());
  auto resolve = [&](const Size& s, const Directive& d) -> std::int64_t {
    if (!s.of_dim) return s.value;
    const std::int64_t v = problem[*s.of_dim];
    if (v <= 0)
      throw UserError(SourceLocation{df.file, d.line, d.text()},
                      fmt::format("Sz({}) names a dimension that layer '{}' does not have",
                                  dim_name(*s.of_dim), problem.name));
    return v;
  };
  for (const Directive& d : df.directives) {
    BoundDirective b;
    b.kind = d.kind;
    b.dim = d.dim;
    b.line = d.line;
    b.size = resolve(d.size, d);
    if (d.kind != DirectiveKind::Cluster) b.offset = resolve(d.offset, d);
    if (b.size <= 0 || (d.kind != DirectiveKind::Cluster && b.offset <= 0))
      throw UserError(SourceLocation{df.file, d.line, d.text()}, "sizes must be positive");
    out.push_back(b);
  }
  return out;
}

}  // namespace mosaic::dataflow

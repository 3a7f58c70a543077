#include "cost/SubAccelerator.h"

#include <algorithm>
#include <vector>

namespace mosaic::cost {

std::vector<std::int64_t> divisors(std::int64_t n) {
  std::vector<std::int64_t> out;
  for (std::int64_t d = 1; d * d <= n; ++d)
    if (n % d == 0) {
      out.push_back(d);
      if (d * d != n) out.push_back(n / d);
    }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

using dataflow::Dim;
using dataflow::ProblemType;

// The layer as the tiling sees it.
struct Shape {
  std::array<std::int64_t, kTileDims> size{};  // K, C, Y', X'
  std::int64_t y_in = 1, x_in = 1, r = 1, s = 1, sy = 1, sx = 1, outer = 1;
  bool depthwise = false;
  // Bit d set: the tensor depends on tile dimension d.
  unsigned in_mask = 0, w_mask = 0, out_mask = 0;
};

std::int64_t get(const dataflow::Problem& p, Dim d) {
  return p.has(d) ? p[d] : 1;
}

Shape shape_of(const dataflow::Problem& p) {
  Shape s;
  constexpr unsigned K = 1, C = 2, Y = 4, X = 8;
  if (p.type == ProblemType::Gemm) {
    // (M x K) * (K x N): N plays the output channels, K the reduction, M the rows.
    s.size = {get(p, Dim::N), get(p, Dim::K), get(p, Dim::M), 1};
    s.y_in = s.size[2];
    s.in_mask = C | Y;
    s.w_mask = K | C;
    s.out_mask = K | Y;
    return s;
  }
  s.depthwise = p.type == ProblemType::DwConv;
  s.r = get(p, Dim::R);
  s.s = get(p, Dim::S);
  s.sy = std::max<std::int64_t>(1, p.stride[static_cast<std::size_t>(dataflow::di(Dim::Y))]);
  s.sx = std::max<std::int64_t>(1, p.stride[static_cast<std::size_t>(dataflow::di(Dim::X))]);
  s.y_in = get(p, Dim::Y);
  s.x_in = get(p, Dim::X);
  const std::int64_t yo = std::max<std::int64_t>(1, (s.y_in - s.r) / s.sy + 1);
  const std::int64_t xo = std::max<std::int64_t>(1, (s.x_in - s.s) / s.sx + 1);
  s.size = {s.depthwise ? 1 : get(p, Dim::K), get(p, Dim::C), yo, xo};
  s.outer = (p.batch ? get(p, Dim::N) : 1) * (p.type == ProblemType::GConv ? get(p, Dim::G) : 1);
  s.in_mask = C | Y | X;
  s.w_mask = s.depthwise ? C : (K | C);
  s.out_mask = s.depthwise ? (C | Y | X) : (K | Y | X);
  return s;
}

struct Footprint {
  double in = 0, w = 0, out = 0;
  double total() const { return in + w + out; }
};

Footprint footprint(const Shape& s, const std::array<std::int64_t, kTileDims>& t) {
  const std::int64_t iy = t[2] == s.size[2] ? s.y_in : (t[2] - 1) * s.sy + s.r;
  const std::int64_t ix = t[3] == s.size[3] ? s.x_in : (t[3] - 1) * s.sx + s.s;
  Footprint f;
  const double outer = static_cast<double>(s.outer);
  f.in = outer * static_cast<double>(t[1] * iy * ix);
  f.w = outer * static_cast<double>((s.depthwise ? t[1] : t[0] * t[1]) * s.r * s.s);
  f.out = outer * static_cast<double>((s.depthwise ? t[1] : t[0]) * t[2] * t[3]);
  return f;
}

// How many times a tensor's tile is fetched: the product of the tile-loop counts from the
// outermost down to the innermost loop that changes the tensor (loops inside it leave the tile
// where it is).
double fetches(const std::array<std::int64_t, kTileDims>& count, const std::array<int, 4>& order,
               unsigned mask) {
  int innermost = -1;
  for (int q = 0; q < kTileDims; ++q) {
    const int d = order[static_cast<std::size_t>(q)];
    if ((mask >> d & 1u) && count[static_cast<std::size_t>(d)] > 1) innermost = q;
  }
  double n = 1;
  for (int q = 0; q <= innermost; ++q)
    n *= static_cast<double>(count[static_cast<std::size_t>(order[static_cast<std::size_t>(q)])]);
  return n;
}

GlobalTiling traffic(const Shape& s, const std::array<std::int64_t, kTileDims>& t,
                     const std::array<int, kTileDims>& order) {
  GlobalTiling g;
  g.tile = t;
  g.order = order;
  for (int d = 0; d < kTileDims; ++d) {
    const auto k = static_cast<std::size_t>(d);
    g.count[k] = (s.size[k] + t[k] - 1) / t[k];
  }
  const Footprint f = footprint(s, t);
  g.buffer_elements = 2 * f.total();
  g.input_elements = f.in * fetches(g.count, order, s.in_mask);
  g.weight_elements = f.w * fetches(g.count, order, s.w_mask);
  g.output_elements = f.out * fetches(g.count, order, s.out_mask);
  const double unique_out = static_cast<double>(s.outer) *
                            static_cast<double>(s.size[0] * s.size[2] * s.size[3]) *
                            (s.depthwise ? static_cast<double>(s.size[1]) : 1.0);
  g.psum_elements = std::max(0.0, g.output_elements - unique_out);
  return g;
}

const std::vector<std::array<int, kTileDims>>& all_orders() {
  static const std::vector<std::array<int, kTileDims>> orders = [] {
    std::vector<std::array<int, kTileDims>> v;
    std::array<int, kTileDims> o{0, 1, 2, 3};
    do v.push_back(o);
    while (std::next_permutation(o.begin(), o.end()));
    return v;
  }();
  return orders;
}

}  // namespace

GlobalTiling tiling_traffic(const dataflow::Problem& problem,
                            const std::array<std::int64_t, kTileDims>& tile,
                            const std::array<int, kTileDims>& order) {
  return traffic(shape_of(problem), tile, order);
}

std::array<int, kTileDims> style_tile_order(const dataflow::Dataflow& style) {
  std::vector<int> seen;
  for (const auto& d : style.directives) {
    if (d.kind == dataflow::DirectiveKind::Cluster) break;
    int t = -1;
    if (d.dim == Dim::K || d.dim == Dim::N) t = 0;  // GEMM N plays K (shape_of)
    if (d.dim == Dim::C) t = 1;
    if (d.dim == Dim::Y || d.dim == Dim::Yp || d.dim == Dim::M) t = 2;
    if (d.dim == Dim::X || d.dim == Dim::Xp) t = 3;
    if (t >= 0 && std::find(seen.begin(), seen.end(), t) == seen.end()) seen.push_back(t);
  }
  std::vector<int> order;
  for (int t = 0; t < kTileDims; ++t)
    if (std::find(seen.begin(), seen.end(), t) == seen.end()) order.push_back(t);
  order.insert(order.end(), seen.begin(), seen.end());
  std::array<int, kTileDims> out{};
  std::copy(order.begin(), order.end(), out.begin());
  return out;
}

GlobalTiling best_global_tiling(const dataflow::Problem& problem, double buffer_elements,
                                const std::array<int, kTileDims>* order) {
  const Shape s = shape_of(problem);
  const auto dk = divisors(s.size[0]), dc = divisors(s.size[1]), dy = divisors(s.size[2]),
             dx = divisors(s.size[3]);
  GlobalTiling best;
  bool have = false;
  auto consider = [&](const std::array<std::int64_t, kTileDims>& t, bool fits) {
    const std::vector<std::array<int, kTileDims>> one =
        order ? std::vector<std::array<int, kTileDims>>{*order}
              : std::vector<std::array<int, kTileDims>>{};
    for (const auto& o : order ? one : all_orders()) {
      GlobalTiling g = traffic(s, t, o);
      g.fits = fits;
      if (!have || g.total() < best.total()) {
        best = g;
        have = true;
      }
    }
  };
  for (std::int64_t k : dk)
    for (std::int64_t c : dc)
      for (std::int64_t y : dy) {
        // The largest X' tile that fits (footprints grow with every tile size).
        std::int64_t x_fit = 0;
        for (auto it = dx.rbegin(); it != dx.rend(); ++it)
          if (2 * footprint(s, {k, c, y, *it}).total() <= buffer_elements) {
            x_fit = *it;
            break;
          }
        if (x_fit == 0) break;  // a larger Y' tile fits even less
        consider({k, c, y, x_fit}, true);
      }
  if (!have) consider({1, 1, 1, 1}, false);
  return best;
}

}  // namespace mosaic::cost

// Tiling of layers into computation nodes and the CN dependency graph (see StreamWorkload.h).
#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "common/Error.h"
#include "common/Text.h"
#include "workload/StreamWorkload.h"

namespace mosaic::workload {

namespace {

using Range = std::pair<std::int64_t, std::int64_t>;

int dim_index(const EinsumLayer& l, const std::string& d) {
  for (std::size_t i = 0; i < l.dims.size(); ++i)
    if (l.dims[i] == d) return static_cast<int>(i);
  return -1;
}

// Stream's default fusion dimension per operator type (TilingGenerationStage).
std::string default_intra_dim(const EinsumLayer& l) {
  const std::string t = ascii_lower(l.op_type);
  std::string d = "K";
  if (t == "conv" || t == "pooling" || t == "maxpool" || t == "averagepool" ||
      t == "globalmaxpool" || t == "globalaveragepool")
    d = "OY";
  if (t == "gemm" || t == "matmul" || t == "add" || t == "mul") d = "D";
  if (dim_index(l, d) >= 0) return d;
  for (const auto& x : l.dims)
    if (x != "B" && x != "G") return x;
  return l.dims.front();
}

std::vector<StreamTiling> validate_tiling(EinsumLayer& l, const std::vector<StreamTiling>& given,
                                          const StreamMappingEntry& e, bool by_default,
                                          const char* which, int n_cores, bool intra) {
  std::vector<StreamTiling> out;
  for (auto t : given) {
    const int di = dim_index(l, t.dim);
    if (di < 0) {
      if (by_default) continue;  // Stream drops it (the default entry applies to every layer)
      throw UserError(SourceLocation{e.source_file, e.source_line, which},
                      fmt::format("layer '{}' has no dimension {} (it has {})", l.name, t.dim,
                                  fmt::join(l.dims, " ")));
    }
    const std::int64_t size = l.sizes[static_cast<std::size_t>(di)];
    if (t.kind == StreamTiling::All) t.factor = size;
    if (t.kind == StreamTiling::Wildcard) {
      if (intra)
        throw UserError(SourceLocation{e.source_file, e.source_line, which},
                        "intra-core tiling takes a number or all, not *");
      t.factor = std::max(1, n_cores);
    }
    t.kind = StreamTiling::Number;
    t.factor = std::min(t.factor, size);
    out.push_back(t);
  }
  return out;
}

struct LayerTiling {
  std::vector<StreamTiling> loops;  // outer loops: inter-core first, then intra-core
  std::vector<std::int64_t> span;   // per loop dim
  std::int64_t count = 1;
  int inter_total = 1;
  int intra_total = 1;
};

LayerTiling plan_layer(EinsumLayer& l, const std::vector<StreamTiling>& inter,
                       const std::vector<StreamTiling>& intra) {
  LayerTiling t;
  t.loops = inter;
  t.loops.insert(t.loops.end(), intra.begin(), intra.end());
  for (const auto& x : inter) t.inter_total *= static_cast<int>(x.factor);
  for (const auto& x : intra) t.intra_total *= static_cast<int>(x.factor);
  for (std::size_t d = 0; d < l.dims.size(); ++d) {
    std::int64_t outer = 1;
    for (const auto& x : t.loops)
      if (x.dim == l.dims[d]) outer *= x.factor;
    std::int64_t& size = l.sizes[d];
    if (size % outer != 0) size = (size + outer - 1) / outer * outer;  // pad up, as Stream
    t.span.push_back(size / outer);
  }
  for (const auto& x : t.loops) t.count *= x.factor;
  return t;
}

std::vector<Range> cn_ranges(const EinsumLayer& l, const LayerTiling& t, std::int64_t n) {
  std::vector<Range> r(l.dims.size());
  std::vector<std::int64_t> vals;
  std::int64_t m = 1;
  for (const auto& x : t.loops) {
    vals.push_back((n / m) % x.factor);
    m *= x.factor;
  }
  for (std::size_t d = 0; d < l.dims.size(); ++d) {
    std::int64_t lo = 0, lower_outer = 1;
    for (std::size_t i = 0; i < t.loops.size(); ++i) {
      if (t.loops[i].dim != l.dims[d]) continue;
      lo += vals[i] * t.span[d] * lower_outer;
      lower_outer *= t.loops[i].factor;
    }
    r[d] = {lo, lo + t.span[d]};
  }
  return r;
}

// Range of an operand dimension: a loop dimension's range, or a relation's (with padding).
Range dim_range(const EinsumLayer& l, const std::vector<Range>& r, const std::string& d) {
  const int di = dim_index(l, d);
  if (di >= 0) return r[static_cast<std::size_t>(di)];
  for (const auto& rel : l.relations) {
    if (rel.dim != d) continue;
    std::int64_t pad = 0;
    for (std::size_t i = 0; i < l.pr_dims.size() && i < l.padding.size(); ++i)
      if (l.pr_dims[i] == d) pad = l.padding[i].first;
    const int a = dim_index(l, rel.dim_a), b = dim_index(l, rel.dim_b);
    const Range ra = a >= 0 ? r[static_cast<std::size_t>(a)] : Range{0, 1};
    const Range rb = b >= 0 ? r[static_cast<std::size_t>(b)] : Range{0, 1};
    const std::int64_t lo = -pad + rel.coef_a * ra.first + rel.coef_b * rb.first;
    const std::int64_t hi = -pad + rel.coef_a * (ra.second - 1) + rel.coef_b * (rb.second - 1) + 1;
    return {lo, hi};
  }
  return {0, 1};
}

// Stream's flatten_grouped_convolution_ranges: a tensor indexed by G and C (or K) is compared as
// 4-D with one channel dimension in place of the first of the two, whose inclusive range is
// (G_min + CK_min, G_max * size(CK) + CK_max) (Stream's own formula).
std::vector<Range> box_of(const CnTensor& t, const EinsumLayer& owner) {
  const auto& d = t.dims;
  const auto g = std::find(d.begin(), d.end(), "G");
  auto ck = std::find(d.begin(), d.end(), "C");
  if (ck == d.end()) ck = std::find(d.begin(), d.end(), "K");
  if (g == d.end() || ck == d.end()) return t.ranges;
  const auto gi = static_cast<std::size_t>(g - d.begin());
  const auto ci = static_cast<std::size_t>(ck - d.begin());
  const Range rg = t.ranges[gi], rc = t.ranges[ci];
  const std::int64_t lo = rg.first + rc.first;
  const std::int64_t hi_incl = (rg.second - 1) * dim_size(owner, *ck) + (rc.second - 1);
  std::vector<Range> out;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i == std::min(gi, ci)) out.push_back({lo, hi_incl + 1});
    if (i == gi || i == ci) continue;
    out.push_back(t.ranges[i]);
  }
  return out;
}

bool overlaps(const std::vector<Range>& a, const std::vector<Range>& b) {
  if (a.size() != b.size()) return true;  // different ranks: conservative
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::max(a[i].first, b[i].first) >= std::min(a[i].second, b[i].second)) return false;
  return true;
}

struct Builder {
  const StreamWorkload& w;
  TileGraph g;
  std::vector<EinsumLayer> layers;  // padded
  std::vector<std::vector<int>> layer_cns;
  std::map<std::string, int> unique_index;

  int add_tensor(int layer, const std::string& op, const std::vector<Range>& r,
                 std::map<std::pair<std::string, std::vector<Range>>, int>& seen) {
    const auto& l = layers[static_cast<std::size_t>(layer)];
    CnTensor t;
    t.layer = layer;
    t.operand = op;
    for (const auto& o : l.operands)
      if (o.name == op) t.dims = o.dims;
    for (const auto& d : t.dims) t.ranges.push_back(dim_range(l, r, d));
    const bool out = op == l.operands.front().name;
    const int prec = out ? precision_of(l, "O_final") : precision_of(l, op);
    std::int64_t elems = 1;
    for (const auto& x : t.ranges) elems *= x.second - x.first;
    t.size_bits = elems * std::max(0, prec < 0 ? precision_of(l, op) : prec);
    auto key = std::make_pair(op, t.ranges);
    auto it = seen.find(key);
    if (it != seen.end()) return it->second;
    g.tensors.push_back(std::move(t));
    const int id = static_cast<int>(g.tensors.size()) - 1;
    seen[key] = id;
    return id;
  }
};

// Inter-layer edges from range overlaps (Stream's get_inter_edges_rtree): only from producer
// tiles that produce final outputs, one edge per (producer, consumer) pair.
void add_inter_layer_edges(Builder& b, const StreamWorkload& w) {
  TileGraph& g = b.g;
  for (int li : g.layer_order) {
    const auto ul = static_cast<std::size_t>(li);
    std::set<std::pair<int, int>> made;
    for (const auto& [op, p] : w.inputs[ul]) {
      if (p < 0) continue;
      const auto up = static_cast<std::size_t>(p);
      std::vector<std::vector<Range>> cboxes;
      for (int cc : b.layer_cns[ul]) {
        const int ti = g.cns[static_cast<std::size_t>(cc)].tensor_of(op);
        cboxes.push_back(ti < 0 ? std::vector<Range>{}
                                : box_of(g.tensors[static_cast<std::size_t>(ti)], b.layers[ul]));
      }
      for (int pc : b.layer_cns[up]) {
        const auto& pcn = g.cns[static_cast<std::size_t>(pc)];
        if (!pcn.final_output) continue;
        const auto pbox =
            box_of(g.tensors[static_cast<std::size_t>(pcn.tensors.front().second)], b.layers[up]);
        for (std::size_t k = 0; k < b.layer_cns[ul].size(); ++k) {
          const int cc = b.layer_cns[ul][k];
          if (g.cns[static_cast<std::size_t>(cc)].tensor_of(op) < 0 || !overlaps(pbox, cboxes[k]))
            continue;
          if (!made.insert({pc, cc}).second) continue;
          g.edges.push_back({pc, cc, op, false});
        }
      }
    }
  }
}

// The stacks with their layers in topological order, ordered by their first layer; returns
// every layer's stack size.
std::vector<int> order_stacks(TileGraph& g, const StreamWorkload& w,
                              const std::vector<std::vector<int>>& stacks_in) {
  g.layer_order = topological_order(w);
  std::vector<int> topo_pos(w.layers.size());
  for (std::size_t i = 0; i < g.layer_order.size(); ++i)
    topo_pos[static_cast<std::size_t>(g.layer_order[i])] = static_cast<int>(i);
  g.stacks = stacks_in;
  for (auto& s : g.stacks)
    std::sort(s.begin(), s.end(), [&](int a, int c) {
      return topo_pos[static_cast<std::size_t>(a)] < topo_pos[static_cast<std::size_t>(c)];
    });
  std::stable_sort(g.stacks.begin(), g.stacks.end(), [&](const auto& a, const auto& c) {
    return topo_pos[static_cast<std::size_t>(a.front())] <
           topo_pos[static_cast<std::size_t>(c.front())];
  });
  std::vector<int> stack_size(w.layers.size(), 1);
  for (const auto& s : g.stacks)
    for (int l : s) stack_size[static_cast<std::size_t>(l)] = static_cast<int>(s.size());
  return stack_size;
}

// Stream's default inter-core tiling: the first of G, H, K larger than 1 (else the first dim).
StreamTiling default_inter_tiling(const EinsumLayer& l) {
  StreamTiling t;
  t.dim = l.dims.front();
  for (const char* d : {"G", "H", "K"})
    if (dim_size(l, d) > 1 && dim_index(l, d) >= 0) {
      t.dim = d;
      break;
    }
  return t;
}

// One layer's mapping entry, its validated (or default) intra- and inter-core tilings and its
// tile plan; records them in the graph.
LayerTiling plan_layer_tiling(Builder& b, const StreamMappingSet& mapping, StackMode mode,
                              int layer, int stack_size) {
  TileGraph& g = b.g;
  const auto ul = static_cast<std::size_t>(layer);
  EinsumLayer& l = b.layers[ul];
  const auto& e = match_stream_mapping(mapping, l.name, l.op_type);
  const bool by_default = e.name == "default";
  g.core_allocation[ul] = e.core_allocation;
  const int nc = static_cast<int>(e.core_allocation.size());
  std::vector<StreamTiling> intra;
  if (e.has_intra)
    intra = validate_tiling(l, e.intra, e, by_default, "intra_core_tiling", nc, true);
  if (intra.empty() && mode == StackMode::Fused) {
    StreamTiling t;
    t.dim = default_intra_dim(l);
    t.factor = std::min<std::int64_t>(2, dim_size(l, t.dim));
    intra.push_back(t);
  }
  if (stack_size == 1) intra.clear();
  std::vector<StreamTiling> inter;
  if (e.has_inter)
    inter = validate_tiling(l, e.inter, e, by_default, "inter_core_tiling", nc, false);
  if (inter.empty()) inter.push_back(default_inter_tiling(l));
  g.intra[ul] = intra;
  g.inter[ul] = inter;
  LayerTiling plan = plan_layer(l, inter, intra);
  g.inter_splits[ul] = plan.inter_total;
  if (e.core_allocation.empty())
    throw UserError(SourceLocation{e.source_file, e.source_line, "core_allocation"},
                    fmt::format("entry '{}' allocates layer '{}' to no core", e.name, l.name));
  return plan;
}

// One layer's CNs (its unique tile shape, ranges, fixed core, final-output flag, tensors) and
// the intra-layer edges between consecutive tiles of one inter-core group.
void add_layer_cns(Builder& b, const StreamWorkload& w, int li, const LayerTiling& t,
                   int stack_size) {
  TileGraph& g = b.g;
  const auto ul = static_cast<std::size_t>(li);
  const EinsumLayer& l = b.layers[ul];
  EinsumLayer tile = l;
  tile.sizes = t.span;
  g.tile_layers.push_back(tile);
  g.unique_layer.push_back(li);
  g.unique_stack_size.push_back(stack_size);
  const int unique = static_cast<int>(g.tile_layers.size()) - 1;
  std::map<std::pair<std::string, std::vector<Range>>, int> seen;
  const auto& out_dims = l.operands.front().dims;
  for (std::int64_t n = 0; n < t.count; ++n) {
    Cn c;
    c.layer = li;
    c.sub_id = static_cast<int>(n);
    c.group = static_cast<int>(n % t.inter_total);
    c.unique = unique;
    c.ranges = cn_ranges(l, t, n);
    const auto& alloc = g.core_allocation[ul];
    if (static_cast<int>(alloc.size()) == t.inter_total)
      c.fixed_core = alloc[static_cast<std::size_t>(c.group)];
    for (std::size_t d = 0; d < l.dims.size(); ++d)
      if (std::find(out_dims.begin(), out_dims.end(), l.dims[d]) == out_dims.end() &&
          c.ranges[d].second < w.layers[ul].sizes[d])
        c.final_output = false;
    for (const auto& o : l.operands)
      c.tensors.emplace_back(o.name, b.add_tensor(li, o.name, c.ranges, seen));
    g.cns.push_back(std::move(c));
    b.layer_cns[ul].push_back(static_cast<int>(g.cns.size()) - 1);
  }
  for (int grp = 0; grp < t.inter_total; ++grp) {
    int prev = -1;
    for (int id : b.layer_cns[ul]) {
      if (g.cns[static_cast<std::size_t>(id)].group != grp) continue;
      if (prev >= 0) g.edges.push_back({prev, id, "", true});
      prev = id;
    }
  }
}

// Scheduling order: per stack, per intra-core slot, per layer, its inter-core tiles.
void add_scheduling_order(Builder& b, const std::vector<LayerTiling>& plans) {
  TileGraph& g = b.g;
  for (const auto& s : g.stacks) {
    int slots = 1 << 30;
    for (int li : s) slots = std::min(slots, plans[static_cast<std::size_t>(li)].intra_total);
    for (int i = 0; i < slots; ++i)
      for (int li : s) {
        const auto& t = plans[static_cast<std::size_t>(li)];
        const int per_slot = t.inter_total * (t.intra_total / slots);
        const auto& ids = b.layer_cns[static_cast<std::size_t>(li)];
        for (int j = 0; j < per_slot; ++j)
          g.order.push_back(ids[static_cast<std::size_t>(i * per_slot + j)]);
      }
  }
}

}  // namespace

TileGraph split_workload(const StreamWorkload& w, const StreamMappingSet& mapping,
                         const std::vector<std::vector<int>>& stacks_in, StackMode mode) {
  Builder b{w, {}, w.layers, {}, {}};
  TileGraph& g = b.g;
  const auto stack_size = order_stacks(g, w, stacks_in);
  const std::size_t n_layers = w.layers.size();
  g.inter_splits.assign(n_layers, 1);
  g.core_allocation.resize(n_layers);
  g.intra.resize(n_layers);
  g.inter.resize(n_layers);
  b.layer_cns.resize(n_layers);
  std::vector<LayerTiling> plans(n_layers);
  for (int li : g.layer_order)
    plans[static_cast<std::size_t>(li)] =
        plan_layer_tiling(b, mapping, mode, li, stack_size[static_cast<std::size_t>(li)]);
  for (int li : g.layer_order)
    add_layer_cns(b, w, li, plans[static_cast<std::size_t>(li)],
                  stack_size[static_cast<std::size_t>(li)]);
  add_inter_layer_edges(b, w);
  g.preds.assign(g.cns.size(), {});
  g.succs.assign(g.cns.size(), {});
  for (std::size_t e = 0; e < g.edges.size(); ++e) {
    g.preds[static_cast<std::size_t>(g.edges[e].dst)].push_back(static_cast<int>(e));
    g.succs[static_cast<std::size_t>(g.edges[e].src)].push_back(static_cast<int>(e));
  }
  add_scheduling_order(b, plans);
  return g;
}

}  // namespace mosaic::workload

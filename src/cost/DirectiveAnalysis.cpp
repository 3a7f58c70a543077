#include "cost/DirectiveAnalysis.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "common/Checked.h"
#include "common/Error.h"

namespace mosaic::cost {

using dataflow::BoundDirective;
using dataflow::Dim;
using dataflow::DirectiveKind;
using dataflow::Problem;
using dataflow::ProblemType;
using dataflow::TensorDims;

namespace {
// What a checked sum names when it overflows (common/Checked.h).
constexpr const char* kRuntime = "the layer's runtime (cycles)";
constexpr const char* kMacs = "the layer's MACs";
constexpr const char* kComputeCycles = "the layer's compute cycles";
}  // namespace

namespace {

constexpr int kND = dataflow::kNumDims;
constexpr int kMaxDirs = 16;
constexpr int kMaxLevelCount = 8;
constexpr int kMaxStates = 3;
using i64 = std::int64_t;

inline std::size_t at(Dim d) {
  return static_cast<std::size_t>(dataflow::di(d));
}

// ---------------------------------------------------------------------------------------------
// Dimension tables. A dimension is absent when `has` is false. Convolution-type problems couple
// Y with R and X with S (sliding windows); GEMM has no sliding dimensions.
struct DimTable {
  std::array<i64, kND> size{};
  std::array<i64, kND> stride{};
  std::array<bool, kND> has{};

  i64 get(Dim d) const { return size[at(d)]; }
  bool operator==(const DimTable& o) const { return size == o.size && has == o.has; }
};

inline bool overlapped(bool conv, Dim d) {
  return conv && (d == Dim::Y || d == Dim::X || d == Dim::R || d == Dim::S);
}
inline bool sliding(bool conv, Dim d) {
  return conv && (d == Dim::R || d == Dim::S);
}
inline Dim counterpart(Dim d) {
  switch (d) {
    case Dim::Y:
      return Dim::R;
    case Dim::R:
      return Dim::Y;
    case Dim::X:
      return Dim::S;
    case Dim::S:
      return Dim::X;
    default:
      return d;
  }
}

struct Dir {
  DirectiveKind kind = DirectiveKind::TemporalMap;
  Dim dim = Dim::K;
  i64 size = 0;
  i64 ofs = 0;
  int line = 0;  // source line of an explicit directive, 0 for implicit ones
  bool spatial() const { return kind == DirectiveKind::SpatialMap; }
};

struct DirList {
  std::array<Dir, kMaxDirs> d{};
  int n = 0;
  int find(Dim dim) const {
    for (int i = 0; i < n; ++i)
      if (d[static_cast<std::size_t>(i)].dim == dim) return i;
    return -1;
  }
  void push_back(const Dir& x, const char* what) {
    if (n >= kMaxDirs)
      throw UserError(SourceLocation{"", 0, "dataflow"},
                      fmt::format("too many directives in one cluster level ({})", what));
    d[static_cast<std::size_t>(n++)] = x;
  }
  void push_front(const Dir& x) {
    if (n >= kMaxDirs)
      throw UserError(SourceLocation{"", 0, "dataflow"},
                      "too many directives in one cluster level");
    for (int i = n; i > 0; --i) d[static_cast<std::size_t>(i)] = d[static_cast<std::size_t>(i - 1)];
    d[0] = x;
    ++n;
  }
  Dir& operator[](int i) { return d[static_cast<std::size_t>(i)]; }
  const Dir& operator[](int i) const { return d[static_cast<std::size_t>(i)]; }
};

// ---------------------------------------------------------------------------------------------
// A cluster level, analysed once per layer (MAESTRO's cluster unit + reuse analysis).
struct Level {
  DirList dirs;
  DimTable dims;                  // the level's own (static) dimension table
  i64 num_sub = 1;                // sub-clusters under this level
  i64 num_edge = 1;               // active sub-clusters in the spatial edge case
  std::array<int, kND> dir_of{};  // directive index per dimension (-1: none)
  // Per-dimension mapping sizes (0 where MAESTRO's tables have no entry).
  std::array<i64, kND> mapped{}, unique{}, mapped_edge{}, unique_edge{};
  std::array<bool, kND> has_map{};
};

struct Tensors {
  TensorDims input, weight, output;
  TensorDims in_vars;  // sorted union of input and weight dimensions
};

struct State {
  enum Pos : std::uint8_t { Init, Steady, Edge };
  Pos pos = Init;
  i64 occ = 1;
  bool unrolled = false;
  bool init_edge = false;
  bool sp_edge_edge = false;
  bool is_edge() const { return pos == Edge || init_edge; }
};

// ---------------------------------------------------------------------------------------------
class Analyzer {
 public:
  Analyzer(const Problem& p, const std::vector<BoundDirective>& df, const DirectiveHardware& hw,
           const DirectiveOptions& opt)
      : p_(p), hw_(hw), opt_(opt), conv_(p.type != ProblemType::Gemm) {
    tensors_.input = dataflow::input_dims(p.type, p.batch);
    tensors_.weight = dataflow::weight_dims(p.type, p.batch);
    tensors_.output = dataflow::output_dims(p.type, p.batch);
    for (int i = 0; i < kND; ++i) {
      const Dim d = static_cast<Dim>(i);
      if (tensors_.input.contains(d) || tensors_.weight.contains(d)) {
        tensors_.in_vars.dims[static_cast<std::size_t>(tensors_.in_vars.count++)] = d;
        tensors_.in_vars.mask = static_cast<std::uint16_t>(tensors_.in_vars.mask | (1u << i));
      }
    }
    for (int i = 0; i < kND; ++i) {
      full_.size[static_cast<std::size_t>(i)] = p.size[static_cast<std::size_t>(i)];
      full_.stride[static_cast<std::size_t>(i)] = p.stride[static_cast<std::size_t>(i)];
      full_.has[static_cast<std::size_t>(i)] = p.size[static_cast<std::size_t>(i)] > 0;
    }
    build_levels(df);
  }

  DirectiveResult run() {
    DirectiveResult r;
    r.top = analyze_level(0, full_);
    r.first = first_set_ ? first_ : r.top;
    r.first_is_top = !first_from_sub_;
    r.top_cases = std::move(top_cases_);
    r.num_levels = num_levels_;
    r.zero_compute_sub_case = zero_compute_;
    for (int l = 0; opt_.keep_levels && l < num_levels_; ++l) {
      std::vector<BoundDirective> v;
      const Level& lv = levels_[static_cast<std::size_t>(l)];
      for (int i = 0; i < lv.dirs.n; ++i) {
        BoundDirective b;
        b.kind = lv.dirs[i].kind;
        b.dim = lv.dirs[i].dim;
        b.size = lv.dirs[i].size;
        b.offset = lv.dirs[i].ofs;
        v.push_back(b);
      }
      r.levels.push_back(std::move(v));
      r.level_sub_clusters.push_back(lv.num_sub);
    }
    r.active_pes = active_pes_;
    return r;
  }

 private:
  const Problem& p_;
  DirectiveHardware hw_;
  DirectiveOptions opt_;
  bool conv_;
  Tensors tensors_;
  DimTable full_;
  // Large scratch tables live in a per-thread workspace, so an analysis neither allocates nor
  // clears tens of kilobytes each time.
  std::array<Level, kMaxLevelCount>& levels_ = workspace_levels();
  int num_levels_ = 0;
  i64 active_pes_ = 0;
  bool first_set_ = false;
  bool first_from_sub_ = false;
  std::vector<TopCase> top_cases_;
  LevelFigures first_;
  bool zero_compute_ = false;

  // Memo of sub-level analyses: their result depends only on the level and its dimensions.
  struct MemoEntry {
    int level = -1;
    DimTable dims;
    LevelFigures fig;
  };
  static constexpr int kMemo = 64;
  std::array<MemoEntry, kMemo>& memo_ = workspace_memo();
  int memo_n_ = 0;

  static std::array<Level, kMaxLevelCount>& workspace_levels() {
    thread_local std::array<Level, kMaxLevelCount> levels{};
    return levels;
  }
  static std::array<MemoEntry, kMemo>& workspace_memo() {
    thread_local std::array<MemoEntry, kMemo> memo{};
    return memo;
  }

  [[noreturn]] void fail(const std::string& field, const std::string& msg, int line = 0) const {
    throw UserError(SourceLocation{"", line, "dataflow " + field}, msg);
  }

  i64 dim_size(const DimTable& t, Dim d, const char* what) const {
    if (!t.has[at(d)])
      fail(std::string(dataflow::dim_name(d)),
           fmt::format("dimension {} is not part of this layer ({})", dataflow::dim_name(d), what));
    return t.size[at(d)];
  }

  // ---- cluster structure --------------------------------------------------------------------
  void build_levels(const std::vector<BoundDirective>& df) {
    i64 uppermost = 1;
    int num_clusters = 0;
    i64 last_cluster = hw_.num_pes;
    for (const auto& d : df) {
      if (d.kind == DirectiveKind::Cluster) {
        ++num_clusters;
        uppermost *= d.size;
        last_cluster = d.size;
      }
    }
    if (num_clusters + 1 > kMaxLevelCount)
      fail("Cluster",
           fmt::format("at most {} Cluster directives are supported", kMaxLevelCount - 1));
    if (uppermost > hw_.num_pes)
      fail("Cluster",
           fmt::format("the Cluster sizes multiply to {} PEs but the hardware has {} (MAESTRO "
                       "divides by zero here)",
                       uppermost, hw_.num_pes));
    const i64 num_unit = uppermost * (hw_.num_pes / uppermost);
    active_pes_ = num_unit;
    std::vector<BoundDirective> all = df;
    BoundDirective closing;
    closing.kind = DirectiveKind::Cluster;
    closing.size = last_cluster;
    all.push_back(closing);

    int level_no = num_clusters;  // counts down; the first level built is the top one
    i64 last_size = num_unit;
    DirList cur;
    const DirList* prev = nullptr;
    DimTable dims = full_;
    for (const auto& d : all) {
      if (d.kind != DirectiveKind::Cluster) {
        Dir x;
        x.kind = d.kind;
        x.dim = d.dim;
        x.size = d.size;
        x.ofs = d.offset;
        x.line = d.line;
        if (cur.find(d.dim) >= 0)
          fail(std::string(dataflow::dim_name(d.dim)),
               fmt::format("dimension {} is mapped twice in one cluster level (no-redundancy rule)",
                           dataflow::dim_name(d.dim)),
               d.line);
        cur.push_back(x, "map");
        continue;
      }
      convert_to_input_centric(cur);
      if (prev != nullptr) inherit(*prev, cur);
      unroll_missing(dims, cur);
      const bool top = level_no == num_clusters;
      apply_outer_stride(top, dims, cur);
      Level& lv = levels_[static_cast<std::size_t>(num_levels_)];
      lv.dirs = cur;
      lv.dims = dims;
      lv.num_sub = top ? num_unit / uppermost : last_size;
      last_size = d.size;
      preprocess(lv);
      ++num_levels_;
      // The next level's dimensions: what one sub-cluster of this level sees.
      DimTable lower;
      lower.stride.fill(1);
      for (int i = 0; i < tensors_.in_vars.count; ++i) {
        const Dim v = tensors_.in_vars.dims[static_cast<std::size_t>(i)];
        const int idx = cur.find(v);
        if (idx < 0) {
          if (!dims.has[at(v)]) continue;
          fail(std::string(dataflow::dim_name(v)), "internal: missing directive");
        }
        lower.has[at(v)] = true;
        lower.size[at(v)] = std::min(cur[idx].size, dims.size[at(v)]);
        lower.stride[at(v)] = dims.stride[at(v)];
      }
      dims = lower;
      prev = &lv.dirs;
      cur = DirList{};
      --level_no;
    }
  }

  // Output-centric directives (Y', X') become input-centric (Y, X) with the filter added.
  void convert_to_input_centric(DirList& dl) const {
    bool has_iy = false, has_ix = false;
    i64 r = full_.has[at(Dim::R)] ? full_.get(Dim::R) : 1;
    i64 s = full_.has[at(Dim::S)] ? full_.get(Dim::S) : 1;
    for (int i = 0; i < dl.n; ++i) {
      if (dl[i].dim == Dim::Y) has_iy = true;
      if (dl[i].dim == Dim::X) has_ix = true;
      if (dl[i].dim == Dim::R) r = dl[i].size;
      if (dl[i].dim == Dim::S) s = dl[i].size;
    }
    for (int i = 0; i < dl.n; ++i) {
      if (dl[i].dim == Dim::Xp) {
        if (has_ix) fail("X'", "both X and X' are mapped in one cluster level");
        dl[i].dim = Dim::X;
        dl[i].size += s - 1;
      } else if (dl[i].dim == Dim::Yp) {
        if (has_iy) fail("Y'", "both Y and Y' are mapped in one cluster level");
        dl[i].dim = Dim::Y;
        dl[i].size += r - 1;
      }
    }
  }

  // Dimensions mapped above but not in this level keep the upper tile (a TemporalMap of the same
  // size and offset), inserted at the front in the upper level's order (each one in front).
  static void inherit(const DirList& upper, DirList& dl) {
    for (int i = 0; i < upper.n; ++i) {
      if (dl.find(upper[i].dim) >= 0) continue;
      Dir x;
      x.kind = DirectiveKind::TemporalMap;
      x.dim = upper[i].dim;
      x.size = upper[i].size;
      x.ofs = upper[i].ofs;
      dl.push_front(x);
    }
  }

  // Dimensions of the input tensors not mapped at all are fully unrolled (appended, sorted).
  void unroll_missing(const DimTable& dims, DirList& dl) const {
    for (int i = 0; i < tensors_.in_vars.count; ++i) {
      const Dim v = tensors_.in_vars.dims[static_cast<std::size_t>(i)];
      if (dl.find(v) >= 0 || !dims.has[at(v)]) continue;
      Dir x;
      x.kind = DirectiveKind::TemporalMap;
      x.dim = v;
      x.size = x.ofs = dims.size[at(v)];
      dl.push_back(x, "implicit map");
    }
  }

  // A map over a strided input dimension that covers the whole filter window is adjusted so
  // that it covers whole output positions and moves by whole strides.
  void apply_outer_stride(bool top, const DimTable& dims, DirList& dl) const {
    for (int i = 0; i < dl.n; ++i) {
      const Dim v = dl[i].dim;
      if (!dims.has[at(v)])
        fail(std::string(dataflow::dim_name(v)),
             fmt::format("dimension {} is not part of this layer{}", dataflow::dim_name(v),
                         p_.type == ProblemType::DwConv && v == Dim::K
                             ? " (a depthwise layer has no K: map C instead)"
                             : ""),
             dl[i].line);
      const i64 stride = dims.stride[at(v)];
      if (!(overlapped(conv_, v) && !sliding(conv_, v) && stride != 1)) continue;
      const i64 win = full_.get(counterpart(v));
      Dir& target = dl[dl.find(v)];
      if (target.size < win) continue;
      const i64 out = (target.size + stride - win) / stride;
      const i64 new_size = out * std::min(stride, win) + std::max<i64>(win - stride, 0);
      i64 new_ofs = out * stride;
      if (!top && win < stride) new_ofs = out * win;
      target.size = new_size;
      target.ofs = new_ofs;
    }
  }

  void preprocess(Level& lv) const {
    lv.dir_of.fill(-1);
    lv.mapped.fill(0);
    lv.unique.fill(0);
    lv.mapped_edge.fill(0);
    lv.unique_edge.fill(0);
    lv.has_map.fill(false);
    int first_sp = -1, num_sp = 0;
    for (int i = 0; i < lv.dirs.n; ++i) {
      lv.dir_of[at(lv.dirs[i].dim)] = i;
      if (lv.dirs[i].spatial()) {
        if (first_sp < 0) first_sp = i;
        ++num_sp;
      }
    }
    int level_line = 0;
    for (int i = 0; i < lv.dirs.n && level_line == 0; ++i) level_line = lv.dirs[i].line;
    if (num_sp == 0)
      fail("SpatialMap", fmt::format("cluster level {} has no SpatialMap", num_levels_),
           level_line);
    if (num_sp > 2)
      fail("SpatialMap",
           fmt::format("cluster level {} has {} SpatialMaps; at most 2 are allowed", num_levels_,
                       num_sp),
           level_line);
    // Sub-clusters active in the spatial edge case.
    const Dir& sp = lv.dirs[first_sp];
    const i64 cs = lv.num_sub;
    const i64 dim = dim_size(lv.dims, sp.dim, "SpatialMap");
    const i64 full_cov = sp.ofs * (cs - 1) + sp.size;
    i64 edge = 1;
    if (dim > full_cov) {
      const i64 steady = ((dim - sp.size) / sp.ofs + 1) / cs - 1;
      const i64 remaining = dim - (steady + 1) * sp.ofs * cs;
      edge = remaining < sp.size ? 1 : (remaining - sp.size) / sp.ofs + 1;
    } else if (dim > sp.size) {
      edge = (dim - sp.size) / sp.ofs + 1;
      if (sp.ofs * (edge - 1) + sp.size < dim) ++edge;
    }
    if (dim <= sp.size) edge = 1;
    lv.num_edge = edge;
    // Mapping sizes per dimension (full, unique per step, and at the edge).
    for (int i = 0; i < lv.dirs.n; ++i) {
      const Dir& d = lv.dirs[i];
      const std::size_t k = at(d.dim);
      const i64 dsz = dim_size(lv.dims, d.dim, "map");
      i64 steady = (dsz - d.size) / d.ofs;
      if (steady < 0) steady = 0;
      const bool has_edge = (steady * d.ofs + d.size < dsz) || (d.size > dsz);
      lv.has_map[k] = true;
      lv.mapped[k] = d.size;
      lv.unique[k] = std::min(d.size, d.ofs);
      if (!d.spatial() && dsz <= d.size) lv.unique[k] = 0;
      i64 edge_size = dsz - (steady + 1) * d.ofs;
      if (edge_size < 0) edge_size = dsz;
      lv.mapped_edge[k] = has_edge ? edge_size : d.size;
      lv.unique_edge[k] = std::max<i64>(d.ofs - (d.size - edge_size), 0);
    }
    // Output positions covered by the input tiles of the sliding dimensions.
    for (int i = 0; i < lv.dirs.n; ++i) {
      const Dir& d = lv.dirs[i];
      if (!(overlapped(conv_, d.dim) && !sliding(conv_, d.dim))) continue;
      const Dim win = counterpart(d.dim);
      const std::size_t out = at(d.dim == Dim::Y ? Dim::Yp : Dim::Xp);
      lv.has_map[out] = true;
      lv.mapped[out] = lv.mapped[at(d.dim)] - lv.mapped[at(win)] + 1;
      lv.unique[out] = std::min(d.ofs, d.size);
      lv.mapped_edge[out] = lv.mapped_edge[at(d.dim)] - lv.mapped_edge[at(win)] + 1;
      lv.unique_edge[out] = std::min(d.ofs, lv.mapped_edge[out]);
      const i64 stride = lv.dims.stride[at(d.dim)];
      if (!opt_.maestro_compat && stride > 1 && full_.get(win) >= stride) {
        // Output positions of a strided window inside an input tile (MAESTRO ignores the
        // stride here, which inflates its counts for strided layers).
        auto outputs = [&](i64 tile, i64 window) {
          return tile >= window ? (tile - window) / stride + 1
                                : std::max<i64>(tile - window + 1, 0);
        };
        lv.mapped[out] = outputs(lv.mapped[at(d.dim)], lv.mapped[at(win)]);
        lv.mapped_edge[out] = outputs(lv.mapped_edge[at(d.dim)], lv.mapped_edge[at(win)]);
        lv.unique[out] = std::max<i64>(std::min(d.ofs, d.size) / stride, 1);
        lv.unique_edge[out] = std::min(lv.unique[out], lv.mapped_edge[out]);
      }
    }
  }

  static int first_spatial(const Level& lv) {
    for (int i = 0; i < lv.dirs.n; ++i)
      if (lv.dirs[i].spatial()) return i;
    return 0;
  }

  // ---- iteration states -----------------------------------------------------------------------
  struct Case {
    std::array<State, kMaxDirs> st{};  // per directive
    i64 occ = 1;
    bool all_init = true;
    i64 nec = 1;  // active sub-clusters when the level's spatial map is at its edge
  };

  struct StateTable {
    std::array<std::array<State, kMaxStates>, kMaxDirs> s{};
    std::array<int, kMaxDirs> n{};
  };

  void iteration_states(const Level& lv, const DimTable& dims, StateTable& t) const {
    for (int i = 0; i < lv.dirs.n; ++i) {
      const Dir& d = lv.dirs[i];
      const i64 dsz = dim_size(dims, d.dim, "iteration");
      auto& list = t.s[static_cast<std::size_t>(i)];
      int& n = t.n[static_cast<std::size_t>(i)];
      n = 0;
      if (!d.spatial()) {
        State init;
        init.unrolled = dsz <= d.size;
        init.init_edge = dsz < d.size;
        list[static_cast<std::size_t>(n++)] = init;
        const i64 steady = (dsz - d.size) / d.ofs;
        const bool has_steady = d.size < dsz;
        const bool has_edge = steady * d.ofs + d.size < dsz;
        if (has_steady && steady > 0)
          list[static_cast<std::size_t>(n++)] = State{State::Steady, steady, false, false, false};
        if (!init.init_edge && has_edge)
          list[static_cast<std::size_t>(n++)] = State{State::Edge, 1, false, false, false};
      } else {
        const i64 ns = lv.num_sub;
        const i64 cov = d.size + d.ofs * (ns - 1);
        State init;
        init.unrolled = dsz <= cov;
        init.init_edge = dsz < cov;
        init.sp_edge_edge = init.init_edge;
        list[static_cast<std::size_t>(n++)] = init;
        const bool has_steady = cov < dsz;
        const i64 steady = ((dsz - d.size) / d.ofs + 1) / ns - 1;
        const bool has_edge = !init.unrolled && ((steady + 1) * (d.ofs * ns) + cov > dsz) &&
                              (steady * (d.ofs * ns) + cov != dsz);
        if (has_steady && steady > 0)
          list[static_cast<std::size_t>(n++)] = State{State::Steady, steady, false, false, false};
        const i64 remaining = dsz - (steady + 1) * d.ofs * ns;
        i64 active = remaining < d.size ? 1 : (remaining - d.size) / d.ofs + 1;
        bool edge_edge = false;
        if ((active - 1) * d.ofs + d.size < remaining) edge_edge = true;
        if (!init.init_edge && has_edge)
          list[static_cast<std::size_t>(n++)] = State{State::Edge, 1, false, false, edge_edge};
      }
    }
  }

  // ---- reuse analysis (per case) --------------------------------------------------------------
  static bool coupled(const TensorDims& t, Dim d) { return t.contains(d); }

  i64 pe_mapped_volume(const Level& lv, const Case& c, const TensorDims& t, bool first,
                       bool ee) const {
    i64 ret = 1;
    for (int i = 0; i < lv.dirs.n; ++i) {
      const Dir& d = lv.dirs[i];
      if (!coupled(t, d.dim)) continue;
      const State& s = c.st[static_cast<std::size_t>(i)];
      const std::size_t k = at(d.dim);
      if (!d.spatial()) {
        ret *= s.is_edge() ? lv.mapped_edge[k] : lv.mapped[k];
      } else if (s.is_edge()) {
        if (c.nec == 1 && (first || ee))
          ret *= lv.mapped_edge[k];
        else if (c.nec > 1)
          ret *= ee ? lv.mapped_edge[k] : lv.mapped[k];
      } else {
        ret *= lv.mapped[k];
      }
    }
    return ret;
  }

  i64 pe_ingress_volume(const Level& lv, const Case& c, const TensorDims& t, bool first,
                        bool ee) const {
    int changing = -1;
    for (int i = 0; i < lv.dirs.n; ++i)
      if (c.st[static_cast<std::size_t>(i)].pos != State::Init) changing = i;
    if (changing == -1) return pe_mapped_volume(lv, c, t, first, ee);
    bool inited = false;
    for (int i = changing + 1; i < lv.dirs.n; ++i) {
      const State& s = c.st[static_cast<std::size_t>(i)];
      if (s.pos == State::Init && coupled(t, lv.dirs[i].dim) && !s.unrolled) {
        inited = true;
        break;
      }
    }
    i64 ret = 1;
    bool changes = false;
    for (int i = 0; i < lv.dirs.n; ++i) {
      const Dir& d = lv.dirs[i];
      if (!coupled(t, d.dim)) continue;
      const State& s = c.st[static_cast<std::size_t>(i)];
      const std::size_t k = at(d.dim);
      const bool is_changing = i == changing;
      const bool is_reset = i > changing;
      if (is_changing) changes = true;
      if (!d.spatial()) {
        if (s.pos == State::Init) {
          ret *= s.is_edge() ? lv.mapped_edge[k] : lv.mapped[k];
        } else if (is_changing && !inited) {
          // The new data of a step is the offset; at the edge only what is left of the
          // dimension (MAESTRO reads a whole offset there, beyond the tensor).
          const bool edge = !opt_.maestro_compat && s.pos == State::Edge;
          ret *= std::max<i64>(edge ? lv.unique_edge[k] : lv.unique[k], 1);
        } else {
          ret *= lv.mapped[k];
        }
      } else {
        const i64 full = ee ? lv.mapped_edge[k] : lv.mapped[k];
        const i64 uniq = ee ? lv.unique_edge[k] : lv.unique[k];
        if (first) {
          ret *= full;
        } else if (s.pos == State::Init) {
          ret *= !is_reset ? full : uniq;
        } else {
          ret *= (!inited && is_changing) ? uniq : full;
        }
      }
    }
    return changes ? ret : 0;
  }

  struct SpInfo {
    bool mapped = false;
    bool edge = false;
    bool edge_edge = false;  // of the last spatial dimension found
  };

  SpInfo spatial_info(const Level& lv, const Case& c, const TensorDims& t) const {
    SpInfo sp;
    for (int j = 0; j < t.count; ++j) {
      const int i = lv.dir_of[at(t.dims[static_cast<std::size_t>(j)])];
      if (i < 0)
        fail(std::string(dataflow::dim_name(t.dims[static_cast<std::size_t>(j)])),
             "internal: tensor dimension without a directive");
      if (!lv.dirs[i].spatial()) continue;
      const State& s = c.st[static_cast<std::size_t>(i)];
      sp.mapped = true;
      sp.edge_edge = s.sp_edge_edge;
      if (s.is_edge()) sp.edge = true;
    }
    return sp;
  }

  i64 spatial_ingress(const Level& lv, const Case& c, const TensorDims& t) const {
    const SpInfo sp = spatial_info(lv, c, t);
    if (!sp.mapped) return pe_ingress_volume(lv, c, t, true, false);
    if (!sp.edge)
      return pe_ingress_volume(lv, c, t, true, false) +
             (lv.num_sub - 1) * pe_ingress_volume(lv, c, t, false, false);
    const i64 nec = c.nec;
    i64 ret = (nec == 1 && sp.edge_edge) ? pe_ingress_volume(lv, c, t, true, true)
                                         : pe_ingress_volume(lv, c, t, true, false);
    if (nec > 1) {
      const i64 nee = sp.edge_edge ? 1 : 0;
      const i64 nfull = std::max<i64>(nec - nee - 1, 0);
      ret += nfull * pe_ingress_volume(lv, c, t, false, false);
      ret += nee * pe_ingress_volume(lv, c, t, false, true);
    }
    return ret;
  }

  i64 pe_egress_volume(const Level& lv, const Case& c, bool psums, bool first, bool ee,
                       bool reuse_at_edge = true) const {
    const TensorDims& out = tensors_.output;
    i64 ret = 1;
    auto uniq_or_1 = [](i64 u) { return u != 0 ? u : 1; };
    if (psums) {
      for (int i = 0; i < lv.dirs.n; ++i) {
        const Dir& d = lv.dirs[i];
        if (coupled(out, d.dim)) continue;
        const State& s = c.st[static_cast<std::size_t>(i)];
        const std::size_t k = at(d.dim);
        if (!d.spatial()) {
          ret *= s.is_edge() ? lv.mapped_edge[k] : lv.mapped[k];
          continue;
        }
        switch (s.pos) {
          case State::Init:
            if (s.is_edge() && ee) {
              if (c.nec >= 1) ret *= lv.mapped_edge[k];
            } else {
              ret *= first ? lv.mapped[k] : uniq_or_1(lv.unique[k]);
            }
            break;
          case State::Steady:
            ret *= first ? lv.mapped[k] : uniq_or_1(lv.unique[k]);
            break;
          case State::Edge:
            if (c.nec == 1 && (first || ee))
              ret *= lv.mapped_edge[k];
            else if (c.nec > 1)
              ret *= ee ? lv.unique_edge[k] : first ? lv.mapped[k] : uniq_or_1(lv.unique[k]);
            break;
        }
      }
    }
    for (int j = 0; j < out.count; ++j) {
      const Dim dim = out.dims[static_cast<std::size_t>(j)];
      const int i = lv.dir_of[at(dim)];
      if (i < 0)
        fail(std::string(dataflow::dim_name(dim)),
             "internal: output dimension without a directive");
      const Dir& d = lv.dirs[i];
      const State& s = c.st[static_cast<std::size_t>(i)];
      const Dim actual = dim == Dim::Y ? Dim::Yp : dim == Dim::X ? Dim::Xp : dim;
      const std::size_t k = at(actual);
      if (!d.spatial()) {
        switch (s.pos) {
          case State::Init:
            ret *= s.is_edge() ? lv.mapped_edge[k] : lv.mapped[k];
            break;
          case State::Steady:
            ret *= lv.mapped[k];
            break;
          case State::Edge:
            ret *= lv.mapped_edge[k];
            break;
        }
        continue;
      }
      switch (s.pos) {
        case State::Init:
          if (s.is_edge() && ee) {
            if (c.nec == 1)
              ret *= lv.mapped_edge[k];
            else if (c.nec > 1)
              ret *= reuse_at_edge ? lv.unique_edge[k] : lv.mapped_edge[k];
          } else {
            ret *= first ? lv.mapped[k] : uniq_or_1(lv.unique[k]);
          }
          break;
        case State::Steady:
          ret *= first ? lv.mapped[k] : uniq_or_1(lv.unique[k]);
          break;
        case State::Edge:
          if (c.nec == 1 && (first || ee)) {
            // MAESTRO indexes the input-centric dimension here (Y rather than Y').
            ret *= opt_.maestro_compat ? lv.mapped_edge[at(dim)] : lv.mapped_edge[k];
          } else if (c.nec > 1) {
            ret *= ee ? lv.unique_edge[k] : first ? lv.mapped[k] : uniq_or_1(lv.unique[k]);
          }
          break;
      }
    }
    return ret;
  }

  // Whether the output tile leaves the sub-clusters in this case. MAESTRO sends it every step;
  // in the default mode it stays while only reduction dimensions advance (outputs accumulate
  // in place, the stationarity of output-stationary dataflows) and leaves when an output
  // dimension moves: the changing directive, or one reset after it with more than one position.
  bool output_moves(const Level& lv, const Case& c) const {
    if (opt_.maestro_compat || c.all_init) return true;
    int changing = -1;
    for (int i = 0; i < lv.dirs.n; ++i)
      if (c.st[static_cast<std::size_t>(i)].pos != State::Init) changing = i;
    if (changing < 0) return true;
    for (int i = changing; i < lv.dirs.n; ++i) {
      if (!coupled(tensors_.output, lv.dirs[i].dim)) continue;
      if (i == changing || !c.st[static_cast<std::size_t>(i)].unrolled) return true;
    }
    return false;
  }

  i64 spatial_egress(const Level& lv, const Case& c) const {
    const SpInfo sp = spatial_info(lv, c, tensors_.output);
    if (!sp.mapped) return pe_egress_volume(lv, c, false, true, false);
    if (!sp.edge)
      return pe_egress_volume(lv, c, false, true, false) +
             (lv.num_sub - 1) * pe_egress_volume(lv, c, false, false, false);
    const i64 nec = c.nec;
    i64 ret = (nec == 1 && sp.edge_edge) ? pe_egress_volume(lv, c, false, true, true)
                                         : pe_egress_volume(lv, c, false, true, false);
    if (nec > 1) {
      const i64 nee = sp.edge_edge ? 1 : 0;
      const i64 nfull = std::max<i64>(nec - nee - 1, 0);
      ret += nfull * pe_egress_volume(lv, c, false, false, false);
      ret += nee * pe_egress_volume(lv, c, false, false, true);
    }
    return ret;
  }

  i64 critical_path_psums(const Level& lv, const Case& c) const {
    const SpInfo sp = spatial_info(lv, c, tensors_.output);
    if (!sp.mapped || !sp.edge) return pe_egress_volume(lv, c, true, true, false);
    return (c.nec == 1 && sp.edge_edge) ? pe_egress_volume(lv, c, true, true, true)
                                        : pe_egress_volume(lv, c, true, true, false);
  }

  i64 output_psum_mapping_size(const Level& lv, const Case& c) const {
    SpInfo sp = spatial_info(lv, c, tensors_.output);
    for (int i = 0; i < lv.dirs.n; ++i) {
      if (!lv.dirs[i].spatial()) continue;
      const State& s = c.st[static_cast<std::size_t>(i)];
      sp.mapped = true;
      sp.edge_edge = s.sp_edge_edge;
      if (s.is_edge()) sp.edge = true;
    }
    if (!sp.mapped || !sp.edge) return lv.num_sub * pe_egress_volume(lv, c, true, true, false);
    const i64 nec = c.nec;
    i64 ret = (nec == 1 && sp.edge_edge) ? pe_egress_volume(lv, c, true, true, true)
                                         : pe_egress_volume(lv, c, true, true, false);
    if (nec > 1) {
      const i64 nee = sp.edge_edge ? 1 : 0;
      const i64 nfull = std::max<i64>(nec - nee - 1, 0);
      ret += nfull * pe_egress_volume(lv, c, true, true, false);
      ret += nee * pe_egress_volume(lv, c, true, false, true, false);
    }
    return ret;
  }

  i64 mapped_volume(const Level& lv, const TensorDims& t) const {
    i64 ret = 1;
    for (int j = 0; j < t.count; ++j) {
      const std::size_t k = at(t.dims[static_cast<std::size_t>(j)]);
      if (lv.has_map[k]) ret *= lv.mapped[k];
    }
    return ret;
  }

  DimTable sub_cluster_dims(const Level& lv, const Case& c, bool ee) const {
    DimTable r;
    r.stride.fill(1);
    for (int i = 0; i < lv.dirs.n; ++i) {
      const Dir& d = lv.dirs[i];
      const State& s = c.st[static_cast<std::size_t>(i)];
      const std::size_t k = at(d.dim);
      i64 sz = 0;
      if (!d.spatial()) {
        sz = s.is_edge() ? lv.mapped_edge[k] : lv.mapped[k];
      } else if (s.pos == State::Steady || (s.pos == State::Init && !s.is_edge())) {
        sz = lv.mapped[k];
      } else {
        sz = (c.nec == 1 || ee) ? lv.mapped_edge[k] : lv.mapped[k];
      }
      if (!r.has[k]) {
        r.has[k] = true;
        r.size[k] = sz;
        r.stride[k] = lv.dims.stride[k];
      }
    }
    if (conv_) {
      if (r.has[at(Dim::Y)] && r.has[at(Dim::R)]) {
        r.has[at(Dim::Yp)] = true;
        r.size[at(Dim::Yp)] =
            out_positions(r.size[at(Dim::Y)], r.size[at(Dim::R)], r.stride[at(Dim::Y)]);
      }
      if (r.has[at(Dim::X)] && r.has[at(Dim::S)]) {
        r.has[at(Dim::Xp)] = true;
        r.size[at(Dim::Xp)] =
            out_positions(r.size[at(Dim::X)], r.size[at(Dim::S)], r.stride[at(Dim::X)]);
      }
    }
    return r;
  }

  // Output positions of a window over an input extent: MAESTRO's stride-blind extent - window
  // + 1 in compat mode, the strided count otherwise.
  i64 out_positions(i64 extent, i64 window, i64 stride) const {
    // A window narrower than the stride skips input; the stride adjustment of the maps already
    // keeps only the inputs that are used, so the tile is dense and the count stride-blind.
    if (opt_.maestro_compat || stride <= 1 || window < stride || extent < window)
      return extent - window + 1;
    return (extent - window) / stride + 1;
  }

  i64 noc_delay(i64 elements, int level) const {
    const i64 bw = (level > 0 && hw_.noc_bw_inner > 0) ? hw_.noc_bw_inner : hw_.noc_bw;
    i64 sends = elements / bw;
    if (elements % bw != 0) ++sends;
    return checked_add(hw_.noc_latency, sends - 1, "a NoC delay (cycles)");
  }

  // ---- buffer requirements (the first cases of a level) ----------------------------------------
  void update_buffer_req(LevelFigures& f, const Level& lv, const DimTable& dims,
                         const Case& c) const {
    const TensorDims* ins[2] = {&tensors_.input, &tensors_.weight};
    for (int t = 0; t < 2; ++t) {
      i64 size = 1;
      for (int j = 0; j < ins[t]->count; ++j)
        size *= dim_size(dims, ins[t]->dims[static_cast<std::size_t>(j)], "tensor");
      f.l2_size_req[static_cast<std::size_t>(t)] += 2 * spatial_ingress(lv, c, *ins[t]);
      f.l2_write[static_cast<std::size_t>(t)] = size;
      f.l1_size_req[static_cast<std::size_t>(t)] += 2 * mapped_volume(lv, *ins[t]);
    }
    const TensorDims& out = tensors_.output;
    i64 size = 1;
    for (int j = 0; j < out.count; ++j) {
      const Dim d = out.dims[static_cast<std::size_t>(j)];
      if (overlapped(conv_, d))
        size *= out_positions(dim_size(dims, d, "tensor"), dim_size(dims, counterpart(d), "tensor"),
                              dims.stride[at(d)]);
      else
        size *= dim_size(dims, d, "tensor");
    }
    f.l2_size_req[2] = 2 * spatial_egress(lv, c);
    f.l2_read[2] = size;
    f.l1_size_req[2] = 2 * mapped_volume(lv, out);
  }

  // ---- one level
  // ---------------------------------------------------------------------------------
  LevelFigures analyze_level(int idx, const DimTable& dims) {
    if (idx > 0) {
      for (int m = 0; m < memo_n_; ++m)
        if (memo_[static_cast<std::size_t>(m)].level == idx &&
            memo_[static_cast<std::size_t>(m)].dims == dims)
          return memo_[static_cast<std::size_t>(m)].fig;
    }
    const Level& lv = levels_[static_cast<std::size_t>(idx)];
    const bool last = idx == num_levels_ - 1;
    LevelFigures f;
    f.num_sub_clusters = lv.num_sub;

    StateTable table;
    iteration_states(lv, dims, table);
    i64 total_cases = 1;
    for (int i = 0; i < lv.dirs.n; ++i) total_cases *= table.n[static_cast<std::size_t>(i)];

    using ld = long double;
    std::array<std::array<ld, 3>, 3> delay{};
    for (auto& row : delay) {
      row[0] = std::numeric_limits<ld>::max();
      row[1] = std::numeric_limits<ld>::min();
      row[2] = 0;
    }
    ld avg_bw = 0;
    double active_sum = 0;  // MAESTRO keeps this running sum in a double
    i64 occ_total = 0;
    i64 peak_bw = 0;
    i64 offchip = 0;
    bool first_case_done = false;

    std::array<int, kMaxDirs> digit{};
    for (i64 case_id = 0; case_id < total_cases; ++case_id) {
      // Case 0 is all-Init; case c > 0 takes, for each directive, state (digit + 1) mod n of
      // c - 1 written in mixed radix (first directive most significant): MAESTRO's order.
      Case c;
      if (case_id > 0) {
        for (int i = lv.dirs.n - 1; i >= 0; --i) {
          auto& dg = digit[static_cast<std::size_t>(i)];
          if (case_id == 1) {
            dg = 0;
            continue;
          }
          if (++dg < table.n[static_cast<std::size_t>(i)]) break;
          dg = 0;
        }
      }
      for (int i = 0; i < lv.dirs.n; ++i) {
        const int n = table.n[static_cast<std::size_t>(i)];
        const int s = case_id == 0 ? 0 : (digit[static_cast<std::size_t>(i)] + 1) % n;
        c.st[static_cast<std::size_t>(i)] =
            table.s[static_cast<std::size_t>(i)][static_cast<std::size_t>(s)];
        c.occ *= c.st[static_cast<std::size_t>(i)].occ;
        if (c.st[static_cast<std::size_t>(i)].pos != State::Init) c.all_init = false;
      }
      c.nec = lv.num_edge;
      {
        // MAESTRO counts the sub-clusters of a spatial edge step without the partial last one
        // and then takes one of them for it (a whole sub-cluster's work is lost, e.g. one output
        // row of a strided layer). The default mode counts the partial one in addition.
        const State& sp = c.st[static_cast<std::size_t>(first_spatial(lv))];
        if (!opt_.maestro_compat && sp.pos == State::Edge && sp.sp_edge_edge) ++c.nec;
      }
      if (!first_case_done) update_buffer_req(f, lv, dims, c);
      const i64 occ = c.occ;

      // Output tensor: egress and partial sums.
      const i64 egress = output_moves(lv, c) ? spatial_egress(lv, c) : 0;
      const i64 psum_size = output_psum_mapping_size(lv, c);
      f.l2_write[2] += occ * egress;
      f.l1_write[2] += occ * psum_size;
      f.l1_read[2] += occ * psum_size;
      const i64 num_psums = critical_path_psums(lv, c);
      if (num_psums <= 0) continue;
      first_case_done = true;
      ++f.cases_evaluated;

      // Input tensors: ingress with reuse.
      i64 ingress = 0;
      const TensorDims* ins[2] = {&tensors_.input, &tensors_.weight};
      for (int t = 0; t < 2; ++t) {
        const std::size_t k = static_cast<std::size_t>(t);
        const i64 traffic = spatial_ingress(lv, c, *ins[t]);
        ingress += traffic;
        f.l2_read[k] += occ * traffic;
        f.l1_write[k] = f.l2_read[k];  // MAESTRO counts an L1 write per L2 read
        f.l1_read[k] += occ * psum_size;
      }
      f.arithmetic_intensity = static_cast<double>(psum_size) / static_cast<double>(ingress);

      // Compute delay: the slowest sub-cluster, or the ALUs at the innermost level.
      i64 compute = 0;
      const int sp_idx = first_spatial(lv);
      const State& sp_state = c.st[static_cast<std::size_t>(sp_idx)];
      const i64 active = sp_state.is_edge() ? c.nec : lv.num_sub;
      ld active_units = 0;
      std::array<i64, 2> fill{};
      if (!last) {
        auto sub = [&](bool ee, i64 count) {
          const LevelFigures r = analyze_level(idx + 1, sub_cluster_dims(lv, c, ee));
          compute = std::max(compute, r.runtime);
          active_units += static_cast<ld>(r.avg_active_clusters * static_cast<double>(count));
          for (int t = 0; t < 2; ++t)
            fill[static_cast<std::size_t>(t)] += r.l1_fill[static_cast<std::size_t>(t)] * count;
        };
        if (sp_state.is_edge()) {
          if (sp_state.sp_edge_edge) {
            sub(true, 1);
            if (c.nec - 1 > 0) sub(false, c.nec - 1);
          } else {
            sub(false, c.nec);
          }
        } else {
          sub(false, lv.num_sub);
        }
      } else {
        compute = static_cast<i64>(
            std::ceil(static_cast<double>(num_psums) / static_cast<double>(hw_.vector_width)));
        for (int t = 0; t < 2; ++t)
          fill[static_cast<std::size_t>(t)] =
              active * pe_ingress_volume(lv, c, *ins[t], true, false);
      }
      for (int t = 0; t < 2; ++t)
        f.l1_fill[static_cast<std::size_t>(t)] += occ * fill[static_cast<std::size_t>(t)];
      const i64 in_delay = noc_delay(ingress, idx);
      const i64 out_delay = noc_delay(egress, idx);
      i64 delay_case = c.all_init ? checked_add(compute, in_delay, "a case's delay (cycles)")
                                  : std::max(out_delay, std::max(compute, in_delay));
      if (idx == 0) {
        const i64 l2_out = f.l2_size_req[2];
        const i64 l2_in = f.l2_size_req[0] + f.l2_size_req[1];
        const i64 in_off = l2_in / hw_.offchip_bw / 2;
        const i64 out_off = l2_out / hw_.offchip_bw / 2;
        delay_case = std::max(in_off, std::max(delay_case, out_off));
        // MAESTRO divides by the compute delay before guarding it against zero (its SIGFPE).
        i64 cd = compute;
        if (cd == 0) {
          zero_compute_ = true;
          cd = 1;
        }
        offchip = std::max(offchip, l2_out / cd);
        offchip = std::max(offchip, l2_in / cd);
        offchip /= 2;
        f.offchip_bw_req = offchip;
      }
      if (idx == 0 && opt_.keep_top_cases)
        top_cases_.push_back(TopCase{occ, ingress, egress, compute, c.all_init});
      f.runtime = checked_add(f.runtime, checked_mul(occ, delay_case, kRuntime), kRuntime);
      f.num_computations =
          checked_add(f.num_computations, checked_mul(occ, psum_size, kMacs), kMacs);
      f.compute_cycles =
          checked_add(f.compute_cycles, checked_mul(occ, compute, kComputeCycles), kComputeCycles);
      if (active_units == 0) active_units = static_cast<ld>(active);
      active_sum =
          static_cast<double>(static_cast<ld>(active_sum) + active_units * static_cast<ld>(occ));
      if (compute == 0) compute = 1;
      const i64 traffic = std::max(ingress, egress);
      peak_bw = std::max(peak_bw, traffic / compute);
      // MAESTRO's average divides integers; kept so compat mode matches to 6 digits.
      avg_bw += static_cast<ld>((occ * traffic) / compute);  // NOLINT(bugprone-integer-division)
      const i64 vals[3] = {in_delay, out_delay, compute};
      for (int k = 0; k < 3; ++k) {
        auto& row = delay[static_cast<std::size_t>(k)];
        row[2] += static_cast<ld>(occ * vals[k]);
        row[0] = std::min(row[0], static_cast<ld>(vals[k]));
        row[1] = std::max(row[1], static_cast<ld>(vals[k]));
      }
      occ_total += occ;
    }
    f.peak_bw_req = peak_bw;
    if (occ_total > 0) {
      f.avg_bw_req = static_cast<double>(avg_bw / static_cast<ld>(occ_total));
      f.avg_active_clusters = active_sum / static_cast<double>(occ_total);
      for (int k = 0; k < 3; ++k) {
        const auto& row = delay[static_cast<std::size_t>(k)];
        auto& out = f.delay[static_cast<std::size_t>(k)];
        out[0] = static_cast<i64>(row[0]);
        out[1] = static_cast<i64>(row[1]);
        out[2] = static_cast<i64>(row[2] / static_cast<ld>(occ_total));
      }
    } else {
      // No case computed anything. MAESTRO prints the x86 result of converting its unset
      // minimum (and 0/0 averages) to an integer; mosaic reports zeros.
      f.avg_bw_req = opt_.maestro_compat ? std::numeric_limits<double>::quiet_NaN() : 0.0;
      const i64 unset = opt_.maestro_compat ? std::numeric_limits<i64>::min() : 0;
      for (auto& row : f.delay) row = {unset, 0, unset};
    }
    if (!first_set_) {
      first_set_ = true;
      first_from_sub_ = idx > 0;
      first_ = f;
    }
    if (idx > 0 && memo_n_ < kMemo) {
      memo_[static_cast<std::size_t>(memo_n_)] = MemoEntry{idx, dims, f};
      ++memo_n_;
    }
    return f;
  }
};

}  // namespace

std::int64_t runtime_at_bandwidth(const std::vector<TopCase>& cases, std::int64_t noc_bw,
                                  std::int64_t noc_latency) {
  auto delay = [&](std::int64_t v) {
    std::int64_t sends = v / noc_bw;
    if (v % noc_bw != 0) ++sends;
    return checked_add(noc_latency, sends - 1, "a NoC delay (cycles)");
  };
  std::int64_t runtime = 0;
  for (const auto& c : cases) {
    const std::int64_t in = delay(c.ingress), out = delay(c.egress);
    const std::int64_t d = c.all_init ? checked_add(c.compute, in, "a case's delay (cycles)")
                                      : std::max(out, std::max(c.compute, in));
    runtime = checked_add(runtime, checked_mul(c.occurrences, d, kRuntime), kRuntime);
  }
  return runtime;
}

std::int64_t problem_macs(const Problem& p) {
  auto get = [&](Dim d) -> std::int64_t { return p.has(d) ? p[d] : 1; };
  if (p.type == ProblemType::Gemm) return get(Dim::M) * get(Dim::N) * get(Dim::K);
  const std::int64_t sy = p.stride[at(Dim::Y)] > 0 ? p.stride[at(Dim::Y)] : 1;
  const std::int64_t sx = p.stride[at(Dim::X)] > 0 ? p.stride[at(Dim::X)] : 1;
  const std::int64_t oy = (get(Dim::Y) - get(Dim::R)) / sy + 1;
  const std::int64_t ox = (get(Dim::X) - get(Dim::S)) / sx + 1;
  std::int64_t m = get(Dim::N) * get(Dim::C) * oy * ox * get(Dim::R) * get(Dim::S);
  if (p.type != ProblemType::DwConv) m *= get(Dim::K);
  if (p.type == ProblemType::GConv) m *= get(Dim::G);
  return m;
}

DirectiveResult analyze_directives(const Problem& problem, const std::vector<BoundDirective>& df,
                                   const DirectiveHardware& hw, const DirectiveOptions& options) {
  if (hw.num_pes <= 0 || hw.vector_width <= 0 || hw.noc_bw <= 0 || hw.offchip_bw <= 0 ||
      hw.noc_bw_inner < 0)
    throw UserError(SourceLocation{"", 0, "hardware"},
                    fmt::format("PEs ({}), vector width ({}), NoC bandwidth ({}) and off-chip "
                                "bandwidth ({}) must be positive",
                                hw.num_pes, hw.vector_width, hw.noc_bw, hw.offchip_bw));
  // Every count of the analysis is bounded by a few times the product of the dimensions; keep
  // that product far from 64-bit overflow.
  // (The loop-nest volume: every dimension but the input rows/columns, which the output ones
  // and the filter determine.)
  std::int64_t volume = 1;
  for (int i = 0; i < dataflow::kNumDims; ++i) {
    const std::int64_t v = problem.size[static_cast<std::size_t>(i)];
    if (v <= 0) continue;
    if (v > (std::int64_t{1} << 31))
      throw UserError(SourceLocation{"", 0, "Dimensions"}, "a dimension exceeds 2^31");
    const auto d = static_cast<dataflow::Dim>(i);
    if (problem.type != ProblemType::Gemm && (d == Dim::Y || d == Dim::X)) continue;
    if (__builtin_mul_overflow(volume, v, &volume) || volume > (std::int64_t{1} << 52))
      throw UserError(SourceLocation{"", 0, "Dimensions"},
                      "the layer is too large to analyse (the product of its dimensions exceeds "
                      "2^52)");
  }
  for (const auto& d : df)
    if (d.size <= 0 || d.size > (std::int64_t{1} << 40) ||
        (d.kind != DirectiveKind::Cluster && (d.offset <= 0 || d.offset > (std::int64_t{1} << 40))))
      throw UserError(SourceLocation{"", d.line, "dataflow"},
                      "map sizes and offsets must be positive and below 2^40");
  if (hw.num_pes > (std::int64_t{1} << 30) || hw.vector_width > (std::int64_t{1} << 20))
    throw UserError(SourceLocation{"", 0, "hardware"}, "more than 2^30 PEs or 2^20 lanes");
  Analyzer a(problem, df, hw, options);
  DirectiveResult r = a.run();
  r.macs = problem_macs(problem);
  r.problem_macs = r.macs;
  return r;
}

}  // namespace mosaic::cost

// Internal to the directive analysis (DirectiveAnalysis.cpp, DirectiveStructure.cpp,
// DirectiveReuse.cpp): the cluster levels, iteration states and the analyser that walks them.
// Not part of the cost module's interface; DirectiveAnalysis.h is.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/Checked.h"
#include "common/Error.h"
#include "cost/DirectiveAnalysis.h"

namespace mosaic::cost::directive {

using dataflow::BoundDirective;
using dataflow::Dim;
using dataflow::DirectiveKind;
using dataflow::Problem;
using dataflow::ProblemType;
using dataflow::TensorDims;

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

class Analyzer {
 public:
  Analyzer(const Problem& p, const std::vector<BoundDirective>& df, const DirectiveHardware& hw,
           const DirectiveOptions& opt);

  DirectiveResult run();

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

  // Allocated on a thread's first analysis: as thread_local arrays (42 KB with initial values)
  // they were copied into every thread's TLS block at its start, the process's included.
  static std::array<Level, kMaxLevelCount>& workspace_levels() {
    thread_local std::unique_ptr<std::array<Level, kMaxLevelCount>> levels;
    if (!levels) levels = std::make_unique<std::array<Level, kMaxLevelCount>>();
    return *levels;
  }
  static std::array<MemoEntry, kMemo>& workspace_memo() {
    thread_local std::unique_ptr<std::array<MemoEntry, kMemo>> memo;
    if (!memo) memo = std::make_unique<std::array<MemoEntry, kMemo>>();
    return *memo;
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
  void build_levels(const std::vector<BoundDirective>& df);

  void convert_to_input_centric(DirList& dl) const;

  static void inherit(const DirList& upper, DirList& dl);

  void unroll_missing(const DimTable& dims, DirList& dl) const;

  void apply_outer_stride(bool top, const DimTable& dims, DirList& dl) const;

  void preprocess(Level& lv) const;

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

  void iteration_states(const Level& lv, const DimTable& dims, StateTable& t) const;

  // ---- reuse analysis (per case) --------------------------------------------------------------
  static bool coupled(const TensorDims& t, Dim d) { return t.contains(d); }

  i64 pe_mapped_volume(const Level& lv, const Case& c, const TensorDims& t, bool first,
                       bool ee) const;

  i64 pe_ingress_volume(const Level& lv, const Case& c, const TensorDims& t, bool first,
                        bool ee) const;

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

  // A volume summed over a case's sub-clusters (defined in DirectiveReuse.cpp, its one user).
  template <typename Volume>
  static i64 over_sub_clusters(const Level& lv, const Case& c, const SpInfo& sp, Volume volume);

  i64 spatial_ingress(const Level& lv, const Case& c, const TensorDims& t) const;

  i64 pe_egress_volume(const Level& lv, const Case& c, bool psums, bool first, bool ee,
                       bool reuse_at_edge = true) const;

  bool output_moves(const Level& lv, const Case& c) const;

  i64 spatial_egress(const Level& lv, const Case& c) const;

  i64 critical_path_psums(const Level& lv, const Case& c) const {
    const SpInfo sp = spatial_info(lv, c, tensors_.output);
    if (!sp.mapped || !sp.edge) return pe_egress_volume(lv, c, true, true, false);
    return (c.nec == 1 && sp.edge_edge) ? pe_egress_volume(lv, c, true, true, true)
                                        : pe_egress_volume(lv, c, true, true, false);
  }

  i64 output_psum_mapping_size(const Level& lv, const Case& c) const;

  i64 mapped_volume(const Level& lv, const TensorDims& t) const {
    i64 ret = 1;
    for (int j = 0; j < t.count; ++j) {
      const std::size_t k = at(t.dims[static_cast<std::size_t>(j)]);
      if (lv.has_map[k]) ret *= lv.mapped[k];
    }
    return ret;
  }

  DimTable sub_cluster_dims(const Level& lv, const Case& c, bool ee) const;

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
                         const Case& c) const;

  // ---- one level ------------------------------------------------------------------------------
  LevelFigures analyze_level(int idx, const DimTable& dims);
  // The memoised figures of a sub-level with these dimensions, null when not analysed yet.
  const LevelFigures* memo_find(int idx, const DimTable& dims) const;
  // Case case_id of the level: one iteration state per directive (digit: the mixed-radix
  // counter, advanced from the previous case).
  void decode_case(const Level& lv, const StateTable& table, i64 case_id,
                   std::array<int, kMaxDirs>& digit, Case& c) const;
  // A case's compute delay (recursing into the sub-clusters) and their L1 fills.
  i64 case_compute(int idx, const Level& lv, const Case& c, i64 num_psums, i64 active,
                   long double& active_units, std::array<i64, 2>& fill);
  // The top level's case delay with the off-chip transfers; updates the off-chip bandwidth.
  i64 top_level_delay(LevelFigures& f, i64 delay_case, i64 compute, i64& offchip);
};

}  // namespace mosaic::cost::directive

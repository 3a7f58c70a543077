// The cluster structure of a dataflow (MAESTRO's cluster units: levels, directives made
// input-centric, inherited and completed) and the iteration states of each directive.
#include <algorithm>
#include <cmath>
#include <limits>

#include "cost/DirectiveAnalyzer.h"

namespace mosaic::cost::directive {

void Analyzer::build_levels(const std::vector<BoundDirective>& df) {
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
    fail("Cluster", fmt::format("at most {} Cluster directives are supported", kMaxLevelCount - 1));
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
void Analyzer::convert_to_input_centric(DirList& dl) const {
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
void Analyzer::inherit(const DirList& upper, DirList& dl) {
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
void Analyzer::unroll_missing(const DimTable& dims, DirList& dl) const {
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
void Analyzer::apply_outer_stride(bool top, const DimTable& dims, DirList& dl) const {
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

void Analyzer::preprocess(Level& lv) const {
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
    fail("SpatialMap", fmt::format("cluster level {} has no SpatialMap", num_levels_), level_line);
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
        return tile >= window ? (tile - window) / stride + 1 : std::max<i64>(tile - window + 1, 0);
      };
      lv.mapped[out] = outputs(lv.mapped[at(d.dim)], lv.mapped[at(win)]);
      lv.mapped_edge[out] = outputs(lv.mapped_edge[at(d.dim)], lv.mapped_edge[at(win)]);
      lv.unique[out] = std::max<i64>(std::min(d.ofs, d.size) / stride, 1);
      lv.unique_edge[out] = std::min(lv.unique[out], lv.mapped_edge[out]);
    }
  }
}

void Analyzer::iteration_states(const Level& lv, const DimTable& dims, StateTable& t) const {
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

}  // namespace mosaic::cost::directive

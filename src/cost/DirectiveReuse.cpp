// The reuse analysis of one case of a cluster level: the data each sub-cluster receives
// (ingress, with spatial multicast and temporal reuse) and sends (egress, partial sums), and the
// buffer requirements of the first cases.
#include <algorithm>
#include <cmath>
#include <limits>

#include "cost/DirectiveAnalyzer.h"

namespace mosaic::cost::directive {

i64 Analyzer::pe_mapped_volume(const Level& lv, const Case& c, const TensorDims& t, bool first,
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

i64 Analyzer::pe_ingress_volume(const Level& lv, const Case& c, const TensorDims& t, bool first,
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

// A volume summed over a case's sub-clusters: the first one's (volume(true, ...)) and the
// others' (volume(false, ...)); at the spatial map's edge only c.nec are active, the last one
// partial (volume(..., true)) when the edge is itself at an edge.
template <typename Volume>
i64 Analyzer::over_sub_clusters(const Level& lv, const Case& c, const SpInfo& sp, Volume volume) {
  if (!sp.mapped) return volume(true, false);
  if (!sp.edge) return volume(true, false) + (lv.num_sub - 1) * volume(false, false);
  const i64 nec = c.nec;
  i64 ret = (nec == 1 && sp.edge_edge) ? volume(true, true) : volume(true, false);
  if (nec > 1) {
    const i64 nee = sp.edge_edge ? 1 : 0;
    const i64 nfull = std::max<i64>(nec - nee - 1, 0);
    ret += nfull * volume(false, false);
    ret += nee * volume(false, true);
  }
  return ret;
}

i64 Analyzer::spatial_ingress(const Level& lv, const Case& c, const TensorDims& t) const {
  return over_sub_clusters(lv, c, spatial_info(lv, c, t), [&](bool first, bool ee) {
    return pe_ingress_volume(lv, c, t, first, ee);
  });
}

namespace {

// The egress factor of a spatially mapped directive in state `s`: the first sub-cluster sends its
// mapped tile, the others their unique part (1 when none); at the spatial map's edge only `nec`
// sub-clusters are active. `edge_k` indexes the first one's edge tile (MAESTRO reads the
// input-centric dimension there for outputs); `reuse_at_edge`: an output tile at an edge-of-edge
// initial state sends only its unique part.
i64 spatial_egress_factor(const Level& lv, const State& s, i64 nec, std::size_t k,
                          std::size_t edge_k, bool first, bool ee, bool reuse_at_edge) {
  const i64 own = first ? lv.mapped[k] : (lv.unique[k] != 0 ? lv.unique[k] : 1);
  switch (s.pos) {
    case State::Init:
      if (!(s.is_edge() && ee)) return own;
      if (nec == 1) return lv.mapped_edge[k];
      if (nec > 1) return reuse_at_edge ? lv.unique_edge[k] : lv.mapped_edge[k];
      return 1;
    case State::Steady:
      return own;
    case State::Edge:
      if (nec == 1 && (first || ee)) return lv.mapped_edge[edge_k];
      if (nec > 1) return ee ? lv.unique_edge[k] : own;
      return 1;
  }
  return 1;
}

}  // namespace

i64 Analyzer::pe_egress_volume(const Level& lv, const Case& c, bool psums, bool first, bool ee,
                               bool reuse_at_edge) const {
  const TensorDims& out = tensors_.output;
  i64 ret = 1;
  if (psums) {
    for (int i = 0; i < lv.dirs.n; ++i) {
      const Dir& d = lv.dirs[i];
      if (coupled(out, d.dim)) continue;
      const State& s = c.st[static_cast<std::size_t>(i)];
      const std::size_t k = at(d.dim);
      if (!d.spatial())
        ret *= s.is_edge() ? lv.mapped_edge[k] : lv.mapped[k];
      else
        ret *= spatial_egress_factor(lv, s, c.nec, k, k, first, ee, false);
    }
  }
  for (int j = 0; j < out.count; ++j) {
    const Dim dim = out.dims[static_cast<std::size_t>(j)];
    const int i = lv.dir_of[at(dim)];
    if (i < 0)
      fail(std::string(dataflow::dim_name(dim)), "internal: output dimension without a directive");
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
    // MAESTRO indexes the input-centric dimension at the edge (Y rather than Y').
    const std::size_t edge_k = opt_.maestro_compat ? at(dim) : k;
    ret *= spatial_egress_factor(lv, s, c.nec, k, edge_k, first, ee, reuse_at_edge);
  }
  return ret;
}

// Whether the output tile leaves the sub-clusters in this case. MAESTRO sends it every step;
// in the default mode it stays while only reduction dimensions advance (outputs accumulate
// in place, the stationarity of output-stationary dataflows) and leaves when an output
// dimension moves: the changing directive, or one reset after it with more than one position.
bool Analyzer::output_moves(const Level& lv, const Case& c) const {
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

i64 Analyzer::spatial_egress(const Level& lv, const Case& c) const {
  return over_sub_clusters(lv, c, spatial_info(lv, c, tensors_.output), [&](bool first, bool ee) {
    return pe_egress_volume(lv, c, false, first, ee);
  });
}

i64 Analyzer::output_psum_mapping_size(const Level& lv, const Case& c) const {
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

DimTable Analyzer::sub_cluster_dims(const Level& lv, const Case& c, bool ee) const {
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

void Analyzer::update_buffer_req(LevelFigures& f, const Level& lv, const DimTable& dims,
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

}  // namespace mosaic::cost::directive

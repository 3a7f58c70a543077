#include "dataflow/LoopNest.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "dataflow/Legality.h"

namespace mosaic::dataflow {

namespace {

std::string var_name(Dim d, int level) {
  std::string n(dim_name(d));
  if (!n.empty() && n.back() == '\'') n = n.substr(0, n.size() - 1) + "o";
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n + std::to_string(level);
}

// The extent a level's directive walks: the whole dimension at the top, the tile of the level
// above (the same dimension's map size) below.
std::int64_t extent_at(const Problem& p, const std::vector<LoopNestLevel>& levels, int lv, Dim d) {
  std::int64_t ext = p[d];
  for (int l = 0; l < lv; ++l)
    for (const auto& x : levels[static_cast<std::size_t>(l)].directives)
      if (x.kind != DirectiveKind::Cluster && x.dim == d) ext = std::min(ext, x.size);
  return ext;
}

bool fully_unrolled(const Problem& p, const std::vector<LoopNestLevel>& levels, int lv,
                    const BoundDirective& d) {
  const std::int64_t ext = extent_at(p, levels, lv, d.dim);
  if (d.kind == DirectiveKind::TemporalMap) return d.size >= ext;
  const std::int64_t n = levels[static_cast<std::size_t>(lv)].sub_clusters;
  return d.size + d.offset * (n - 1) >= ext && n > 0 && (ext - d.size) / d.offset + 1 <= n;
}

}  // namespace

std::pair<int, int> unit_temporal_iteration(const Problem& p,
                                            const std::vector<LoopNestLevel>& levels) {
  // The innermost parallel loop ...
  int sp_level = -1, sp_idx = -1;
  for (int l = 0; l < static_cast<int>(levels.size()); ++l) {
    const auto& ds = levels[static_cast<std::size_t>(l)].directives;
    for (int i = 0; i < static_cast<int>(ds.size()); ++i)
      if (ds[static_cast<std::size_t>(i)].kind == DirectiveKind::SpatialMap) {
        sp_level = l;
        sp_idx = i;
      }
  }
  if (sp_level < 0) return {-1, -1};
  // ... and the nearest temporal loop above it that is not fully unrolled (fully unrolled maps
  // change nothing over time and are skipped, MAESTRO section 4.2.1).
  for (int l = sp_level; l >= 0; --l) {
    const auto& ds = levels[static_cast<std::size_t>(l)].directives;
    const int start = l == sp_level ? sp_idx - 1 : static_cast<int>(ds.size()) - 1;
    for (int i = start; i >= 0; --i) {
      const auto& d = ds[static_cast<std::size_t>(i)];
      if (d.kind == DirectiveKind::TemporalMap && !fully_unrolled(p, levels, l, d)) return {l, i};
    }
  }
  return {-1, -1};
}

std::string render_loop_nest(const Problem& p, const std::vector<LoopNestLevel>& levels) {
  std::string out;
  const auto unit = unit_temporal_iteration(p, levels);
  int depth = 0;
  for (int l = 0; l < static_cast<int>(levels.size()); ++l) {
    const auto& lv = levels[static_cast<std::size_t>(l)];
    out += fmt::format("{}// cluster level {}: {} sub-cluster{}\n", std::string(2 * depth, ' '), l,
                       lv.sub_clusters, lv.sub_clusters == 1 ? "" : "s");
    for (int i = 0; i < static_cast<int>(lv.directives.size()); ++i) {
      const auto& d = lv.directives[static_cast<std::size_t>(i)];
      if (d.kind == DirectiveKind::Cluster) continue;
      const std::int64_t ext = extent_at(p, levels, l, d.dim);
      const std::string v = var_name(d.dim, l);
      const bool whole = fully_unrolled(p, levels, l, d);
      std::string loop;
      if (d.kind == DirectiveKind::TemporalMap) {
        loop = fmt::format("for  ({0} = 0; {0} < {1}; {0} += {2})", v, ext, d.offset);
      } else {
        loop = fmt::format("pfor ({0} = 0; {0} < {1}; {0} += {2})", v, ext, d.offset);
      }
      std::string note = fmt::format("// {}: tile {}", directive_text(d), d.size);
      if (d.kind == DirectiveKind::SpatialMap)
        note += fmt::format(" per sub-cluster, {} sub-clusters", lv.sub_clusters);
      if (whole) note += " (whole dimension)";
      if (unit.first == l && unit.second == i) note += "  <== unit temporal iteration";
      out += fmt::format("{}{:<44} {}\n", std::string(2 * depth, ' '), loop, note);
      ++depth;
    }
  }
  out += fmt::format("{}MAC(tile)  // one PE\n", std::string(2 * depth, ' '));
  return out;
}

}  // namespace mosaic::dataflow

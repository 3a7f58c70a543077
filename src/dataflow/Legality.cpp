#include "dataflow/Legality.h"

#include <algorithm>

#include <fmt/format.h>

#include "dataflow/Library.h"

namespace mosaic::dataflow {

std::string_view rule_name(LegalityRule r) {
  switch (r) {
    case LegalityRule::Bound:
      return "bound condition";
    case LegalityRule::Coverage:
      return "coverage condition";
    case LegalityRule::Redundancy:
      return "no-redundancy condition";
    case LegalityRule::RSRule:
      return "R/S rule";
    case LegalityRule::DuplicateDim:
      return "one map per dimension and level";
  }
  return "?";
}

std::string directive_text(const BoundDirective& d) {
  switch (d.kind) {
    case DirectiveKind::TemporalMap:
      return fmt::format("TemporalMap({},{}) {}", d.size, d.offset, dim_name(d.dim));
    case DirectiveKind::SpatialMap:
      return fmt::format("SpatialMap({},{}) {}", d.size, d.offset, dim_name(d.dim));
    case DirectiveKind::Cluster:
      return fmt::format("Cluster({})", d.size);
  }
  return "";
}

namespace {

// The window a dimension slides under (Y under R, X under S), 0 for other dimensions.
std::int64_t window_of(const Problem& p, Dim d) {
  if (p.type == ProblemType::Gemm) return 0;
  if (d == Dim::Y) return p.has(Dim::R) ? p[Dim::R] : 1;
  if (d == Dim::X) return p.has(Dim::S) ? p[Dim::S] : 1;
  return 0;
}

}  // namespace

std::vector<LegalityIssue> check_legality(const std::vector<BoundDirective>& df, const Problem& p) {
  std::vector<LegalityIssue> out;
  std::vector<Dim> level_dims;
  for (const auto& d : df) {
    if (d.kind == DirectiveKind::Cluster) {
      level_dims.clear();
      continue;
    }
    auto add = [&](LegalityRule r, std::string msg) {
      out.push_back({r, d.line, directive_text(d), std::move(msg)});
    };
    if (std::find(level_dims.begin(), level_dims.end(), d.dim) != level_dims.end())
      add(LegalityRule::DuplicateDim,
          fmt::format("{} is mapped twice in one cluster level", dim_name(d.dim)));
    level_dims.push_back(d.dim);
    if (!p.has(d.dim)) continue;  // reported by the analysis with the layer's context
    const std::int64_t dim = p[d.dim];
    if (d.size > dim)
      add(LegalityRule::Bound,
          fmt::format("size {} exceeds {} = {}", d.size, dim_name(d.dim), dim));
    if (d.offset > d.size)
      add(LegalityRule::Coverage, fmt::format("offset {} > size {} skips indices of {}", d.offset,
                                              d.size, dim_name(d.dim)));
    const std::int64_t win = window_of(p, d.dim);
    if (d.offset < d.size) {
      if (win == 0 || d.dim == Dim::Yp || d.dim == Dim::Xp)
        add(LegalityRule::Redundancy, fmt::format("offset {} < size {} maps indices of {} twice",
                                                  d.offset, d.size, dim_name(d.dim)));
      else if (d.size - d.offset > win - 1)
        add(LegalityRule::Redundancy,
            fmt::format(
                "consecutive tiles of {} overlap by {}, more than the window ({}) minus one",
                dim_name(d.dim), d.size - d.offset, win));
    }
    if (d.kind == DirectiveKind::TemporalMap && (d.dim == Dim::R || d.dim == Dim::S) &&
        p.type != ProblemType::Gemm && (d.size != dim || d.offset != dim))
      add(LegalityRule::RSRule,
          fmt::format("a TemporalMap over {} must cover the whole filter: size and offset {} (got "
                      "{},{})",
                      dim_name(d.dim), dim, d.size, d.offset));
  }
  return out;
}

std::vector<BoundDirective> clamp_to_problem(const std::vector<BoundDirective>& df,
                                             const Problem& p) {
  std::vector<BoundDirective> out = df;
  for (auto& d : out) {
    if (d.kind == DirectiveKind::Cluster || !p.has(d.dim)) continue;
    const std::int64_t dim = p[d.dim];
    d.size = std::min(d.size, dim);
    d.offset = std::min(d.offset, dim);
  }
  return out;
}

std::vector<BoundDirective> fit_clusters(const std::vector<BoundDirective>& df,
                                         std::int64_t num_pes) {
  std::vector<BoundDirective> out = df;
  std::int64_t used = 1;
  for (auto& d : out) {
    if (d.kind != DirectiveKind::Cluster) continue;
    const std::int64_t allowed = std::max<std::int64_t>(1, num_pes / used);
    d.size = std::min(d.size, allowed);
    used *= d.size;
  }
  return out;
}

LayerStyle layer_style(const workload::Layer& layer, const std::string& dataflow_name) {
  LayerStyle s;
  s.problem = densify_pointwise_stride(problem_from_layer(layer));
  s.dataflow = adapt_to_problem(library_dataflow(dataflow_name, s.problem.type), s.problem);
  return s;
}

StyleBinding bind_style(const LayerStyle& style, std::int64_t num_pes) {
  StyleBinding b;
  auto bound = bind(style.dataflow, style.problem);
  for (const auto& issue : check_legality(bound, style.problem))
    if (issue.rule != LegalityRule::Bound) {
      b.why = fmt::format("{}: {}", issue.directive, issue.message);
      return b;
    }
  b.bound = fit_clusters(clamp_to_problem(bound, style.problem), num_pes);
  return b;
}

}  // namespace mosaic::dataflow

#include "search/DseWorkload.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "common/Error.h"
#include "dataflow/Legality.h"
#include "dataflow/Library.h"
#include "search/ResultStore.h"

namespace mosaic::search {

namespace mf = workload::maestro_format;
using dataflow::BoundDirective;
using dataflow::Dim;
using dataflow::DirectiveKind;

DseWorkload dse_workload_from_mapping(const mf::NetworkSyntax& net,
                                      const std::vector<std::string>& only, bool compat) {
  for (const auto& name : only) {
    const bool found = std::any_of(net.layers.begin(), net.layers.end(),
                                   [&](const mf::LayerSyntax& l) { return l.name == name; });
    if (!found) {
      std::string names;
      for (const auto& l : net.layers) names += (names.empty() ? "" : ", ") + l.name;
      throw UserError(SourceLocation{net.file, 0, "layers"},
                      fmt::format("no layer named '{}' (the network has: {})", name, names));
    }
  }
  DseWorkload w;
  w.name = net.name;
  w.source = "mapping:" + net.file;
  std::optional<dataflow::Dataflow> prev;
  for (const auto& ls : net.layers) {
    // Dataflow blocks carry over to later layers, so follow them even for skipped layers.
    std::optional<dataflow::Dataflow> own;
    bool inherits = false;
    if (ls.has_dataflow) {
      prev = dataflow::from_syntax(ls.dataflow, ls.name, net.file);
      own = prev;
    } else if (prev) {
      own = prev;
      inherits = true;
    }
    if (!only.empty() && std::find(only.begin(), only.end(), ls.name) == only.end()) continue;
    DseLayer l;
    l.name = ls.name;
    l.file = net.file;
    l.line = ls.line;
    l.problem = dataflow::problem_from_syntax(ls, net.file, compat);
    if (!compat) {
      if (ls.type == "TRCONV") {
        const workload::Layer layer = mf::to_layer(ls, net.file);
        dataflow::Problem p = dataflow::problem_from_layer(layer);
        p.declared.clear();
        for (const auto& d : ls.dims)
          if (auto dim = dataflow::parse_dim(d.name)) p.declared.push_back(*dim);
        l.problem = p;
        l.useful_macs = workload::macs(layer);
      }
      l.problem = dataflow::densify_pointwise_stride(l.problem);
    }
    l.own_dataflow = own;
    l.inherits_dataflow = inherits;
    w.layers.push_back(std::move(l));
  }
  if (w.layers.empty())
    throw UserError(SourceLocation{net.file, 0, ""}, "the network has no layer to explore");
  return w;
}

DseWorkload dse_workload_from_layers(std::string name, std::string source,
                                     const std::vector<CountedLayer>& layers, bool keep_non_mac) {
  DseWorkload w;
  w.name = std::move(name);
  w.source = std::move(source);
  for (const auto& cl : layers) {
    const workload::Layer& layer = cl.layer;
    if (layer.op == workload::OpKind::Other) continue;
    if (workload::macs(layer) == 0 && !keep_non_mac) continue;
    if (cl.count <= 0) continue;
    DseLayer l;
    l.name = layer.name;
    l.problem = dataflow::densify_pointwise_stride(dataflow::problem_from_layer(layer));
    const std::int64_t useful = workload::macs(layer);
    if (layer.op == workload::OpKind::TransposedConv) l.useful_macs = useful;
    l.count = cl.count;
    w.layers.push_back(std::move(l));
  }
  if (w.layers.empty())
    throw UserError(SourceLocation{w.source, 0, ""},
                    "the workload has no layer with MACs to explore");
  return w;
}

DseWorkload dse_workload_from_workload(const workload::Workload& w,
                                       const std::vector<std::string>& only) {
  std::vector<CountedLayer> layers;
  std::vector<std::string> seen;
  for (const auto& e : w.models) {
    for (const auto& node : workload::compact(e.model).nodes) {
      const workload::Layer& l = node.layer;
      if (l.op == workload::OpKind::Other || workload::macs(l) == 0) continue;
      const std::string full = e.name + "/" + l.name;
      if (!only.empty() && std::find(only.begin(), only.end(), full) == only.end() &&
          std::find(only.begin(), only.end(), l.name) == only.end())
        continue;
      seen.push_back(full);
      CountedLayer cl{workload::batched(l, e.batch), e.instances};
      cl.layer.name = full;
      layers.push_back(std::move(cl));
    }
  }
  for (const auto& name : only)
    if (std::none_of(seen.begin(), seen.end(), [&](const std::string& s) {
          return s == name || (s.size() > name.size() &&
                               s.compare(s.size() - name.size(), name.size(), name) == 0 &&
                               s[s.size() - name.size() - 1] == '/');
        }))
      throw UserError(SourceLocation{w.name, 0, "layers"},
                      fmt::format("no MAC layer named '{}' in the workload", name));
  // Layers of the same shape (workload::shape_key, the key of every cost cache) are analysed
  // once, counted as often as they occur.
  std::vector<CountedLayer> merged;
  std::vector<std::int64_t> copies;
  std::unordered_map<std::string, std::size_t> index;
  for (auto& cl : layers) {
    const auto [it, fresh] = index.emplace(workload::shape_key(cl.layer), merged.size());
    if (fresh) {
      merged.push_back(std::move(cl));
      copies.push_back(1);
    } else {
      merged[it->second].count += cl.count;
      ++copies[it->second];
    }
  }
  for (std::size_t i = 0; i < merged.size(); ++i)
    if (copies[i] > 1) merged[i].layer.name += fmt::format(" (x{})", copies[i]);
  return dse_workload_from_layers(w.name, "workload:" + w.name, merged);
}

namespace {

std::string bound_text(const std::vector<BoundDirective>& b) {
  std::string s;
  for (const auto& d : b) s += dataflow::directive_text(d) + "\n";
  return s;
}

// MAESTRO's rule (since May 2021): a TemporalMap over R or S must cover the whole filter.
std::optional<Infeasible> check_rs_rule(const std::vector<BoundDirective>& df, const DseLayer& l) {
  for (const auto& d : df) {
    if (d.kind != DirectiveKind::TemporalMap || (d.dim != Dim::R && d.dim != Dim::S)) continue;
    const std::int64_t full = l.problem[d.dim];
    if (d.size != d.offset || d.size != full)
      return Infeasible{
          SourceLocation{l.file, d.line > 0 ? d.line : l.line,
                         fmt::format("layer '{}' {}", l.name, dataflow::directive_text(d))},
          fmt::format("a TemporalMap over {} must cover the whole filter ({})",
                      dataflow::dim_name(d.dim), full)};
  }
  return std::nullopt;
}

// Legality of a bound layer: the paper's rules (default mode; maps are then clamped) or MAESTRO's
// R/S rule (compat). Returns why the mapping is illegal, if it is.
std::optional<Infeasible> check_and_clamp(std::vector<BoundDirective>& b, const DseLayer& l,
                                          bool compat) {
  if (compat) return check_rs_rule(b, l);
  for (const auto& issue : dataflow::check_legality(b, l.problem)) {
    if (issue.rule == dataflow::LegalityRule::Bound) continue;
    return Infeasible{SourceLocation{l.file, issue.line > 0 ? issue.line : l.line,
                                     fmt::format("Layer {} {}", l.name, issue.directive)},
                      fmt::format("{} ({})", issue.message, dataflow::rule_name(issue.rule))};
  }
  b = dataflow::clamp_to_problem(b, l.problem);
  return std::nullopt;
}

}  // namespace

std::optional<Infeasible> check_cluster_capacity(const std::vector<BoundDirective>& b,
                                                 std::int64_t pes) {
  std::int64_t uppermost = 1;
  for (const auto& d : b)
    if (d.kind == DirectiveKind::Cluster) {
      if (d.size <= 0 || __builtin_mul_overflow(uppermost, d.size, &uppermost))
        return std::nullopt;  // malformed sizes: the analysis reports them
    }
  if (uppermost <= pes) return std::nullopt;
  return Infeasible{SourceLocation{"", 0, "dataflow Cluster"},
                    fmt::format("the Cluster sizes multiply to {} PEs but the hardware has {} "
                                "(MAESTRO divides by zero here)",
                                uppermost, pes)};
}

std::vector<PreparedDataflow> prepare_dataflows(const DseWorkload& w, const DseSpec& spec) {
  const bool compat = spec.maestro_compat;
  std::vector<std::string> names = spec.dataflows;
  const bool own = names.empty();
  if (own) names.push_back("mapping");
  std::vector<PreparedDataflow> out;
  for (const auto& name : names) {
    PreparedDataflow pd;
    pd.name = name;
    std::vector<int> matches(spec.map_sizes.size(), 0);
    const std::vector<BoundDirective>* prev_bound = nullptr;
    for (const auto& l : w.layers) {
      DataflowBoundLayer pl;
      const auto& p = l.problem;
      if (!own) {
        dataflow::Dataflow df = dataflow::library_dataflow(name, p.type);
        if (!compat) df = dataflow::adapt_to_problem(df, p);
        pl.bound = dataflow::bind(df, p);
        if (spec.search_tiles) pl.style = std::move(df);
      } else if (l.own_dataflow) {
        if (spec.search_tiles) pl.style = *l.own_dataflow;
        if (compat && l.inherits_dataflow && prev_bound != nullptr) {
          // MAESTRO reuses the previous layer's directives with Sz() as it resolved them.
          pl.bound = *prev_bound;
        } else {
          pl.bound = dataflow::bind(*l.own_dataflow, p);
        }
      } else {
        throw UserError(SourceLocation{l.file, l.line, "Layer " + l.name},
                        "has no Dataflow block and no earlier layer has one (choose a named "
                        "dataflow with --dataflow)");
      }
      int level = 0;
      for (std::size_t i = 0; i < pl.bound.size(); ++i) {
        const auto& d = pl.bound[i];
        if (d.kind == DirectiveKind::Cluster) {
          ++level;
          ++pl.num_clusters;
          pl.cluster_index = static_cast<int>(i);
          continue;
        }
        for (std::size_t m = 0; m < spec.map_sizes.size(); ++m) {
          const auto& ms = spec.map_sizes[m];
          if (ms.dim == d.dim && ms.level == level && d.size == d.offset) {
            pl.map_targets[m].push_back(static_cast<int>(i));
            ++matches[m];
          }
        }
      }
      if (pl.num_clusters != 1) pl.cluster_index = -1;
      pl.dataflow_text = bound_text(pl.bound);
      if (spec.map_sizes.empty()) {
        std::vector<BoundDirective> b = pl.bound;
        pl.illegal = check_and_clamp(b, l, compat);
        if (!pl.illegal) pl.checked_bound = std::move(b);
        pl.checked = true;
      }
      pd.layers.push_back(std::move(pl));
      prev_bound = &pd.layers.back().bound;
    }
    for (std::size_t m = 0; m < spec.map_sizes.size(); ++m)
      if (matches[m] == 0)
        throw UserError(
            SourceLocation{"", 0, "map_sizes " + spec.map_sizes[m].label()},
            fmt::format("dataflow '{}' has no map over {} at cluster level {} whose "
                        "size equals its offset (sliding windows cannot be swept)",
                        name, dataflow::dim_name(spec.map_sizes[m].dim), spec.map_sizes[m].level));
    std::uint64_t h = fnv1a64(name);
    for (const auto& pl : pd.layers) h = fnv1a64(pl.dataflow_text, h);
    pd.hash = h;
    out.push_back(std::move(pd));
  }
  return out;
}

std::optional<Infeasible> bind_design(const DataflowBoundLayer& pl, const DseLayer& l,
                                      const DseSpec& spec,
                                      const std::array<std::int64_t, kMaxMapSweeps>& map_sizes,
                                      std::int64_t pes, std::vector<BoundDirective>& out) {
  if (pl.illegal) return pl.illegal;
  out = pl.checked ? pl.checked_bound : pl.bound;
  for (std::size_t m = 0; m < spec.map_sizes.size(); ++m)
    for (int i : pl.map_targets[m]) {
      out[static_cast<std::size_t>(i)].size = map_sizes[m];
      out[static_cast<std::size_t>(i)].offset = map_sizes[m];
    }
  if (spec.fit_clusters && pl.cluster_index >= 0) {
    auto& c = out[static_cast<std::size_t>(pl.cluster_index)];
    c.size = std::min(c.size, pes);
  }
  // Without swept mapping sizes the legality was settled once by prepare_dataflows (fitting a
  // cluster changes no legality rule).
  if (!pl.checked) return check_and_clamp(out, l, spec.maestro_compat);
  return std::nullopt;
}

}  // namespace mosaic::search

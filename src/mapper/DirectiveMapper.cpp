#include "mapper/DirectiveMapper.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "arch/Core.h"
#include "common/Error.h"
#include "cost/MaestroNetwork.h"
#include "cost/SubAccelerator.h"
#include "dataflow/Legality.h"

namespace mosaic::mapper {

DirectiveMapperOptions mapper_options(const arch::Core& core) {
  DirectiveMapperOptions o;
  o.num_pes = core.num_pes;
  o.vector_width = core.vector_width;
  o.noc_bw = core.noc_bw;
  o.noc_latency = core.noc_latency();
  o.offchip_bw = core.offchip_bw;
  o.precision_bits = core.precision_bits;
  return o;
}

cost::DirectiveHardware directive_hardware(const DirectiveMapperOptions& o) {
  cost::DirectiveHardware hw;
  hw.num_pes = o.num_pes;
  hw.vector_width = o.vector_width;
  hw.noc_bw = o.noc_bw;
  hw.noc_bw_inner = o.noc_bw_inner;
  hw.noc_latency = o.noc_latency;
  hw.offchip_bw = o.offchip_bw;
  return hw;
}

namespace {

using dataflow::BoundDirective;
using dataflow::Dim;
using dataflow::DirectiveKind;

struct Candidate {
  std::vector<BoundDirective> directives;
  std::int64_t group = 0;  // same array and outer tiles: the last tile grows within a group
  std::int64_t index = 0;  // generation order
  double used_pes = 1;     // PEs the spatial maps can use (for the bound)
};

std::int64_t extent(const dataflow::Problem& p, Dim d) {
  return p.has(d) ? p[d] : 1;
}

bool same_axis(Dim a, Dim b) {
  auto base = [](Dim d) { return d == Dim::Xp ? Dim::X : d == Dim::Yp ? Dim::Y : d; };
  return base(a) == base(b);
}

std::int64_t resolve(const dataflow::Size& s, const dataflow::Problem& p) {
  return s.of_dim ? extent(p, *s.of_dim) : s.value;
}

// PEs the spatial maps of a bound mapping can keep busy at most.
double used_pes(const std::vector<BoundDirective>& df, const dataflow::Problem& p,
                std::int64_t num_pes) {
  std::int64_t cluster_product = 1;
  for (const auto& d : df)
    if (d.kind == DirectiveKind::Cluster) cluster_product *= d.size;
  std::int64_t units = std::max<std::int64_t>(1, num_pes / cluster_product);
  std::array<std::int64_t, dataflow::kNumDims> avail{};
  for (int i = 0; i < dataflow::kNumDims; ++i)
    avail[static_cast<std::size_t>(i)] = extent(p, static_cast<Dim>(i));
  double used = 1;
  std::int64_t positions = 1;
  std::array<std::int64_t, dataflow::kNumDims> next = avail;
  auto close_level = [&] {
    used *= static_cast<double>(std::min(units, positions));
    positions = 1;
    avail = next;
  };
  for (const auto& d : df) {
    if (d.kind == DirectiveKind::Cluster) {
      close_level();
      units = d.size;
      continue;
    }
    const auto k = static_cast<std::size_t>(dataflow::di(d.dim));
    const std::int64_t dim = std::max<std::int64_t>(avail[k], d.size);
    if (d.kind == DirectiveKind::SpatialMap)
      positions *= (dim - d.size + d.offset - 1) / d.offset + 1;
    next[k] = d.size;
  }
  close_level();
  return used;
}

struct Param {
  std::size_t index = 0;  // directive index in the style
  bool cluster = false;
  std::vector<std::int64_t> values;
};

// The free sizes of a style (see the header): the first cluster, the top-level map tied to it
// (`tied`, scaled by `tied_factor`), and the other top-level tiles.
struct FreeSizes {
  std::vector<Param> params;
  std::size_t tied = 0;
  std::int64_t tied_factor = 1;
};

FreeSizes free_sizes(const dataflow::Dataflow& style, const dataflow::Problem& p,
                     std::int64_t num_pes) {
  const auto& ds = style.directives;
  std::size_t first_cluster = ds.size();
  for (std::size_t i = 0; i < ds.size(); ++i)
    if (ds[i].kind == DirectiveKind::Cluster) {
      first_cluster = i;
      break;
    }
  // The inner level's first spatial map (what the cluster parallelises).
  const dataflow::Directive* inner = nullptr;
  for (std::size_t i = first_cluster + 1; i < ds.size(); ++i) {
    if (ds[i].kind == DirectiveKind::Cluster) break;
    if (ds[i].kind == DirectiveKind::SpatialMap) {
      inner = &ds[i];
      break;
    }
  }
  std::vector<Param> params;
  std::size_t tied = ds.size();
  std::int64_t tied_factor = 1;
  if (first_cluster < ds.size() && !ds[first_cluster].size.of_dim && inner) {
    Param c;
    c.index = first_cluster;
    c.cluster = true;
    const std::int64_t s_in = resolve(inner->size, p), o_in = resolve(inner->offset, p);
    const std::int64_t steps =
        std::max<std::int64_t>(1, (extent(p, inner->dim) - s_in + o_in - 1) / o_in + 1);
    std::int64_t cap = 1;
    while (cap < steps) cap *= 2;
    cap = std::min(cap, num_pes);
    for (std::int64_t v = 1; v <= cap; v *= 2) c.values.push_back(v);
    if (steps <= num_pes) c.values.push_back(steps);
    std::sort(c.values.begin(), c.values.end());
    c.values.erase(std::unique(c.values.begin(), c.values.end()), c.values.end());
    params.push_back(c);
    tied_factor = o_in;
  }
  for (std::size_t i = 0; i < first_cluster; ++i) {
    const auto& d = ds[i];
    if (d.kind != DirectiveKind::TemporalMap || d.size.of_dim || d.offset.of_dim ||
        d.size.value != d.offset.value || d.size.value <= 1)
      continue;
    if (d.dim != Dim::K && d.dim != Dim::C && d.dim != Dim::N && d.dim != Dim::Xp &&
        d.dim != Dim::Yp && d.dim != Dim::M)
      continue;
    if (!params.empty() && params[0].cluster && inner && same_axis(d.dim, inner->dim)) {
      tied = i;
      continue;
    }
    Param t;
    t.index = i;
    t.values = cost::divisors(extent(p, d.dim));
    params.push_back(t);
  }
  return {params, tied, tied_factor};
}

std::vector<Candidate> generate(const dataflow::Dataflow& style, const dataflow::Problem& p,
                                std::int64_t num_pes) {
  const auto& ds = style.directives;
  FreeSizes fs = free_sizes(style, p, num_pes);
  std::vector<Param>& params = fs.params;
  const std::size_t tied = fs.tied;
  const std::int64_t tied_factor = fs.tied_factor;
  std::vector<Candidate> out;
  if (params.empty()) params.push_back(Param{ds.size(), false, {0}});
  std::vector<std::size_t> at(params.size(), 0);
  std::int64_t index = 0, group = 0;
  while (true) {
    dataflow::Dataflow df = style;
    for (std::size_t k = 0; k < params.size(); ++k) {
      if (params[k].index >= ds.size()) continue;
      auto& d = df.directives[params[k].index];
      const std::int64_t v = params[k].values[at[k]];
      d.size.value = v;
      if (!params[k].cluster) d.offset.value = v;
      if (params[k].cluster && tied < ds.size()) {
        df.directives[tied].size.value = v * tied_factor;
        df.directives[tied].offset.value = v * tied_factor;
      }
    }
    try {
      auto bound = dataflow::clamp_to_problem(dataflow::bind(df, p), p);
      bool legal = true;
      for (const auto& issue : dataflow::check_legality(bound, p))
        if (issue.rule != dataflow::LegalityRule::Bound) legal = false;
      if (legal) {
        bound = dataflow::fit_clusters(bound, num_pes);
        Candidate c;
        c.used_pes = used_pes(bound, p, num_pes);
        c.directives = std::move(bound);
        c.group = group;
        c.index = index++;
        out.push_back(std::move(c));
      }
    } catch (const UserError&) {
    }
    // Next combination: the last parameter varies fastest.
    std::size_t k = params.size();
    while (k > 0) {
      --k;
      if (++at[k] < params[k].values.size()) break;
      at[k] = 0;
      if (k == 0) return out;
    }
    if (k + 1 < params.size() || params.back().cluster) ++group;
  }
}

double objective_of(cost::CoreObjective o, double cycles, double energy) {
  switch (o) {
    case cost::CoreObjective::Latency:
      return cycles;
    case cost::CoreObjective::Energy:
      return energy;
    case cost::CoreObjective::EDP:
      return cycles * energy;
  }
  return cycles * energy;
}

DirectiveMapping evaluate(const Candidate& c, const dataflow::Problem& p,
                          const DirectiveMapperOptions& o, const arch::Technology& tech) {
  const cost::DirectiveHardware hw = directive_hardware(o);
  cost::DirectiveOptions dopt;
  dopt.maestro_compat = o.maestro_compat;
  const cost::DirectiveResult r = cost::analyze_directives(p, c.directives, hw, dopt);
  arch::Core core;
  core.num_pes = o.num_pes;
  core.vector_width = o.vector_width;
  core.noc_bw = o.noc_bw;
  core.precision_bits = o.precision_bits;
  const cost::LayerCost lc = cost::to_layer_cost(r, p, core, tech, o.maestro_compat);
  DirectiveMapping m;
  m.directives = c.directives;
  m.cycles = std::max(1.0, lc.latency_cycles);
  m.energy_pj = lc.energy_pj - lc.levels[2].energy_pj;  // without the DRAM level
  m.l1_elements = lc.l1_required_elements;
  m.l2_elements = lc.l2_required_elements;
  m.utilization = lc.utilization;
  return m;
}

struct Bounds {
  double cycles, energy;
};
Bounds bounds_of(const Candidate& c, const dataflow::Problem& p, const DirectiveMapperOptions& o,
                 const arch::Technology& tech) {
  const auto macs = static_cast<double>(cost::problem_macs(p));
  return {std::max(1.0, macs / (c.used_pes * static_cast<double>(o.vector_width))),
          macs * tech.mac_pj};
}

bool over_l2(const DirectiveMapperOptions& o, const DirectiveMapping& m) {
  return o.l2_elements > 0 && m.l2_elements > static_cast<double>(o.l2_elements);
}

bool better(const DirectiveMapperOptions& o, const DirectiveMapping& a, std::int64_t ia,
            const DirectiveMapping& b, std::int64_t ib) {
  const double x = objective_of(o.objective, a.cycles, a.energy_pj);
  const double y = objective_of(o.objective, b.cycles, b.energy_pj);
  return x < y || (x == y && ia < ib);
}

std::vector<DirectiveMapping> pareto_of(std::vector<DirectiveMapping> v) {
  std::vector<DirectiveMapping> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < v.size() && !dominated; ++j) {
      if (i == j) continue;
      const bool no_worse = v[j].cycles <= v[i].cycles && v[j].energy_pj <= v[i].energy_pj;
      const bool strictly = v[j].cycles < v[i].cycles || v[j].energy_pj < v[i].energy_pj;
      dominated = no_worse && (strictly || j < i);
    }
    if (!dominated) out.push_back(v[i]);
  }
  return out;
}

}  // namespace

std::vector<std::vector<BoundDirective>> directive_candidates(const dataflow::Dataflow& style,
                                                              const dataflow::Problem& problem,
                                                              std::int64_t num_pes) {
  std::vector<std::vector<BoundDirective>> out;
  for (auto& c : generate(style, problem, num_pes)) out.push_back(std::move(c.directives));
  return out;
}

DirectiveMapperResult map_directives(const dataflow::Problem& problem,
                                     const dataflow::Dataflow& style,
                                     const DirectiveMapperOptions& options,
                                     const arch::Technology& tech, bool keep_pareto) {
  DirectiveMapperResult res;
  std::vector<Candidate> cands = generate(style, problem, options.num_pes);
  res.candidates = static_cast<std::int64_t>(cands.size());
  if (cands.empty()) {
    res.why = fmt::format("no legal mapping of {} for this layer", style.name);
    return res;
  }
  // Visit in the order of the bound, groups kept together in tile order for the L1 shortcut.
  std::vector<Bounds> bnd;
  bnd.reserve(cands.size());
  for (const auto& c : cands) bnd.push_back(bounds_of(c, problem, options, tech));
  std::vector<std::size_t> order(cands.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double la = objective_of(options.objective, bnd[a].cycles, bnd[a].energy);
    const double lb = objective_of(options.objective, bnd[b].cycles, bnd[b].energy);
    return la < lb;
  });
  std::vector<std::int64_t> over_group_from(cands.size(), -1);  // group -> smallest index over
  std::vector<DirectiveMapping> kept;
  std::int64_t best_index = -1;
  for (std::size_t at : order) {
    const Candidate& c = cands[at];
    const auto g = static_cast<std::size_t>(c.group);
    if (g < over_group_from.size() && over_group_from[g] >= 0 && c.index > over_group_from[g]) {
      ++res.over_budget;  // a larger tile of an array that already exceeds L1
      continue;
    }
    const double lb = objective_of(options.objective, bnd[at].cycles, bnd[at].energy);
    if (best_index >= 0) {
      const double inc = objective_of(options.objective, res.best.cycles, res.best.energy_pj);
      bool prune = lb > inc;
      if (keep_pareto) {
        prune = false;
        for (const auto& k : kept)
          if (k.cycles <= bnd[at].cycles && k.energy_pj <= bnd[at].energy) prune = true;
      }
      if (prune) {
        ++res.pruned;
        continue;
      }
    }
    DirectiveMapping m = evaluate(c, problem, options, tech);
    m.lower_bound = lb;
    ++res.evaluated;
    if (options.l1_elements > 0 && m.l1_elements > static_cast<double>(options.l1_elements)) {
      ++res.over_budget;
      if (g < over_group_from.size() && (over_group_from[g] < 0 || c.index < over_group_from[g]))
        over_group_from[g] = c.index;
      continue;
    }
    if (over_l2(options, m)) {
      ++res.over_budget;
      continue;
    }
    if (best_index < 0 || better(options, m, c.index, res.best, best_index)) {
      res.best = m;
      best_index = c.index;
    }
    if (keep_pareto) kept.push_back(std::move(m));
  }
  res.feasible = best_index >= 0;
  if (!res.feasible)
    res.why = options.l2_elements > 0
                  ? fmt::format(
                        "no mapping of {} fits the L1 budget of {} elements per PE and "
                        "the L2 budget of {} elements",
                        style.name, options.l1_elements, options.l2_elements)
                  : fmt::format("no mapping of {} fits the L1 budget of {} elements per PE",
                                style.name, options.l1_elements);
  if (keep_pareto) res.pareto = pareto_of(std::move(kept));
  return res;
}

DirectiveMapperResult brute_force_directives(const dataflow::Problem& problem,
                                             const dataflow::Dataflow& style,
                                             const DirectiveMapperOptions& options,
                                             const arch::Technology& tech) {
  DirectiveMapperResult res;
  const std::vector<Candidate> cands = generate(style, problem, options.num_pes);
  res.candidates = static_cast<std::int64_t>(cands.size());
  std::int64_t best_index = -1;
  for (const auto& c : cands) {
    DirectiveMapping m = evaluate(c, problem, options, tech);
    ++res.evaluated;
    if ((options.l1_elements > 0 && m.l1_elements > static_cast<double>(options.l1_elements)) ||
        over_l2(options, m)) {
      ++res.over_budget;
      continue;
    }
    m.lower_bound = objective_of(options.objective, bounds_of(c, problem, options, tech).cycles,
                                 bounds_of(c, problem, options, tech).energy);
    if (best_index < 0 || better(options, m, c.index, res.best, best_index)) {
      res.best = m;
      best_index = c.index;
    }
  }
  res.feasible = best_index >= 0;
  return res;
}

}  // namespace mosaic::mapper

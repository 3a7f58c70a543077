#include "search/DseEngine.h"
#include "cost/CoreHardware.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/concurrent_hash_map.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <nlohmann/json.hpp>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "common/Error.h"
#include "common/Hash.h"
#include "cost/DirectiveAnalysis.h"
#include "cost/MaestroNetwork.h"
#include "search/BandwidthRetime.h"
#include "search/DseTiles.h"

namespace mosaic::search {

using dataflow::BoundDirective;

DseCounts& DseCounts::operator+=(const DseCounts& o) {
  explored += o.explored;
  skipped += o.skipped;
  evaluated += o.evaluated;
  valid += o.valid;
  illegal += o.illegal;
  analyses += o.analyses;
  return *this;
}

namespace {

// Adds `count` identical layers' energy (the total and its MAC, L1, L2, DRAM, NoC parts) and
// MACs.
void add_energy(const cost::LayerCost& lc, std::int64_t count, double& energy,
                std::array<double, 5>& breakdown, std::int64_t& macs) {
  const double n = static_cast<double>(count);
  energy += n * lc.energy_pj;
  breakdown[0] += n * lc.mac_energy_pj;
  breakdown[1] += n * lc.level_energy_pj("L1");
  breakdown[2] += n * lc.level_energy_pj("L2");
  breakdown[3] += n * lc.level_energy_pj("DRAM");
  breakdown[4] += n * lc.noc_energy_pj;
  macs += count * lc.macs;
}

std::int64_t bytes_of(double elements, int bits) {
  const auto e = static_cast<std::int64_t>(std::llround(elements));
  return (e * bits + 7) / 8;
}

// The outer coordinates of a chunk.
struct Coords {
  int df = 0;
  int pes_index = 0;
  std::int64_t pes = 0, vw = 0;
  std::array<std::int64_t, kMaxMapSweeps> maps{};
};

// The figures of the whole workload at one bandwidth.
struct WorkloadEval {
  double latency = 0;
  double energy = 0;
  std::array<double, 5> breakdown{};
  std::int64_t macs = 0;
  std::int64_t l1_req = 0, l2_req = 0;  // bytes
  std::vector<LayerTiming> timing;      // with plateau reuse
};

// Analyses shared by the PEs of one run (see Context::run_leader).
struct CacheKey {
  int df = 0;
  int leader = 0;
  std::int64_t vw = 0, bw = 0;
  std::array<std::int64_t, kMaxMapSweeps> maps{};
  bool operator==(const CacheKey&) const = default;
};
struct CacheHash {
  static std::size_t hash(const CacheKey& k) {
    std::uint64_t h = kFnv1a64OffsetBasis;
    auto mix = [&](std::uint64_t v) { h = fnv1a64_word(h, v); };
    mix(static_cast<std::uint64_t>(k.df));
    mix(static_cast<std::uint64_t>(k.leader));
    mix(static_cast<std::uint64_t>(k.vw));
    mix(static_cast<std::uint64_t>(k.bw));
    for (auto m : k.maps) mix(static_cast<std::uint64_t>(m));
    return static_cast<std::size_t>(h);
  }
  static bool equal(const CacheKey& a, const CacheKey& b) { return a == b; }
};
struct CacheValue {
  WorkloadEval eval;
  bool full = false;  // energy and requirements filled
};
constexpr std::int64_t kMaxCacheEntries = 4'000'000;

// Everything a chunk evaluation reads; immutable during the sweep.
struct Context {
  const DseWorkload& w;
  const DseSpec& s;
  std::vector<PreparedDataflow> dfs;
  int n_maps = 0;
  std::vector<std::int64_t> radix;  // outer loops, outermost first
  std::int64_t n_chunks = 1;
  std::vector<std::int64_t> inner_maps;  // values of the last mapping sweep ({0} when none)
  std::int64_t n_bw = 0, n_l1 = 1, n_l2 = 1;
  std::int64_t per_inner = 0;  // designs per inner mapping value
  bool reuse_plateaus = true;
  // The directive analysis sees the PE count only through the PEs its clusters use (the product
  // of the Cluster sizes times the number of whole top-level clusters): PE counts that give every
  // layer the same cluster sizes and the same used PEs get the same analysis results (their area
  // and power differ). run_leader[df][i] is the index of the first PE value of such a run of
  // consecutive values, or -1 when the run has only PE value i.
  std::vector<std::vector<int>> run_leader;
  mutable tbb::concurrent_hash_map<CacheKey, CacheValue, CacheHash> cache;
  mutable std::atomic<std::int64_t> cache_size{0};
  mutable std::atomic<std::int64_t> analyses_run{0};
  std::unique_ptr<TileSearch> tiles;  // with DseSpec::search_tiles

  Context(const DseWorkload& w_, const DseSpec& s_) : w(w_), s(s_) {}

  void find_pe_runs() {
    run_leader.assign(dfs.size(), std::vector<int>(s.pes.values.size(), -1));
    for (std::size_t d = 0; d < dfs.size(); ++d) {
      auto used = [&](std::int64_t pes) {
        std::vector<std::int64_t> k;
        for (const auto& pl : dfs[d].layers) {
          std::int64_t uppermost = 1;
          for (const auto& dir : pl.bound)
            if (dir.kind == dataflow::DirectiveKind::Cluster)
              uppermost *=
                  (s.fit_clusters && pl.cluster_index >= 0) ? std::min(dir.size, pes) : dir.size;
          if (uppermost > pes) return std::vector<std::int64_t>{-pes};  // illegal: no sharing
          k.push_back(uppermost);
          k.push_back(uppermost * (pes / uppermost));
        }
        return k;
      };
      const auto& pv = s.pes.values;
      std::size_t start = 0;
      while (start < pv.size()) {
        const auto key = used(pv[start]);
        std::size_t end = start + 1;
        while (end < pv.size() && used(pv[end]) == key) ++end;
        if (end - start > 1)
          for (std::size_t i = start; i < end; ++i) run_leader[d][i] = static_cast<int>(start);
        start = end;
      }
    }
  }

  Coords decode(std::int64_t index) const {
    std::array<std::int64_t, 3 + kMaxMapSweeps> digit{};
    for (int i = static_cast<int>(radix.size()) - 1; i >= 0; --i) {
      const auto r = radix[static_cast<std::size_t>(i)];
      digit[static_cast<std::size_t>(i)] = index % r;
      index /= r;
    }
    Coords c;
    c.df = static_cast<int>(digit[0]);
    c.pes_index = static_cast<int>(digit[1]);
    c.pes = s.pes.values[static_cast<std::size_t>(digit[1])];
    c.vw = s.vector_width.values[static_cast<std::size_t>(digit[2])];
    for (int m = 0; m + 1 < n_maps; ++m)
      c.maps[static_cast<std::size_t>(m)] =
          s.map_sizes[static_cast<std::size_t>(m)]
              .values.values[static_cast<std::size_t>(digit[static_cast<std::size_t>(3 + m)])];
    return c;
  }

  std::string key(std::int64_t index) const {
    const Coords c = decode(index);
    const auto& df = dfs[static_cast<std::size_t>(c.df)];
    std::string k = fmt::format("{}#{:016x}|pes={}|vw={}", df.name, df.hash, c.pes, c.vw);
    for (int m = 0; m + 1 < n_maps; ++m)
      k += fmt::format("|{}={}", s.map_sizes[static_cast<std::size_t>(m)].label(),
                       c.maps[static_cast<std::size_t>(m)]);
    return k;
  }
};

bool fits(const DseSpec& s, const arch::AreaPower& ap) {
  return ap.area_um2 <= s.area_budget_um2 && ap.power_mw <= s.power_budget_mw;
}

// Area and power are affine in the bandwidth (bus) and non-decreasing in L1/L2 (SRAM): the
// smallest area/power over a bandwidth interval is at one of its ends.
arch::AreaPower lower_bound(const DseSpec& s, std::int64_t pes, std::int64_t vw, std::int64_t bw_lo,
                            std::int64_t bw_hi, std::int64_t l1, std::int64_t l2) {
  const auto a = arch::area_power(s.technology, pes, vw, bw_lo, l1, l2);
  const auto b = arch::area_power(s.technology, pes, vw, bw_hi, l1, l2);
  arch::AreaPower r = a;
  r.area_um2 = std::min(a.area_um2, b.area_um2);
  r.power_mw = std::min(a.power_mw, b.power_mw);
  return r;
}

// Area and power never decrease with the bandwidth when the bus cost per unit of bandwidth is
// not negative at this PE count.
bool bw_monotone(const arch::Technology& t, std::int64_t pes) {
  return t.bus_c1 * static_cast<double>(pes) + t.bus_c0 >= 0;
}

struct Evaluator {
  const Context& ctx;
  std::vector<std::vector<BoundDirective>> bound;
  DseCounts* counts = nullptr;

  explicit Evaluator(const Context& c) : ctx(c), bound(c.w.layers.size()) {}

  std::array<std::int64_t, kMaxMapSweeps> maps{};

  // Binds every layer; returns why the design cannot run one (legality first, for every layer,
  // then the clusters' capacity, as the analysis would find it layer by layer).
  std::optional<Infeasible> bind(const Coords& c,
                                 const std::array<std::int64_t, kMaxMapSweeps>& m) {
    maps = m;
    const auto& df = ctx.dfs[static_cast<std::size_t>(c.df)];
    for (std::size_t l = 0; l < bound.size(); ++l)
      if (auto why = bind_design(df.layers[l], ctx.w.layers[l], ctx.s, maps, c.pes, bound[l]))
        return why;
    for (std::size_t l = 0; l < bound.size(); ++l)
      if (auto why = check_cluster_capacity(bound[l], c.pes)) return why;
    return std::nullopt;
  }

  // The analysis of every layer (`full`: energy and requirements too), shared by the PEs of a
  // run. `counts->analyses` counts the analyses the design needs, shared or not, so that the
  // count does not depend on which thread got there first; Context::analyses_run counts the ones
  // actually run.
  WorkloadEval analyze(const Coords& c, std::int64_t bw, bool full) {
    const int leader =
        ctx.run_leader[static_cast<std::size_t>(c.df)][static_cast<std::size_t>(c.pes_index)];
    CacheKey key;
    if (leader >= 0) {
      key = CacheKey{c.df, leader, c.vw, bw, maps};
      decltype(ctx.cache)::const_accessor a;
      if (ctx.cache.find(a, key) && (a->second.full || !full)) {
        counts->analyses += static_cast<std::int64_t>(bound.size());
        return a->second.eval;
      }
    }
    WorkloadEval e = run_analysis(c, bw, full);
    if (leader >= 0 && ctx.cache_size.load(std::memory_order_relaxed) < kMaxCacheEntries) {
      decltype(ctx.cache)::accessor a;
      if (ctx.cache.insert(a, key)) ctx.cache_size.fetch_add(1, std::memory_order_relaxed);
      if (!a->second.full) a->second = CacheValue{e, full};
    }
    return e;
  }

  WorkloadEval run_analysis(const Coords& c, std::int64_t bw, bool full) {
    const DseSpec& s = ctx.s;
    const arch::Core core = design_core(s, c.pes, c.vw, bw);
    const cost::DirectiveHardware hw = cost::directive_hardware(core);
    cost::DirectiveOptions opt;
    opt.maestro_compat = s.maestro_compat;
    opt.keep_top_cases = ctx.reuse_plateaus;
    WorkloadEval e;
    if (ctx.reuse_plateaus) e.timing.resize(bound.size());
    for (std::size_t l = 0; l < bound.size(); ++l) {
      const DseLayer& dl = ctx.w.layers[l];
      cost::DirectiveResult r = cost::analyze_directives(dl.problem, bound[l], hw, opt);
      ++counts->analyses;
      ctx.analyses_run.fetch_add(1, std::memory_order_relaxed);
      if (dl.useful_macs) r.macs = *dl.useful_macs;
      const double n = static_cast<double>(dl.count);
      // No 0-cycle layer (MAESTRO reports one for degenerate mappings): at least 1 cycle.
      e.latency += n * std::max(1.0, static_cast<double>(r.top.runtime));
      if (ctx.reuse_plateaus) {
        e.timing[l] = layer_timing(r, s.offchip_bw, n);
      }
      if (!full) continue;
      const cost::LayerCost lc =
          cost::to_layer_cost(r, dl.problem, core, s.technology, s.maestro_compat);
      add_energy(lc, dl.count, e.energy, e.breakdown, e.macs);
      e.l1_req = std::max(e.l1_req, bytes_of(lc.l1_required_elements, s.precision_bits));
      e.l2_req = std::max(e.l2_req, bytes_of(lc.l2_required_elements, s.precision_bits));
    }
    return e;
  }
};

// The latencies at the feasible bandwidths (evals: scratch of the plateau reuse).
void latencies(const Context& ctx, Evaluator& ev, const Coords& c,
               const std::vector<std::int64_t>& feasible,
               const std::vector<std::int64_t>& feasible_bw, const WorkloadEval& e0,
               std::vector<WorkloadEval>& evals, std::vector<double>& lat) {
  lat.assign(feasible.size(), 0.0);
  try {
    if (ctx.reuse_plateaus) {
      evals.assign(feasible.size(), WorkloadEval{});
      evals[0] = feasible[0] == 0 ? e0 : ev.analyze(c, feasible_bw[0], false);
      lat[0] = evals[0].latency;
      if (feasible.size() > 1) {
        evals.back() = ev.analyze(c, feasible_bw.back(), false);
        lat.back() = evals.back().latency;
        // Re-timing across the bandwidths (BandwidthRetime.h).
        const auto analyze = [&](std::int64_t bw) { return ev.analyze(c, bw, false); };
        fill_latencies(analyze, feasible_bw, ctx.s.noc_latency, evals, lat, 0, feasible.size() - 1);
      }
    } else {
      lat[0] = feasible[0] == 0 ? e0.latency : ev.analyze(c, feasible_bw[0], false).latency;
      for (std::size_t k = 1; k < feasible.size(); ++k)
        lat[k] = ev.analyze(c, feasible_bw[k], false).latency;
    }
  } catch (const UserError&) {
    throw InternalError(
        "the directive analysis failed at one bandwidth after succeeding at "
        "another");
  }
}

// One mapping choice of a chunk: its coordinates, its analysis at the lowest bandwidth, and the
// buffer sizes that can hold it (n1 L1 sizes from index i1, n2 L2 sizes from i2; the exact
// requirement when the buffers are not swept).
struct InnerDesigns {
  const DseSpec& s;
  const Coords& c;
  const std::array<std::int64_t, kMaxMapSweeps>& maps;
  const WorkloadEval& e0;
  std::int64_t n1, n2, i1, i2;
  std::int64_t l1_at(std::int64_t k) const {
    return s.l1_bytes ? s.l1_bytes->values[static_cast<std::size_t>(i1 + k)] : e0.l1_req;
  }
  std::int64_t l2_at(std::int64_t k) const {
    return s.l2_bytes ? s.l2_bytes->values[static_cast<std::size_t>(i2 + k)] : e0.l2_req;
  }
};

// Every design of one mapping choice at the feasible bandwidths, L1 and L2 sizes ascending,
// until the budget breaks (larger buffers only cost more).
void emit_designs(const DseSpec& s, const InnerDesigns& in,
                  const std::vector<std::int64_t>& feasible_bw, const std::vector<double>& lat,
                  ChunkResult& cr) {
  const Coords& c = in.c;
  const auto& maps = in.maps;
  const WorkloadEval& e0 = in.e0;
  const std::int64_t n1 = in.n1, n2 = in.n2;
  for (std::size_t k = 0; k < feasible_bw.size(); ++k) {
    const auto bw = feasible_bw[k];
    for (std::int64_t a = 0; a < n1; ++a) {
      bool first_l2_failed = false;
      for (std::int64_t b = 0; b < n2; ++b) {
        DesignRecord d;
        d.point.dataflow = c.df;
        d.point.pes = c.pes;
        d.point.vector_width = c.vw;
        d.point.map_sizes = maps;
        d.point.noc_bw = bw;
        d.point.l1_bytes = in.l1_at(a);
        d.point.l2_bytes = in.l2_at(b);
        const auto ap =
            arch::area_power(s.technology, c.pes, c.vw, bw, d.point.l1_bytes, d.point.l2_bytes);
        d.metrics.latency_cycles = lat[k];
        d.metrics.energy_pj = e0.energy;
        d.metrics.energy_breakdown_pj = e0.breakdown;
        d.metrics.area_um2 = ap.area_um2;
        d.metrics.power_mw = ap.power_mw;
        d.metrics.macs = e0.macs;
        d.metrics.l1_required_bytes = e0.l1_req;
        d.metrics.l2_required_bytes = e0.l2_req;
        d.valid = fits(s, ap);
        ++cr.counts.evaluated;
        cr.designs.push_back(d);
        if (d.valid) {
          ++cr.counts.valid;
          continue;
        }
        cr.counts.skipped += n2 - b - 1;
        first_l2_failed = b == 0;
        break;
      }
      if (first_l2_failed) {
        cr.counts.skipped += (n1 - a - 1) * n2;
        break;
      }
    }
  }
}

ChunkResult evaluate_chunk(const Context& ctx, std::int64_t index) {
  const DseSpec& s = ctx.s;
  ChunkResult cr;
  cr.index = index;
  const Coords c = ctx.decode(index);
  const std::int64_t n_inner = static_cast<std::int64_t>(ctx.inner_maps.size());
  cr.counts.explored = n_inner * ctx.per_inner;

  // 1. The smallest design of the chunk.
  const std::int64_t l1_lb = s.l1_bytes ? s.l1_bytes->front() : 0;
  const std::int64_t l2_lb = s.l2_bytes ? s.l2_bytes->front() : 0;
  if (!fits(s, lower_bound(s, c.pes, c.vw, s.noc_bw.front(), s.noc_bw.back(), l1_lb, l2_lb))) {
    cr.counts.skipped = cr.counts.explored;
    return cr;
  }
  if (ctx.tiles) return ctx.tiles->evaluate_chunk(index, c.df, c.pes, c.vw);
  Evaluator ev(ctx);
  ev.counts = &cr.counts;
  const bool mono = bw_monotone(s.technology, c.pes);
  const auto& bw_values = s.noc_bw.values;
  std::vector<std::int64_t> feasible;
  std::vector<std::int64_t> feasible_bw;
  std::vector<double> lat;
  std::vector<WorkloadEval> evals;

  for (std::int64_t inner : ctx.inner_maps) {
    auto maps = c.maps;
    if (ctx.n_maps > 0) maps[static_cast<std::size_t>(ctx.n_maps - 1)] = inner;
    // 2. Bind and analyse at the lowest bandwidth.
    if (const auto why = ev.bind(c, maps)) {
      cr.counts.illegal += ctx.per_inner;
      if (cr.note.empty()) cr.note = why->text();
      continue;
    }
    WorkloadEval e0;
    try {
      e0 = ev.analyze(c, bw_values.front(), true);
    } catch (const UserError& e) {
      // A mapping the analysis itself rejects (a malformed cluster structure): the same for
      // every design of the dataflow, reported as illegal designs with its message.
      cr.counts.illegal += ctx.per_inner;
      if (cr.note.empty()) cr.note = e.what();
      continue;
    }
    // 3. Buffers that cannot hold the mapping.
    std::int64_t i1 = 0, i2 = 0;
    if (s.l1_bytes) {
      const auto& v = s.l1_bytes->values;
      i1 = std::lower_bound(v.begin(), v.end(), e0.l1_req) - v.begin();
    }
    if (s.l2_bytes) {
      const auto& v = s.l2_bytes->values;
      i2 = std::lower_bound(v.begin(), v.end(), e0.l2_req) - v.begin();
    }
    const std::int64_t n1 = ctx.n_l1 - i1;
    cr.counts.skipped += i1 * ctx.n_l2 * ctx.n_bw;
    const std::int64_t n2 = ctx.n_l2 - i2;
    cr.counts.skipped += n1 * i2 * ctx.n_bw;
    if (n1 == 0 || n2 == 0) continue;
    const InnerDesigns designs{s, c, maps, e0, n1, n2, i1, i2};
    // 4. Bandwidths whose smallest design fits the budgets.
    feasible.clear();
    feasible_bw.clear();
    for (std::int64_t b = 0; b < ctx.n_bw; ++b) {
      const auto bw = bw_values[static_cast<std::size_t>(b)];
      if (fits(s, arch::area_power(s.technology, c.pes, c.vw, bw, designs.l1_at(0),
                                   designs.l2_at(0)))) {
        feasible.push_back(b);
        feasible_bw.push_back(bw);
      } else if (mono) {
        cr.counts.skipped += (ctx.n_bw - b) * n1 * n2;
        break;
      } else {
        cr.counts.skipped += n1 * n2;
      }
    }
    if (feasible.empty()) continue;
    // 5. Runtime at every remaining bandwidth.
    latencies(ctx, ev, c, feasible, feasible_bw, e0, evals, lat);
    // 6. Every remaining design, until the budget breaks.
    emit_designs(s, designs, feasible_bw, lat, cr);
  }
  return cr;
}

}  // namespace

namespace {

// The sweep's geometry: the chunks (dataflow x PEs x lanes x all but the last mapping sweep), and
// inside a chunk the last mapping sweep, the bandwidths and the buffers.
void setup(Context& ctx, const DseSpec& s, const DseOptions& opt) {
  ctx.dfs = prepare_dataflows(ctx.w, s);
  ctx.n_maps = static_cast<int>(s.map_sizes.size());
  ctx.radix = {static_cast<std::int64_t>(ctx.dfs.size()), s.pes.count(), s.vector_width.count()};
  for (int m = 0; m + 1 < ctx.n_maps; ++m)
    ctx.radix.push_back(s.map_sizes[static_cast<std::size_t>(m)].values.count());
  for (auto r : ctx.radix) ctx.n_chunks *= r;
  ctx.inner_maps = ctx.n_maps > 0 ? s.map_sizes.back().values.values : std::vector<std::int64_t>{0};
  ctx.n_bw = s.noc_bw.count();
  ctx.n_l1 = s.l1_bytes ? s.l1_bytes->count() : 1;
  ctx.n_l2 = s.l2_bytes ? s.l2_bytes->count() : 1;
  ctx.per_inner = ctx.n_bw * ctx.n_l1 * ctx.n_l2;
  ctx.reuse_plateaus = opt.reuse_bw_plateaus;
  ctx.find_pe_runs();
  if (s.search_tiles) ctx.tiles = std::make_unique<TileSearch>(ctx.w, s, ctx.dfs);
}

// The result store of a run, and the chunks it already holds.
struct StoreRun {
  ResultStore* store = nullptr;
  std::int64_t id = 0;
  std::unordered_set<std::string> stored;
};

// A wave of chunks [first, first + res.size()): the ones in the store decoded, the others to do.
struct Wave {
  std::int64_t first = 0;
  std::vector<ChunkResult> res;
  std::vector<char> done;
  std::vector<std::size_t> todo;
  std::vector<std::string> keys;
};

Wave load_wave(const Context& ctx, const StoreRun& sr, std::int64_t first, std::int64_t end) {
  Wave wv;
  wv.first = first;
  const auto n = static_cast<std::size_t>(end - first);
  wv.res.resize(n);
  wv.done.assign(n, 0);
  wv.keys.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t index = first + static_cast<std::int64_t>(k);
    if (sr.store != nullptr) wv.keys[k] = ctx.key(index);
    // A stored chunk whose checksum fails comes back empty (the store counts it): recomputed.
    const auto rec = !sr.stored.empty() && sr.stored.count(wv.keys[k]) != 0
                         ? sr.store->get(sr.id, wv.keys[k])
                         : std::optional<ResultStore::Record>{};
    if (rec) {
      wv.res[k] = decode_chunk(rec->payload, index, ctx.decode(index).df);
      wv.done[k] = 1;
    } else {
      wv.todo.push_back(k);
    }
  }
  return wv;
}

// Commits what was computed (a skipped chunk without analysis is not worth a row: it is
// recomputed in a microsecond).
void store_wave(const StoreRun& sr, const Wave& wv) {
  if (sr.store == nullptr) return;
  std::vector<ResultStore::Record> recs;
  for (std::size_t k : wv.todo)
    if (wv.done[k] != 0 && wv.res[k].counts.analyses > 0)
      recs.push_back(
          {wv.keys[k], wv.first + static_cast<std::int64_t>(k), encode_chunk(wv.res[k])});
  sr.store->put(sr.id, recs);
}

// The chunks [first, end) of the previous run that were under way when it stopped (empty when
// it finished or never ran): computing one of them again is counted as recomputed.
std::pair<std::int64_t, std::int64_t> under_way(ResultStore& store, std::int64_t run) {
  const auto m = store.meta(run, "under_way");
  if (!m) return {0, 0};
  const auto colon = m->find(':');
  if (colon == std::string::npos) return {0, 0};
  return {std::stoll(m->substr(0, colon)), std::stoll(m->substr(colon + 1))};
}

// The wave's chunks computed by other processes (their payloads are the store's records).
void compute_remote(const Context& ctx, Wave& wv, ChunkTransport& remote,
                    const std::function<bool()>& stopping) {
  std::vector<std::int64_t> indices;
  for (std::size_t k : wv.todo) indices.push_back(wv.first + static_cast<std::int64_t>(k));
  remote.compute(
      indices,
      [&](std::int64_t index, std::string&& payload) {
        const auto k = static_cast<std::size_t>(index - wv.first);
        wv.res[k] = decode_chunk(payload, index, ctx.decode(index).df);
        wv.res[k].reused = false;
        wv.done[k] = 1;
      },
      stopping);
}

// Hands the wave's chunks to the sink in order; false at the first unfinished one (interrupted).
bool deliver_wave(Wave& wv, DseRunInfo& info, const ChunkSink& sink) {
  for (std::size_t k = 0; k < wv.res.size(); ++k) {
    if (wv.done[k] == 0) return false;
    ChunkResult& r = wv.res[k];
    info.total += r.counts;
    if (r.reused) {
      ++info.chunks_reused;
    } else {
      info.session += r.counts;
      ++info.chunks_computed;
    }
    if (!r.note.empty() && info.notes.size() < 8 &&
        std::find(info.notes.begin(), info.notes.end(), r.note) == info.notes.end())
      info.notes.push_back(r.note);
    sink(r);
    r = ChunkResult{};  // free the designs early
  }
  return true;
}

}  // namespace

DseRunInfo run_dse(const DseWorkload& w, const DseSpec& s, const DseOptions& opt,
                   const ChunkSink& sink) {
  validate(s);
  const auto t0 = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  Context ctx(w, s);
  setup(ctx, s, opt);
  DseRunInfo info;
  info.chunks_total = ctx.n_chunks;
  tbb::task_arena arena(opt.threads > 0 ? opt.threads : tbb::task_arena::automatic);
  info.threads = arena.max_concurrency();
  StoreRun sr;
  sr.store = opt.store;
  std::pair<std::int64_t, std::int64_t> lost{0, 0};
  ChunkTransport* remote =
      opt.transport != nullptr && opt.transport->workers() > 0 ? opt.transport : nullptr;
  if (sr.store != nullptr) {
    info.stale_runs = runs_of_other_format(*sr.store, "dse", kDseStoreFormat);
    const auto run = sr.store->open_run("dse", dse_run_config(w, s));
    sr.id = run.id;
    info.run_hash = run.hash;
    if (!run.created && sr.store->count(sr.id) > 0) sr.stored = sr.store->keys(sr.id);
    lost = under_way(*sr.store, sr.id);
  }
  const std::function<bool()> stopping = [&] { return opt.stop_requested && opt.stop_requested(); };
  std::int64_t wave = std::max<std::int64_t>(16, 4 * info.threads);
  if (remote != nullptr) wave = std::max<std::int64_t>(wave, 16 * remote->workers());
  double last_progress = 0;
  std::int64_t next = 0;
  while (next < ctx.n_chunks) {
    if (stopping()) {
      info.interrupted = true;
      break;
    }
    const auto wave_start = seconds();
    const std::int64_t end = std::min(ctx.n_chunks, next + wave);
    Wave wv = load_wave(ctx, sr, next, end);
    if (sr.store != nullptr && !wv.todo.empty())
      sr.store->set_meta(sr.id, "under_way", fmt::format("{}:{}", next, end));
    if (remote != nullptr) compute_remote(ctx, wv, *remote, stopping);
    if (remote == nullptr)
      arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, wv.todo.size(), 1),
                          [&](const tbb::blocked_range<std::size_t>& r) {
                            for (std::size_t i = r.begin(); i != r.end(); ++i) {
                              if (stopping()) return;
                              const std::size_t k = wv.todo[i];
                              wv.res[k] = evaluate_chunk(ctx, next + static_cast<std::int64_t>(k));
                              wv.done[k] = 1;
                            }
                          });
      });
    store_wave(sr, wv);
    for (std::size_t k : wv.todo) {
      const std::int64_t index = next + static_cast<std::int64_t>(k);
      if (wv.done[k] != 0 && wv.res[k].counts.analyses > 0 && index >= lost.first &&
          index < lost.second)
        ++info.chunks_recomputed;
    }
    if (!deliver_wave(wv, info, sink)) {
      info.interrupted = true;
      break;
    }
    next = end;
    const double now = seconds();
    if (opt.progress &&
        (now - last_progress >= opt.progress_interval_seconds || next == ctx.n_chunks)) {
      last_progress = now;
      opt.progress(DseProgress{next, ctx.n_chunks, info.total, now});
    }
    // Waves of about half a second: short enough to stop quickly, long enough to keep every
    // thread busy.
    const double took = now - wave_start;
    if (took < 0.25 && wave < (1 << 16)) wave *= 2;
    if (took > 1.0 && wave > 4 * info.threads) wave /= 2;
  }
  if (sr.store != nullptr && !info.interrupted) sr.store->set_meta(sr.id, "complete", "1");
  info.wall_seconds = seconds();
  info.analyses_run = ctx.analyses_run.load();
  if (ctx.tiles) info.analyses_run = ctx.tiles->searches_run();
  if (remote != nullptr) {
    // The workers' threads; their analyses are not reported back: the analyses the designs
    // need stand in for those run (an upper bound).
    info.threads = std::max(1, remote->worker_threads());
    info.analyses_run = info.session.analyses;
  }
  return info;
}

void serve_dse(const DseWorkload& w, const DseSpec& s, const DseOptions& opt,
               ChunkTransport& transport) {
  validate(s);
  Context ctx(w, s);
  setup(ctx, s, opt);
  transport.serve([&](std::int64_t index) { return encode_chunk(evaluate_chunk(ctx, index)); },
                  opt.threads);
}

DesignDetail evaluate_design(const DseWorkload& w, const DseSpec& s, const DseDesignPoint& p) {
  DesignDetail out;
  const auto dfs = prepare_dataflows(w, s);
  if (p.dataflow < 0 || static_cast<std::size_t>(p.dataflow) >= dfs.size())
    throw InternalError("evaluate_design: dataflow index out of range");
  const auto& df = dfs[static_cast<std::size_t>(p.dataflow)];
  arch::Core core = design_core(s, p.pes, p.vector_width, p.noc_bw);
  const cost::DirectiveHardware hw = cost::directive_hardware(core);
  cost::DirectiveOptions opt;
  opt.maestro_compat = s.maestro_compat;
  core.l1_bytes = p.l1_bytes;
  core.l2_bytes = p.l2_bytes;
  auto& m = out.metrics;
  std::vector<BoundDirective> bound;
  try {
    for (std::size_t l = 0; l < w.layers.size(); ++l) {
      const DseLayer& dl = w.layers[l];
      auto why = bind_design(df.layers[l], dl, s, p.map_sizes, p.pes, bound);
      if (!why && !s.search_tiles) why = check_cluster_capacity(bound, p.pes);
      if (why) {
        out.illegal_reason = why->text();
        return out;
      }
      cost::LayerCost lc;
      if (s.search_tiles) {
        // The budgets of the point when the buffers are swept (`exact`: none).
        auto t = tile_layer_cost(dl, *df.layers[l].style, s, p.pes, p.vector_width, p.noc_bw,
                                 s.l1_bytes ? budget_elements(p.l1_bytes, s.precision_bits) : 0,
                                 s.l2_bytes ? budget_elements(p.l2_bytes, s.precision_bits) : 0);
        if (!t.feasible) {
          out.illegal_reason = dl.name + ": " + t.why;
          return out;
        }
        lc = t.cost;
      } else {
        cost::DirectiveResult r = cost::analyze_directives(dl.problem, bound, hw, opt);
        if (dl.useful_macs) r.macs = *dl.useful_macs;
        lc = cost::to_layer_cost(r, dl.problem, core, s.technology, s.maestro_compat);
        lc.latency_cycles = std::max(1.0, static_cast<double>(r.top.runtime));
      }
      const double n = static_cast<double>(dl.count);
      m.latency_cycles += n * lc.latency_cycles;
      add_energy(lc, dl.count, m.energy_pj, m.energy_breakdown_pj, m.macs);
      m.l1_required_bytes =
          std::max(m.l1_required_bytes, bytes_of(lc.l1_required_elements, s.precision_bits));
      m.l2_required_bytes =
          std::max(m.l2_required_bytes, bytes_of(lc.l2_required_elements, s.precision_bits));
      out.layer_names.push_back(dl.name);
      out.layers.push_back(lc);
    }
  } catch (const UserError& e) {  // a mapping the analysis itself rejects
    out.illegal_reason = e.what();
    return out;
  }
  const auto ap =
      arch::area_power(s.technology, p.pes, p.vector_width, p.noc_bw, p.l1_bytes, p.l2_bytes);
  m.area_um2 = ap.area_um2;
  m.power_mw = ap.power_mw;
  out.valid = fits(s, ap) && p.l1_bytes >= m.l1_required_bytes && p.l2_bytes >= m.l2_required_bytes;
  return out;
}

}  // namespace mosaic::search

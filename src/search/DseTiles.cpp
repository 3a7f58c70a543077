#include "search/DseTiles.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include <tbb/concurrent_hash_map.h>

#include "arch/Core.h"
#include "arch/Technology.h"
#include "common/Hash.h"
#include "cost/CoreHardware.h"
#include "cost/DirectiveAnalysis.h"
#include "cost/MaestroNetwork.h"
#include "mapper/DirectiveMapper.h"

namespace mosaic::search {

namespace {

std::int64_t bytes_of(double elements, int bits) {
  const auto e = static_cast<std::int64_t>(std::llround(elements));
  return (e * bits + 7) / 8;
}

bool fits(const DseSpec& s, const arch::AreaPower& ap) {
  return ap.area_um2 <= s.area_budget_um2 && ap.power_mw <= s.power_budget_mw;
}

// What the sweep keeps of a layer's cost (the memo's value).
struct LayerSummary {
  bool feasible = false, no_legal = false;
  std::string why;
  double latency = 0, energy = 0;
  std::array<double, 5> breakdown{};  // MAC, L1, L2, DRAM, NoC
  std::int64_t macs = 0;
  double l1_elements = 0, l2_elements = 0;
};

LayerSummary summarise(const TileLayerCost& t) {
  LayerSummary s;
  s.feasible = t.feasible;
  s.no_legal = t.no_legal;
  s.why = t.why;
  if (!t.feasible) return s;
  const cost::LayerCost& lc = t.cost;
  s.latency = lc.latency_cycles;
  s.energy = lc.energy_pj;
  s.breakdown = {lc.mac_energy_pj, lc.level_energy_pj("L1"), lc.level_energy_pj("L2"),
                 lc.level_energy_pj("DRAM"), lc.noc_energy_pj};
  s.macs = lc.macs;
  s.l1_elements = lc.l1_required_elements;
  s.l2_elements = lc.l2_required_elements;
  return s;
}

struct MemoKey {
  int df = 0, shape = 0;
  std::int64_t pes = 0, vw = 0, bw = 0, l1 = 0, l2 = 0;
  bool operator==(const MemoKey&) const = default;
};
struct MemoHash {
  static std::size_t hash(const MemoKey& k) {
    std::uint64_t h = kFnv1a64OffsetBasis;
    for (auto v : {static_cast<std::int64_t>(k.df), static_cast<std::int64_t>(k.shape), k.pes, k.vw,
                   k.bw, k.l1, k.l2})
      h = fnv1a64_word(h, static_cast<std::uint64_t>(v));
    return static_cast<std::size_t>(h);
  }
  static bool equal(const MemoKey& a, const MemoKey& b) { return a == b; }
};
constexpr std::int64_t kMaxMemoEntries = 2'000'000;

// The whole workload at one design point.
struct PointEval {
  bool feasible = true, illegal = false;
  std::string why;
  double latency = 0, energy = 0;
  std::array<double, 5> breakdown{};
  std::int64_t macs = 0, l1_req = 0, l2_req = 0;  // bytes
};

}  // namespace

class TileMemo {
 public:
  tbb::concurrent_hash_map<MemoKey, LayerSummary, MemoHash> map;
  std::atomic<std::int64_t> size{0};
};

std::int64_t budget_elements(std::int64_t bytes, int bits) {
  return bytes * 8 / bits;
}

TileLayerCost tile_layer_cost(const DseLayer& dl, const dataflow::Dataflow& style, const DseSpec& s,
                              std::int64_t pes, std::int64_t vw, std::int64_t bw,
                              std::int64_t l1_budget, std::int64_t l2_budget) {
  TileLayerCost out;
  mapper::DirectiveMapperOptions mo = mapper::mapper_options(design_core(s, pes, vw, bw));
  mo.l1_elements = l1_budget;
  mo.l2_elements = l2_budget;
  mo.objective = *s.search_tiles;
  const auto mr = mapper::map_directives(dl.problem, style, mo, s.technology);
  out.mapper_evaluated = mr.evaluated;
  if (!mr.feasible) {
    out.no_legal = mr.candidates == 0;
    out.why = mr.why;
    return out;
  }
  // The chosen mapping analysed as the DSE (and eval) analyses a written one.
  const arch::Core core = design_core(s, pes, vw, bw);
  cost::DirectiveResult r =
      cost::analyze_directives(dl.problem, mr.best.directives, cost::directive_hardware(core), {});
  if (dl.useful_macs) r.macs = *dl.useful_macs;
  out.cost = cost::to_layer_cost(r, dl.problem, core, s.technology, false);
  out.cost.latency_cycles = std::max(1.0, static_cast<double>(r.top.runtime));
  out.feasible = true;
  return out;
}

TileSearch::TileSearch(const DseWorkload& w, const DseSpec& s,
                       const std::vector<PreparedDataflow>& dfs)
    : w_(w), s_(s), dfs_(dfs), memo_(std::make_unique<TileMemo>()) {
  // Layers with the same problem and the same style share their searches.
  shape_.resize(dfs.size());
  for (std::size_t d = 0; d < dfs.size(); ++d) {
    auto& sh = shape_[d];
    for (std::size_t l = 0; l < w.layers.size(); ++l) {
      const auto& p = w.layers[l].problem;
      int first = static_cast<int>(l);
      for (std::size_t m = 0; m < l; ++m) {
        const auto& q = w.layers[m].problem;
        if (p.type == q.type && p.size == q.size && p.stride == q.stride && p.batch == q.batch &&
            w.layers[m].useful_macs == w.layers[l].useful_macs &&
            dfs[d].layers[m].dataflow_text == dfs[d].layers[l].dataflow_text) {
          first = static_cast<int>(m);
          break;
        }
      }
      sh.push_back(first);
    }
  }
}

TileSearch::~TileSearch() = default;

namespace {

struct Lookup {
  const DseWorkload& w;
  const DseSpec& s;
  const PreparedDataflow& df;
  const std::vector<int>& shape;
  TileMemo& memo;
  std::atomic<std::int64_t>& runs;
  int d = 0;

  LayerSummary exact(std::size_t l, const MemoKey& key) const {
    {
      decltype(memo.map)::const_accessor a;
      if (memo.map.find(a, key)) return a->second;
    }
    const auto& pl = df.layers[l];
    LayerSummary v = summarise(
        tile_layer_cost(w.layers[l], *pl.style, s, key.pes, key.vw, key.bw, key.l1, key.l2));
    runs.fetch_add(1, std::memory_order_relaxed);
    if (memo.size.load(std::memory_order_relaxed) < kMaxMemoEntries) {
      decltype(memo.map)::accessor a;
      if (memo.map.insert(a, key)) {
        memo.size.fetch_add(1, std::memory_order_relaxed);
        a->second = v;
      }
    }
    return v;
  }

  // The layer under budgets (elements, 0 = none), with the unbudgeted shortcut.
  LayerSummary get(std::size_t l, std::int64_t pes, std::int64_t vw, std::int64_t bw,
                   std::int64_t l1, std::int64_t l2) const {
    MemoKey key{d, shape[l], pes, vw, bw, 0, 0};
    LayerSummary free = exact(l, key);  // not const: returned by move
    if (!free.feasible) return free;    // no legal mapping at all
    const bool l1_ok = l1 == 0 || free.l1_elements <= static_cast<double>(l1);
    const bool l2_ok = l2 == 0 || free.l2_elements <= static_cast<double>(l2);
    if (l1_ok && l2_ok) return free;
    key.l1 = l1;
    key.l2 = l2;
    return exact(l, key);
  }

  PointEval workload(std::int64_t pes, std::int64_t vw, std::int64_t bw, std::int64_t l1,
                     std::int64_t l2) const {
    PointEval e;
    for (std::size_t l = 0; l < w.layers.size(); ++l) {
      const LayerSummary v = get(l, pes, vw, bw, l1, l2);
      if (!v.feasible) {
        e.feasible = false;
        e.illegal = v.no_legal;
        e.why = w.layers[l].name + ": " + v.why;
        return e;
      }
      const double n = static_cast<double>(w.layers[l].count);
      e.latency += n * v.latency;
      e.energy += n * v.energy;
      for (std::size_t k = 0; k < e.breakdown.size(); ++k) e.breakdown[k] += n * v.breakdown[k];
      e.macs += w.layers[l].count * v.macs;
      e.l1_req = std::max(e.l1_req, bytes_of(v.l1_elements, s.precision_bits));
      e.l2_req = std::max(e.l2_req, bytes_of(v.l2_elements, s.precision_bits));
    }
    return e;
  }
};

}  // namespace

ChunkResult TileSearch::evaluate_chunk(std::int64_t index, int d, std::int64_t pes,
                                       std::int64_t vw) const {
  const DseSpec& s = s_;
  ChunkResult cr;
  cr.index = index;
  const auto& pdf = dfs_[static_cast<std::size_t>(d)];
  const std::int64_t n_bw = s.noc_bw.count();
  const std::int64_t n1 = s.l1_bytes ? s.l1_bytes->count() : 1;
  const std::int64_t n2 = s.l2_bytes ? s.l2_bytes->count() : 1;
  cr.counts.explored = n_bw * n1 * n2;
  for (const auto& pl : pdf.layers)
    if (pl.illegal) {  // the style as written breaks a rule: every design is illegal
      cr.counts.illegal = cr.counts.explored;
      cr.note = pl.illegal->text();
      return cr;
    }
  const Lookup look{w_, s, pdf, shape_[static_cast<std::size_t>(d)], *memo_, searches_run_, d};
  const bool mono = s.technology.bus_c1 * static_cast<double>(pes) + s.technology.bus_c0 >= 0;
  const bool both_swept = s.l1_bytes && s.l2_bytes;
  const std::int64_t l1_min = s.l1_bytes ? s.l1_bytes->front() : 0;
  const std::int64_t l2_min = s.l2_bytes ? s.l2_bytes->front() : 0;
  const auto layers = static_cast<std::int64_t>(w_.layers.size());
  for (std::int64_t b = 0; b < n_bw; ++b) {
    const std::int64_t bw = s.noc_bw.values[static_cast<std::size_t>(b)];
    if (!fits(s, arch::area_power(s.technology, pes, vw, bw, l1_min, l2_min))) {
      // The smallest design at this bandwidth breaks a budget (and every wider one, when the bus
      // cost grows with the bandwidth).
      if (mono) {
        cr.counts.skipped += (n_bw - b) * n1 * n2;
        break;
      }
      cr.counts.skipped += n1 * n2;
      continue;
    }
    for (std::int64_t a = 0; a < n1; ++a) {
      bool first_l2_failed = false;
      for (std::int64_t c = 0; c < n2; ++c) {
        const std::int64_t l1 = s.l1_bytes ? s.l1_bytes->values[static_cast<std::size_t>(a)] : 0;
        const std::int64_t l2 = s.l2_bytes ? s.l2_bytes->values[static_cast<std::size_t>(c)] : 0;
        const PointEval e =
            look.workload(pes, vw, bw, l1 > 0 ? budget_elements(l1, s.precision_bits) : 0,
                          l2 > 0 ? budget_elements(l2, s.precision_bits) : 0);
        cr.counts.analyses += layers;
        if (!e.feasible) {
          if (e.illegal) {
            ++cr.counts.illegal;
            if (cr.note.empty()) cr.note = e.why;
          } else {
            ++cr.counts.skipped;  // the buffers hold no mapping of the style
          }
          continue;
        }
        DesignRecord rec;
        rec.point.dataflow = d;
        rec.point.pes = pes;
        rec.point.vector_width = vw;
        rec.point.noc_bw = bw;
        rec.point.l1_bytes = s.l1_bytes ? l1 : e.l1_req;
        rec.point.l2_bytes = s.l2_bytes ? l2 : e.l2_req;
        const auto ap =
            arch::area_power(s.technology, pes, vw, bw, rec.point.l1_bytes, rec.point.l2_bytes);
        auto& m = rec.metrics;
        m.latency_cycles = e.latency;
        m.energy_pj = e.energy;
        m.energy_breakdown_pj = e.breakdown;
        m.area_um2 = ap.area_um2;
        m.power_mw = ap.power_mw;
        m.macs = e.macs;
        m.l1_required_bytes = e.l1_req;
        m.l2_required_bytes = e.l2_req;
        rec.valid = fits(s, ap);
        ++cr.counts.evaluated;
        cr.designs.push_back(rec);
        if (rec.valid) {
          ++cr.counts.valid;
          continue;
        }
        if (!both_swept) continue;  // an `exact` buffer follows the mapping: not monotone
        cr.counts.skipped += n2 - c - 1;
        first_l2_failed = c == 0;
        break;
      }
      if (first_l2_failed) {
        cr.counts.skipped += (n1 - a - 1) * n2;
        break;
      }
    }
  }
  return cr;
}

}  // namespace mosaic::search

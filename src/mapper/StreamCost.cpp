#include "mapper/StreamCost.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "common/Error.h"
#include "cost/LoopNestModel.h"
#include "cost/LoopNestProblem.h"
#include "dataflow/LoopNestMapping.h"
#include "mapper/Loma.h"

namespace mosaic::mapper {

namespace {

using workload::EinsumLayer;

std::string mem_op_of(const std::string& layer_op) {
  for (const auto& l : dataflow::default_links())
    if (l.layer_operand == layer_op) return l.memory_operand;
  return "";
}
std::string layer_op_of(const EinsumLayer& t, const std::string& mem_op) {
  for (const auto& l : dataflow::default_links())
    if (l.memory_operand == mem_op)
      for (const auto& o : t.operands)
        if (o.name == l.layer_operand) return o.name;
  return "";
}

// ZigZag's operand_size_bit of a layer: elements of the operand's tensor times its precision
// (partial-sum precision for the output).
double operand_size_bits(const EinsumLayer& t, const std::string& op) {
  double elems = 1;
  for (const auto& o : t.operands) {
    if (o.name != op) continue;
    for (const auto& d : o.dims) {
      bool rel = false;
      for (const auto& r : t.relations) {
        if (r.dim != d) continue;
        rel = true;
        double s = static_cast<double>(r.coef_a * (workload::dim_size(t, r.dim_a) - 1) +
                                       r.coef_b * (workload::dim_size(t, r.dim_b) - 1) + 1);
        for (std::size_t i = 0; i < t.pr_dims.size() && i < t.pr_sizes.size(); ++i)
          if (t.pr_dims[i] == d) s = std::min(s, static_cast<double>(t.pr_sizes[i]));
        elems *= s;
      }
      if (!rel) elems *= static_cast<double>(workload::dim_size(t, d));
    }
  }
  return elems * std::max(0, workload::precision_of(t, op));
}

// Stream's check_core_capacity_for_node.
std::vector<std::string> too_large_operands(const EinsumLayer& t,
                                            const arch::LoopNestHardware& core, bool alone) {
  std::vector<std::string> out;
  if (alone) {
    // Stream returns node.memory_operand_links.mem_operands: every ComputationNode carries the
    // links {I: I1, W: I2, O: O} in that order. The order matters: it is the order of the
    // off-chip level's operands, hence of its port's functions, and ZigZag's loading-phase
    // reduce_balanced treats equal loading times in port order.
    for (const char* m : {"I1", "I2", "O"})
      for (const auto& o : t.operands)
        if (mem_op_of(o.name) == m) out.push_back(m);
    return out;
  }
  std::vector<int> tops;
  for (const char* op : {"O", "I2", "I1"}) {
    const int m = arch::top_memory_of(core, op);
    if (m >= 0 && std::find(tops.begin(), tops.end(), m) == tops.end()) tops.push_back(m);
  }
  for (int m : tops) {
    const auto& mem = core.memories[static_cast<std::size_t>(m)];
    std::vector<std::pair<std::string, double>> bits;
    for (const auto& mo : mem.operands) {
      if (arch::top_memory_of(core, mo) != m) continue;
      const auto lo = layer_op_of(t, mo);
      if (!lo.empty()) bits.emplace_back(mo, operand_size_bits(t, lo));
    }
    double total = 0;
    for (const auto& b : bits) total += b.second;
    const double cap = static_cast<double>(mem.size_bits);
    if (cap >= total) continue;
    std::stable_sort(bits.begin(), bits.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
    int n = static_cast<int>(bits.size());
    auto prefix = [&](int k) {
      double s = 0;
      for (int i = 0; i < k; ++i) s += bits[static_cast<std::size_t>(i)].second;
      return s;
    };
    while (n > 0 && cap < prefix(n)) --n;
    auto required = [&](int k) {
      double s = 0;
      for (std::size_t i = static_cast<std::size_t>(k); i < bits.size(); ++i) {
        const auto lv = arch::levels_of(core, bits[i].first);
        const auto& low = core.memories[static_cast<std::size_t>(lv.front())];
        s += static_cast<double>(low.size_bits) *
             static_cast<double>(arch::instance_count(core, low));
      }
      return std::round(s);
    };
    if (n > 0 && n < static_cast<int>(bits.size())) {
      while (cap - prefix(n) < required(n)) {
        --n;
        if (n == 0) break;
      }
    }
    for (std::size_t i = static_cast<std::size_t>(n); i < bits.size(); ++i)
      out.push_back(bits[i].first);
  }
  return out;
}

arch::LoopNestHardware with_dram(const arch::StreamAccelerator& acc,
                                 const arch::LoopNestHardware& core,
                                 const std::vector<std::string>& ops) {
  arch::LoopNestHardware hw = core;
  if (ops.empty()) return hw;
  arch::MemoryLevel dram = acc.offchip_hw().memories.front();
  dram.operands = ops;
  std::vector<arch::PortAllocation> al;
  for (const auto& a : dram.allocations)
    if (std::find(ops.begin(), ops.end(), a.operand) != ops.end()) al.push_back(a);
  dram.allocations = al;
  std::vector<std::string> served;
  for (const auto& d : dram.served_dims)
    if (arch::array_dim_index(hw.array, d) >= 0) served.push_back(d);
  dram.served_dims = served;
  hw.memories.push_back(dram);
  return hw;
}

std::vector<std::int64_t> divisors_desc(std::int64_t n) {
  std::vector<std::int64_t> d;
  for (std::int64_t i = n; i >= 1; --i)
    if (n % i == 0) d.push_back(i);
  return d;
}

bool irrelevant(const EinsumLayer& t, const std::string& op, const std::string& dim) {
  for (const auto& o : t.operands) {
    if (o.name != op) continue;
    for (const auto& d : o.dims) {
      if (d == dim) return false;
      for (const auto& r : t.relations)
        if (r.dim == d && (r.dim_a == dim || r.dim_b == dim)) return false;
    }
  }
  return true;
}

using UnrollingCandidate = std::vector<dataflow::ArrayDimUnrolling>;

// ZigZag 3.8.2's SpatialMappingGeneratorStage without user mapping, mixing or diagonal mapping.
std::vector<UnrollingCandidate> generate_spatial(const EinsumLayer& t,
                                                 const arch::LoopNestHardware& hw, int keep) {
  const auto& arr = hw.array;
  const std::size_t na = arr.dims.size();
  std::vector<std::vector<std::int64_t>> maxu(na, std::vector<std::int64_t>(t.dims.size()));
  for (std::size_t a = 0; a < na; ++a)
    for (std::size_t d = 0; d < t.dims.size(); ++d) maxu[a][d] = std::min(t.sizes[d], arr.sizes[a]);
  // Limit by the innermost memories' bandwidth.
  for (std::size_t m = 0; m < hw.memories.size(); ++m) {
    const auto& mem = hw.memories[m];
    bool inner = true;
    for (const auto& mo : mem.operands) {
      const auto lv = arch::levels_of(hw, mo);
      if (lv.empty() || lv.front() != static_cast<int>(m)) inner = false;
    }
    if (!inner) continue;
    for (const auto& mo : mem.operands) {
      const auto lo = layer_op_of(t, mo);
      if (lo.empty()) continue;
      const bool out = lo == t.operands.front().name;
      const int port =
          arch::port_of(mem, mo, out ? arch::DataDir::WrInByLow : arch::DataDir::RdOutToLow);
      const double bw =
          port < 0 ? 0 : static_cast<double>(mem.ports[static_cast<std::size_t>(port)].bw_max_bits);
      const int prec = workload::precision_of(t, lo);
      for (const auto& sd : mem.served_dims) {
        const int a = arch::array_dim_index(arr, sd);
        if (a < 0) continue;
        for (std::size_t d = 0; d < t.dims.size(); ++d) {
          if (irrelevant(t, lo, t.dims[d])) continue;
          auto& u = maxu[static_cast<std::size_t>(a)][d];
          const auto mc = prec > 0 ? static_cast<std::int64_t>(std::floor(bw / prec)) : u;
          if (mc < u) u = mc;
        }
      }
    }
  }
  std::vector<std::vector<std::pair<int, std::int64_t>>> per_oa(na);
  std::vector<std::size_t> dim_order(t.dims.size());
  std::iota(dim_order.begin(), dim_order.end(), 0);
  for (std::size_t a = 0; a < na; ++a)
    for (std::size_t d : dim_order)
      for (auto f : divisors_desc(std::max<std::int64_t>(1, maxu[a][d])))
        per_oa[a].emplace_back(static_cast<int>(d), f);
  struct Scored {
    std::vector<std::pair<int, std::int64_t>> pick;
    double indicator;
  };
  std::vector<Scored> all;
  std::vector<std::size_t> idx(na, 0);
  if (na == 0) return {UnrollingCandidate{}};
  while (true) {
    std::vector<std::int64_t> total(t.dims.size(), 1);
    std::vector<std::pair<int, std::int64_t>> pick;
    for (std::size_t a = 0; a < na; ++a) {
      pick.push_back(per_oa[a][idx[a]]);
      total[static_cast<std::size_t>(pick.back().first)] *= pick.back().second;
    }
    bool ok = true;
    for (std::size_t d = 0; d < t.dims.size(); ++d)
      if (total[d] > t.sizes[d]) ok = false;
    if (ok) {
      double hw_util = 1;
      for (const auto& p : pick) hw_util *= static_cast<double>(p.second);
      double mx = 0;
      for (const auto& p : pick)
        mx = std::max(mx, static_cast<double>(total[static_cast<std::size_t>(p.first)]));
      all.push_back({pick, hw_util + (hw_util / mx - 1)});
    }
    // itertools.product order: the last array dimension varies fastest.
    std::size_t a = na;
    while (a > 0 && ++idx[a - 1] == per_oa[a - 1].size()) idx[--a] = 0;
    if (a == 0) break;
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Scored& x, const Scored& y) { return x.indicator > y.indicator; });
  std::vector<UnrollingCandidate> out;
  for (std::size_t i = 0; i < all.size() && static_cast<int>(i) < keep; ++i) {
    UnrollingCandidate c;
    for (std::size_t a = 0; a < na; ++a) {
      dataflow::ArrayDimUnrolling u;
      u.array_dim = arr.dims[a];
      u.unrolls.push_back(
          {t.dims[static_cast<std::size_t>(all[i].pick[a].first)], all[i].pick[a].second});
      c.push_back(u);
    }
    out.push_back(c);
  }
  return out;
}

std::string render(const UnrollingCandidate& c) {
  std::string s;
  for (const auto& a : c) {
    if (!s.empty()) s += " | ";
    s += a.array_dim + ":";
    for (const auto& u : a.unrolls) s += fmt::format(" {} {}", u.dim, u.factor);
  }
  return s;
}

struct DramObjective {
  bool has_dram = false;
  std::vector<int> ops_with_dram;  // layer operand indices of the problem
  double total_bw = 0;
  int parallel = 1;
  int output_op = 0;
  std::vector<std::string> mem_op;  // per problem operand
  int broadcast_rank(int op) const {
    const std::string& m = mem_op[static_cast<std::size_t>(op)];
    return m == "I1" ? 0 : m == "I2" ? 1 : 2;
  }
  double used(const cost::LoopNestResult& r, int op) const {
    // ZigZag's get_inst_bandwidth: the top level's instantaneous bandwidth during computation
    // plus the bandwidth the operand's loading phase borrows from it (the output included).
    double s = r.top_loading_bw_bits[static_cast<std::size_t>(op)];
    for (double v : r.top_inst_bw_bits[static_cast<std::size_t>(op)]) s += v;
    return s;
  }
  double operator()(const cost::LoopNestResult& r) const {
    const double lat = std::trunc(r.latency_cycles);
    if (!has_dram || total_bw <= 0) return lat;
    double bw = 0;
    if (ops_with_dram.size() == 1) {
      bw = parallel * used(r, ops_with_dram[0]);
    } else {
      // Stream broadcasts "the first non-output operand" of ZigZag's memory operand set, whose
      // iteration order (fixed by ZigZag's SHA-512 operand hashes) is O, I1, I2.
      int bc = -1;
      for (int o : ops_with_dram)
        if (o != output_op && (bc < 0 || broadcast_rank(o) < broadcast_rank(bc))) bc = o;
      bw = used(r, bc);
      for (int o : ops_with_dram)
        if (o != bc) bw += parallel * used(r, o);
    }
    return std::ceil(bw / total_bw) * lat;
  }
};

}  // namespace

std::string tile_shape_key(const EinsumLayer& t) {
  std::string k = t.op_type + "|" + t.equation + "|";
  for (std::size_t i = 0; i < t.dims.size(); ++i) k += fmt::format("{}={},", t.dims[i], t.sizes[i]);
  for (const auto& r : t.relations)
    k += fmt::format("{}={}*{}+{}*{},", r.dim, r.coef_a, r.dim_a, r.coef_b, r.dim_b);
  for (const auto& [op, b] : t.precision_bits) k += fmt::format("{}:{},", op, b);
  for (std::size_t i = 0; i < t.pr_dims.size() && i < t.pr_sizes.size(); ++i)
    k += fmt::format("{}<{},", t.pr_dims[i], t.pr_sizes[i]);
  return k;
}

StreamCnCost cost_stream_cn(const EinsumLayer& tile, const arch::StreamAccelerator& acc,
                            int core_id, bool alone, int parallel, const StreamCostOptions& opt) {
  StreamCnCost out;
  const arch::Core& core = acc.core(core_id);
  const arch::LoopNestHardware& core_hw = *core.loop_nest;
  if (arch::total_units(core_hw.array) == 0) return out;
  out.too_large = too_large_operands(tile, core_hw, alone);
  const auto hw = with_dram(acc, core_hw, out.too_large);
  DramObjective obj;
  obj.has_dram = !out.too_large.empty();
  obj.parallel = parallel;
  // A core's `dataflows` replace the generated spatial mappings (Stream's
  // ZigZagCoreMappingEstimationStage); ZigZag then only legalizes them.
  const auto cands = core.fixed_spatial.empty()
                         ? generate_spatial(tile, hw, opt.spatial_candidates)
                         : std::vector<UnrollingCandidate>{core.fixed_spatial};
  bool found = false;
  double best_obj = 0;
  cost::LoopNestResult best;
  cost::LoopNestProblem best_p;
  for (const auto& c : cands) {
    dataflow::LoopNestMappingEntry e;
    e.name = "default";
    e.has_spatial = true;
    e.spatial = c;
    e.links = dataflow::default_links();
    const auto p = cost::compile_problem(tile, hw, e);
    if (obj.has_dram && obj.ops_with_dram.empty()) {
      int mx = 0;
      for (const auto& o : p.ops) mx = std::max(mx, o.num_mem);
      for (std::size_t oi = 0; oi < p.ops.size(); ++oi)
        if (p.ops[oi].num_mem == mx) obj.ops_with_dram.push_back(static_cast<int>(oi));
      const auto& dram = hw.memories.back();
      for (const auto& port : dram.ports)
        obj.total_bw = std::max(obj.total_bw, static_cast<double>(port.bw_max_bits));
      obj.output_op = 0;
      for (const auto& o : p.ops) obj.mem_op.push_back(o.mem_operand);
    }
    const auto lpfs = loop_prime_factors(p, opt.lpf_limit);
    cost::LnTemporalMapping tm;
    auto consider = [&](const Lpf* order, int n) {
      if (!allocate(p, order, n, tm)) return;
      const auto r = cost::evaluate(p, tm);
      ++out.evaluations;
      const double v = obj(r);
      if (!found || v < best_obj) {
        found = true;
        best_obj = v;
        best = r;
        best_p = p;
        out.spatial = render(c);
      }
    };
    if (lpfs.empty()) {
      consider(nullptr, 0);
      continue;
    }
    for_each_permutation(p, lpfs, [&](const std::vector<Lpf>& order) {
      if (!satisfies_constraints(p, order)) return true;
      consider(order.data(), static_cast<int>(order.size()));
      return true;
    });
  }
  if (!found)
    throw UserError(fmt::format("layer '{}' fits no temporal mapping on core {} ({})", tile.name,
                                core_id, core.source_file));
  out.valid = true;
  out.runtime_cycles = best.latency_cycles;
  out.energy_pj = best.energy_pj;
  out.ideal_temporal_cycles = best.ideal_temporal_cycles;
  out.onchip_energy_pj = best.energy_pj;
  const double scaling =
      best.latency_cycles > 0 ? best.ideal_temporal_cycles / best.latency_cycles : 1;
  for (const auto& mo : out.too_large) {
    const auto lo = layer_op_of(tile, mo);
    for (std::size_t oi = 0; oi < best_p.ops.size(); ++oi) {
      if (best_p.ops[oi].name != lo) continue;
      const int top = best_p.ops[oi].num_mem - 1;
      const double e = best.levels[oi][static_cast<std::size_t>(top)].energy_pj;
      out.offchip_energy_pj += e;
      out.onchip_energy_pj -= e;
      // The direction the scheduler blocks: writes from below for the output, reads to below
      // for inputs; the loading bandwidth goes to writes from above when the DRAM holds O.
      const bool out_op = oi == 0;
      const int dir = out_op ? 1 : 0;
      double bw = std::ceil(best.top_inst_bw_bits[oi][static_cast<std::size_t>(dir)] * scaling);
      const bool dram_has_o =
          std::find(out.too_large.begin(), out.too_large.end(), "O") != out.too_large.end();
      if (!dram_has_o) bw += std::ceil(best.top_loading_bw_bits[oi] * scaling);
      out.offchip_bw_bits[mo] = bw;
    }
  }
  return out;
}

const StreamCnCost& StreamCostTable::get(const EinsumLayer& tile, int core_id, bool alone,
                                         int parallel) {
  const std::string key =
      fmt::format("{}#{}#{}#{}", tile_shape_key(tile), core_id, alone, parallel);
  auto it = table_.find(key);
  if (it != table_.end()) return it->second;
  ++misses_;
  return table_.emplace(key, cost_stream_cn(tile, acc_, core_id, alone, parallel, options_))
      .first->second;
}

}  // namespace mosaic::mapper

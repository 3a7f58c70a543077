#include "cost/LoopNestModel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "common/Error.h"
#include "cost/LoopNestEval.h"
#include "cost/LoopNestPyMath.h"

namespace mosaic::cost {

using detail::Arch;
using detail::build_mapping;
using detail::DirAttrs;
using detail::Evaluation;
using detail::MappingData;
using detail::port_bw;
using detail::RH;
using detail::RL;
using detail::Stationary;
using detail::WH;
using detail::WL;

namespace {

inline int level_begin(const std::array<int, kLnMaxMemLevels>& end, int lv) {
  return lv == 0 ? 0 : end[static_cast<std::size_t>(lv - 1)];
}

Stationary stationary(const LnOperand& o, const LnTemporalMapping& tm, int op) {
  Stationary s;
  const int M = o.num_mem;
  s.end = tm.end[static_cast<std::size_t>(op)];
  // Merge the bottom irrelevant loops of each level down to the level below, until stable.
  for (;;) {
    std::array<int, kLnMaxMemLevels> next = s.end;
    for (int L = 1; L < M; ++L) {
      int k = level_begin(s.end, L);
      const int e = s.end[static_cast<std::size_t>(L)];
      while (k < e && in_mask(o.ir, tm.order[static_cast<std::size_t>(k)].dim)) ++k;
      next[static_cast<std::size_t>(L - 1)] = k;
    }
    if (next == s.end) break;
    s.end = next;
  }
  // MAC-level stationarity: the leading irrelevant loops of level 0.
  for (int k = 0; k < s.end[0]; ++k) {
    const LnLoop& l = tm.order[static_cast<std::size_t>(k)];
    if (!in_mask(o.ir, l.dim)) break;
    s.mac_st *= l.size;
  }
  double cabl = 1;
  for (int lv = 0; lv < M; ++lv) {
    double it = 1;
    for (int k = level_begin(s.end, lv); k < s.end[static_cast<std::size_t>(lv)]; ++k)
      it *= tm.order[static_cast<std::size_t>(k)].size;
    cabl *= it;
    s.cycle_cabl[static_cast<std::size_t>(lv)] = cabl;
  }
  s.top_r.fill(1);
  s.top_ir.fill(1);
  for (int lv = 0; lv < M; ++lv) {
    const int b = level_begin(s.end, lv), e = s.end[static_cast<std::size_t>(lv)];
    for (int k = e - 1; k >= b; --k) {
      const LnLoop& l = tm.order[static_cast<std::size_t>(k)];
      if (!in_mask(o.r, l.dim)) break;
      s.top_r[static_cast<std::size_t>(lv + 1)] *= l.size;
    }
    for (int k = e - 1; k >= b; --k) {
      const LnLoop& l = tm.order[static_cast<std::size_t>(k)];
      if (!in_mask(o.ir, l.dim)) break;
      s.top_ir[static_cast<std::size_t>(lv + 1)] *= l.size;
    }
  }
  return s;
}

// Relevant / irrelevant loop-size products per arch level of a combined spatial+temporal mapping,
// with the operand's partially relevant loops decoupled (ZigZag decouple_pr_loop followed by
// gen_r_ir_loop_list). shift = false: level a = temporal(a-1) + spatial(a) (1s1t);
// shift = true: level a = temporal(a-1) + spatial(a-1), level 0 empty (1s2t).
void level_products(const LoopNestProblem& p, const LnOperand& o, const LnTemporalMapping& tm,
                    const Stationary& st, const std::array<LnLoopList, kLnMaxArch>& su, bool shift,
                    int A, Arch& r, Arch& ir, std::array<bool, kLnMaxArch>& ir_flag) {
  std::array<PrDecoupler, kLnMaxPr> dec{};
  const std::size_t npr = p.pr.size();
  auto process = [&](int a, int dim, double size) {
    if (o.has_pr && !in_mask(o.r, dim) && !in_mask(o.ir, dim)) {
      bool replaced = false;
      for (std::size_t k = 0; k < npr; ++k) {
        const LnPrDim& pr = p.pr[k];
        if (dim != pr.a && dim != pr.b) continue;
        const auto [fr, fir] = dec[k].grow(pr, dim, size);
        r[static_cast<std::size_t>(a)] *= fr;
        ir[static_cast<std::size_t>(a)] *= fir;
        if (fir > 1) ir_flag[static_cast<std::size_t>(a)] = true;
        replaced = true;
      }
      if (replaced) return;
    }
    if (in_mask(o.r_dec, dim)) r[static_cast<std::size_t>(a)] *= size;
    if (in_mask(o.ir_dec, dim)) {
      ir[static_cast<std::size_t>(a)] *= size;
      if (size > 1) ir_flag[static_cast<std::size_t>(a)] = true;
    }
  };
  for (int a = 0; a < A; ++a) {
    r[static_cast<std::size_t>(a)] = 1;
    ir[static_cast<std::size_t>(a)] = 1;
    ir_flag[static_cast<std::size_t>(a)] = false;
    if (shift && a == 0) continue;
    if (a >= 1) {
      const int lv = a - 1;
      for (int k = level_begin(st.end, lv); k < st.end[static_cast<std::size_t>(lv)]; ++k)
        process(a, tm.order[static_cast<std::size_t>(k)].dim,
                tm.order[static_cast<std::size_t>(k)].size);
    }
    const LnLoopList& s = su[static_cast<std::size_t>(shift ? a - 1 : a)];
    for (const LnLoop& l : s) process(a, l.dim, l.size);
  }
}

// Per arch level of one operand: the quantities its direction attributes are built from.
struct OperandLevels {
  std::array<bool, kLnMaxArch> psum{};        // output: partial sums at this level
  std::array<double, kLnMaxArch + 2> caal{};  // output: current-and-above irrelevant sizes
  Arch prec{}, elem_unrolled{}, bit{}, raw{}, raw2{};
  Arch cycle{}, boost{}, low{}, high{};  // transfer periods and bandwidths (attrs only)
};

// The unrolled data sizes and raw access counts of operand oi per arch level; writes its data
// sizes into md.
void operand_sizes(const LoopNestProblem& p, const LnTemporalMapping& tm, const Stationary& s,
                   std::size_t oi, bool integer, OperandLevels& q, MappingData& md) {
  const LnOperand& o = p.ops[oi];
  const int M = o.num_mem, A = M + 1;
  const auto& su = integer ? o.su_int : o.su_frac;
  const auto& unit_unique = integer ? o.unit_unique_int : o.unit_unique_frac;
  Arch r1, ir1, r2, ir2;
  std::array<bool, kLnMaxArch> flag1{}, flag2{};
  level_products(p, o, tm, s, su, false, A, r1, ir1, flag1);
  level_products(p, o, tm, s, su, true, A, r2, ir2, flag2);
  Arch r_cabl2{}, ir_cabl{}, ir_cabl2{};
  {
    double pr2 = 1, pi1 = 1, pi2 = 1;
    for (int a = 0; a < A; ++a) {
      const auto ua = static_cast<std::size_t>(a);
      pr2 *= r2[ua];
      pi1 *= ir1[ua];
      pi2 *= ir2[ua];
      r_cabl2[ua] = py::round(pr2);
      ir_cabl[ua] = pi1;
      ir_cabl2[ua] = pi2;
    }
  }
  // Output: partial-sum flags and current-and-above irrelevant sizes.
  auto& psum = q.psum;
  auto& caal = q.caal;
  if (o.is_output) {
    for (int i = 0; i < A; ++i) {
      bool any = false;
      for (int k = i + 1; k < A; ++k) any = any || flag1[static_cast<std::size_t>(k)];
      psum[static_cast<std::size_t>(i)] = any;
    }
    psum[static_cast<std::size_t>(A - 1)] = false;
    for (int a = 0; a < A; ++a) {
      double v = 1;
      for (int k = a; k < A; ++k) v *= ir1[static_cast<std::size_t>(k)];
      caal[static_cast<std::size_t>(a)] = v;
    }
    caal[static_cast<std::size_t>(A)] = 1;
    caal[static_cast<std::size_t>(A + 1)] = 1;
  }
  Arch bit_unrolled{};
  auto& prec = q.prec;
  auto& elem_unrolled = q.elem_unrolled;
  auto& bit = q.bit;
  auto& raw = q.raw;
  auto& raw2 = q.raw2;
  for (int a = 0; a < A; ++a) {
    const auto ua = static_cast<std::size_t>(a);
    prec[ua] = o.is_output ? (psum[ua] ? o.precision_bits : p.final_output_bits) : o.precision_bits;
    elem_unrolled[ua] = py::round(r_cabl2[ua]);
    bit_unrolled[ua] = elem_unrolled[ua] * prec[ua];
    bit[ua] = py::round(elem_unrolled[ua] * unit_unique[ua]) * prec[ua];
    md.data_bit_unrolled[oi][ua] = bit_unrolled[ua];
    md.effective_bit[oi][ua] = py::floordiv(bit_unrolled[ua], s.top_r[ua]);
    raw[ua] = py::round(p.total_mac / ir_cabl[ua]);
    raw2[ua] = py::round(p.total_mac / ir_cabl2[ua]);
  }
}

// Transfer periods and the low / high (boosted) bandwidths per arch level.
void transfer_rates(const LnOperand& o, const Stationary& s, const Arch& boost_sp,
                    OperandLevels& q) {
  const int M = o.num_mem, A = M + 1;
  auto& cycle = q.cycle;
  auto& boost = q.boost;
  auto& low = q.low;
  auto& high = q.high;
  const auto& elem_unrolled = q.elem_unrolled;
  const auto& prec = q.prec;
  cycle[0] = o.is_output ? 1.0 : s.mac_st;
  for (int m = 0; m < M; ++m)
    cycle[static_cast<std::size_t>(m + 1)] = s.cycle_cabl[static_cast<std::size_t>(m)];
  for (int a = 0; a < A; ++a) {
    const auto ua = static_cast<std::size_t>(a);
    boost[ua] = a < A - 1 ? boost_sp[ua] : 1.0;
    low[ua] = elem_unrolled[ua] * prec[ua] / cycle[ua];
    high[ua] = low[ua] * boost[ua];
  }
}

// The average bandwidth, period and period count of an operand's transfers at memory level um:
// `lower` with the level below (at this level's rate), `upper` with the level above (at its).
void set_timing(DirAttrs& d, int lower, int upper, const OperandLevels& q, std::size_t um,
                std::size_t un, double total_cycle) {
  d.bw_aver[lower] = py::trunc(q.high[um]);
  d.bw_aver[upper] = py::trunc(q.low[un]);
  d.period[lower] = py::trunc(q.cycle[um]);
  d.period[upper] = py::trunc(q.cycle[un]);
  d.pc[lower] = py::trunc(py::floordiv(total_cycle, q.cycle[um]));
  d.pc[upper] = py::trunc(py::floordiv(total_cycle, q.cycle[un]));
}

// An input operand's movements at memory level m: reads towards the level below, writes from
// above.
DirAttrs input_attrs(const LoopNestProblem& p, std::size_t oi, const LnOperand& o,
                     const Stationary& s, const Arch& unit_unique, const OperandLevels& q, int m,
                     double total_cycle) {
  const auto um = static_cast<std::size_t>(m);
  const auto un = static_cast<std::size_t>(m + 1);
  DirAttrs d;
  double rd_low = q.raw[um];
  if (m == 0) {
    const double bw = p.port_max[oi][0][RL];
    if (bw >= py::floordiv(q.bit[0], unit_unique[1])) rd_low = py::trunc(q.raw[0] / s.mac_st);
  }
  d.count[RL] = rd_low;
  d.count[WH] = q.raw2[un];
  d.prec[RL] = o.precision_bits;
  d.prec[WH] = o.precision_bits;
  set_timing(d, RL, WH, q, um, un, total_cycle);
  d.amount[RL] = q.elem_unrolled[um] * q.boost[um];
  d.amount[WH] = q.elem_unrolled[un];
  return d;
}

// The output's movements at memory level m: partial sums written from below and read back,
// final outputs read towards the level above.
DirAttrs output_attrs(const LoopNestProblem& p, const LnOperand& o, const OperandLevels& q, int m,
                      double total_cycle) {
  const auto um = static_cast<std::size_t>(m);
  const auto un = static_cast<std::size_t>(m + 1);
  DirAttrs d;
  d.count[WL] = q.raw[um];
  d.count[RL] = py::trunc(o.size_elem * (q.caal[un] - 1));
  d.count[RH] = q.raw2[un];
  d.count[WH] = py::trunc(o.size_elem * (q.caal[static_cast<std::size_t>(m + 2)] - 1));
  if (d.count[RL] != 0) {
    d.prec[WL] = o.precision_bits;
    d.prec[RL] = o.precision_bits;
  } else {
    d.prec[WL] = p.final_output_bits;
    d.prec[RL] = 0;
  }
  if (d.count[WH] != 0) {
    d.prec[WH] = o.precision_bits;
    d.prec[RH] = o.precision_bits;
  } else {
    d.prec[WH] = 0;
    d.prec[RH] = p.final_output_bits;
  }
  set_timing(d, WL, RH, q, um, un, total_cycle);
  d.amount[WL] = py::trunc(q.elem_unrolled[um] * q.boost[um]);
  d.amount[RH] = q.elem_unrolled[un];
  if (q.psum[um]) {
    d.bw_aver[RL] = d.bw_aver[WL];
    d.period[RL] = d.period[WL];
    d.pc[RL] = d.pc[WL];
    d.amount[RL] = d.amount[WL];
  }
  if (q.psum[un]) {
    d.bw_aver[WH] = d.bw_aver[RH];
    d.period[WH] = d.period[RH];
    d.pc[WH] = d.pc[RH];
    d.amount[WH] = d.amount[RH];
  }
  return d;
}

// Instantaneous windows; the top level moves nothing further up.
void finish_attrs(const Stationary& s, int m, int M, DirAttrs& d) {
  const auto um = static_cast<std::size_t>(m);
  const auto un = static_cast<std::size_t>(m + 1);
  const double curr = py::trunc(s.top_ir[um]);
  const double next = py::trunc(s.top_ir[un]);
  for (int dir = 0; dir < 4; ++dir) {
    const double scale = (dir == RL || dir == WL) ? curr : next;
    d.inst_window[static_cast<std::size_t>(dir)] =
        py::trunc(d.period[static_cast<std::size_t>(dir)] / scale);
  }
  if (m == M - 1) {
    for (int dir : {RH, WH}) {
      const auto ud = static_cast<std::size_t>(dir);
      d.count[ud] = d.prec[ud] = d.bw_aver[ud] = d.period[ud] = d.pc[ud] = d.amount[ud] =
          d.inst_window[ud] = 0;
    }
  }
}

}  // namespace

void detail::build_mapping(const LoopNestProblem& p, const LnTemporalMapping& tm,
                           const std::array<Stationary, kLnMaxOperands>& st, bool integer,
                           bool attrs, MappingData& md) {
  const double total_cycle = st[0].cycle_cabl[static_cast<std::size_t>(p.ops[0].num_mem - 1)];
  for (std::size_t oi = 0; oi < p.ops.size(); ++oi) {
    const LnOperand& o = p.ops[oi];
    const Stationary& s = st[oi];
    OperandLevels q;
    operand_sizes(p, tm, s, oi, integer, q, md);
    if (!attrs) continue;
    transfer_rates(o, s, integer ? o.boost_int : o.boost_frac, q);
    const auto& unit_unique = integer ? o.unit_unique_int : o.unit_unique_frac;
    for (int m = 0; m < o.num_mem; ++m) {
      DirAttrs& d = md.dm[oi][static_cast<std::size_t>(m)];
      d = o.is_output ? output_attrs(p, o, q, m, total_cycle)
                      : input_attrs(p, oi, o, s, unit_unique, q, m, total_cycle);
      finish_attrs(s, m, o.num_mem, d);
    }
  }
}

namespace {

// Memory utilization (fractional mapping) per (operand, level), alone and shared.
void memory_utilization(Evaluation& ev) {
  const LoopNestProblem& p = ev.p;
  const int nops = ev.nops;
  auto& eff_ind = ev.eff_ind;
  auto& eff_sh = ev.eff_sh;
  const auto& mf = ev.mf;
  for (int oi = 0; oi < nops; ++oi) {
    const LnOperand& o = p.ops[static_cast<std::size_t>(oi)];
    for (int m = 0; m < o.num_mem; ++m) {
      const double size =
          p.mems[static_cast<std::size_t>(o.mems[static_cast<std::size_t>(m)])].size_bits;
      eff_ind[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)] =
          mf.effective_bit[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m + 1)] / size;
    }
  }
  eff_sh = eff_ind;
  for (const auto& g : p.share_groups) {
    double sum = 0;
    for (const auto& [oi, lv] : g)
      sum += eff_ind[static_cast<std::size_t>(oi)][static_cast<std::size_t>(lv)];
    for (const auto& [oi, lv] : g)
      eff_sh[static_cast<std::size_t>(oi)][static_cast<std::size_t>(lv)] = sum;
  }
}

// ---- word accesses and energy (fractional mapping); false when the partial sum exceeds `limit`

// Word accesses and energy of operand oi at memory level m.
void level_energy(const LoopNestProblem& p, int oi, int m, const DirAttrs& d, LnLevelResult& lr) {
  const LnOperand& o = p.ops[static_cast<std::size_t>(oi)];
  for (int dir = 0; dir < 4; ++dir) {
    const auto ud = static_cast<std::size_t>(dir);
    lr.elem_moves[ud] = d.count[ud];
    double bw_max, bw_min;
    port_bw(p, oi, m, dir, bw_max, bw_min);
    const double amount = d.amount[ud], prec = d.prec[ud];
    if (bw_max < 0) {
      if (amount != 0)
        throw UserError(fmt::format(
            "memory '{}' has no port for {} direction {} but the mapping moves data there",
            p.mems[static_cast<std::size_t>(o.mems[static_cast<std::size_t>(m)])].name,
            o.mem_operand, arch::data_dir_tag(static_cast<arch::DataDir>(dir))));
      lr.word_access[ud] = 0;
      continue;
    }
    if (amount == 0 || prec == 0) {
      lr.word_access[ud] = 0;
    } else {
      lr.word_access[ud] = py::trunc(py::ceil((amount * prec) / bw_min) * (bw_min / bw_max) *
                                     d.pc[ud] * o.unit_count_frac[static_cast<std::size_t>(m + 1)]);
    }
  }
  const LnMemory& mem = p.mems[static_cast<std::size_t>(o.mems[static_cast<std::size_t>(m)])];
  const double rd_above = lr.word_access[RH] * mem.read_pj;
  const double wr_above = lr.word_access[WH] * mem.write_pj;
  const double rd_below = lr.word_access[RL] * mem.read_pj;
  const double wr_below = lr.word_access[WL] * mem.write_pj;
  lr.energy_pj = (rd_above + rd_below) + (wr_above + wr_below);
}

// Array communication energy (0 unless the hardware sets hop_energy).
double noc_energy(const Evaluation& ev) {
  const LoopNestProblem& p = ev.p;
  const auto& mf = ev.mf;
  const int nops = ev.nops;
  double noc = 0;
  for (int oi = 0; oi < nops; ++oi) {
    const LnOperand& o = p.ops[static_cast<std::size_t>(oi)];
    const int lv = std::max(o.noc_level, 0);
    const auto& c = mf.dm[static_cast<std::size_t>(oi)][static_cast<std::size_t>(lv)].count;
    double deliveries;
    if (o.noc_level >= 0)
      deliveries = o.is_output ? c[RH] + c[WH] : c[WH];
    else
      deliveries = o.is_output ? c[WL] + c[RL] : c[RL];
    noc += p.hop_energy_pj * deliveries * o.noc_hops;
  }
  return noc;
}

// Energy (fractional mapping) into ev.res; false when the partial sum exceeds `limit`.
bool compute_energy(Evaluation& ev, double limit) {
  const LoopNestProblem& p = ev.p;
  auto& res = ev.res;
  res.mac_energy_pj = p.unit_energy_pj * p.total_mac;
  double mem_energy = 0;
  for (int oi = 0; oi < ev.nops; ++oi) {
    const LnOperand& o = p.ops[static_cast<std::size_t>(oi)];
    res.num_levels[static_cast<std::size_t>(oi)] = o.num_mem;
    for (int m = 0; m < o.num_mem; ++m) {
      LnLevelResult& lr = res.levels[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)];
      level_energy(p, oi, m, ev.mf.dm[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)],
                   lr);
      mem_energy += lr.energy_pj;
      if (mem_energy + res.mac_energy_pj > limit) return false;
    }
  }
  res.mem_energy_pj = mem_energy;
  res.energy_pj = mem_energy + res.mac_energy_pj;
  if (p.hop_energy_pj > 0) {
    const double noc = noc_energy(ev);
    res.noc_energy_pj = noc;
    res.energy_pj += noc;
    if (res.energy_pj > limit) return false;
  }
  return true;
}

}  // namespace

bool evaluate_bounded(const LoopNestProblem& p, const LnTemporalMapping& tm, const LnBound& bound,
                      LoopNestResult& res) {
  res = LoopNestResult{};
  Evaluation ev(p, tm, res);
  const int nops = ev.nops;
  auto& st = ev.st;
  for (int oi = 0; oi < nops; ++oi)
    st[static_cast<std::size_t>(oi)] = stationary(p.ops[static_cast<std::size_t>(oi)], tm, oi);
  ev.total_cycle = st[0].cycle_cabl[static_cast<std::size_t>(p.ops[0].num_mem - 1)];
  MappingData& mf = ev.mf;
  const bool energy_first = bound.kind == LnBound::Energy;
  build_mapping(p, tm, st, false, energy_first || bound.kind == LnBound::None, mf);
  memory_utilization(ev);

  const double inf = std::numeric_limits<double>::infinity();
  switch (bound.kind) {
    case LnBound::None:
      compute_energy(ev, inf);
      detail::compute_latency(ev, inf);
      return true;
    case LnBound::Latency:
      if (!detail::compute_latency(ev, bound.latency)) return false;
      build_mapping(p, tm, st, false, true, mf);
      return compute_energy(ev, res.latency_cycles < bound.latency ? inf : bound.energy);
    case LnBound::Energy:
      if (!compute_energy(ev, bound.energy)) return false;
      return detail::compute_latency(ev, res.energy_pj < bound.energy ? inf : bound.latency);
    case LnBound::Edp: {
      if (!detail::compute_latency(ev, inf)) return false;
      const double edp = bound.latency * bound.energy;
      if (res.latency_cycles * (p.unit_energy_pj * p.total_mac) >= edp) return false;
      build_mapping(p, tm, st, false, true, mf);
      // A relative margin keeps rounding from pruning a candidate whose product ties or wins.
      return compute_energy(ev,
                            res.latency_cycles > 0 ? edp / res.latency_cycles * (1 + 1e-12) : inf);
    }
  }
  return true;
}

void canonical_key(const LoopNestProblem& p, const LnTemporalMapping& tm,
                   std::vector<std::int64_t>& key) {
  key.clear();
  std::array<std::int64_t, kLnMaxOrder> codes{};
  for (std::size_t oi = 0; oi < p.ops.size(); ++oi) {
    const LnOperand& o = p.ops[oi];
    const Stationary s = stationary(o, tm, static_cast<int>(oi));
    key.push_back(o.num_mem);
    key.push_back(static_cast<std::int64_t>(s.mac_st));
    for (int lv = 0; lv < o.num_mem; ++lv) {
      const int b = level_begin(s.end, lv), e = s.end[static_cast<std::size_t>(lv)];
      key.push_back(static_cast<std::int64_t>(s.top_r[static_cast<std::size_t>(lv + 1)]));
      key.push_back(static_cast<std::int64_t>(s.top_ir[static_cast<std::size_t>(lv + 1)]));
      key.push_back(e - b);
      int n = 0;
      for (int k = b; k < e; ++k) {
        const LnLoop& l = tm.order[static_cast<std::size_t>(k)];
        codes[static_cast<std::size_t>(n++)] =
            (static_cast<std::int64_t>(l.dim) << 40) | static_cast<std::int64_t>(l.size);
      }
      std::sort(codes.begin(), codes.begin() + n);
      key.insert(key.end(), codes.begin(), codes.begin() + n);
    }
  }
}

LoopNestResult evaluate(const LoopNestProblem& p, const LnTemporalMapping& tm) {
  LoopNestResult r;
  evaluate_bounded(p, tm, LnBound{}, r);
  return r;
}

}  // namespace mosaic::cost

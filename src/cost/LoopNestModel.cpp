#include "cost/LoopNestModel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>

#include "common/Error.h"
#include "cost/LoopNestPyMath.h"

namespace mosaic::cost {

namespace {

constexpr int RL = static_cast<int>(arch::DataDir::RdOutToLow);
constexpr int WL = static_cast<int>(arch::DataDir::WrInByLow);
constexpr int RH = static_cast<int>(arch::DataDir::RdOutToHigh);
constexpr int WH = static_cast<int>(arch::DataDir::WrInByHigh);

using Arch = std::array<double, kLnMaxArch>;

// The data movement attributes of one operand at one memory level, per direction.
struct DirAttrs {
  std::array<double, 4> count{}, prec{}, bw_aver{}, period{}, pc{}, amount{}, inst_window{};
};

// ZigZag's Mapping object for one spatial variant (fractional or integer).
struct MappingData {  // scratch: only each operand's own levels are written and read
  std::array<Arch, kLnMaxOperands> data_bit_unrolled, effective_bit;
  std::array<std::array<DirAttrs, kLnMaxMemLevels>, kLnMaxOperands> dm;
};

// The stationary temporal mapping of one operand (ZigZag TemporalMapping).
struct Stationary {
  std::array<int, kLnMaxMemLevels> end{};
  double mac_st = 1;
  std::array<double, kLnMaxMemLevels> cycle_cabl{};
  Arch top_r{}, top_ir{};
};

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

// attrs = false: only the data sizes (utilization) are needed, not the per-level movements.
void build_mapping(const LoopNestProblem& p, const LnTemporalMapping& tm,
                   const std::array<Stationary, kLnMaxOperands>& st, bool integer, bool attrs,
                   MappingData& md) {
  const double total_cycle = st[0].cycle_cabl[static_cast<std::size_t>(p.ops[0].num_mem - 1)];
  for (std::size_t oi = 0; oi < p.ops.size(); ++oi) {
    const LnOperand& o = p.ops[oi];
    const Stationary& s = st[oi];
    const int M = o.num_mem, A = M + 1;
    const auto& su = integer ? o.su_int : o.su_frac;
    const auto& unit_unique = integer ? o.unit_unique_int : o.unit_unique_frac;
    const auto& boost_sp = integer ? o.boost_int : o.boost_frac;
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
    std::array<bool, kLnMaxArch> psum{};
    std::array<double, kLnMaxArch + 2> caal{};
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
    Arch prec{}, elem_unrolled{}, bit_unrolled{}, bit{}, raw{}, raw2{};
    for (int a = 0; a < A; ++a) {
      const auto ua = static_cast<std::size_t>(a);
      prec[ua] =
          o.is_output ? (psum[ua] ? o.precision_bits : p.final_output_bits) : o.precision_bits;
      elem_unrolled[ua] = py::round(r_cabl2[ua]);
      bit_unrolled[ua] = elem_unrolled[ua] * prec[ua];
      bit[ua] = py::round(elem_unrolled[ua] * unit_unique[ua]) * prec[ua];
      md.data_bit_unrolled[oi][ua] = bit_unrolled[ua];
      md.effective_bit[oi][ua] = py::floordiv(bit_unrolled[ua], s.top_r[ua]);
      raw[ua] = py::round(p.total_mac / ir_cabl[ua]);
      raw2[ua] = py::round(p.total_mac / ir_cabl2[ua]);
    }
    if (!attrs) continue;
    Arch cycle{}, boost{}, low{}, high{};
    cycle[0] = o.is_output ? 1.0 : s.mac_st;
    for (int m = 0; m < M; ++m)
      cycle[static_cast<std::size_t>(m + 1)] = s.cycle_cabl[static_cast<std::size_t>(m)];
    for (int a = 0; a < A; ++a) {
      const auto ua = static_cast<std::size_t>(a);
      boost[ua] = a < A - 1 ? boost_sp[ua] : 1.0;
      low[ua] = elem_unrolled[ua] * prec[ua] / cycle[ua];
      high[ua] = low[ua] * boost[ua];
    }
    for (int m = 0; m < M; ++m) {
      const auto um = static_cast<std::size_t>(m);
      const auto un = static_cast<std::size_t>(m + 1);
      DirAttrs& d = md.dm[oi][um];
      d = DirAttrs{};
      if (!o.is_output) {
        double rd_low = raw[um];
        if (m == 0) {
          const double bw = p.port_max[oi][0][RL];
          if (bw >= py::floordiv(bit[0], unit_unique[1])) rd_low = py::trunc(raw[0] / s.mac_st);
        }
        d.count[RL] = rd_low;
        d.count[WH] = raw2[un];
        d.prec[RL] = o.precision_bits;
        d.prec[WH] = o.precision_bits;
        d.bw_aver[RL] = py::trunc(high[um]);
        d.bw_aver[WH] = py::trunc(low[un]);
        d.period[RL] = py::trunc(cycle[um]);
        d.period[WH] = py::trunc(cycle[un]);
        d.pc[RL] = py::trunc(py::floordiv(total_cycle, cycle[um]));
        d.pc[WH] = py::trunc(py::floordiv(total_cycle, cycle[un]));
        d.amount[RL] = elem_unrolled[um] * boost[um];
        d.amount[WH] = elem_unrolled[un];
      } else {
        d.count[WL] = raw[um];
        d.count[RL] = py::trunc(o.size_elem * (caal[un] - 1));
        d.count[RH] = raw2[un];
        d.count[WH] = py::trunc(o.size_elem * (caal[static_cast<std::size_t>(m + 2)] - 1));
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
        d.bw_aver[WL] = py::trunc(high[um]);
        d.bw_aver[RH] = py::trunc(low[un]);
        d.period[WL] = py::trunc(cycle[um]);
        d.period[RH] = py::trunc(cycle[un]);
        d.pc[WL] = py::trunc(py::floordiv(total_cycle, cycle[um]));
        d.pc[RH] = py::trunc(py::floordiv(total_cycle, cycle[un]));
        d.amount[WL] = py::trunc(elem_unrolled[um] * boost[um]);
        d.amount[RH] = elem_unrolled[un];
        if (psum[um]) {
          d.bw_aver[RL] = d.bw_aver[WL];
          d.period[RL] = d.period[WL];
          d.pc[RL] = d.pc[WL];
          d.amount[RL] = d.amount[WL];
        }
        if (psum[un]) {
          d.bw_aver[WH] = d.bw_aver[RH];
          d.period[WH] = d.period[RH];
          d.pc[WH] = d.pc[RH];
          d.amount[WH] = d.amount[RH];
        }
      }
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
  }
}

// Port bandwidths of (operand, level, direction): max and min, -1 when no port is allocated.
inline void port_bw(const LoopNestProblem& p, int op, int level, int dir, double& bw_max,
                    double& bw_min) {
  const auto uo = static_cast<std::size_t>(op);
  const auto ul = static_cast<std::size_t>(level);
  const auto ud = static_cast<std::size_t>(dir);
  bw_max = p.port_max[uo][ul][ud];
  bw_min = p.port_min[uo][ul][ud];
}

struct Activity {
  double real = 0, allowed = 0, period = 0, pc = 0;
  double stall() const { return (real - allowed) * (pc - 1); }
  double window() const { return allowed * (pc - 1); }
};

// #t in [0, x) with t mod P_i >= A_i for all i < k (periods form a divisibility chain).
double good_count(const double* P, const double* Av, int k, double x) {
  if (k == 0) return x;
  const double Pk = P[k - 1];
  const double q = std::floor(x / Pk);
  const double rem = x - q * Pk;
  auto h = [&](double y) {
    return good_count(P, Av, k - 1, y) - good_count(P, Av, k - 1, std::min(y, Av[k - 1]));
  };
  return q * h(Pk) + h(rem);
}

// ZigZag __calc_mem_updating_window_union: the union of the allowed update windows of the port's
// data movements over one largest period, times that period's count.
double window_union(const Activity* acts, int n) {
  for (int i = 0; i < n; ++i)
    if (acts[i].period == acts[i].allowed) return acts[i].period * acts[i].pc;
  int maxi = 0;
  for (int i = 1; i < n; ++i)
    if (acts[i].period > acts[maxi].period) maxi = i;
  const double L = acts[maxi].period;
  // Merge equal periods (the union of two prefixes is the longer one), sort by period.
  std::array<double, 64> P{}, Av{};
  int k = 0;
  for (int i = 0; i < n; ++i) {
    const double pi = py::trunc(acts[i].period), ai = py::trunc(acts[i].allowed);
    int j = 0;
    while (j < k && P[static_cast<std::size_t>(j)] != pi) ++j;
    if (j < k) {
      Av[static_cast<std::size_t>(j)] = std::max(Av[static_cast<std::size_t>(j)], ai);
    } else if (k < 64) {
      P[static_cast<std::size_t>(k)] = pi;
      Av[static_cast<std::size_t>(k)] = ai;
      ++k;
    }
  }
  for (int i = 1; i < k; ++i)
    for (int j = i; j > 0 && P[static_cast<std::size_t>(j)] < P[static_cast<std::size_t>(j - 1)];
         --j) {
      std::swap(P[static_cast<std::size_t>(j)], P[static_cast<std::size_t>(j - 1)]);
      std::swap(Av[static_cast<std::size_t>(j)], Av[static_cast<std::size_t>(j - 1)]);
    }
  bool chain = true;
  for (int i = 1; i < k; ++i)
    if (std::fmod(P[static_cast<std::size_t>(i)], P[static_cast<std::size_t>(i - 1)]) != 0)
      chain = false;
  double uncovered;
  if (chain) {
    uncovered = good_count(P.data(), Av.data(), k, L);
  } else {
    // General case: walk one largest period (ZigZag's bitmap).
    MOSAIC_CHECK(L < 1e8, "memory updating windows with an enormous period");
    std::vector<char> covered(static_cast<std::size_t>(L), 0);
    for (int i = 0; i < k; ++i) {
      const auto Pi = static_cast<std::int64_t>(P[static_cast<std::size_t>(i)]);
      const auto Ai = static_cast<std::int64_t>(Av[static_cast<std::size_t>(i)]);
      for (std::int64_t t = 0; t < static_cast<std::int64_t>(L); ++t)
        if (t % Pi < Ai) covered[static_cast<std::size_t>(t)] = 1;
    }
    uncovered = 0;
    for (char c : covered) uncovered += c ? 0 : 1;
  }
  return (L - uncovered) * py::trunc(acts[maxi].pc);
}

// ZigZag reduce_balanced: lowers c towards m with a total budget s, largest first.
void reduce_balanced(double* c, const double* m, int n, double s) {
  if (s <= 0 || n == 0) return;
  std::array<int, 64> idx{};
  for (int i = 0; i < n; ++i) idx[static_cast<std::size_t>(i)] = i;
  std::stable_sort(idx.begin(), idx.begin() + n, [&](int a, int b) { return c[a] > c[b]; });
  std::array<double, 64> cs{}, ms{};
  for (int i = 0; i < n; ++i) {
    cs[static_cast<std::size_t>(i)] = c[idx[static_cast<std::size_t>(i)]];
    ms[static_cast<std::size_t>(i)] = m[idx[static_cast<std::size_t>(i)]];
  }
  for (int i = 0; i < n; ++i) {
    const double max_reducible =
        (cs[static_cast<std::size_t>(i)] - ms[static_cast<std::size_t>(i)]) * (i + 1);
    if (s >= max_reducible) {
      const double reduction = cs[static_cast<std::size_t>(i)] - ms[static_cast<std::size_t>(i)];
      for (int j = 0; j <= i; ++j) cs[static_cast<std::size_t>(j)] -= reduction;
      s -= max_reducible;
    } else {
      const double reduction = s / (i + 1);
      for (int j = 0; j <= i; ++j) cs[static_cast<std::size_t>(j)] -= reduction;
      s = 0;
      break;
    }
  }
  for (int i = 0; i < n; ++i) c[idx[static_cast<std::size_t>(i)]] = cs[static_cast<std::size_t>(i)];
}

struct LoadEntry {
  double cycles = 0;
  bool shared = false;
  bool set = false;
};

}  // namespace

bool evaluate_bounded(const LoopNestProblem& p, const LnTemporalMapping& tm, const LnBound& bound,
                      LoopNestResult& res) {
  res = LoopNestResult{};
  const int nops = static_cast<int>(p.ops.size());
  std::array<Stationary, kLnMaxOperands> st;
  for (int oi = 0; oi < nops; ++oi)
    st[static_cast<std::size_t>(oi)] = stationary(p.ops[static_cast<std::size_t>(oi)], tm, oi);
  const double total_cycle = st[0].cycle_cabl[static_cast<std::size_t>(p.ops[0].num_mem - 1)];

  MappingData mf, mi;
  const bool energy_first = bound.kind == LnBound::Energy;
  build_mapping(p, tm, st, false, energy_first || bound.kind == LnBound::None, mf);

  // ---- memory utilization (fractional mapping)
  std::array<std::array<double, kLnMaxMemLevels>, kLnMaxOperands> eff_ind{}, eff_sh{};
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

  // ---- word accesses and energy (fractional mapping); false when the partial sum exceeds `limit`
  auto compute_energy = [&](double limit) {
    res.mac_energy_pj = p.unit_energy_pj * p.total_mac;
    double mem_energy = 0;
    for (int oi = 0; oi < nops; ++oi) {
      const LnOperand& o = p.ops[static_cast<std::size_t>(oi)];
      res.num_levels[static_cast<std::size_t>(oi)] = o.num_mem;
      for (int m = 0; m < o.num_mem; ++m) {
        const DirAttrs& d = mf.dm[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)];
        LnLevelResult& lr = res.levels[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)];
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
            lr.word_access[ud] =
                py::trunc(py::ceil((amount * prec) / bw_min) * (bw_min / bw_max) * d.pc[ud] *
                          o.unit_count_frac[static_cast<std::size_t>(m + 1)]);
          }
        }
        const LnMemory& mem = p.mems[static_cast<std::size_t>(o.mems[static_cast<std::size_t>(m)])];
        const double rd_above = lr.word_access[RH] * mem.read_pj;
        const double wr_above = lr.word_access[WH] * mem.write_pj;
        const double rd_below = lr.word_access[RL] * mem.read_pj;
        const double wr_below = lr.word_access[WL] * mem.write_pj;
        lr.energy_pj = (rd_above + rd_below) + (wr_above + wr_below);
        mem_energy += lr.energy_pj;
        if (mem_energy + res.mac_energy_pj > limit) return false;
      }
    }
    res.mem_energy_pj = mem_energy;
    res.energy_pj = mem_energy + res.mac_energy_pj;
    if (p.hop_energy_pj > 0) {
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
      res.noc_energy_pj = noc;
      res.energy_pj += noc;
      if (res.energy_pj > limit) return false;
    }
    return true;
  };

  // ---- latency (integer mapping); false when ideal + stalls already exceed `limit`
  auto compute_latency = [&](double limit) {
    build_mapping(p, tm, st, true, true, mi);
    for (int oi = 0; oi < nops; ++oi) {
      const auto uo = static_cast<std::size_t>(oi);
      const int top = p.ops[uo].num_mem - 1;
      const auto& d = mi.dm[uo][static_cast<std::size_t>(top)];
      const double f = py::trunc(st[uo].top_ir[static_cast<std::size_t>(top)]);
      for (int dir : {RL, WL})
        res.top_inst_bw_bits[uo][static_cast<std::size_t>(dir)] =
            py::trunc(d.bw_aver[static_cast<std::size_t>(dir)] * f);
    }
    // ---- double buffering
    std::array<std::array<bool, kLnMaxArch>, kLnMaxOperands> db{};
    for (int oi = 0; oi < nops; ++oi) {
      const LnOperand& o = p.ops[static_cast<std::size_t>(oi)];
      db[static_cast<std::size_t>(oi)][0] = false;
      for (int m = 0; m < o.num_mem; ++m) {
        auto& sh = eff_sh[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)];
        const double ind = eff_ind[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)];
        bool flag;
        if (sh <= 0.5) {
          flag = true;
        } else if (ind <= 1 - sh) {
          flag = true;
          for (const auto& g : p.share_groups) {
            bool member = false;
            for (const auto& [go, gl] : g) member = member || (go == oi && gl == m);
            if (!member) continue;
            for (const auto& [go, gl] : g)
              eff_sh[static_cast<std::size_t>(go)][static_cast<std::size_t>(gl)] += ind;
            break;
          }
        } else {
          flag = false;
        }
        db[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m + 1)] = flag;
      }
    }

    // ---- allowed and real transfer cycles (integer mapping)
    std::array<std::array<std::array<double, 4>, kLnMaxMemLevels>, kLnMaxOperands> allowed{},
        real{};
    for (int oi = 0; oi < nops; ++oi) {
      const LnOperand& o = p.ops[static_cast<std::size_t>(oi)];
      for (int m = 0; m < o.num_mem; ++m) {
        const DirAttrs& d = mi.dm[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)];
        const bool this_db = db[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)];
        const bool next_db = db[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m + 1)];
        for (int dir = 0; dir < 4; ++dir) {
          const auto ud = static_cast<std::size_t>(dir);
          const bool use_next = dir == RH || dir == WH;
          const bool dbf = use_next ? next_db : this_db;
          allowed[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)][ud] =
              py::ceil(dbf ? d.period[ud] : d.inst_window[ud]);
          double bw_max, bw_min;
          port_bw(p, oi, m, dir, bw_max, bw_min);
          real[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)][ud] =
              bw_max <= 0 ? 0 : py::ceil(d.amount[ud] * d.prec[ud] / bw_max);
        }
      }
    }

    // ---- stalls per physical port
    double ssc = 0;
    for (const LnMemory& mem : p.mems) {
      for (const LnPort& port : mem.ports) {
        std::array<Activity, 64> acts;
        int na = 0;
        for (const LnPortUse& u : port.uses) {
          if (u.op < 0) continue;
          const DirAttrs& d =
              mi.dm[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)];
          const auto ud = static_cast<std::size_t>(u.dir);
          if (d.pc[ud] == 0) continue;
          Activity a;
          a.period = py::ceil(d.period[ud]);
          a.pc = d.pc[ud];
          a.real = real[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)][ud];
          a.allowed =
              allowed[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)][ud];
          if (na < 64) acts[static_cast<std::size_t>(na++)] = a;
        }
        if (na == 1) {
          ssc = std::max(ssc, acts[0].stall());
        } else if (na > 1) {
          const double uni = window_union(acts.data(), na);
          double pos = 0, neg = 0, win = 0;
          for (int i = 0; i < na; ++i) {
            const double s = acts[static_cast<std::size_t>(i)].stall();
            if (s > 0)
              pos += s;
            else
              neg += s;
            win += acts[static_cast<std::size_t>(i)].window();
          }
          ssc = std::max(ssc, pos + std::max(0.0, neg + win - uni));
        }
      }
    }
    res.stall_cycles = ssc;
    res.ideal_temporal_cycles = total_cycle * 1.0;
    if (res.ideal_temporal_cycles + ssc > limit) return false;

    // ---- on-loading and off-loading
    std::array<std::array<std::array<LoadEntry, 4>, kLnMaxMemLevels>, kLnMaxOperands> load{};
    const double total_comp = py::ceil(total_cycle) + ssc;
    for (const LnMemory& mem : p.mems) {
      for (const LnPort& port : mem.ports) {
        std::array<const LnPortUse*, 64> c1, cg;
        int n1 = 0, ng = 0;
        for (const LnPortUse& u : port.uses) {
          if (u.op < 0) continue;
          if (u.output_mem_operand &&
              (u.dir == arch::DataDir::RdOutToLow || u.dir == arch::DataDir::WrInByHigh))
            continue;
          const double pc = mi.dm[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)]
                                .pc[static_cast<std::size_t>(u.dir)];
          if (pc == 0) continue;
          if (pc == 1) {
            if (n1 < 64) c1[static_cast<std::size_t>(n1++)] = &u;
          } else if (ng < 64) {
            cg[static_cast<std::size_t>(ng++)] = &u;
          }
        }
        double req_bw = 0;
        for (int i = 0; i < ng; ++i) {
          const LnPortUse& u = *cg[static_cast<std::size_t>(i)];
          req_bw +=
              py::ceil(mi.dm[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)]
                           .bw_aver[static_cast<std::size_t>(u.dir)] /
                       1.0);
        }
        if (n1 > 0) {
          std::array<double, 64> cyc, mn;
          for (int i = 0; i < n1; ++i) {
            const LnPortUse& u = *c1[static_cast<std::size_t>(i)];
            mn[static_cast<std::size_t>(i)] =
                py::ceil(mi.data_bit_unrolled[static_cast<std::size_t>(u.op)][1] / port.bw_max);
            cyc[static_cast<std::size_t>(i)] =
                real[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)]
                    [static_cast<std::size_t>(u.dir)];
          }
          const double surplus = std::max(0.0, ((port.bw_max - req_bw) / port.bw_max) * total_comp);
          std::array<double, 64> before = cyc;
          reduce_balanced(cyc.data(), mn.data(), n1, surplus);
          std::array<double, kLnMaxOperands> borrowed{};
          std::array<bool, kLnMaxOperands> at_top{};
          for (int i = 0; i < n1; ++i) {
            const LnPortUse& u = *c1[static_cast<std::size_t>(i)];
            const auto uo = static_cast<std::size_t>(u.op);
            at_top[uo] = u.level == p.ops[uo].num_mem - 1;
            borrowed[uo] =
                py::ceil(((before[static_cast<std::size_t>(i)] - cyc[static_cast<std::size_t>(i)]) /
                          total_comp) *
                         port.bw_max);
          }
          for (int oi = 0; oi < nops; ++oi)
            if (at_top[static_cast<std::size_t>(oi)])
              res.top_loading_bw_bits[static_cast<std::size_t>(oi)] +=
                  borrowed[static_cast<std::size_t>(oi)];
          for (int i = 0; i < n1; ++i) {
            const LnPortUse& u = *c1[static_cast<std::size_t>(i)];
            LoadEntry& e = load[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)]
                               [static_cast<std::size_t>(u.dir)];
            e.cycles = cyc[static_cast<std::size_t>(i)];
            e.shared = port.shared_by_two_inputs;
            e.set = true;
          }
        }
        for (int i = 0; i < ng; ++i) {
          const LnPortUse& u = *cg[static_cast<std::size_t>(i)];
          LoadEntry& e = load[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)]
                             [static_cast<std::size_t>(u.dir)];
          e.cycles = real[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)]
                         [static_cast<std::size_t>(u.dir)];
          e.shared = port.shared_by_two_inputs;
          e.set = true;
        }
      }
    }
    std::array<double, kLnMaxOperands> individual{}, half{}, shared{};
    for (int oi : p.input_ops) {
      const LnOperand& o = p.ops[static_cast<std::size_t>(oi)];
      for (int m = 0; m + 1 < o.num_mem; ++m) {
        const LoadEntry& e1 = load[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)][WH];
        const LoadEntry& e2 =
            load[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m + 1)][RL];
        const bool both_shared = e1.shared && e2.shared;
        const bool separate = !e1.shared && !e2.shared;
        const double longest = std::max(e1.cycles, e2.cycles);
        if (separate)
          individual[static_cast<std::size_t>(oi)] += longest;
        else if (both_shared)
          shared[static_cast<std::size_t>(oi)] += longest;
        else
          half[static_cast<std::size_t>(oi)] = longest;
      }
    }
    double onload;
    if (p.input_ops.size() == 1) {
      onload = individual[static_cast<std::size_t>(p.input_ops[0])];
    } else {
      const auto a = static_cast<std::size_t>(p.input_ops[0]);
      const auto b = static_cast<std::size_t>(p.input_ops[1]);
      const double p1 =
          shared[a] + std::max(shared[b] + half[b] + individual[b], half[a] + individual[a]);
      const double p2 =
          shared[b] + std::max(shared[a] + half[a] + individual[a], half[b] + individual[b]);
      onload = std::min(p1, p2);
    }
    double offload = 0;
    {
      const LnOperand& o = p.ops[0];
      for (int m = 0; m + 1 < o.num_mem; ++m) {
        const double e1 = load[0][static_cast<std::size_t>(m)][RH].cycles;
        const double e2 = load[0][static_cast<std::size_t>(m + 1)][WL].cycles;
        offload += std::max(e1, e2);
      }
    }
    res.onload_cycles = onload;
    res.offload_cycles = offload;
    res.ideal_cycles = py::ceil(py::ceil(p.total_mac / p.total_units) * 1.0);
    res.latency_cycles = ((res.ideal_temporal_cycles + ssc) + onload) + offload;
    return res.latency_cycles <= limit;
  };

  const double inf = std::numeric_limits<double>::infinity();
  switch (bound.kind) {
    case LnBound::None:
      compute_energy(inf);
      compute_latency(inf);
      return true;
    case LnBound::Latency:
      if (!compute_latency(bound.latency)) return false;
      build_mapping(p, tm, st, false, true, mf);
      return compute_energy(res.latency_cycles < bound.latency ? inf : bound.energy);
    case LnBound::Energy:
      if (!compute_energy(bound.energy)) return false;
      return compute_latency(res.energy_pj < bound.energy ? inf : bound.latency);
    case LnBound::Edp: {
      if (!compute_latency(inf)) return false;
      const double edp = bound.latency * bound.energy;
      if (res.latency_cycles * (p.unit_energy_pj * p.total_mac) >= edp) return false;
      build_mapping(p, tm, st, false, true, mf);
      // A relative margin keeps rounding from pruning a candidate whose product ties or wins.
      return compute_energy(res.latency_cycles > 0 ? edp / res.latency_cycles * (1 + 1e-12) : inf);
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

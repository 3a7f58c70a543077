// The latency half of the loop-nest cost model (ZigZag 3.8.2's latency_total2): double
// buffering, the allowed and real transfer cycles of every data movement, the stalls per
// physical port (with the memories' updating-window overlap), and the on- and off-loading.
#include <algorithm>
#include <cmath>
#include <vector>

#include "common/Error.h"
#include "cost/LoopNestEval.h"
#include "cost/LoopNestPyMath.h"

namespace mosaic::cost::detail {

namespace {

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

// Per (operand, level, direction) cycles.
using Cycles = std::array<std::array<std::array<double, 4>, kLnMaxMemLevels>, kLnMaxOperands>;
using DoubleBuffered = std::array<std::array<bool, kLnMaxArch>, kLnMaxOperands>;
using Loads = std::array<std::array<std::array<LoadEntry, 4>, kLnMaxMemLevels>, kLnMaxOperands>;

// Per operand, the top level's instantaneous bandwidth during computation (integer mapping).
void top_instantaneous_bw(Evaluation& ev) {
  const LoopNestProblem& p = ev.p;
  const auto& mi = ev.mi;
  const auto& st = ev.st;
  auto& res = ev.res;
  const int nops = ev.nops;
  for (int oi = 0; oi < nops; ++oi) {
    const auto uo = static_cast<std::size_t>(oi);
    const int top = p.ops[uo].num_mem - 1;
    const auto& d = mi.dm[uo][static_cast<std::size_t>(top)];
    const double f = py::trunc(st[uo].top_ir[static_cast<std::size_t>(top)]);
    for (int dir : {RL, WL})
      res.top_inst_bw_bits[uo][static_cast<std::size_t>(dir)] =
          py::trunc(d.bw_aver[static_cast<std::size_t>(dir)] * f);
  }
}

// Double buffering per (operand, arch level), ZigZag's rule: a level is double-buffered when its
// utilization (with the operands sharing the memory) is at most half, or when a second copy of the
// operand's data still fits beside the sharers' (it then counts towards their utilization).
DoubleBuffered double_buffering(Evaluation& ev) {
  const LoopNestProblem& p = ev.p;
  auto& eff_sh = ev.eff_sh;
  const auto& eff_ind = ev.eff_ind;
  const int nops = ev.nops;
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
  return db;
}

// Allowed and real transfer cycles (integer mapping).
void transfer_cycles(const Evaluation& ev, const DoubleBuffered& db, Cycles& allowed,
                     Cycles& real) {
  const LoopNestProblem& p = ev.p;
  const auto& mi = ev.mi;
  const int nops = ev.nops;
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
}

// The stall of one physical port (raises ssc to it).
void port_stall(const Evaluation& ev, const LnPort& port, const Cycles& allowed, const Cycles& real,
                double& ssc) {
  const auto& mi = ev.mi;
  std::array<Activity, 64> acts;
  int na = 0;
  for (const LnPortUse& u : port.uses) {
    if (u.op < 0) continue;
    const DirAttrs& d = mi.dm[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)];
    const auto ud = static_cast<std::size_t>(u.dir);
    if (d.pc[ud] == 0) continue;
    Activity a;
    a.period = py::ceil(d.period[ud]);
    a.pc = d.pc[ud];
    a.real = real[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)][ud];
    a.allowed = allowed[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)][ud];
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

// On-loading cycles of one physical port's movements into `load`; the bandwidth a top level
// borrows from the computation into the result.
void port_loading(Evaluation& ev, const LnPort& port, const Cycles& real, double total_comp,
                  Loads& load) {
  const LoopNestProblem& p = ev.p;
  const auto& mi = ev.mi;
  auto& res = ev.res;
  const int nops = ev.nops;
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
    req_bw += py::ceil(mi.dm[static_cast<std::size_t>(u.op)][static_cast<std::size_t>(u.level)]
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
      borrowed[uo] = py::ceil(
          ((before[static_cast<std::size_t>(i)] - cyc[static_cast<std::size_t>(i)]) / total_comp) *
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

// On-loading: the inputs' transfers between levels, overlapped where their ports are separate.
double onload_cycles(const LoopNestProblem& p, const Loads& load) {
  std::array<double, kLnMaxOperands> individual{}, half{}, shared{};
  for (int oi : p.input_ops) {
    const LnOperand& o = p.ops[static_cast<std::size_t>(oi)];
    for (int m = 0; m + 1 < o.num_mem; ++m) {
      const LoadEntry& e1 = load[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m)][WH];
      const LoadEntry& e2 = load[static_cast<std::size_t>(oi)][static_cast<std::size_t>(m + 1)][RL];
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
  return onload;
}

// Off-loading: the output's transfers between levels.
double offload_cycles(const LoopNestProblem& p, const Loads& load) {
  double offload = 0;
  const LnOperand& o = p.ops[0];
  for (int m = 0; m + 1 < o.num_mem; ++m) {
    const double e1 = load[0][static_cast<std::size_t>(m)][RH].cycles;
    const double e2 = load[0][static_cast<std::size_t>(m + 1)][WL].cycles;
    offload += std::max(e1, e2);
  }
  return offload;
}

}  // namespace

bool compute_latency(Evaluation& ev, double limit) {
  const LoopNestProblem& p = ev.p;
  auto& res = ev.res;
  build_mapping(p, ev.tm, ev.st, true, true, ev.mi);
  top_instantaneous_bw(ev);
  const DoubleBuffered db = double_buffering(ev);
  Cycles allowed{}, real{};
  transfer_cycles(ev, db, allowed, real);
  double ssc = 0;
  for (const LnMemory& mem : p.mems)
    for (const LnPort& port : mem.ports) port_stall(ev, port, allowed, real, ssc);
  res.stall_cycles = ssc;
  res.ideal_temporal_cycles = ev.total_cycle * 1.0;
  if (res.ideal_temporal_cycles + ssc > limit) return false;

  Loads load{};
  const double total_comp = py::ceil(ev.total_cycle) + ssc;
  for (const LnMemory& mem : p.mems)
    for (const LnPort& port : mem.ports) port_loading(ev, port, real, total_comp, load);
  const double onload = onload_cycles(p, load);
  const double offload = offload_cycles(p, load);
  res.onload_cycles = onload;
  res.offload_cycles = offload;
  res.ideal_cycles = py::ceil(py::ceil(p.total_mac / p.total_units) * 1.0);
  res.latency_cycles = ((res.ideal_temporal_cycles + ssc) + onload) + offload;
  return res.latency_cycles <= limit;
}

}  // namespace mosaic::cost::detail

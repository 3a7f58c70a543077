#include "search/StreamMilp.h"

#include <CbcEventHandler.hpp>
#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <OsiClpSolverInterface.hpp>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "common/Error.h"
#include "search/Progress.h"

namespace mosaic::search {

namespace {

// What the event handler and its clones (CbcMain1 solves a copy of the model, which clones the
// handler) share: the caller's callbacks and the solve's clock.
struct MilpWatch {
  const MilpControl* control = nullptr;
  double time_limit_s = 0;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double last_line_s = 0;
  bool stopped = false;
};

// "MILP (CBC): 3.0 s, 1520 nodes, incumbent 3260 cycles, bound 3252.97 cycles (gap 0.2%), ETA at
// most 57 s (CBC's time limit, CPU time)". CBC gives no estimate of the time to optimality: the
// ETA is the rest of its time limit, on CBC's own clock (the process's CPU time, so a loaded
// machine stretches it in wall time).
std::string milp_progress_line(const CbcModel& m, const MilpWatch& w) {
  std::string line =
      fmt::format("MILP (CBC): {:.1f} s, {} nodes", seconds_since(w.start), m.getNodeCount());
  const double bound = m.getBestPossibleObjValue();
  if (m.bestSolution() != nullptr) {
    const double inc = m.getObjValue();
    line += fmt::format(", incumbent {:.6g} cycles", inc);
    if (std::isfinite(bound) && std::fabs(bound) < 1e29)
      line += fmt::format(", bound {:.6g} cycles (gap {:.1f}%)", bound,
                          inc > 0 ? 100.0 * std::max(0.0, inc - bound) / inc : 0.0);
  } else {
    line += ", no incumbent yet";
    if (std::isfinite(bound) && std::fabs(bound) < 1e29)
      line += fmt::format(", bound {:.6g} cycles", bound);
  }
  const double left = std::max(0.0, w.time_limit_s - m.getCurrentSeconds());
  return line + fmt::format(", ETA at most {:.0f} s (CBC's time limit, CPU time)", left);
}

// CBC's event handler: after Ctrl-C, "stop" (CBC ends the search at its next check and keeps its
// incumbent); otherwise a progress line at most once a second from the main search (not from the
// sub-searches of CBC's heuristics, whose bounds are not the problem's).
class MilpEvents final : public CbcEventHandler {
 public:
  explicit MilpEvents(MilpWatch& watch) : watch_(&watch) {}
  CbcEventHandler* clone() const override { return new MilpEvents(*this); }
  CbcAction event(CbcEvent) override { return react(); }
  CbcAction event(CbcEvent, void*) override { return react(); }

 private:
  CbcAction react() {
    const MilpControl& c = *watch_->control;
    if (watch_->stopped || (c.interrupted && c.interrupted())) {
      watch_->stopped = true;
      return stop;
    }
    const double t = seconds_since(watch_->start);
    if (c.progress && model_ != nullptr && model_->parentModel() == nullptr &&
        t - watch_->last_line_s >= 1.0) {
      watch_->last_line_s = t;
      c.progress(milp_progress_line(*model_, *watch_));
    }
    return noAction;
  }
  MilpWatch* watch_;
};

// The allocation in CBC's column values, when they are integral (0/1, one per gene).
bool integral_allocation(const double* x, const std::vector<std::vector<int>>& col,
                         const std::vector<std::vector<int>>& choices, std::vector<int>& core) {
  core.clear();
  for (std::size_t g = 0; g < choices.size(); ++g) {
    int chosen = -1;
    for (std::size_t i = 0; i < choices[g].size(); ++i) {
      const double v = x[col[g][i]];
      if (std::fabs(v - 1) <= 1e-6 && chosen < 0)
        chosen = static_cast<int>(i);
      else if (std::fabs(v) > 1e-6)
        return false;
    }
    if (chosen < 0) return false;
    core.push_back(choices[g][static_cast<std::size_t>(chosen)]);
  }
  return true;
}

// The model as CBC 2.10's C interface builds it (Cbc_newModel, Cbc_addCol buffered until the
// first row, Cbc_addRow, Cbc_setLogLevel, Cbc_setMaximumSeconds): the same problem, the same
// column and row order, so the same solve. Returns the columns of each gene.
std::vector<std::vector<int>> build_milp(CbcModel& m, const std::vector<std::vector<int>>& choices,
                                         const std::vector<std::vector<double>>& load,
                                         const std::vector<double>& fixed) {
  OsiSolverInterface& s = *m.solver();
  // Columns: T (the largest load), then x[g][i] binary.
  std::vector<double> lb{0}, ub{1e30}, obj{1};
  std::vector<std::string> names{"T"};
  std::vector<std::vector<int>> col(choices.size());
  for (std::size_t g = 0; g < choices.size(); ++g)
    for (std::size_t i = 0; i < choices[g].size(); ++i) {
      col[g].push_back(static_cast<int>(lb.size()));
      lb.push_back(0), ub.push_back(1), obj.push_back(0);
      names.push_back("x" + std::to_string(g) + "_" + std::to_string(i));
    }
  const int n = static_cast<int>(lb.size());
  std::vector<CoinBigIndex> starts(static_cast<std::size_t>(n) + 1, 0);
  int no_row = 0;
  double no_coef = 0;
  s.addCols(n, starts.data(), &no_row, &no_coef, lb.data(), ub.data(), obj.data());
  for (int j = 1; j < n; ++j) s.setInteger(j);
  for (int j = 0; j < n; ++j) s.setColName(j, names[static_cast<std::size_t>(j)]);
  // Every gene on exactly one core.
  for (std::size_t g = 0; g < choices.size(); ++g) {
    std::vector<double> ones(col[g].size(), 1.0);
    s.addRow(static_cast<int>(col[g].size()), col[g].data(), ones.data(), 1.0, 1.0);
    s.setRowName(s.getNumRows() - 1, "one" + std::to_string(g));
  }
  // Every core's load (fixed CNs included) at most T.
  for (std::size_t k = 0; k < fixed.size(); ++k) {
    std::vector<int> cols{0};
    std::vector<double> coef{-1.0};
    for (std::size_t g = 0; g < choices.size(); ++g)
      for (std::size_t i = 0; i < choices[g].size(); ++i)
        if (choices[g][i] == static_cast<int>(k)) {
          cols.push_back(col[g][i]);
          coef.push_back(load[g][i]);
        }
    if (cols.size() == 1 && fixed[k] == 0) continue;
    s.addRow(static_cast<int>(cols.size()), cols.data(), coef.data(), -DBL_MAX, -fixed[k]);
    s.setRowName(s.getNumRows() - 1, "core" + std::to_string(k));
  }
  m.setObjSense(1.0);
  return col;
}

}  // namespace

double milp_max_load(const std::vector<std::vector<int>>& choices,
                     const std::vector<std::vector<double>>& load, const std::vector<double>& fixed,
                     const std::vector<int>& core) {
  std::vector<double> l = fixed;
  for (std::size_t g = 0; g < choices.size(); ++g)
    for (std::size_t i = 0; i < choices[g].size(); ++i)
      if (choices[g][i] == core[g]) {
        l[static_cast<std::size_t>(core[g])] += load[g][i];
        break;
      }
  return l.empty() ? 0 : *std::max_element(l.begin(), l.end());
}

std::vector<int> greedy_milp_allocation(const std::vector<std::vector<int>>& choices,
                                        const std::vector<std::vector<double>>& load,
                                        const std::vector<double>& fixed) {
  std::vector<double> l = fixed;
  std::vector<int> core;
  for (std::size_t g = 0; g < choices.size(); ++g) {
    std::size_t best = 0;
    double best_end = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < choices[g].size(); ++i) {
      const double end = l[static_cast<std::size_t>(choices[g][i])] + load[g][i];
      if (end < best_end) best_end = end, best = i;
    }
    core.push_back(choices[g][best]);
    l[static_cast<std::size_t>(core.back())] = best_end;
  }
  return core;
}

MilpAllocation solve_allocation_milp(const std::vector<std::vector<int>>& choices,
                                     const std::vector<std::vector<double>>& load,
                                     const std::vector<double>& fixed, double time_limit_s,
                                     const MilpControl& control) {
  MilpWatch watch;
  watch.control = &control;
  watch.time_limit_s = time_limit_s;
  OsiClpSolverInterface clp;
  CbcModel m(clp);  // holds its own copy of the solver
  CbcSolverUsefulData data;
  CbcMain0(m, data);
  data.noPrinting_ = false;        // as Cbc_newModel
  data.useSignalHandler_ = false;  // Ctrl-C stays mosaic's (the event handler stops CBC)
  m.setLogLevel(0);
  m.setMaximumSeconds(time_limit_s);
  const auto col = build_milp(m, choices, load, fixed);
  MilpEvents events(watch);
  m.passInEventHandler(&events);  // cloned into the model (and into the copy CbcMain1 solves)
  if (control.progress)
    control.progress(
        fmt::format("MILP (CBC): {} genes, {} cores, {} columns, {} rows; time "
                    "limit {:.0f} s",
                    choices.size(), fixed.size(), m.solver()->getNumCols(),
                    m.solver()->getNumRows(), time_limit_s));
  MilpAllocation out;
  if (!(control.interrupted && control.interrupted())) {
    const char* argv[] = {"mosaic", "-threads", "1", "-solve", "-quit"};  // as Cbc_solve
    CbcMain1(5, argv, m, nullptr, data);
  } else {
    watch.stopped = true;  // Ctrl-C before the solve: CBC is not started
  }
  out.interrupted = watch.stopped;
  out.nodes = m.getNodeCount();
  const double* x = m.solver()->getColSolution();
  if (!out.interrupted) {
    if (x == nullptr) throw InternalError("CBC returned no solution for the allocation MILP");
    for (std::size_t g = 0; g < choices.size(); ++g) {
      std::size_t best = 0;
      for (std::size_t i = 1; i < choices[g].size(); ++i)
        if (x[col[g][i]] > x[col[g][best]]) best = i;
      out.core.push_back(choices[g][best]);
    }
    out.objective = m.getObjValue();
    out.bound = m.getBestPossibleObjValue();
    out.optimal = m.isProvenOptimal();
  } else {
    // CBC's incumbent when it had one, else the greedy balance; the objective is the
    // allocation's own largest load; CBC's bound only when it has one (else the allocation's).
    const bool have = m.bestSolution() != nullptr && x != nullptr &&
                      integral_allocation(x, col, choices, out.core);
    out.from_cbc = have;
    if (!have) out.core = greedy_milp_allocation(choices, load, fixed);
    out.objective = milp_max_load(choices, load, fixed, out.core);
    const double b = m.getBestPossibleObjValue();
    out.bound = std::isfinite(b) && std::fabs(b) < 1e29 ? std::min(b, out.objective) : 0;
    out.optimal = false;
  }
  out.gap = out.objective > 0 ? std::max(0.0, (out.objective - out.bound) / out.objective) : 0;
  out.seconds = seconds_since(watch.start);
  if (control.progress)
    control.progress(fmt::format(
        "MILP (CBC): {} in {:.1f} s, {} nodes: largest core load {:.6g} cycles, bound {:.6g} "
        "(gap {:.1f}%)",
        out.interrupted ? (out.from_cbc ? "interrupted, CBC's best incumbent"
                                        : "interrupted before CBC had an incumbent, greedy "
                                          "load balance")
                        : (out.optimal ? "optimal" : "time limit, not proven optimal"),
        out.seconds, out.nodes, out.objective, out.bound, 100 * out.gap));
  return out;
}

}  // namespace mosaic::search

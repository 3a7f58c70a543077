// Constraint-optimisation allocation for Stream on COIN-OR CBC (licence-free, instead of Stream's
// Gurobi): assigns every free (layer, group) gene to one of its allowed cores so that the largest
// per-core load (the sum of the runtimes of the CNs a core runs, fixed CNs included) is minimal:
//   min T  s.t.  sum_c x[g][c] = 1 (every gene),  sum_g load[g][k] x[g][k] + fixed[k] <= T (every
//   core)
// This is a makespan lower bound, not Stream's WACO formulation (steady-state time slots per
// stack); the allocation it returns is then scheduled by COALA like any other.
//
// Solved by CbcMain1 (CBC's standard "-solve": preprocessing, cuts, heuristics, branch and bound)
// through CBC's C++ API, set up as CBC 2.10's C interface sets it up (Cbc_newModel, Cbc_solve),
// plus an event handler: the C interface has no way to stop a solve (its one callback only passes
// log messages on, and the model it would reach is not the one being solved), so the handler,
// called by CBC at every node and at the other events of its search, reports progress and returns
// "stop" after Ctrl-C. One thread: deterministic.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mosaic::search {

struct MilpAllocation {
  std::vector<int> core;  // per gene
  double objective = 0;   // the largest core load (cycles)
  double bound = 0;       // CBC's best bound
  double gap = 0;         // (objective - bound) / objective
  bool optimal = false;
  // Stopped by `interrupted`: CBC's best incumbent (or, when it had none yet, the greedy load
  // balance of greedy_milp_allocation), not proven optimal; objective then is its largest load.
  bool interrupted = false;
  bool from_cbc = true;    // false: the greedy fallback (no CBC incumbent when stopped)
  std::int64_t nodes = 0;  // branch-and-bound nodes CBC explored
  double seconds = 0;      // wall time of the solve
};

struct MilpControl {
  // Progress lines (at most one a second while CBC runs, one at its start and end).
  std::function<void(const std::string&)> progress;
  // Polled at CBC's events (every node, heuristic pass, solution found...): true stops the solve.
  std::function<bool()> interrupted;
};

// The largest per-core load of an allocation (`core` per gene), fixed loads included.
double milp_max_load(const std::vector<std::vector<int>>& choices,
                     const std::vector<std::vector<double>>& load, const std::vector<double>& fixed,
                     const std::vector<int>& core);

// Genes in order, each onto the allowed core whose load ends lowest with it (ties: the first
// allowed core): a feasible allocation without CBC.
std::vector<int> greedy_milp_allocation(const std::vector<std::vector<int>>& choices,
                                        const std::vector<std::vector<double>>& load,
                                        const std::vector<double>& fixed);

// load[g][i]: the runtime of gene g on its i-th allowed core choices[g][i]; fixed[k]: the load
// of CNs whose core is fixed, per core id.
MilpAllocation solve_allocation_milp(const std::vector<std::vector<int>>& choices,
                                     const std::vector<std::vector<double>>& load,
                                     const std::vector<double>& fixed, double time_limit_s,
                                     const MilpControl& control = {});

}  // namespace mosaic::search

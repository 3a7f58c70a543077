// Constraint-optimisation allocation for Stream on COIN-OR CBC (licence-free, instead of Stream's
// Gurobi): assigns every free (layer, group) gene to one of its allowed cores so that the largest
// per-core load (the sum of the runtimes of the CNs a core runs, fixed CNs included) is minimal:
//   min T  s.t.  sum_c x[g][c] = 1 (every gene),  sum_g load[g][k] x[g][k] + fixed[k] <= T (every
//   core)
// This is a makespan lower bound, not Stream's WACO formulation (steady-state time slots per
// stack); the allocation it returns is then scheduled by COALA like any other.
#pragma once

#include <vector>

namespace mosaic::search {

struct MilpAllocation {
  std::vector<int> core;  // per gene
  double objective = 0;   // the largest core load (cycles)
  double bound = 0;       // CBC's best bound
  double gap = 0;         // (objective - bound) / objective
  bool optimal = false;
};

// load[g][i]: the runtime of gene g on its i-th allowed core choices[g][i]; fixed[k]: the load
// of CNs whose core is fixed, per core id.
MilpAllocation solve_allocation_milp(const std::vector<std::vector<int>>& choices,
                                     const std::vector<std::vector<double>>& load,
                                     const std::vector<double>& fixed, double time_limit_s);

}  // namespace mosaic::search

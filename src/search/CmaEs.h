// CMA-ES (covariance matrix adaptation evolution strategy) on Eigen, following N. Hansen,
// "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772), the (mu/mu_w, lambda) variant
// with weighted recombination, cumulative step-size adaptation (CSA), the rank-one and rank-mu
// covariance updates and a lazily updated eigendecomposition; plus IPOP restarts (Auger &
// Hansen, CEC 2005): on a stop criterion the run restarts with the population doubled.
//
// Determinism: every random number comes from one seeded std::mt19937_64 drawn in a fixed order;
// a generation's population is handed to the objective as one batch, which may evaluate it in
// parallel but returns the values in index order, so results do not depend on threads.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace mosaic::search {

struct CmaEsOptions {
  std::vector<double> x0;  // initial mean (its size is the dimension)
  double sigma0 = 0.3;     // initial step size
  int lambda = 0;          // population of the first run; 0 = 4 + floor(3 ln n)
  std::uint64_t seed = 1;
  std::int64_t max_evaluations = 10000;
  int max_restarts = 9;  // IPOP restarts after the first run (population x2 each)
  double target = -std::numeric_limits<double>::infinity();  // stop when best <= target
  double tol_fun = 1e-12;  // stop a run when the best values of recent generations and the
                           // current population span less than this
  double tol_x = 1e-12;    // stop a run when sigma x the largest axis is below this
  // Restarts draw a new mean uniformly in [restart_lower, restart_upper]^n (when lower < upper);
  // otherwise they restart from x0.
  double restart_lower = 0, restart_upper = 0;
};

struct CmaEsPoint {
  std::int64_t evaluation = 0;  // evaluations so far (after this generation)
  double best = 0;              // best value so far
  double generation_best = 0;   // best value of this generation
  double sigma = 0;
  int run = 0;  // 0 = first run, 1.. = IPOP restarts
};

struct CmaEsResult {
  std::vector<double> best_x;
  double best = std::numeric_limits<double>::infinity();
  std::int64_t evaluations = 0;
  std::int64_t best_at_evaluation = 0;
  int runs = 0;
  std::vector<CmaEsPoint> history;  // one entry per generation
  std::string stop_reason;          // of the last run
  bool interrupted = false;
};

// Values of a batch of points, in order.
using BatchObjective = std::function<std::vector<double>(const std::vector<std::vector<double>>&)>;
// Called after every generation; returning false stops the search (Ctrl-C).
using CmaEsMonitor = std::function<bool(const CmaEsPoint&)>;

// Minimises `f`. Throws UserError for an empty x0, a non-positive sigma0 or budget.
CmaEsResult cma_es_minimize(const BatchObjective& f, const CmaEsOptions& options,
                            const CmaEsMonitor& monitor = {});

// A batch objective evaluating `f` on each point with oneTBB (values in index order).
BatchObjective parallel_batch(std::function<double(const std::vector<double>&)> f);

}  // namespace mosaic::search

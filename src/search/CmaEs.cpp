#include "search/CmaEs.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <Eigen/Dense>

#include "common/Error.h"

namespace mosaic::search {

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// Strategy parameters of the tutorial's Table 1 (default setting).
struct Params {
  int n = 0, lambda = 0, mu = 0;
  VectorXd w;  // positive recombination weights, sum 1
  double mueff = 0, cc = 0, cs = 0, c1 = 0, cmu = 0, damps = 0, chin = 0;

  Params(int dim, int lam) : n(dim), lambda(lam), mu(lam / 2) {
    const double nd = dim;
    w.resize(mu);
    for (int i = 0; i < mu; ++i) w[i] = std::log((lam + 1) / 2.0) - std::log(i + 1.0);
    w /= w.sum();
    mueff = 1.0 / w.squaredNorm();
    cc = (4 + mueff / nd) / (nd + 4 + 2 * mueff / nd);
    cs = (mueff + 2) / (nd + mueff + 5);
    c1 = 2 / ((nd + 1.3) * (nd + 1.3) + mueff);
    cmu = std::min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((nd + 2) * (nd + 2) + mueff));
    damps = 1 + 2 * std::max(0.0, std::sqrt((mueff - 1) / (nd + 1)) - 1) + cs;
    chin = std::sqrt(nd) * (1 - 1 / (4 * nd) + 1 / (21 * nd * nd));
  }
};

// One run (no restart) of the strategy.
class Run {
 public:
  Run(const Params& p, VectorXd mean, double sigma) : p_(p), m_(std::move(mean)), sigma_(sigma) {
    const int n = p.n;
    pc_ = VectorXd::Zero(n);
    ps_ = VectorXd::Zero(n);
    B_ = MatrixXd::Identity(n, n);
    D_ = VectorXd::Ones(n);
    C_ = MatrixXd::Identity(n, n);
    invsqrtC_ = MatrixXd::Identity(n, n);
  }

  // Samples lambda points x_k = m + sigma B D z_k, z_k ~ N(0, I).
  std::vector<std::vector<double>> sample(std::mt19937_64& rng) {
    std::normal_distribution<double> normal(0.0, 1.0);
    xs_.assign(static_cast<std::size_t>(p_.lambda), VectorXd(p_.n));
    std::vector<std::vector<double>> out;
    for (int k = 0; k < p_.lambda; ++k) {
      VectorXd z(p_.n);
      for (int i = 0; i < p_.n; ++i) z[i] = normal(rng);
      xs_[static_cast<std::size_t>(k)] = m_ + sigma_ * (B_ * D_.cwiseProduct(z));
      const auto& x = xs_[static_cast<std::size_t>(k)];
      out.emplace_back(x.data(), x.data() + x.size());
    }
    return out;
  }

  // Updates mean, evolution paths, covariance and step size from the values of the sample.
  void update(const std::vector<double>& f, std::int64_t evaluations) {
    std::vector<int> idx(static_cast<std::size_t>(p_.lambda));
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) {
      return f[static_cast<std::size_t>(a)] < f[static_cast<std::size_t>(b)];
    });
    sorted_f_.clear();
    for (int k : idx) sorted_f_.push_back(f[static_cast<std::size_t>(k)]);
    const VectorXd old = m_;
    MatrixXd artmp(p_.n, p_.mu);
    m_.setZero();
    for (int i = 0; i < p_.mu; ++i) {
      const VectorXd& x = xs_[static_cast<std::size_t>(idx[static_cast<std::size_t>(i)])];
      m_ += p_.w[i] * x;
      artmp.col(i) = (x - old) / sigma_;
    }
    const VectorXd step = (m_ - old) / sigma_;
    ps_ = (1 - p_.cs) * ps_ + std::sqrt(p_.cs * (2 - p_.cs) * p_.mueff) * (invsqrtC_ * step);
    ++gen_;
    const double psn = ps_.norm() / std::sqrt(1 - std::pow(1 - p_.cs, 2.0 * gen_)) / p_.chin;
    const double hsig = psn < 1.4 + 2.0 / (p_.n + 1) ? 1.0 : 0.0;
    pc_ = (1 - p_.cc) * pc_ + hsig * std::sqrt(p_.cc * (2 - p_.cc) * p_.mueff) * step;
    C_ = (1 - p_.c1 - p_.cmu) * C_ +
         p_.c1 * (pc_ * pc_.transpose() + (1 - hsig) * p_.cc * (2 - p_.cc) * C_) +
         p_.cmu * artmp * p_.w.asDiagonal() * artmp.transpose();
    sigma_ *= std::exp((p_.cs / p_.damps) * (ps_.norm() / p_.chin - 1));
    // The eigendecomposition is refreshed every 1/(c1+cmu)/n/10 generations' worth of
    // evaluations (the tutorial's O(n^2) amortisation).
    if (static_cast<double>(evaluations - eigen_at_) > p_.lambda / (p_.c1 + p_.cmu) / p_.n / 10.0) {
      eigen_at_ = evaluations;
      decompose();
    }
    history_.push_back(sorted_f_.front());
  }

  // Why the run should stop ("" = go on).
  std::string stop(double tol_fun, double tol_x) const {
    if (!std::isfinite(sigma_) || !C_.allFinite()) return "numerical breakdown";
    if (sigma_ * D_.maxCoeff() < tol_x) return "tolx";
    const std::size_t hist = 10 + static_cast<std::size_t>(std::ceil(30.0 * p_.n / p_.lambda));
    if (history_.size() >= hist) {
      const auto first = history_.end() - static_cast<long>(hist);
      const double hi = std::max(*std::max_element(first, history_.end()), sorted_f_.back());
      const double lo = std::min(*std::min_element(first, history_.end()), sorted_f_.front());
      if (hi - lo < tol_fun) return "tolfun";
    }
    if (D_.maxCoeff() > 1e7 * D_.minCoeff()) return "condition";
    for (int i = 0; i < p_.n; ++i)  // adding 0.2 standard deviations changes no coordinate
      if (m_[i] == m_[i] + 0.2 * sigma_ * std::sqrt(C_(i, i))) return "noeffectcoord";
    return "";
  }

  double sigma() const { return sigma_; }

 private:
  const Params& p_;
  VectorXd m_, pc_, ps_, D_;
  MatrixXd B_, C_, invsqrtC_;
  double sigma_;
  int gen_ = 0;
  std::int64_t eigen_at_ = 0;
  std::vector<VectorXd> xs_;
  std::vector<double> sorted_f_, history_;

  void decompose() {
    const MatrixXd sym = C_.triangularView<Eigen::Upper>().toDenseMatrix() +
                         C_.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().transpose();
    C_ = sym;
    Eigen::SelfAdjointEigenSolver<MatrixXd> es(C_);
    if (es.info() != Eigen::Success) return;
    B_ = es.eigenvectors();
    D_ = es.eigenvalues().cwiseMax(1e-300).cwiseSqrt();
    invsqrtC_ = B_ * D_.cwiseInverse().asDiagonal() * B_.transpose();
  }
};

}  // namespace

CmaEsResult cma_es_minimize(const BatchObjective& f, const CmaEsOptions& o,
                            const CmaEsMonitor& monitor) {
  const int n = static_cast<int>(o.x0.size());
  if (n < 1) throw UserError(SourceLocation{"", 0, "x0"}, "CMA-ES needs at least one dimension");
  if (!(o.sigma0 > 0)) throw UserError(SourceLocation{"", 0, "sigma0"}, "must be positive");
  if (o.max_evaluations < 1)
    throw UserError(SourceLocation{"", 0, "evaluations"}, "must be at least 1");
  std::mt19937_64 rng(o.seed);
  CmaEsResult res;
  int lambda = o.lambda > 0 ? o.lambda : 4 + static_cast<int>(std::floor(3 * std::log(n)));
  // A budget smaller than one generation still gets one (smaller) generation.
  lambda = std::max<int>(2, static_cast<int>(std::min<std::int64_t>(lambda, o.max_evaluations)));
  VectorXd mean = Eigen::Map<const VectorXd>(o.x0.data(), n);
  for (int run = 0; run <= o.max_restarts; ++run) {
    if (run > 0) {
      lambda *= 2;
      if (o.restart_lower < o.restart_upper) {
        std::uniform_real_distribution<double> u(o.restart_lower, o.restart_upper);
        for (int i = 0; i < n; ++i) mean[i] = u(rng);
      } else {
        mean = Eigen::Map<const VectorXd>(o.x0.data(), n);
      }
    }
    const Params params(n, lambda);
    Run r(params, mean, o.sigma0);
    res.runs = run + 1;
    res.stop_reason = "";
    while (res.stop_reason.empty()) {
      if (res.evaluations + lambda > o.max_evaluations) {
        res.stop_reason = "maxevals";
        break;
      }
      const auto xs = r.sample(rng);
      const std::vector<double> fs = f(xs);
      MOSAIC_CHECK(fs.size() == xs.size(), "the objective returned one value per point");
      res.evaluations += lambda;
      CmaEsPoint pt;
      pt.generation_best = *std::min_element(fs.begin(), fs.end());
      for (std::size_t k = 0; k < fs.size(); ++k)
        if (fs[k] < res.best) {
          res.best = fs[k];
          res.best_x = xs[k];
          res.best_at_evaluation = res.evaluations - lambda + static_cast<std::int64_t>(k) + 1;
        }
      r.update(fs, res.evaluations);
      pt.evaluation = res.evaluations;
      pt.best = res.best;
      pt.sigma = r.sigma();
      pt.run = run;
      res.history.push_back(pt);
      if (monitor && !monitor(pt)) {
        res.interrupted = true;
        res.stop_reason = "interrupted";
        return res;
      }
      if (res.best <= o.target) {
        res.stop_reason = "target";
        return res;
      }
      res.stop_reason = r.stop(o.tol_fun, o.tol_x);
    }
    if (res.stop_reason == "maxevals") break;
  }
  return res;
}

BatchObjective parallel_batch(std::function<double(const std::vector<double>&)> f) {
  return [f = std::move(f)](const std::vector<std::vector<double>>& xs) {
    std::vector<double> out(xs.size());
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, xs.size()),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i != r.end(); ++i) out[i] = f(xs[i]);
                      });
    return out;
  };
}

}  // namespace mosaic::search

#include "mapper/Loma.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::mapper {

using cost::LnTemporalMapping;
using cost::LoopNestProblem;
using cost::LoopNestResult;

const char* objective_name(Objective o) {
  switch (o) {
    case Objective::Latency:
      return "latency";
    case Objective::Energy:
      return "energy";
    case Objective::Edp:
      return "edp";
    case Objective::ThroughputPerWatt:
      return "perf_per_watt";
  }
  return "?";
}

bool parse_objective(const std::string& text, Objective& out) {
  // Every verb's names of the objectives (common/Objective.h); the mapper optimises three.
  const auto o = objective_from_name(text);
  if (!o || *o == Objective::ThroughputPerWatt) return false;
  out = *o;
  return true;
}

bool better(Objective obj, const LoopNestResult& a, const LoopNestResult& b) {
  switch (obj) {
    case Objective::Latency:
      return a.latency_cycles < b.latency_cycles ||
             (a.latency_cycles == b.latency_cycles && a.energy_pj < b.energy_pj);
    case Objective::Energy:
    case Objective::ThroughputPerWatt:  // work per energy: the energy for one layer
      return a.energy_pj < b.energy_pj ||
             (a.energy_pj == b.energy_pj && a.latency_cycles < b.latency_cycles);
    case Objective::Edp:
      return a.latency_cycles * a.energy_pj < b.latency_cycles * b.energy_pj;
  }
  return false;
}

namespace {

// Prime factors with multiplicity, ascending (sympy factorint order for our sizes).
std::vector<std::pair<std::int64_t, int>> factorize(std::int64_t v) {
  std::vector<std::pair<std::int64_t, int>> out;
  for (std::int64_t f = 2; f * f <= v; ++f) {
    int c = 0;
    while (v % f == 0) {
      v /= f;
      ++c;
    }
    if (c) out.emplace_back(f, c);
  }
  if (v > 1) out.emplace_back(v, 1);
  return out;
}

struct DimFactors {
  int dim;
  std::vector<std::int64_t> pfs;
  std::vector<int> counts;
  int sum;
};

}  // namespace

std::vector<Lpf> loop_prime_factors(const LoopNestProblem& p, int lpf_limit) {
  std::vector<DimFactors> dims;
  for (const auto& [dim, size] : p.temporal_loops) {
    DimFactors f{dim, {}, {}, 0};
    for (auto [pf, c] : factorize(size)) {
      f.pfs.push_back(pf);
      f.counts.push_back(c);
      f.sum += c;
    }
    dims.push_back(f);
  }
  if (dims.empty()) return {{0, 1}};
  const int min_limit = static_cast<int>(dims.size());
  int limit = std::max(lpf_limit, min_limit);
  // Static sizes from ordering constraints (ZigZag reduce_static_fps, kept literally).
  std::vector<std::pair<int, std::int64_t>> static_sizes;
  for (const auto& c : p.order_size_constraints) static_sizes.push_back(c.second);
  const bool has_constraints = !p.order_constraints.empty() || !p.order_size_constraints.empty();
  if (has_constraints) {
    for (const auto& [sdim, ssize] : static_sizes) {
      const int dim = sdim;  // (clang 14 cannot capture a structured binding)
      auto it =
          std::find_if(dims.begin(), dims.end(), [&](const DimFactors& f) { return f.dim == dim; });
      if (it == dims.end()) continue;
      for (auto [factor, mult] : factorize(ssize)) {
        auto pit = std::find(it->pfs.begin(), it->pfs.end(), factor);
        if (pit == it->pfs.end())
          throw UserError(fmt::format("temporal_ordering size {} of {} does not divide its loop",
                                      ssize, p.dim_names[static_cast<std::size_t>(sdim)]));
        const auto index = static_cast<std::size_t>(pit - it->pfs.begin());
        if (it->counts[index] >= mult) {
          it->counts[index] -= mult;
          if (std::find(it->pfs.begin(), it->pfs.end(), ssize) != it->pfs.end()) {
            it->counts[index] += 1;
          } else {
            it->pfs.push_back(ssize);
            it->counts.push_back(1);
          }
          it->sum -= mult - 1;
        }
      }
    }
  }
  auto find_smallest = [&](const DimFactors& f) -> std::pair<std::size_t, std::size_t> {
    std::vector<std::int64_t> st;
    for (const auto& [d, s] : static_sizes)
      if (d == f.dim) st.push_back(s);
    std::size_t small = 0;
    bool first = false;
    for (std::size_t i = 0; i < f.pfs.size(); ++i) {
      const auto in_static = static_cast<int>(std::count(st.begin(), st.end(), f.pfs[i]));
      if (in_static == 0 || f.counts[i] > in_static) {
        if (first) return {small, i};
        if (f.counts[i] > in_static + 1) return {i, i};
        small = i;
        first = true;
      }
    }
    return {small, f.pfs.size() - 1};
  };
  int n_pf = 0;
  for (const auto& f : dims) n_pf += f.sum;
  while (n_pf > limit) {
    std::size_t mx = 0;
    for (std::size_t k = 1; k < dims.size(); ++k)
      if (dims[k].sum > dims[mx].sum) mx = k;
    DimFactors& f = dims[mx];
    const auto [a, b] = find_smallest(f);
    const std::int64_t nf = f.pfs[a] * f.pfs[b];
    f.counts[a] -= 1;
    f.counts[b] -= 1;
    auto pit = std::find(f.pfs.begin(), f.pfs.end(), nf);
    if (pit != f.pfs.end()) {
      f.counts[static_cast<std::size_t>(pit - f.pfs.begin())] += 1;
    } else {
      std::size_t pos = 0;
      while (pos < f.pfs.size() && f.pfs[pos] < nf) ++pos;
      f.pfs.insert(f.pfs.begin() + static_cast<std::ptrdiff_t>(pos), nf);
      f.counts.insert(f.counts.begin() + static_cast<std::ptrdiff_t>(pos), 1);
    }
    std::vector<std::int64_t> pfs;
    std::vector<int> counts;
    for (std::size_t i = 0; i < f.pfs.size(); ++i)
      if (f.counts[i] != 0) {
        pfs.push_back(f.pfs[i]);
        counts.push_back(f.counts[i]);
      }
    f.pfs = pfs;
    f.counts = counts;
    f.sum -= 1;
    --n_pf;
  }
  std::vector<Lpf> out;
  for (const auto& f : dims)
    for (std::size_t i = 0; i < f.pfs.size(); ++i)
      for (int c = 0; c < f.counts[i]; ++c) out.emplace_back(f.dim, f.pfs[i]);
  return out;
}

std::int64_t permutation_count(const std::vector<Lpf>& items) {
  std::vector<Lpf> s = items;
  std::sort(s.begin(), s.end());
  double n = 1;
  int k = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    ++k;
    n *= k;
  }
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && s[j] == s[i]) ++j;
    for (std::size_t c = 2; c <= j - i; ++c) n /= static_cast<double>(c);
    i = j;
  }
  return std::llround(n);
}

double loop_order_count(const LoopNestProblem& p, int lpf_limit) {
  if (p.has_fixed_ordering || p.temporal_loops.empty()) return 1;
  std::vector<Lpf> s = loop_prime_factors(p, lpf_limit);
  std::sort(s.begin(), s.end());
  double n = 1;  // n! / (k1! k2! ...), built as a running product of binomials
  std::size_t i = 0;
  double placed = 0;
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && s[j] == s[i]) ++j;
    for (std::size_t c = 1; c <= j - i; ++c)
      n = n * (placed + static_cast<double>(c)) / static_cast<double>(c);
    placed += static_cast<double>(j - i);
    i = j;
  }
  return std::round(n);
}

std::int64_t for_each_permutation(const LoopNestProblem& p, std::vector<Lpf> items,
                                  const std::function<bool(const std::vector<Lpf>&)>& visit) {
  const int n = static_cast<int>(items.size());
  if (n == 0) return 0;
  // Ascending by (dimension name, size), as Python sorts (LayerDim, int) tuples.
  auto less = [&](const Lpf& a, const Lpf& b) {
    const std::string& na = p.dim_names[static_cast<std::size_t>(a.first)];
    const std::string& nb = p.dim_names[static_cast<std::size_t>(b.first)];
    if (na != nb) return na < nb;
    return a.second < b.second;
  };
  std::stable_sort(items.begin(), items.end(), less);
  std::vector<int> rank(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k)
    rank[static_cast<std::size_t>(k)] =
        k == 0
            ? 0
            : rank[static_cast<std::size_t>(k - 1)] +
                  (less(items[static_cast<std::size_t>(k - 1)], items[static_cast<std::size_t>(k)])
                       ? 1
                       : 0);
  // Linked list: node k holds items[k]; built by prepending, so next(k) = k - 1.
  std::vector<int> next(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) next[static_cast<std::size_t>(k)] = k - 1;
  auto val = [&](int node) { return rank[static_cast<std::size_t>(node)]; };
  auto nth = [&](int h, int m) {
    int o = h;
    for (int c = 0; c < m && next[static_cast<std::size_t>(o)] != -1; ++c)
      o = next[static_cast<std::size_t>(o)];
    return o;
  };
  int h = n - 1;
  int i = nth(h, n - 2);
  int j = nth(h, n - 1);
  std::vector<Lpf> perm(static_cast<std::size_t>(n));
  auto emit = [&]() {
    int o = h, k = 0;
    while (o != -1) {
      perm[static_cast<std::size_t>(k++)] = items[static_cast<std::size_t>(o)];
      o = next[static_cast<std::size_t>(o)];
    }
    return visit(perm);
  };
  std::int64_t count = 1;
  if (!emit()) return count;
  while (next[static_cast<std::size_t>(j)] != -1 || val(j) < val(h)) {
    int s;
    if (next[static_cast<std::size_t>(j)] != -1 && val(i) >= val(next[static_cast<std::size_t>(j)]))
      s = j;
    else
      s = i;
    const int t = next[static_cast<std::size_t>(s)];
    next[static_cast<std::size_t>(s)] = next[static_cast<std::size_t>(t)];
    next[static_cast<std::size_t>(t)] = h;
    if (val(t) < val(h)) i = t;
    j = next[static_cast<std::size_t>(i)];
    h = t;
    ++count;
    if (!emit()) return count;
  }
  return count;
}

bool satisfies_constraints(const LoopNestProblem& p, const std::vector<Lpf>& order) {
  const int n = static_cast<int>(order.size());
  for (const auto& [pos, dim] : p.order_constraints) {
    const int k = pos < 0 ? n + pos : pos;
    if (k < 0 || k >= n || order[static_cast<std::size_t>(k)].first != dim) return false;
  }
  for (const auto& [pos, ds] : p.order_size_constraints) {
    const int k = pos < 0 ? n + pos : pos;
    if (k < 0 || k >= n || order[static_cast<std::size_t>(k)].first != ds.first ||
        order[static_cast<std::size_t>(k)].second != ds.second)
      return false;
  }
  return true;
}

namespace {

using Ops = std::array<int, cost::kLnMaxOperands>;
using Candidates = std::array<std::array<double, cost::kLnMaxOrder + 1>, cost::kLnMaxOperands>;

// The state of one bottom-up allocation: per operand, the loop sizes below the current level,
// the next loop to allocate, the current level; per operand and candidate prefix length at the
// current memory, the required bits and the accesses to the level above.
struct AllocState {
  std::array<std::array<double, cost::kLnMaxDims>, cost::kLnMaxOperands> cur{};
  Ops pos{}, level{};
  Candidates sizes{}, accesses{};
  Ops count{}, offset{};
};

// Operand oi's candidate prefixes at a memory of `cap` bits; false when not even the empty
// prefix fits.
bool operand_candidates(const LoopNestProblem& p, const Lpf* order, int n, int oi, double cap,
                        AllocState& st) {
  using cost::kLnMaxDims;
  auto& cur = st.cur;
  auto& pos = st.pos;
  auto& level = st.level;
  auto& sizes = st.sizes;
  auto& accesses = st.accesses;
  auto& count = st.count;
  auto& offset = st.offset;
  const auto uo = static_cast<std::size_t>(oi);
  const cost::LnOperand& o = p.ops[uo];
  double prec = o.precision_bits;
  if (o.is_output) {
    bool ir_left = false;
    for (int a = level[uo] + 1; a <= o.num_mem && !ir_left; ++a)
      for (const auto& l : o.su_frac[static_cast<std::size_t>(a)])
        if (cost::in_mask(o.ir, l.dim)) ir_left = true;
    for (int k = pos[uo]; k < n && !ir_left; ++k)
      if (cost::in_mask(o.ir, order[k].first)) ir_left = true;
    prec = ir_left ? o.precision_bits : p.final_output_bits;
  }
  std::array<double, kLnMaxDims> tmp = cur[uo];
  int c = 0;
  for (int i = 0; pos[uo] + i <= n; ++i) {
    if (i > 0)
      tmp[static_cast<std::size_t>(order[pos[uo] + i - 1].first)] *=
          static_cast<double>(order[pos[uo] + i - 1].second);
    const double bits = cost::tensor_size(p, oi, tmp.data()) * prec;
    if (bits <= cap) {
      sizes[uo][static_cast<std::size_t>(c++)] = bits;
    } else {
      if (i == 0) return false;
      break;
    }
  }
  const bool top = level[uo] == o.num_mem - 1;
  offset[uo] = 0;
  if (top) {
    offset[uo] = c - 1;
    sizes[uo][0] = sizes[uo][static_cast<std::size_t>(c - 1)];
    c = 1;
  }
  count[uo] = c;
  for (int i = 0; i < c; ++i) {
    if (top) {
      accesses[uo][static_cast<std::size_t>(i)] = 0;
    } else {
      double it = 1;
      for (int k = pos[uo] + i + offset[uo]; k < n; ++k) it *= static_cast<double>(order[k].second);
      accesses[uo][static_cast<std::size_t>(i)] = it * sizes[uo][static_cast<std::size_t>(i)];
    }
  }
  return true;
}

// Joint choice: every combination in ZigZag's order (first operand most significant), the
// last minimum wins (ZigZag uses <=). Tile sizes grow with the prefix length, so once a
// combination overflows the memory, so do the following ones at that position: skip them.
// False when the shortest prefixes already overflow.
bool joint_choice(const Ops& held, int nh, double cap, const AllocState& st, Ops& best) {
  const auto& sizes = st.sizes;
  const auto& accesses = st.accesses;
  const auto& count = st.count;
  Ops idx{};
  double best_acc = std::numeric_limits<double>::infinity();
  std::array<const double*, cost::kLnMaxOperands> sz{}, ac{};
  std::array<int, cost::kLnMaxOperands> cnt{};
  for (int h = 0; h < nh; ++h) {
    const auto uo = static_cast<std::size_t>(held[static_cast<std::size_t>(h)]);
    sz[static_cast<std::size_t>(h)] = sizes[uo].data();
    ac[static_cast<std::size_t>(h)] = accesses[uo].data();
    cnt[static_cast<std::size_t>(h)] = count[uo];
  }
  {
    double first = 0;
    for (int h = 0; h < nh; ++h) first += sz[static_cast<std::size_t>(h)][0];
    if (first > cap) return false;
  }
  // Depth-first over the operands; partial sums in ZigZag's left-to-right order.
  auto rec = [&](auto&& self, int h, double size_sum, double acc_sum) -> void {
    if (h == nh) {
      if (acc_sum <= best_acc) {
        best_acc = acc_sum;
        best = idx;
      }
      return;
    }
    const auto uh = static_cast<std::size_t>(h);
    for (int k = 0; k < cnt[uh]; ++k) {
      const double s_here = size_sum + sz[uh][k];
      // Smallest completion: the remaining operands at their shortest prefix.
      double s_min = s_here;
      for (int g = h + 1; g < nh; ++g) s_min += sz[static_cast<std::size_t>(g)][0];
      if (s_min > cap) break;
      idx[uh] = k;
      self(self, h + 1, s_here, acc_sum + ac[uh][k]);
    }
  };
  rec(rec, 0, 0.0, 0.0);
  return true;
}

// Allocates the chosen prefixes to the current level and moves every held operand up one level;
// false when a top level is left with loops.
bool commit_choice(const LoopNestProblem& p, const Lpf* order, int n, const Ops& held, int nh,
                   const Ops& best, AllocState& st, LnTemporalMapping& out) {
  auto& cur = st.cur;
  auto& pos = st.pos;
  auto& level = st.level;
  const auto& offset = st.offset;
  for (int h = 0; h < nh; ++h) {
    const int oi = held[static_cast<std::size_t>(h)];
    const auto uo = static_cast<std::size_t>(oi);
    const cost::LnOperand& o = p.ops[uo];
    const int take = best[static_cast<std::size_t>(h)] + offset[uo];
    for (int k = pos[uo]; k < pos[uo] + take; ++k)
      cur[uo][static_cast<std::size_t>(order[k].first)] *= static_cast<double>(order[k].second);
    pos[uo] += take;
    out.end[uo][static_cast<std::size_t>(level[uo])] = pos[uo];
    for (const auto& l : o.su_frac[static_cast<std::size_t>(level[uo] + 1)])
      cur[uo][static_cast<std::size_t>(l.dim)] *= l.size;
    if (level[uo] == o.num_mem - 1 && pos[uo] < n) return false;
    ++level[uo];
  }
  return true;
}

}  // namespace

bool allocate(const LoopNestProblem& p, const Lpf* order, int n, LnTemporalMapping& out) {
  if (n > cost::kLnMaxOrder)
    throw UserError(fmt::format("at most {} temporal loops", cost::kLnMaxOrder));
  out.n = n;
  for (int k = 0; k < n; ++k)
    out.order[static_cast<std::size_t>(k)] =
        cost::LnLoop{order[k].first, static_cast<double>(order[k].second)};
  const int nops = static_cast<int>(p.ops.size());
  AllocState st;
  for (int oi = 0; oi < nops; ++oi) {
    st.cur[static_cast<std::size_t>(oi)].fill(1);
    for (const auto& l : p.ops[static_cast<std::size_t>(oi)].su_frac[0])
      st.cur[static_cast<std::size_t>(oi)][static_cast<std::size_t>(l.dim)] *= l.size;
  }
  Ops held{};
  for (std::size_t m = 0; m < p.mems.size(); ++m) {
    const auto& mem = p.mems[m];
    int nh = 0;
    for (const auto& mem_op : mem.operands)
      for (int oi = 0; oi < nops; ++oi)
        if (p.ops[static_cast<std::size_t>(oi)].mem_operand == mem_op)
          held[static_cast<std::size_t>(nh++)] = oi;
    if (nh == 0) continue;
    const double cap = mem.size_bits;
    for (int h = 0; h < nh; ++h)
      if (!operand_candidates(p, order, n, held[static_cast<std::size_t>(h)], cap, st))
        return false;
    Ops best{};
    if (!joint_choice(held, nh, cap, st, best)) return false;
    if (!commit_choice(p, order, n, held, nh, best, st, out)) return false;
  }
  return true;
}

void throw_fixed_order_does_not_fit(const LoopNestProblem& p) {
  throw UserError(fmt::format("layer '{}': the given temporal ordering does not fit the memories",
                              p.layer_name));
}

TemporalSearchResult loma_search(const LoopNestProblem& p, const LomaOptions& options) {
  TemporalSearchResult res;
  auto consider = [&](const std::vector<Lpf>& order) {
    ++res.stats.orders;
    if ((res.stats.orders & 1023) == 0 && options.stop_requested && options.stop_requested())
      throw SearchInterrupted();
    LnTemporalMapping tm;
    if (!allocate(p, order.data(), static_cast<int>(order.size()), tm)) return;
    ++res.stats.allocated;
    const LoopNestResult c = cost::evaluate(p, tm);
    ++res.stats.evaluations;
    if (!res.found || better(options.objective, c, res.cost)) {
      res.found = true;
      res.cost = c;
      res.mapping = tm;
    }
  };
  if (p.has_fixed_ordering || p.temporal_loops.empty()) {
    consider(p.fixed_ordering);  // already innermost-first LPFs
    if (!res.found) throw_fixed_order_does_not_fit(p);
    return res;
  }
  for_each_allowed_order(p, options.lpf_limit, consider);
  return res;
}

void for_each_allowed_order(const LoopNestProblem& p, int lpf_limit,
                            const std::function<void(const std::vector<Lpf>&)>& consider) {
  const std::vector<Lpf> lpfs = loop_prime_factors(p, lpf_limit);
  const bool constrained = !p.order_constraints.empty() || !p.order_size_constraints.empty();
  for_each_permutation(p, lpfs, [&](const std::vector<Lpf>& order) {
    if (constrained && !satisfies_constraints(p, order)) return true;
    consider(order);
    return true;
  });
}

}  // namespace mosaic::mapper

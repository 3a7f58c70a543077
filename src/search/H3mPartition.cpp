#include "search/H3mPartition.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "common/Error.h"

namespace mosaic::search {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// One layer's estimates on a part (see H3mPartition.h).
void add_layer(const schedule::Problem& p, bool fission, std::size_t i, TaskEstimate& e) {
  const int cols = p.num_cores;
  double chain = kInf, work = kInf, energy = 0, rate = 0, best_edp = kInf;
  for (int c = 0; c < cols; ++c) {
    const std::size_t k = p.at(i, c);
    if (!p.feasible[k]) continue;
    const double cy = p.cycles[k];
    chain = std::min(chain, cy);
    if (fission) {
      const double w = (c + 1) * cy / cols;  // column c = an allocation of c + 1 cores
      if (w < work) {
        work = w;
        energy = p.energy_pj[k];
      }
    } else {
      rate += cy > 0 ? 1 / cy : kInf;
      if (cy * p.energy_pj[k] < best_edp) {
        best_edp = cy * p.energy_pj[k];
        energy = p.energy_pj[k];
      }
    }
  }
  if (!fission) work = rate > 0 ? 1 / rate : kInf;
  if (!(chain < kInf)) e.feasible = false;
  const auto& n = p.nodes[i];
  e.chain_cycles += chain;
  e.work_cycles += work;
  e.energy_pj +=
      energy + (n.weight_bytes + (n.preds.empty() ? n.input_bytes : 0)) * p.dram_pj_per_byte;
}

}  // namespace

TaskEstimate estimate_task(const TaskPart& part, std::int32_t group) {
  TaskEstimate e;
  const auto& p = *part.problem;
  for (std::size_t i = 0; i < p.nodes.size(); ++i)
    if (p.nodes[i].group == group) add_layer(p, part.fission, i, e);
  return e;
}

std::vector<int> assign_tasks(const std::vector<TaskPart>& parts) {
  MOSAIC_CHECK(!parts.empty(), "at least one part");
  const int groups = parts.front().problem->num_groups();
  std::vector<int> out(static_cast<std::size_t>(groups), 0);
  if (parts.size() == 1) return out;
  // est[g][q]: one pass over each part's nodes.
  std::vector<std::vector<TaskEstimate>> est(static_cast<std::size_t>(groups),
                                             std::vector<TaskEstimate>(parts.size()));
  for (std::size_t q = 0; q < parts.size(); ++q) {
    const auto& p = *parts[q].problem;
    MOSAIC_CHECK(p.num_groups() == groups, "every part holds the whole workload");
    for (std::size_t i = 0; i < p.nodes.size(); ++i)
      add_layer(p, parts[q].fission, i, est[static_cast<std::size_t>(p.nodes[i].group)][q]);
  }
  auto least_work = [&](int g) {
    double w = kInf;
    for (const auto& e : est[static_cast<std::size_t>(g)])
      if (e.feasible) w = std::min(w, e.work_cycles);
    return w;
  };
  std::vector<int> order(static_cast<std::size_t>(groups));
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> least(order.size());
  for (int g : order) least[static_cast<std::size_t>(g)] = least_work(g);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return least[static_cast<std::size_t>(a)] > least[static_cast<std::size_t>(b)];
  });
  std::vector<double> longest(parts.size(), 0), work(parts.size(), 0);
  double energy = 0;
  for (int g : order) {
    const auto& eg = est[static_cast<std::size_t>(g)];
    int pick = 0;  // a task no part can run stays on part 0 (its scheduler says why)
    double best = kInf;
    for (std::size_t q = 0; q < parts.size(); ++q) {
      if (!eg[q].feasible) continue;
      double makespan = 0;
      for (std::size_t r = 0; r < parts.size(); ++r) {
        double l = std::max(longest[r], work[r]);
        if (r == q)
          l = std::max(std::max(longest[r], eg[q].chain_cycles), work[r] + eg[q].work_cycles);
        makespan = std::max(makespan, l);
      }
      const double score = makespan * (energy + eg[q].energy_pj);
      if (score < best) {
        best = score;
        pick = static_cast<int>(q);
      }
    }
    const auto q = static_cast<std::size_t>(pick);
    out[static_cast<std::size_t>(g)] = pick;
    if (eg[q].feasible) {
      longest[q] = std::max(longest[q], eg[q].chain_cycles);
      work[q] += eg[q].work_cycles;
      energy += eg[q].energy_pj;
    }
  }
  return out;
}

schedule::Problem restrict_groups(const schedule::Problem& p, const std::vector<int>& groups,
                                  double capacity_bytes) {
  schedule::Problem r;
  r.num_cores = p.num_cores;
  r.capacity_bytes = capacity_bytes;
  r.dram_pj_per_byte = p.dram_pj_per_byte;
  r.rearrange_cycles_per_byte = p.rearrange_cycles_per_byte;
  r.rearrange_pj_per_byte = p.rearrange_pj_per_byte;
  r.reconfig_cycles = p.reconfig_cycles;
  r.reconfig_pj = p.reconfig_pj;
  std::vector<std::int32_t> new_group(static_cast<std::size_t>(p.num_groups()), -1);
  for (std::size_t k = 0; k < groups.size(); ++k)
    new_group[static_cast<std::size_t>(groups[k])] = static_cast<std::int32_t>(k);
  std::vector<std::int32_t> index(p.nodes.size(), -1);
  std::vector<std::size_t> kept;
  // Groups are contiguous in p; keep them in the order asked for.
  for (int g : groups)
    for (std::size_t i = 0; i < p.nodes.size(); ++i)
      if (p.nodes[i].group == g) {
        index[i] = static_cast<std::int32_t>(kept.size());
        kept.push_back(i);
      }
  const auto nc = static_cast<std::size_t>(p.num_cores);
  const bool variants = p.variant.size() == p.cycles.size();
  r.nodes.reserve(kept.size());
  for (auto* v : {&r.cycles, &r.energy_pj, &r.l2_bytes}) v->reserve(kept.size() * nc);
  r.feasible.reserve(kept.size() * nc);
  if (variants) r.variant.reserve(kept.size() * nc);
  for (std::size_t i : kept) {
    schedule::Node n = p.nodes[i];
    n.group = new_group[static_cast<std::size_t>(n.group)];
    for (auto& q : n.preds) q = index[static_cast<std::size_t>(q)];
    r.nodes.push_back(std::move(n));
    auto copy = [&](const auto& src, auto& dst) {
      const auto b = src.begin() + static_cast<std::ptrdiff_t>(i * nc);
      dst.insert(dst.end(), b, b + static_cast<std::ptrdiff_t>(nc));
    };
    copy(p.cycles, r.cycles);
    copy(p.energy_pj, r.energy_pj);
    copy(p.l2_bytes, r.l2_bytes);
    copy(p.feasible, r.feasible);
    if (variants) copy(p.variant, r.variant);
  }
  return r;
}

}  // namespace mosaic::search

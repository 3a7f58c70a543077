// The schedule validator, written apart from the schedulers: it recomputes every constraint from
// the placements alone.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "schedule/Schedule.h"

namespace mosaic::schedule {

namespace {

constexpr double eps = 1e-6;

// The violations found, at most 50.
struct Complaints {
  std::vector<std::string> bad;
  void operator()(std::string msg) {
    if (bad.size() < 50) bad.push_back(std::move(msg));
  }
};

// Each layer exactly once, on a core that can run it, after its predecessors.
void check_placements(const Problem& p, const Schedule& s, Complaints& complain) {
  const std::size_t n = p.nodes.size();
  std::vector<int> seen(n, 0);
  for (const auto& seq : s.core_order)
    for (auto i : seq)
      if (i >= 0 && static_cast<std::size_t>(i) < n) ++seen[static_cast<std::size_t>(i)];
  for (std::size_t i = 0; i < n; ++i) {
    const Placed& pl = s.placed[i];
    if (pl.node != static_cast<std::int32_t>(i))
      complain(fmt::format("layer {} is not placed", p.nodes[i].name));
    if (pl.core < 0 || pl.core >= p.num_cores) {
      complain(fmt::format("layer {} has no core", p.nodes[i].name));
      continue;
    }
    if (!p.feasible[p.at(i, pl.core)])
      complain(
          fmt::format("layer {} runs on core {} which cannot run it", p.nodes[i].name, pl.core));
    if (seen[i] != 1)
      complain(
          fmt::format("layer {} appears {} times in the core orders", p.nodes[i].name, seen[i]));
    if (pl.end < pl.start - eps)
      complain(fmt::format("layer {} ends before it starts", p.nodes[i].name));
    for (auto q : p.nodes[i].preds)
      if (pl.start < s.placed[static_cast<std::size_t>(q)].end - eps)
        complain(fmt::format("layer {} starts at {} before its predecessor {} ends at {}",
                             p.nodes[i].name, pl.start, p.nodes[static_cast<std::size_t>(q)].name,
                             s.placed[static_cast<std::size_t>(q)].end));
  }
}

// No overlap on a core; durations = cost + penalties (by the order on the core).
void check_cores(const Problem& p, const Schedule& s, Complaints& complain) {
  const std::size_t n = p.nodes.size();
  for (int c = 0; c < p.num_cores; ++c) {
    std::vector<std::size_t> on;
    for (std::size_t i = 0; i < n; ++i)
      if (s.placed[i].core == c) on.push_back(i);
    std::sort(on.begin(), on.end(), [&](std::size_t a, std::size_t b) {
      return s.placed[a].start < s.placed[b].start ||
             (s.placed[a].start == s.placed[b].start && s.placed[a].end < s.placed[b].end);
    });
    std::int32_t prev_variant = -1;
    for (std::size_t k = 0; k < on.size(); ++k) {
      const std::size_t i = on[k];
      const Placed& pl = s.placed[i];
      if (k > 0 && pl.start < s.placed[on[k - 1]].end - eps)
        complain(fmt::format("layers {} and {} overlap on core {}", p.nodes[on[k - 1]].name,
                             p.nodes[i].name, c));
      const std::int32_t v = p.variant[p.at(i, c)];
      double expect = p.cycles[p.at(i, c)];
      if (prev_variant >= 0 && prev_variant != v) expect += p.reconfig_cycles;
      for (auto q : p.nodes[i].preds) {
        const Placed& pq = s.placed[static_cast<std::size_t>(q)];
        if (p.variant[p.at(static_cast<std::size_t>(q), pq.core)] != v)
          expect += p.rearrange_cycles_per_byte * p.nodes[static_cast<std::size_t>(q)].output_bytes;
      }
      if (std::fabs((pl.end - pl.start) - expect) > eps * std::max(1.0, expect))
        complain(fmt::format("layer {} lasts {} cycles on core {}, its cost is {}", p.nodes[i].name,
                             pl.end - pl.start, c, expect));
      prev_variant = v;
    }
  }
}

// The global buffer never above capacity; returns the occupancy timeline.
std::vector<MemoryPoint> check_buffer(const Problem& p, const Schedule& s, Complaints& complain) {
  const std::size_t n = p.nodes.size();
  std::vector<std::vector<std::size_t>> succ(n);
  for (std::size_t i = 0; i < n; ++i)
    for (auto q : p.nodes[i].preds) succ[static_cast<std::size_t>(q)].push_back(i);
  std::vector<std::pair<double, double>> ev;
  for (std::size_t i = 0; i < n; ++i) {
    const Placed& pl = s.placed[i];
    const double tile = p.l2_bytes[p.at(i, pl.core)];
    ev.push_back({pl.start, tile});
    ev.push_back({pl.end, -tile});
    if (pl.output_in_dram) continue;
    double free_at = pl.end;
    for (auto k : succ[i]) free_at = std::max(free_at, s.placed[k].end);
    if (pl.evicted_at >= 0) {
      if (pl.evicted_at < pl.end - eps)
        complain(fmt::format("the output of {} is evicted before it exists", p.nodes[i].name));
      free_at = std::min(free_at, pl.evicted_at);
    }
    ev.push_back({pl.start, p.nodes[i].output_bytes});
    ev.push_back({free_at, -p.nodes[i].output_bytes});
  }
  // At equal times, frees before allocations (a buffer freed at t can be reused at t).
  std::sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) {
    return a.first < b.first || (a.first == b.first && a.second < b.second);
  });
  double occ = 0, peak = 0;
  std::vector<MemoryPoint> tl;
  for (std::size_t k = 0; k < ev.size(); ++k) {
    occ += ev[k].second;
    if (k + 1 == ev.size() || ev[k + 1].first != ev[k].first) {
      if (occ > p.capacity_bytes * (1 + 1e-9) + eps)
        complain(fmt::format("the global buffer holds {:.0f} bytes at cycle {} (capacity {:.0f})",
                             occ, ev[k].first, p.capacity_bytes));
      peak = std::max(peak, occ);
      tl.push_back({ev[k].first, std::max(0.0, occ)});
    }
  }
  return tl;
}

// The schedule's totals are its layers'.
void check_totals(const Schedule& s, Complaints& complain) {
  double energy = 0, latency = 0;
  for (const auto& pl : s.placed) {
    energy += pl.energy_pj;
    latency = std::max(latency, pl.end);
  }
  if (std::fabs(energy - s.energy_pj) > 1e-6 * std::max(1.0, energy))
    complain(fmt::format("the schedule's energy {} is not the sum of its layers' {}", s.energy_pj,
                         energy));
  if (std::fabs(latency - s.latency_cycles) > eps * std::max(1.0, latency))
    complain(
        fmt::format("the schedule's latency {} is not its last end {}", s.latency_cycles, latency));
}

}  // namespace

std::vector<std::string> validate_schedule(const Problem& p, const Schedule& s,
                                           std::vector<MemoryPoint>* memory) {
  Complaints complain;
  const std::size_t n = p.nodes.size();
  if (s.placed.size() != n) {
    complain(fmt::format("{} placements for {} layers", s.placed.size(), n));
    return complain.bad;
  }
  check_placements(p, s, complain);
  if (!complain.bad.empty()) return complain.bad;
  check_cores(p, s, complain);
  std::vector<MemoryPoint> tl = check_buffer(p, s, complain);
  if (memory) *memory = std::move(tl);
  check_totals(s, complain);
  return complain.bad;
}

}  // namespace mosaic::schedule

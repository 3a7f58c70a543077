#include "schedule/Fission.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::schedule {

namespace {

bool done_within(double left, double scale) {
  return left <= 1e-9 * std::max(1.0, scale);
}

class Fission {
 public:
  Fission(const Problem& p, const FissionOptions& o)
      : p_(p), n_(p.nodes.size()), cores_(p.num_cores) {
    MOSAIC_CHECK(cores_ >= 1, "fission needs at least one core");
    const int groups = p.num_groups();
    tasks_.resize(static_cast<std::size_t>(groups));
    for (std::size_t i = 0; i < n_; ++i) {
      Task& t = tasks_[static_cast<std::size_t>(p.nodes[i].group)];
      if (t.first < 0) t.first = t.cur = static_cast<std::int32_t>(i);
      t.end = static_cast<std::int32_t>(i) + 1;
    }
    for (std::size_t g = 0; g < tasks_.size(); ++g) {
      Task& t = tasks_[g];
      t.done = t.first < 0;
      if (g < o.deadline_cycles.size()) t.deadline = o.deadline_cycles[g];
    }
    remaining_consumers_.assign(n_, 0);
    for (std::size_t i = 0; i < n_; ++i)
      for (auto q : p.nodes[i].preds) ++remaining_consumers_[static_cast<std::size_t>(q)];
    in_buffer_.assign(n_, 0);
    fill_suffix();
    s_.node_start.assign(n_, -1);
    s_.node_end.assign(n_, -1);
    s_.node_energy_pj.assign(n_, 0);
    s_.node_dram_bytes.assign(n_, 0);
    s_.group_finish.assign(tasks_.size(), 0);
  }

  FissionSchedule run() {
    double now = 0;
    allocate(now);
    for (;;) {
      double dt = kInfinity;
      bool any = false;
      for (const Task& t : tasks_) {
        if (t.done) continue;
        any = true;
        if (t.cores > 0) dt = std::min(dt, (1 - t.frac) * cycles(t.cur, t.cores));
      }
      if (!any) break;
      MOSAIC_CHECK(std::isfinite(dt), "fission: no task can run");
      now += dt;
      bool task_finished = false;
      for (Task& t : tasks_) {
        if (t.done || t.cores <= 0) continue;
        const double c = cycles(t.cur, t.cores);
        const double step = c > 0 ? std::min(1 - t.frac, dt / c) : 1 - t.frac;
        onchip(t.cur, t.cores, step);
        t.frac += step;
        if (done_within((1 - t.frac) * c, c)) task_finished |= finish_node(t, now);
      }
      if (task_finished) allocate(now);
    }
    s_.latency_cycles = now;
    for (std::size_t i = 0; i < n_; ++i) {
      s_.node_energy_pj[i] += s_.node_dram_bytes[i] * p_.dram_pj_per_byte;
      s_.energy_pj += s_.node_energy_pj[i];
      s_.dram_bytes += s_.node_dram_bytes[i];
    }
    return std::move(s_);
  }

 private:
  struct Task {
    std::int32_t first = -1, end = -1, cur = -1;
    double frac = 0;  // of the current node done
    int cores = 0;    // 0 = waiting
    bool started = false, done = false;
    double deadline = 0;
    double seg_start = 0;
  };

  std::size_t at(std::int32_t node, int m) const {
    return p_.at(static_cast<std::size_t>(node), m - 1);
  }
  double cycles(std::int32_t node, int m) const {
    return p_.feasible[at(node, m)] ? p_.cycles[at(node, m)] : kInfinity;
  }

  void fill_suffix() {
    const auto nc = static_cast<std::size_t>(cores_);
    suffix_.assign((n_ + 1) * nc, 0);
    for (const Task& t : tasks_) {
      if (t.first < 0) continue;
      for (std::int32_t i = t.end - 1; i >= t.first; --i) {
        const auto ui = static_cast<std::size_t>(i);
        for (int m = 1; m <= cores_; ++m) {
          const double next = i + 1 < t.end ? suffix_[(ui + 1) * nc + (m - 1)] : 0;
          suffix_[ui * nc + (m - 1)] = cycles(i, m) + next;
        }
      }
    }
  }

  // The task's remaining cycles if it held m cores from now on.
  double remaining(const Task& t, int m) const {
    const auto nc = static_cast<std::size_t>(cores_);
    const double rest =
        t.cur + 1 < t.end ? suffix_[(static_cast<std::size_t>(t.cur) + 1) * nc + (m - 1)] : 0;
    return (1 - t.frac) * cycles(t.cur, m) + rest;
  }

  void onchip(std::int32_t node, int m, double fraction) {
    s_.node_energy_pj[static_cast<std::size_t>(node)] += fraction * p_.energy_pj[at(node, m)];
  }

  void close_segment(Task& t, double now, bool finishing = false) {
    if (t.cores > 0 && t.started && (now > t.seg_start || finishing))
      s_.segments.push_back(FissionSegment{t.cur, t.seg_start, now, t.cores});
    t.seg_start = now;
  }

  void start_node(Task& t, double now) {
    const auto i = static_cast<std::size_t>(t.cur);
    const Node& node = p_.nodes[i];
    if (!p_.feasible[at(t.cur, 1)])
      throw UserError(SourceLocation{"", 0, "layer " + node.name},
                      "no core of the accelerator can run it");
    const double tile = p_.l2_bytes[at(t.cur, t.cores)];
    if (tile > p_.capacity_bytes)
      throw UserError(SourceLocation{"", 0, "layer " + node.name},
                      fmt::format("its tiles need {:.0f} bytes of global buffer; the buffer "
                                  "holds {:.0f} bytes",
                                  tile, p_.capacity_bytes));
    const bool has_succ = remaining_consumers_[i] > 0;
    double dram = node.weight_bytes + (node.preds.empty() ? node.input_bytes : 0);
    for (auto q : node.preds)
      if (!in_buffer_[static_cast<std::size_t>(q)])
        dram += p_.nodes[static_cast<std::size_t>(q)].output_bytes;
    if (has_succ && occupancy_ + tile + node.output_bytes <= p_.capacity_bytes) {
      in_buffer_[i] = 1;
      occupancy_ += node.output_bytes;
    } else {
      dram += node.output_bytes;  // spilled, or a model output
    }
    s_.node_dram_bytes[i] = dram;
    s_.node_start[i] = now;
    t.started = true;
    t.seg_start = now;
  }

  // The current node of `t` is complete at `now`; returns true when the task is.
  bool finish_node(Task& t, double now) {
    close_segment(t, now, true);
    const auto i = static_cast<std::size_t>(t.cur);
    s_.node_end[i] = now;
    for (auto q : p_.nodes[i].preds) {
      const auto qi = static_cast<std::size_t>(q);
      if (--remaining_consumers_[qi] == 0 && in_buffer_[qi])
        occupancy_ -= p_.nodes[qi].output_bytes;
    }
    t.frac = 0;
    t.started = false;
    if (++t.cur < t.end) {
      start_node(t, now);
      return false;
    }
    t.done = true;
    t.cores = 0;
    s_.group_finish[static_cast<std::size_t>(p_.nodes[i].group)] = now;
    return true;
  }

  std::vector<int> new_allocation(double now) const;

  void allocate(double now) {
    if (std::all_of(tasks_.begin(), tasks_.end(), [](const Task& t) { return t.done; })) return;
    ++s_.reallocations;
    const std::vector<int> next = new_allocation(now);
    for (std::size_t g = 0; g < tasks_.size(); ++g) {
      Task& t = tasks_[g];
      if (t.done || next[g] == t.cores) continue;
      close_segment(t, now);
      t.cores = next[g];
      if (t.cores > 0 && !t.started) start_node(t, now);
    }
  }

  const Problem& p_;
  std::size_t n_;
  int cores_;
  std::vector<Task> tasks_;
  std::vector<double> suffix_;  // [node * N + m - 1]: cycles from node to its task's end on m
  std::vector<int> remaining_consumers_;
  std::vector<std::uint8_t> in_buffer_;
  double occupancy_ = 0;
  FissionSchedule s_;
};

// The allocation policy (see Fission.h): returns the cores of every task from `now` on.
std::vector<int> Fission::new_allocation(double now) const {
  std::vector<std::size_t> active;
  for (std::size_t g = 0; g < tasks_.size(); ++g)
    if (!tasks_[g].done) active.push_back(g);
  auto due = [&](std::size_t g) { return tasks_[g].deadline > 0 ? tasks_[g].deadline : kInfinity; };
  std::stable_sort(active.begin(), active.end(),
                   [&](std::size_t a, std::size_t b) { return due(a) < due(b); });
  active.resize(std::min(active.size(), static_cast<std::size_t>(cores_)));
  std::vector<int> next(tasks_.size(), 0);
  int free = cores_ - static_cast<int>(active.size());
  for (std::size_t g : active) next[g] = 1;
  // Deadlines first, earliest first: the fewest cores that meet each, when the free cores can.
  for (std::size_t g : active) {
    if (tasks_[g].deadline <= 0) continue;
    for (int m = 1; m <= 1 + free; ++m)
      if (now + remaining(tasks_[g], m) <= tasks_[g].deadline) {
        free -= m - 1;
        next[g] = m;
        break;
      }
  }
  // Then the latest estimated finish gets the next step, in arrival order on ties.
  std::sort(active.begin(), active.end());
  while (free > 0) {
    std::size_t pick = tasks_.size();
    int pick_m = 0;
    double latest = -kInfinity;
    for (std::size_t g : active) {
      const double r = remaining(tasks_[g], next[g]);
      for (int m = next[g] + 1; m <= next[g] + free; ++m) {
        if (!(remaining(tasks_[g], m) < r * (1 - 1e-12))) continue;
        if (now + r > latest) {
          latest = now + r;
          pick = g;
          pick_m = m;
        }
        break;
      }
    }
    if (pick == tasks_.size()) break;
    free -= pick_m - next[pick];
    next[pick] = pick_m;
  }
  return next;
}

}  // namespace

FissionSchedule schedule_fission(const Problem& p, const FissionOptions& options) {
  return Fission(p, options).run();
}

std::vector<std::string> validate_fission(const Problem& p, const FissionSchedule& s) {
  std::vector<std::string> bad;
  const std::size_t n = p.nodes.size();
  std::vector<double> covered(n, 0), onchip(n, 0);
  std::vector<std::pair<double, int>> use;  // (time, +-cores)
  for (const auto& seg : s.segments) {
    const auto i = static_cast<std::size_t>(seg.node);
    if (seg.cores < 1 || seg.cores > p.num_cores || seg.end < seg.start) {
      bad.push_back(fmt::format("segment of {} has {} cores over [{}, {})", p.nodes[i].name,
                                seg.cores, seg.start, seg.end));
      continue;
    }
    const std::size_t k = p.at(i, seg.cores - 1);
    const double f = p.cycles[k] > 0 ? (seg.end - seg.start) / p.cycles[k] : 1;
    covered[i] += f;
    onchip[i] += f * p.energy_pj[k];
    use.emplace_back(seg.start, seg.cores);
    use.emplace_back(seg.end, -seg.cores);
  }
  std::sort(use.begin(), use.end());  // ends (negative) before starts at equal times
  int busy = 0;
  for (const auto& [t, d] : use)
    if ((busy += d) > p.num_cores) bad.push_back(fmt::format("{} cores in use at {}", busy, t));
  for (std::size_t i = 0; i < n; ++i) {
    const auto& node = p.nodes[i];
    if (std::abs(covered[i] - 1) > 1e-6)
      bad.push_back(fmt::format("{} runs {} of its work", node.name, covered[i]));
    for (auto q : node.preds)
      if (s.node_start[i] < s.node_end[static_cast<std::size_t>(q)] - 1e-6)
        bad.push_back(fmt::format("{} starts before its predecessor ends", node.name));
    if (i > 0 && p.nodes[i - 1].group == node.group && s.node_start[i] < s.node_end[i - 1] - 1e-6)
      bad.push_back(fmt::format("{} starts before the task's previous layer ends", node.name));
    const double want = onchip[i] + s.node_dram_bytes[i] * p.dram_pj_per_byte;
    if (std::abs(s.node_energy_pj[i] - want) > 1e-6 * std::max(1.0, want))
      bad.push_back(fmt::format("{} energy {} pJ, its segments say {}", node.name,
                                s.node_energy_pj[i], want));
  }
  return bad;
}

}  // namespace mosaic::schedule

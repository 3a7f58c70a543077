#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "arch/Accelerator.h"
#include "common/Error.h"
#include "schedule/Schedule.h"

namespace mosaic::schedule {

int Problem::num_groups() const {
  int g = 0;
  for (const auto& n : nodes) g = std::max(g, n.group + 1);
  return g;
}

namespace {

// Occupancy of the global buffer as a sorted list of (time, change) events.
class Occupancy {
 public:
  void add(double t, double delta) {
    if (t <= folded_until_) {  // in the folded past: part of the base from now on
      base_ += delta;
      return;
    }
    auto it =
        std::upper_bound(ev_.begin(), ev_.end(), t,
                         [](double v, const std::pair<double, double>& e) { return v < e.first; });
    ev_.insert(it, {t, delta});
  }
  // Folds every event at or before `t` into the base occupancy: queries never look before the
  // scheduler's current cycle, so the list stays short.
  void fold(double t) {
    std::size_t k = 0;
    while (k < ev_.size() && ev_[k].first <= t) base_ += ev_[k++].second;
    if (k > 0) ev_.erase(ev_.begin(), ev_.begin() + static_cast<long>(k));
    folded_until_ = std::max(folded_until_, t);
  }
  // Largest occupancy over [a, b), a at or after the folded time.
  double max_over(double a, double b) const {
    double occ = base_;
    std::size_t i = 0;
    for (; i < ev_.size() && ev_[i].first <= a; ++i) occ += ev_[i].second;
    double best = occ;
    for (; i < ev_.size() && ev_[i].first < b; ++i) {
      occ += ev_[i].second;
      best = std::max(best, occ);
    }
    return best;
  }

 private:
  std::vector<std::pair<double, double>> ev_;
  double base_ = 0;
  double folded_until_ = -1;
};

double metric_of(Metric m, double cycles, double energy) {
  return objective_cost(m, cycles, energy);
}

class Scheduler {
 public:
  Scheduler(const Problem& p, const Options& o) : p_(p), o_(o), n_(p.nodes.size()) {
    MOSAIC_CHECK(p.num_cores >= 1, "a schedule needs at least one core");
    succ_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i)
      for (auto q : p.nodes[i].preds)
        succ_[static_cast<std::size_t>(q)].push_back(static_cast<std::int32_t>(i));
    remaining_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) remaining_[i] = static_cast<int>(succ_[i].size());
    consumer_end_.assign(n_, 0);
    reconfig_pj_.assign(n_, 0);
    s_.placed.assign(n_, Placed{});
    s_.core_order.assign(static_cast<std::size_t>(p.num_cores), {});
    core_free_.assign(static_cast<std::size_t>(p.num_cores), 0);
    core_variant_.assign(static_cast<std::size_t>(p.num_cores), -1);
    finish_.assign(static_cast<std::size_t>(p.num_cores), 0);
    order_.reserve(static_cast<std::size_t>(p.num_cores));
    // Cores ranked by the metric, per node (feasible ones only).
    rank_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      for (int c = 0; c < p.num_cores; ++c)
        if (p.feasible[p.at(i, c)]) rank_[i].push_back(c);
      if (rank_[i].empty())
        throw UserError(SourceLocation{"", 0, "layer " + p.nodes[i].name},
                        "no core can run this layer (no dataflow of the accelerator maps it)");
      std::stable_sort(rank_[i].begin(), rank_[i].end(), [&](int a, int b) {
        return metric_of(o.metric, p.cycles[p.at(i, a)], p.energy_pj[p.at(i, a)]) <
               metric_of(o.metric, p.cycles[p.at(i, b)], p.energy_pj[p.at(i, b)]);
      });
    }
    // Groups: first node and end of each.
    const int groups = p.num_groups();
    head_.assign(static_cast<std::size_t>(groups), -1);
    group_end_.assign(static_cast<std::size_t>(groups), -1);
    for (std::size_t i = 0; i < n_; ++i) {
      const auto g = static_cast<std::size_t>(p.nodes[i].group);
      if (head_[g] < 0) head_[g] = static_cast<std::int32_t>(i);
      group_end_[g] = static_cast<std::int32_t>(i) + 1;
    }
  }

  Schedule run() {
    std::vector<int> md;  // active groups in the order they are tried
    for (std::size_t g = 0; g < head_.size(); ++g)
      if (head_[g] >= 0) md.push_back(static_cast<int>(g));
    double cycle = 0;
    std::size_t done = 0;
    while (done < n_) {
      bool assigned = false;
      for (std::size_t k = 0; k < md.size(); ++k) {
        const int g = md[k];
        const std::int32_t node = head_[static_cast<std::size_t>(g)];
        if (try_place(node, cycle)) {
          ++done;
          ++head_[static_cast<std::size_t>(g)];
          const bool finished =
              head_[static_cast<std::size_t>(g)] >= group_end_[static_cast<std::size_t>(g)];
          md.erase(md.begin() + static_cast<long>(k));
          if (!finished) {
            if (o_.ordering == Ordering::DepthFirst)
              md.insert(md.begin(), g);
            else
              md.push_back(g);
          }
          assigned = true;
          break;
        }
      }
      if (assigned) continue;
      // Nothing can start at `cycle`: wait for the next completion.
      while (!ends_.empty() && ends_.front() <= cycle) {
        std::pop_heap(ends_.begin(), ends_.end(), std::greater<>());
        ends_.pop_back();
      }
      if (!ends_.empty()) {
        cycle = ends_.front();
        occ_.fold(cycle);
        continue;
      }
      // Nothing running and nothing placeable: outputs waiting for consumers fill the buffer.
      if (!evict_one(cycle)) explain_stuck(md);
    }
    finish();
    if (o_.post_process && !o_.greedy) post_process();
    return s_;
  }

 private:
  const Problem& p_;
  Options o_;
  std::size_t n_;
  Schedule s_;
  std::vector<std::vector<std::int32_t>> succ_;
  std::vector<int> remaining_;
  std::vector<double> consumer_end_;
  std::vector<double> reconfig_pj_;  // the reconfiguration part of each layer's energy
  std::vector<double> core_free_;
  std::vector<std::int32_t> core_variant_;
  std::vector<double> finish_;  // scratch of try_place, one entry per core
  std::vector<int> order_;      // likewise
  std::vector<std::vector<int>> rank_;
  std::vector<std::int32_t> head_, group_end_;
  Occupancy occ_;
  std::vector<double> ends_;  // min-heap of the end times of placed layers

  double penalty_cycles(std::size_t node, int core, std::int32_t prev_variant_on_core) const {
    const std::int32_t v = p_.variant[p_.at(node, core)];
    double extra = 0;
    if (prev_variant_on_core >= 0 && prev_variant_on_core != v) extra += p_.reconfig_cycles;
    for (auto q : p_.nodes[node].preds) {
      const Placed& pp = s_.placed[static_cast<std::size_t>(q)];
      if (pp.core >= 0 && p_.variant[p_.at(static_cast<std::size_t>(q), pp.core)] != v)
        extra += p_.rearrange_cycles_per_byte * p_.nodes[static_cast<std::size_t>(q)].output_bytes;
    }
    return extra;
  }

  double penalty_energy(std::size_t node, int core, std::int32_t prev_variant_on_core) const {
    const std::int32_t v = p_.variant[p_.at(node, core)];
    double extra = 0;
    if (prev_variant_on_core >= 0 && prev_variant_on_core != v) extra += p_.reconfig_pj;
    for (auto q : p_.nodes[node].preds) {
      const Placed& pp = s_.placed[static_cast<std::size_t>(q)];
      if (pp.core >= 0 && p_.variant[p_.at(static_cast<std::size_t>(q), pp.core)] != v)
        extra += p_.rearrange_pj_per_byte * p_.nodes[static_cast<std::size_t>(q)].output_bytes;
    }
    return extra;
  }

  bool try_place(std::int32_t node, double cycle) {
    const auto i = static_cast<std::size_t>(node);
    for (auto q : p_.nodes[i].preds) {
      const Placed& pp = s_.placed[static_cast<std::size_t>(q)];
      if (pp.core < 0 || pp.end > cycle) return false;  // dependence condition
    }
    // Finish time of the layer on every candidate core.
    double quickest = kInfinity;
    std::vector<double>& finish = finish_;  // per core, sized to the accelerator
    for (int c : rank_[i]) {
      const double start = std::max(cycle, core_free_[static_cast<std::size_t>(c)]);
      const double dur =
          p_.cycles[p_.at(i, c)] + penalty_cycles(i, c, core_variant_[static_cast<std::size_t>(c)]);
      finish[static_cast<std::size_t>(c)] = start + dur;
      quickest = std::min(quickest, start + dur);
    }
    // Cores in metric order; equal metrics by earliest finish.
    std::vector<int>& order = order_;
    const std::size_t nr = rank_[i].size();
    order.assign(rank_[i].begin(), rank_[i].end());
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      const double ma = metric_of(o_.metric, p_.cycles[p_.at(i, a)], p_.energy_pj[p_.at(i, a)]);
      const double mb = metric_of(o_.metric, p_.cycles[p_.at(i, b)], p_.energy_pj[p_.at(i, b)]);
      if (ma != mb) return ma < mb;
      return finish[static_cast<std::size_t>(a)] < finish[static_cast<std::size_t>(b)];
    });
    for (std::size_t r = 0; r < nr; ++r) {
      const int c = order[r];
      const double f = finish[static_cast<std::size_t>(c)];
      // Load balancing: a core is taken when it finishes the layer first, or less than
      // `load_balance_factor` times later (counted from now) than the quickest core.
      const bool balanced =
          f <= quickest + 1e-9 || (f - cycle) < o_.load_balance_factor * (quickest - cycle) - 1e-9;
      if (!o_.greedy && !balanced) continue;
      if (place_on(i, c, cycle)) return true;
      if (o_.greedy) return false;  // the baseline waits for its best core
    }
    return false;
  }

  bool place_on(std::size_t i, int c, double cycle) {
    const auto ck = static_cast<std::size_t>(c);
    const double start = std::max(cycle, core_free_[ck]);
    const double dur = p_.cycles[p_.at(i, c)] + penalty_cycles(i, c, core_variant_[ck]);
    const double end = start + dur;
    const double tile = p_.l2_bytes[p_.at(i, c)];
    const double out = p_.nodes[i].output_bytes;
    const double cap = p_.capacity_bytes;
    const bool has_succ = !succ_[i].empty();
    bool in_buffer = false;
    const double during = occ_.max_over(start, end);
    const double after = has_succ ? occ_.max_over(end, kInfinity) : 0;
    if (during + tile + out <= cap && (!has_succ || after + out <= cap)) {
      in_buffer = true;
    } else if (during + tile > cap) {
      return false;  // even with its output in DRAM the tiles do not fit now
    }
    Placed& pl = s_.placed[i];
    pl.node = static_cast<std::int32_t>(i);
    pl.core = c;
    pl.start = start;
    pl.end = end;
    pl.output_in_dram = !in_buffer;
    occ_.add(start, tile);
    occ_.add(end, -tile);
    if (in_buffer) {
      occ_.add(start, out);
      if (!has_succ) occ_.add(end, -out);
    }
    // Energy: on-chip, penalties, DRAM traffic.
    double dram = p_.nodes[i].weight_bytes;
    if (p_.nodes[i].preds.empty()) dram += p_.nodes[i].input_bytes;
    for (auto q : p_.nodes[i].preds) {
      const Placed& pp = s_.placed[static_cast<std::size_t>(q)];
      if (pp.output_in_dram || (pp.evicted_at >= 0 && pp.evicted_at <= start))
        dram += p_.nodes[static_cast<std::size_t>(q)].output_bytes;
    }
    if (!in_buffer || !has_succ) dram += out;  // written to DRAM (spilled, or a model output)
    pl.energy_pj = p_.energy_pj[p_.at(i, c)] + penalty_energy(i, c, core_variant_[ck]) +
                   dram * p_.dram_pj_per_byte;
    reconfig_pj_[i] = (core_variant_[ck] >= 0 && core_variant_[ck] != p_.variant[p_.at(i, c)])
                          ? p_.reconfig_pj
                          : 0;
    s_.dram_bytes += dram;
    core_free_[ck] = end;
    ends_.push_back(end);
    std::push_heap(ends_.begin(), ends_.end(), std::greater<>());
    core_variant_[ck] = p_.variant[p_.at(i, c)];
    s_.core_order[ck].push_back(static_cast<std::int32_t>(i));
    // Predecessors' outputs are freed once their last consumer ends.
    for (auto q : p_.nodes[i].preds) {
      const auto qi = static_cast<std::size_t>(q);
      consumer_end_[qi] = std::max(consumer_end_[qi], end);
      if (--remaining_[qi] == 0) {
        const Placed& pq = s_.placed[qi];
        if (!pq.output_in_dram && pq.evicted_at < 0)
          occ_.add(consumer_end_[qi], -p_.nodes[qi].output_bytes);
      }
    }
    return true;
  }

  // Moves the largest output still waiting for consumers to DRAM; false when there is none.
  bool evict_one(double cycle) {
    std::int32_t best = -1;
    for (std::size_t i = 0; i < n_; ++i) {
      const Placed& pl = s_.placed[i];
      if (pl.core < 0 || pl.output_in_dram || pl.evicted_at >= 0 || remaining_[i] == 0 ||
          succ_[i].empty())
        continue;
      if (best < 0 ||
          p_.nodes[i].output_bytes > p_.nodes[static_cast<std::size_t>(best)].output_bytes)
        best = static_cast<std::int32_t>(i);
    }
    if (best < 0) return false;
    Placed& pl = s_.placed[static_cast<std::size_t>(best)];
    pl.evicted_at = std::max(cycle, pl.end);
    occ_.add(pl.evicted_at, -p_.nodes[static_cast<std::size_t>(best)].output_bytes);
    const double bytes = p_.nodes[static_cast<std::size_t>(best)].output_bytes;
    pl.energy_pj += bytes * p_.dram_pj_per_byte;  // written out; consumers pay the read
    s_.dram_bytes += bytes;
    return true;
  }

  [[noreturn]] void explain_stuck(const std::vector<int>& md) const {
    for (int g : md) {
      const auto i = static_cast<std::size_t>(head_[static_cast<std::size_t>(g)]);
      double smallest = kInfinity;
      for (int c : rank_[i]) smallest = std::min(smallest, p_.l2_bytes[p_.at(i, c)]);
      if (smallest > p_.capacity_bytes)
        throw UserError(
            SourceLocation{"", 0, "layer " + p_.nodes[i].name},
            fmt::format("its tiles need {:.0f} bytes of global buffer on every core; the "
                        "buffer holds {:.0f} bytes: the workload cannot fit even layer "
                        "by layer",
                        smallest, p_.capacity_bytes));
    }
    MOSAIC_CHECK(false, "the scheduler made no progress");
    throw InternalError("unreachable");
  }

  void finish() {
    s_.latency_cycles = 0;
    s_.energy_pj = 0;
    s_.core_busy_cycles.assign(static_cast<std::size_t>(p_.num_cores), 0);
    for (const auto& pl : s_.placed) {
      s_.latency_cycles = std::max(s_.latency_cycles, pl.end);
      s_.energy_pj += pl.energy_pj;
      s_.core_busy_cycles[static_cast<std::size_t>(pl.core)] += pl.end - pl.start;
    }
  }

  // Fig. 9: fill idle gaps on each core with later layers that are ready at the gap's start (up
  // to `lookahead` layers ahead), then re-time every layer as early as its core order and its
  // predecessors allow. Kept only if the result is valid and not slower.
  void post_process() {
    Schedule before = s_;
    bool moved = false;
    for (auto& seq : s_.core_order) {
      for (std::size_t i = 0; i + 1 < seq.size(); ++i) {
        const Placed& base = s_.placed[static_cast<std::size_t>(seq[i])];
        const double gap_start = base.end;
        if (s_.placed[static_cast<std::size_t>(seq[i + 1])].start <= gap_start + 1e-9) continue;
        for (int la = 1; la <= o_.lookahead && i + static_cast<std::size_t>(la) < seq.size();
             ++la) {
          const std::size_t j = i + static_cast<std::size_t>(la);
          if (j == i + 1) continue;  // already next
          const std::int32_t cand = seq[j];
          bool ready = true;
          for (auto q : p_.nodes[static_cast<std::size_t>(cand)].preds)
            if (s_.placed[static_cast<std::size_t>(q)].end > gap_start + 1e-9) ready = false;
          // It must not depend on a layer it would overtake on this core.
          for (std::size_t k = i + 1; k < j && ready; ++k)
            for (auto q : p_.nodes[static_cast<std::size_t>(cand)].preds)
              if (q == seq[k]) ready = false;
          if (!ready) continue;
          seq.erase(seq.begin() + static_cast<long>(j));
          seq.insert(seq.begin() + static_cast<long>(i + 1), cand);
          Placed& pc = s_.placed[static_cast<std::size_t>(cand)];
          const double dur = pc.end - pc.start;
          pc.start = gap_start;
          pc.end = gap_start + dur;
          moved = true;
          break;
        }
      }
    }
    if (!moved) return;
    if (!retime()) {
      s_ = before;
      return;
    }
    finish();
    std::vector<MemoryPoint> mem;
    if (!validate_schedule(p_, s_, &mem).empty() ||
        s_.latency_cycles > before.latency_cycles + 1e-9)
      s_ = before;
  }

  // As-early-as-possible times for the current core orders (durations recomputed, since the
  // reconfiguration penalty depends on the order). False on a cyclic order.
  bool retime() {
    std::vector<int> indeg(n_, 0);
    std::vector<std::int32_t> next_on_core(n_, -1), prev_on_core(n_, -1);
    for (const auto& seq : s_.core_order)
      for (std::size_t k = 0; k + 1 < seq.size(); ++k) {
        next_on_core[static_cast<std::size_t>(seq[k])] = seq[k + 1];
        prev_on_core[static_cast<std::size_t>(seq[k + 1])] = seq[k];
      }
    for (std::size_t i = 0; i < n_; ++i) {
      indeg[i] = static_cast<int>(p_.nodes[i].preds.size()) + (prev_on_core[i] >= 0 ? 1 : 0);
    }
    std::vector<std::int32_t> queue;
    for (std::size_t i = 0; i < n_; ++i)
      if (indeg[i] == 0) queue.push_back(static_cast<std::int32_t>(i));
    std::size_t head = 0;
    while (head < queue.size()) {
      const auto i = static_cast<std::size_t>(queue[head++]);
      Placed& pl = s_.placed[i];
      double start = 0;
      std::int32_t prev_variant = -1;
      if (prev_on_core[i] >= 0) {
        const Placed& pp = s_.placed[static_cast<std::size_t>(prev_on_core[i])];
        start = pp.end;
        prev_variant = p_.variant[p_.at(static_cast<std::size_t>(prev_on_core[i]), pp.core)];
      }
      for (auto q : p_.nodes[i].preds)
        start = std::max(start, s_.placed[static_cast<std::size_t>(q)].end);
      pl.start = start;
      pl.end = start + p_.cycles[p_.at(i, pl.core)] + penalty_cycles(i, pl.core, prev_variant);
      const double reconfig =
          (prev_variant >= 0 && prev_variant != p_.variant[p_.at(i, pl.core)]) ? p_.reconfig_pj : 0;
      pl.energy_pj += reconfig - reconfig_pj_[i];
      reconfig_pj_[i] = reconfig;
      auto release = [&](std::size_t k) {
        if (--indeg[k] == 0) queue.push_back(static_cast<std::int32_t>(k));
      };
      for (auto k : succ_[i]) release(static_cast<std::size_t>(k));
      if (next_on_core[i] >= 0) release(static_cast<std::size_t>(next_on_core[i]));
    }
    return queue.size() == n_;
  }
};

}  // namespace

Schedule schedule_layers(const Problem& p, const Options& options) {
  const std::size_t n = p.nodes.size();
  const std::size_t cells = n * static_cast<std::size_t>(p.num_cores);
  if (p.num_cores < 1 || p.cycles.size() != cells || p.energy_pj.size() != cells ||
      p.l2_bytes.size() != cells || p.feasible.size() != cells || p.variant.size() != cells)
    throw InternalError("schedule problem tables have the wrong size");
  for (std::size_t i = 0; i < n; ++i)
    for (auto q : p.nodes[i].preds)
      if (q < 0 || static_cast<std::size_t>(q) >= i ||
          p.nodes[static_cast<std::size_t>(q)].group != p.nodes[i].group)
        throw InternalError(
            "schedule problem: a predecessor is not an earlier node of the same group");
  if (options.load_balance_factor < 1)
    throw UserError(SourceLocation{"", 0, "load_balance_factor"},
                    "the load-balancing factor must be at least 1");
  if (n == 0) return Schedule{};
  Scheduler s(p, options);
  return s.run();
}

}  // namespace mosaic::schedule

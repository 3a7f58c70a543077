#include "schedule/StreamScheduler.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/Error.h"
#include "schedule/StreamCoala.h"
#include "schedule/StreamResources.h"

namespace mosaic::schedule {

const char* cause_name(TransferCause c) {
  switch (c) {
    case TransferCause::OffChip:
      return "off_chip";
    case TransferCause::Eviction:
      return "eviction";
    case TransferCause::SinkLayer:
      return "sink_layer";
    case TransferCause::CoreToCore:
      return "core_to_core";
    case TransferCause::NoLog:
      return "no_log";
  }
  return "?";
}

namespace detail {

int Coala::tensor_id(int base) {
  if (id_of_base_.empty()) id_of_base_.assign(g_.tensors.size(), -1);
  int& cached = id_of_base_[static_cast<std::size_t>(base)];
  if (cached >= 0) return cached;
  const CnTensor& b = g_.tensors[static_cast<std::size_t>(base)];
  auto key = std::make_pair(b.layer, std::make_pair(b.operand, b.ranges));
  auto it = tensor_index_.find(key);
  if (it != tensor_index_.end()) return cached = it->second;
  Tensor t;
  t.layer = b.layer;
  t.op = b.operand;
  t.mem_op = mem_op_of(b.operand);
  t.ranges = b.ranges;
  t.size = static_cast<double>(b.size_bits);
  tensors_.push_back(t);
  tensor_base_.push_back(base);
  const int id = static_cast<int>(tensors_.size()) - 1;
  tensor_index_[key] = id;
  id_of_base_[static_cast<std::size_t>(base)] = id;
  return id;
}

void Coala::spawn(int t, int core, const std::string& mem_op, double t0, double t1) {
  auto& m = inst_[static_cast<std::size_t>(inst(core, mem_op))];
  if (m.contains(t)) return;
  m.stored.push_back(t);
  m.stored_since[t] = t0;
  m.available_since[t] = t1;
  if (!m.add_usage(t0, tensors_[static_cast<std::size_t>(t)].size))
    throw UserError(
        fmt::format("a tensor of {} bits (layer {} operand {}) overflows memory '{}' of core {} at "
                    "cycle {}: it "
                    "can never fit, even after eviction",
                    tensors_[static_cast<std::size_t>(t)].size,
                    g_.tile_layers.empty() ? 0 : tensors_[static_cast<std::size_t>(t)].layer,
                    tensors_[static_cast<std::size_t>(t)].op, m.memory, core, t0));
}

void Coala::remove(int t, int core, const std::string& mem_op, double time) {
  auto& m = inst_[static_cast<std::size_t>(inst(core, mem_op))];
  if (!m.contains(t)) return;
  m.stored.erase(std::find(m.stored.begin(), m.stored.end(), t));
  m.stored_since.erase(t);
  m.available_since.erase(t);
  m.add_usage(time, -tensors_[static_cast<std::size_t>(t)].size);
}

int Coala::instance_priority(int t, int instance) const {
  const auto& tt = tensors_[static_cast<std::size_t>(t)];
  auto it = tt.prio.find(instance);
  if (it != tt.prio.end()) return it->second;
  int s = 0;
  for (const auto& [k, v] : tt.prio)
    if (!inst_[static_cast<std::size_t>(k)].contains(t)) s += v;
  return s;
}

double Coala::available(int t, int sending_core, int* instance_out) const {
  if (sending_core >= 0) {
    const int i = inst(sending_core, tensors_[static_cast<std::size_t>(t)].mem_op);
    if (instance_out) *instance_out = i;
    auto& m = inst_[static_cast<std::size_t>(i)];
    auto it = m.available_since.find(t);
    if (it == m.available_since.end())
      throw InternalError(fmt::format("tensor {} is not stored on core {}", t, sending_core));
    return it->second;
  }
  double best = kInf;
  int bi = -1;
  for (int i : storing(t)) {
    const double a = inst_[static_cast<std::size_t>(i)].available_since.at(t);
    if (a < best) {
      best = a;
      bi = i;
    }
  }
  if (bi < 0) throw InternalError(fmt::format("tensor {} is stored nowhere", t));
  if (instance_out) *instance_out = bi;
  return best;
}

double Coala::make_space(int t, int core, const std::string& mem_op, double time,
                         const std::vector<int>& keep) {
  const auto& tt = tensors_[static_cast<std::size_t>(t)];
  const double enough =
      inst_[static_cast<std::size_t>(inst(core, mem_op))].earliest_fit(time, tt.size);
  const int ti = inst(core, tt.mem_op);
  auto& m = inst_[static_cast<std::size_t>(ti)];
  if (m.capacity < tt.size)
    throw UserError(
        fmt::format("a tensor of {} bits (layer {} operand {}) is larger than memory '{}' ({} "
                    "bits) of core {}: "
                    "it can never fit",
                    tt.size, tt.layer, tt.op, m.memory, m.capacity, core));
  const double min_evict = tt.size - (m.capacity - m.usage_at(enough));
  if (min_evict <= 0) return std::max(enough, time);
  std::vector<int> stored;
  for (int s : m.stored)
    if (m.stored_since.at(s) <= enough) stored.push_back(s);
  std::vector<std::pair<std::pair<double, double>, int>> ev;
  for (int s : stored)
    if (std::find(keep.begin(), keep.end(), s) == keep.end())
      ev.push_back({{instance_priority(s, ti) * tensors_[static_cast<std::size_t>(s)].size,
                     tensors_[static_cast<std::size_t>(s)].size},
                    static_cast<int>(ev.size())});
  std::vector<int> evs;
  for (int s : stored)
    if (std::find(keep.begin(), keep.end(), s) == keep.end()) evs.push_back(s);
  std::stable_sort(ev.begin(), ev.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<int> victims;
  double sum = 0;
  for (const auto& e : ev) {
    if (sum >= min_evict) break;
    victims.push_back(evs[static_cast<std::size_t>(e.second)]);
    sum += tensors_[static_cast<std::size_t>(victims.back())].size;
  }
  if (sum < min_evict)
    throw UserError(fmt::format(
        "a tensor of {} bits (layer {} operand {}) does not fit memory '{}' of core {} even after "
        "evicting everything evictable: it can never fit",
        tt.size, tt.layer, tt.op, m.memory, core));
  if (core == off_ && !victims.empty())
    throw UserError("the off-chip memory would need an eviction: make the off-chip memory larger");
  for (int v : victims) {
    const double frac = 1.0 / g_.inter_splits[static_cast<std::size_t>(
                                  cn(tensors_[static_cast<std::size_t>(v)].origin).layer)];
    time = std::max(time, removal(v, core, mem_op, time, frac, true, TransferCause::Eviction));
  }
  return std::max(enough, time);
}

double Coala::links_idle(const std::vector<std::pair<int, double>>& link_bw, double earliest,
                         double duration) {
  // Per link, the total requested bandwidth (normalised down when it exceeds the link).
  std::map<int, double> req;
  std::vector<int> order;
  for (const auto& [l, bw] : link_bw) {
    if (!req.count(l)) order.push_back(l);
    req[l] += bw;
  }
  std::vector<std::pair<double, double>> win;
  bool first = true;
  for (int l : order) {
    const auto& ls = links_[static_cast<std::size_t>(l)];
    double total = 0;
    if (req[l] > ls.bandwidth) {
      const double f = ls.bandwidth / req[l];
      for (const auto& [ll, bw] : link_bw)
        if (ll == l) total += std::floor(f * bw);
    } else {
      total = req[l];
    }
    if (order.size() == 1) {  // one link: its first window is the answer
      const double st = ls.first_idle(total, duration, earliest);
      if (st == kInf) break;
      return st;
    }
    auto w = ls.idle_windows(total, duration, earliest);
    if (first) {
      win = w;
      first = false;
    } else {
      win = intersections(win, w);
      win.erase(std::remove_if(win.begin(), win.end(),
                               [&](const auto& p) { return p.second - p.first < duration; }),
                win.end());
    }
  }
  if (win.empty())
    throw UserError(
        fmt::format("no idle window of {} cycles on the links from cycle {}", duration, earliest));
  return win.front().first;
}

double Coala::transfer(int t, int to_core, const std::string& op, double earliest,
                       const std::vector<int>& keep, int from_core, double frac,
                       TransferCause cause, bool has_cause) {
  if (sees(t, to_core, op)) return earliest;
  int src_inst = -1;
  const double avail = available(t, from_core, &src_inst);
  const double e0 = std::max(earliest, avail);
  const double ready = make_space(t, to_core, op, e0, keep);
  const int sender = inst_[static_cast<std::size_t>(src_inst)].cores.front();
  const auto& route =
      acc_.route[static_cast<std::size_t>(sender)][static_cast<std::size_t>(to_core)];
  if (route.empty() && sender != to_core)
    throw UserError(SourceLocation{acc_.source_file(), 0, "core_connectivity"},
                    fmt::format("no link path from core {} to core {}", sender, to_core));
  const auto& tt = tensors_[static_cast<std::size_t>(t)];
  double start = ready, end = ready;
  if (!route.empty()) {
    std::vector<std::pair<int, double>> lbw;
    double slowest = kInf;
    for (int l : route) {
      const double bw = std::ceil(frac * acc_.bandwidth_bits(l));
      lbw.emplace_back(l, bw);
      slowest = std::min(slowest, bw);
    }
    const double duration = std::ceil(tt.size / slowest);
    start = links_idle(lbw, ready, duration);
    end = start + duration;
  }
  spawn(t, to_core, op, start, end);
  if (!has_cause) cause = sender == off_ ? TransferCause::OffChip : TransferCause::CoreToCore;
  double link_pj = 0, mem_pj = 0;
  if (!route.empty()) {
    bool all_new = true;
    for (int l : route) {
      const bool fresh = links_[static_cast<std::size_t>(l)].update(
          t, start, end, std::ceil(frac * acc_.bandwidth_bits(l)));
      if (fresh)
        link_pj += (end - start) * acc_.unit_energy_pj(l) * frac;
      else
        all_new = false;
    }
    if (all_new) {
      comm_end_ = std::max(comm_end_, end);
      if (details_)
        res_.transfers.push_back(
            {t, sender, to_core, route, start, end, tt.size, cause, false, -1});
    }
    auto mem_cost = [&](int core, const std::string& mop, bool read) {
      const arch::LoopNestHardware& c = acc_.hw(core);
      const int mi = arch::top_memory_of(c, mop);
      const auto& mem = c.memories[static_cast<std::size_t>(mi)];
      const double bmin = static_cast<double>(mem.ports.front().bw_min_bits);
      const double bmax = static_cast<double>(mem.ports.front().bw_max_bits);
      return (read ? mem.read_pj : mem.write_pj) * (bmin / bmax) * std::ceil(tt.size / bmin);
    };
    mem_pj = mem_cost(sender, tt.mem_op, true) + mem_cost(to_core, op, false);
  }
  res_.link_pj[static_cast<std::size_t>(cause)] += link_pj;
  res_.memory_pj[static_cast<std::size_t>(cause)] += mem_pj;
  if (sender != off_) {
    const bool not_producer = sender != origin_core(t);
    if (not_producer && instance_priority(t, src_inst) == 0) remove(t, sender, tt.mem_op, end);
  }
  return end;
}

double Coala::removal(int t, int core, const std::string& mem_op, double time, double frac,
                      bool write_back, TransferCause cause) {
  if (write_back && !core_contains(t, off_)) {
    const double e = transfer(t, off_, mem_op, 0, {}, core, frac, cause, true);
    time = std::max(time, e);
  }
  remove(t, core, mem_op, time);
  return time;
}

double Coala::block_offchip(int c, int core, double time, double duration) {
  const auto& tl = too_large_[static_cast<std::size_t>(c)];
  if (tl.empty()) return time;
  const auto& to_off = acc_.route[static_cast<std::size_t>(core)][static_cast<std::size_t>(off_)];
  const auto& from_off = acc_.route[static_cast<std::size_t>(off_)][static_cast<std::size_t>(core)];
  std::vector<std::pair<int, std::pair<int, double>>> per_link;  // link -> (tensor, bw)
  std::vector<std::pair<int, double>> lbw;
  const auto* cost = cost_[static_cast<std::size_t>(c)];
  auto bw_of = [&](const std::string& mop) {
    auto it = cost->offchip_bw_bits.find(mop);
    return it == cost->offchip_bw_bits.end() ? 0.0 : it->second;
  };
  if (std::find(tl.begin(), tl.end(), "O") != tl.end()) {
    std::set<int> ls(to_off.begin(), to_off.end());
    for (int l : ls) {
      per_link.push_back({l, {cn(c).tensor_of("O"), bw_of("O")}});
    }
  }
  std::vector<std::string> ins;
  for (const auto& m : tl)
    if (m != "O") ins.push_back(m);
  if (!ins.empty()) {
    std::set<int> ls(from_off.begin(), from_off.end());
    for (int l : ls)
      for (const auto& m : ins) {
        const std::string lop = m == "I2" ? "W" : "I";
        per_link.push_back({l, {cn(c).tensor_of(lop), bw_of(m)}});
      }
  }
  if (per_link.empty()) return time;
  lbw.reserve(per_link.size());
  for (const auto& [l, tb] : per_link) lbw.emplace_back(l, tb.second);
  const double start = links_idle(lbw, time, duration);
  for (const auto& [l, tb] : per_link) {
    const int base = tb.first;
    const int tid = base >= 0 ? tensor_id(base) : -1;
    if (links_[static_cast<std::size_t>(l)].update(tid, start, start + duration, tb.second)) {
      comm_end_ = std::max(comm_end_, start + duration);
      if (details_) {
        const bool out = tid >= 0 && tensors_[static_cast<std::size_t>(tid)].op == "O";
        res_.transfers.push_back({tid,
                                  out ? core : off_,
                                  out ? off_ : core,
                                  {l},
                                  start,
                                  start + duration,
                                  tb.second * duration,
                                  TransferCause::OffChip,
                                  true,
                                  c});
      }
    }
  }
  return start;
}

int Coala::split_if_needed(int t, int c, int core, const std::string& op) {
  if (sees(t, core, op)) return t;
  const auto& node = cn(c);
  const auto& layer = g_.tile_layers[static_cast<std::size_t>(node.unique)];
  const auto& tt = tensors_[static_cast<std::size_t>(t)];
  const auto& base_dims =
      g_.tensors[static_cast<std::size_t>(tensor_base_[static_cast<std::size_t>(t)])].dims;
  auto ranges = tt.ranges;
  double compression = 1;
  bool split = false;
  for (const auto& it : g_.intra[static_cast<std::size_t>(node.layer)]) {
    auto pos = std::find(base_dims.begin(), base_dims.end(), it.dim);
    if (pos == base_dims.end()) continue;
    const auto k = static_cast<std::size_t>(pos - base_dims.begin());
    std::size_t di = 0;
    while (di < layer.dims.size() && layer.dims[di] != it.dim) ++di;
    if (di == layer.dims.size()) continue;
    const auto need = node.ranges[di];
    const auto full = ranges[k];
    if (need.second - need.first == full.second - full.first) continue;
    compression *= static_cast<double>(full.second - full.first) /
                   static_cast<double>(need.second - need.first);
    ranges[k] = need;
    split = true;
  }
  if (!split || !core_contains(t, off_)) return t;
  auto key = std::make_pair(tt.layer, std::make_pair(tt.op, ranges));
  int sub;
  auto f = tensor_index_.find(key);
  if (f != tensor_index_.end()) {
    sub = f->second;
  } else {
    Tensor s = tt;
    s.ranges = ranges;
    s.size = std::trunc(tt.size / compression);
    s.prio.clear();
    tensors_.push_back(s);
    tensor_base_.push_back(tensor_base_[static_cast<std::size_t>(t)]);
    sub = static_cast<int>(tensors_.size()) - 1;
    tensor_index_[key] = sub;
  }
  const double created = available(t, off_, nullptr);
  spawn(sub, off_, tt.mem_op, created, created);
  return sub;
}

}  // namespace detail

}  // namespace mosaic::schedule

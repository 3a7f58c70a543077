#include "schedule/StreamScheduler.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/Error.h"
#include "schedule/StreamResources.h"

namespace mosaic::schedule {

const char* cause_name(TransferCause c) {
  switch (c) {
    case TransferCause::OffChip: return "off_chip";
    case TransferCause::Eviction: return "eviction";
    case TransferCause::SinkLayer: return "sink_layer";
    case TransferCause::CoreToCore: return "core_to_core";
    case TransferCause::NoLog: return "no_log";
  }
  return "?";
}

namespace {

using namespace detail;
using workload::Cn;
using workload::CnTensor;

std::string mem_op_of(const std::string& layer_op) {
  if (layer_op == "O") return "O";
  if (layer_op == "W") return "I2";
  if (layer_op == "I") return "I1";
  return layer_op;
}

// True when loop dimension `dim` does not index operand `op` (not even through a relation).
bool irrelevant(const workload::EinsumLayer& l, const std::string& op, const std::string& dim) {
  for (const auto& o : l.operands) {
    if (o.name != op) continue;
    for (const auto& d : o.dims) {
      if (d == dim) return false;
      for (const auto& r : l.relations)
        if (r.dim == d && (r.dim_a == dim || r.dim_b == dim)) return false;
    }
  }
  return true;
}

struct Tensor {
  int layer = 0;
  std::string op;      // layer operand
  std::string mem_op;  // its origin's memory operand
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
  double size = 0;
  int origin = -1;  // CN
  bool has_base = false;
  std::map<int, int> prio;  // instance -> priority
  int total_prio() const {
    int s = 0;
    for (const auto& [k, v] : prio) s += v;
    return s;
  }
};

class Coala {
 public:
  Coala(const workload::TileGraph& g, const arch::StreamAccelerator& acc, const std::vector<int>& core,
        const std::vector<const mapper::StreamCnCost*>& cost, bool details)
      : g_(g), acc_(acc), core_(core), cost_(cost), details_(details) {}

  StreamScheduleResult run();

 private:
  const workload::TileGraph& g_;
  const arch::StreamAccelerator& acc_;
  const std::vector<int>& core_;
  const std::vector<const mapper::StreamCnCost*>& cost_;
  bool details_;
  StreamScheduleResult res_;
  std::vector<Tensor> tensors_;
  std::vector<int> tensor_base_;  // runtime tensor -> tile graph tensor
  std::map<std::pair<int, std::pair<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>>>, int>
      tensor_index_;
  std::vector<MemInstance> inst_;
  std::vector<std::map<std::string, int>> inst_of_;  // per core: mem op -> instance
  std::vector<LinkState> links_;
  std::vector<int> order_pos_;
  std::vector<std::vector<int>> layer_positions_;
  std::vector<double> start_, end_;
  std::vector<bool> scheduled_;
  std::vector<std::vector<std::string>> too_large_;
  std::map<int, double> idle_;
  double comm_end_ = 0;
  int off_ = 0;

  const Cn& cn(int i) const { return g_.cns[static_cast<std::size_t>(i)]; }
  int origin_core(int t) const { return core_[static_cast<std::size_t>(tensors_[static_cast<std::size_t>(t)].origin)]; }
  int inst(int core, const std::string& mem_op) const {
    auto& m = inst_of_[static_cast<std::size_t>(core)];
    auto it = m.find(mem_op);
    if (it == m.end())
      throw UserError(SourceLocation{acc_.cores[static_cast<std::size_t>(core)].file, 0, "memories"},
                      fmt::format("core {} has no memory for operand {}", core, mem_op));
    return it->second;
  }
  bool core_contains(int t, int core) const {
    return inst_[static_cast<std::size_t>(inst(core, tensors_[static_cast<std::size_t>(t)].mem_op))].contains(t);
  }
  std::vector<int> storing(int t) const {
    std::vector<int> v;
    for (std::size_t i = 0; i < inst_.size(); ++i)
      if (inst_[i].contains(t)) v.push_back(static_cast<int>(i));
    return v;
  }

  void setup();
  int tensor_id(int base);
  void spawn(int t, int core, const std::string& mem_op, double t0, double t1);
  void remove(int t, int core, const std::string& mem_op, double time);
  int instance_priority(int t, int instance) const;
  double available(int t, int sending_core, int* instance_out) const;
  double make_space(int t, int core, const std::string& mem_op, double time, const std::vector<int>& keep);
  double transfer(int t, int to_core, const std::string& op, double earliest, const std::vector<int>& keep,
                  int from_core, double frac, TransferCause cause, bool has_cause);
  double removal(int t, int core, const std::string& mem_op, double time, double frac, bool write_back,
                 TransferCause cause);
  double links_idle(const std::vector<std::pair<int, double>>& link_bw, double earliest, double duration);
  double block_offchip(int c, int core, double time, double duration);
  int split_if_needed(int t, int c, int core);
  void check_for_removal(const std::vector<int>& ts, double time, double frac);
  void finish();
};

int Coala::tensor_id(int base) {
  const CnTensor& b = g_.tensors[static_cast<std::size_t>(base)];
  auto key = std::make_pair(b.layer, std::make_pair(b.operand, b.ranges));
  auto it = tensor_index_.find(key);
  if (it != tensor_index_.end()) return it->second;
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
  return id;
}

void Coala::spawn(int t, int core, const std::string& mem_op, double t0, double t1) {
  auto& m = inst_[static_cast<std::size_t>(inst(core, mem_op))];
  if (m.contains(t)) return;
  m.stored.push_back(t);
  m.stored_since[t] = t0;
  m.available_since[t] = t1;
  if (!m.add_usage(t0, tensors_[static_cast<std::size_t>(t)].size))
    throw UserError(fmt::format(
        "a tensor of {} bits (layer {} operand {}) overflows memory '{}' of core {} at cycle {}: it "
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
  const double enough = inst_[static_cast<std::size_t>(inst(core, mem_op))].earliest_fit(time, tt.size);
  const int ti = inst(core, tt.mem_op);
  auto& m = inst_[static_cast<std::size_t>(ti)];
  if (m.capacity < tt.size)
    throw UserError(fmt::format(
        "a tensor of {} bits (layer {} operand {}) is larger than memory '{}' ({} bits) of core {}: "
        "it can never fit",
        tt.size, tt.layer, tt.op, m.memory, m.capacity, core));
  std::vector<int> stored;
  for (int s : m.stored)
    if (m.stored_since.at(s) <= enough) stored.push_back(s);
  const double min_evict = tt.size - (m.capacity - m.usage_at(enough));
  if (min_evict <= 0) return std::max(enough, time);
  std::vector<std::pair<std::pair<double, double>, int>> ev;
  for (int s : stored)
    if (std::find(keep.begin(), keep.end(), s) == keep.end())
      ev.push_back({{instance_priority(s, ti) * tensors_[static_cast<std::size_t>(s)].size,
                     tensors_[static_cast<std::size_t>(s)].size},
                    static_cast<int>(ev.size())});
  std::vector<int> evs;
  for (int s : stored)
    if (std::find(keep.begin(), keep.end(), s) == keep.end()) evs.push_back(s);
  std::stable_sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
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
    const double frac = 1.0 / g_.inter_splits[static_cast<std::size_t>(cn(tensors_[static_cast<std::size_t>(v)].origin).layer)];
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
    throw UserError(fmt::format("no idle window of {} cycles on the links from cycle {}", duration, earliest));
  return win.front().first;
}

double Coala::transfer(int t, int to_core, const std::string& op, double earliest,
                       const std::vector<int>& keep, int from_core, double frac, TransferCause cause,
                       bool has_cause) {
  if (core_contains(t, to_core)) return earliest;
  int src_inst = -1;
  const double avail = available(t, from_core, &src_inst);
  const double e0 = std::max(earliest, avail);
  const double ready = make_space(t, to_core, op, e0, keep);
  const int sender = inst_[static_cast<std::size_t>(src_inst)].cores.front();
  const auto& route = acc_.route[static_cast<std::size_t>(sender)][static_cast<std::size_t>(to_core)];
  if (route.empty() && sender != to_core)
    throw UserError(SourceLocation{acc_.source_file, 0, "core_connectivity"},
                    fmt::format("no link path from core {} to core {}", sender, to_core));
  const auto& tt = tensors_[static_cast<std::size_t>(t)];
  double start = ready, end = ready;
  if (!route.empty()) {
    std::vector<std::pair<int, double>> lbw;
    double slowest = kInf;
    for (int l : route) {
      const double bw = std::ceil(frac * acc_.links[static_cast<std::size_t>(l)].bandwidth_bits);
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
      const auto& lk = acc_.links[static_cast<std::size_t>(l)];
      const bool fresh = links_[static_cast<std::size_t>(l)].update(t, start, end, std::ceil(frac * lk.bandwidth_bits));
      if (fresh)
        link_pj += (end - start) * lk.unit_energy_pj * frac;
      else
        all_new = false;
    }
    if (all_new) {
      comm_end_ = std::max(comm_end_, end);
      if (details_) res_.transfers.push_back({t, sender, to_core, route, start, end, tt.size, cause, false, -1});
    }
    auto mem_cost = [&](int core, const std::string& mop, bool read) {
      const auto& c = acc_.cores[static_cast<std::size_t>(core)];
      const int mi = arch::top_memory_of(c, mop);
      const auto& mem = c.hw.memories[static_cast<std::size_t>(mi)];
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
  for (const auto& [l, tb] : per_link) lbw.emplace_back(l, tb.second);
  const double start = links_idle(lbw, time, duration);
  for (const auto& [l, tb] : per_link) {
    const int base = tb.first;
    const int tid = base >= 0 ? tensor_id(base) : -1;
    if (links_[static_cast<std::size_t>(l)].update(tid, start, start + duration, tb.second)) {
      comm_end_ = std::max(comm_end_, start + duration);
      if (details_) {
        const bool out = tid >= 0 && tensors_[static_cast<std::size_t>(tid)].op == "O";
        res_.transfers.push_back({tid, out ? core : off_, out ? off_ : core, {l}, start, start + duration,
                                  tb.second * duration, TransferCause::OffChip, true, c});
      }
    }
  }
  return start;
}

int Coala::split_if_needed(int t, int c, int core) {
  if (core_contains(t, core)) return t;
  const auto& node = cn(c);
  const auto& layer = g_.tile_layers[static_cast<std::size_t>(node.unique)];
  const auto& tt = tensors_[static_cast<std::size_t>(t)];
  const auto& base_dims = g_.tensors[static_cast<std::size_t>(tensor_base_[static_cast<std::size_t>(t)])].dims;
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
    compression *= static_cast<double>(full.second - full.first) / static_cast<double>(need.second - need.first);
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


void Coala::setup() {
  off_ = acc_.offchip_core_id;
  const std::size_t nc = acc_.cores.size();
  inst_of_.assign(nc, {});
  std::map<std::pair<int, int>, int> by_key;  // (memory group, memory index) -> instance
  for (std::size_t c = 0; c < nc; ++c) {
    const auto& core = acc_.cores[c];
    for (const char* op : {"O", "I2", "I1"}) {
      const int m = arch::top_memory_of(core, op);
      if (m < 0) continue;
      const auto key = std::make_pair(acc_.memory_group[c], m);
      auto it = by_key.find(key);
      int id;
      if (it == by_key.end()) {
        MemInstance mi;
        mi.memory = core.hw.memories[static_cast<std::size_t>(m)].name;
        mi.capacity = static_cast<double>(core.hw.memories[static_cast<std::size_t>(m)].size_bits);
        inst_.push_back(mi);
        id = static_cast<int>(inst_.size()) - 1;
        by_key[key] = id;
      } else {
        id = it->second;
      }
      auto& cores = inst_[static_cast<std::size_t>(id)].cores;
      if (std::find(cores.begin(), cores.end(), static_cast<int>(c)) == cores.end()) cores.push_back(static_cast<int>(c));
      inst_of_[c][op] = id;
    }
  }
  for (const auto& l : acc_.links) {
    LinkState s;
    s.bandwidth = l.bandwidth_bits;
    links_.push_back(s);
  }
  const std::size_t n = g_.cns.size();
  order_pos_.assign(n, 0);
  for (std::size_t i = 0; i < g_.order.size(); ++i) order_pos_[static_cast<std::size_t>(g_.order[i])] = static_cast<int>(i);
  layer_positions_.assign(g_.core_allocation.size(), {});
  for (std::size_t i = 0; i < n; ++i) layer_positions_[static_cast<std::size_t>(cn(static_cast<int>(i)).layer)].push_back(order_pos_[i]);
  start_.assign(n, -1);
  end_.assign(n, -1);
  scheduled_.assign(n, false);
  too_large_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    too_large_[i] = cost_[i]->too_large;
    idle_[core_[i]] = 0;
  }
  // Tensors: ids per CN operand; origins; priorities.
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& [op, base] : cn(static_cast<int>(i)).tensors) {
      const int t = tensor_id(base);
      if (tensors_[static_cast<std::size_t>(t)].origin < 0) tensors_[static_cast<std::size_t>(t)].origin = static_cast<int>(i);
    }
  for (std::size_t i = 0; i < n; ++i) {
    const auto& node = cn(static_cast<int>(i));
    const auto& layer = g_.tile_layers[static_cast<std::size_t>(node.unique)];
    const auto consts = workload::constant_operands(layer);
    for (const auto& [op, base] : node.tensors) {
      const int t = tensor_id(base);
      auto& tt = tensors_[static_cast<std::size_t>(t)];
      if (op == layer.operands.front().name) {
        for (int e : g_.succs[i]) {
          const auto& ed = g_.edges[static_cast<std::size_t>(e)];
          if (cn(ed.dst).layer == node.layer) continue;
          ++tt.prio[inst(core_[static_cast<std::size_t>(ed.dst)], mem_op_of(ed.operand))];
        }
      } else if (std::find(consts.begin(), consts.end(), op) != consts.end()) {
        int reuse = 1;
        auto loops = g_.inter[static_cast<std::size_t>(node.layer)];
        const auto& intra = g_.intra[static_cast<std::size_t>(node.layer)];
        loops.insert(loops.end(), intra.begin(), intra.end());
        for (const auto& it : loops)
          if (irrelevant(layer, op, it.dim)) reuse *= static_cast<int>(it.factor);
        tt.has_base = true;
        tt.prio[inst(core_[i], tt.mem_op)] = reuse;
      }
    }
  }
  // Constants and graph inputs start in the off-chip memory.
  for (std::size_t i = 0; i < n; ++i) {
    const auto& node = cn(static_cast<int>(i));
    const auto& layer = g_.tile_layers[static_cast<std::size_t>(node.unique)];
    const auto consts = workload::constant_operands(layer);
    for (const auto& [op, base] : node.tensors) {
      const bool is_const = std::find(consts.begin(), consts.end(), op) != consts.end();
      const bool input = op != layer.operands.front().name && g_.preds[i].empty();
      if (!is_const && !input) continue;
      const int t = tensor_id(base);
      if (!core_contains(t, off_)) spawn(t, off_, mem_op_of(op), 0, 0);
    }
  }
}

void Coala::check_for_removal(const std::vector<int>& ts, double time, double frac) {
  for (int t : ts) {
    if (tensors_[static_cast<std::size_t>(t)].total_prio() != 0) continue;
    for (int i : storing(t)) {
      const auto& cores = inst_[static_cast<std::size_t>(i)].cores;
      double when = time;
      const auto& tt = tensors_[static_cast<std::size_t>(t)];
      if (tt.op == "O") {
        const int origin = tt.origin;
        const bool off = std::find(cores.begin(), cores.end(), off_) != cores.end();
        double mx = -kInf;
        for (int e : g_.succs[static_cast<std::size_t>(origin)]) {
          const int s = g_.edges[static_cast<std::size_t>(e)].dst;
          if (cn(s).layer == cn(origin).layer) continue;
          if (!off && std::find(cores.begin(), cores.end(), core_[static_cast<std::size_t>(s)]) == cores.end()) continue;
          if (end_[static_cast<std::size_t>(s)] >= 0) mx = std::max(mx, end_[static_cast<std::size_t>(s)]);
        }
        when = mx == -kInf ? time : mx;
      }
      removal(t, cores.front(), tt.mem_op, when, frac, false, TransferCause::NoLog);
    }
  }
}

StreamScheduleResult Coala::run() {
  setup();
  const std::size_t n = g_.cns.size();
  std::vector<std::pair<double, int>> cand;
  for (std::size_t i = 0; i < n; ++i)
    if (g_.preds[i].empty()) cand.emplace_back(idle_[core_[i]], static_cast<int>(i));
  std::vector<bool> sink_layer(g_.core_allocation.size(), true);
  for (const auto& e : g_.edges)
    if (cn(e.src).layer != cn(e.dst).layer) sink_layer[static_cast<std::size_t>(cn(e.src).layer)] = false;
  for (std::size_t done = 0; done < n; ++done) {
    if (cand.empty()) throw InternalError("no schedulable computation node left");
    std::size_t bi = 0;
    for (std::size_t k = 1; k < cand.size(); ++k)
      if (order_pos_[static_cast<std::size_t>(cand[k].second)] < order_pos_[static_cast<std::size_t>(cand[bi].second)]) bi = k;
    const double preds_end = cand[bi].first;
    const int c = cand[bi].second;
    cand.erase(cand.begin() + static_cast<std::ptrdiff_t>(bi));
    const auto& node = cn(c);
    const int core = core_[static_cast<std::size_t>(c)];
    const auto& layer = g_.tile_layers[static_cast<std::size_t>(node.unique)];
    auto& tl = too_large_[static_cast<std::size_t>(c)];
    // Tensors needed: constants, then predecessor outputs, sorted by origin layer.
    std::vector<std::pair<int, std::string>> need;
    for (const auto& op : workload::constant_operands(layer)) {
      const auto mop = mem_op_of(op);
      if (std::find(tl.begin(), tl.end(), mop) != tl.end()) continue;
      need.emplace_back(tensor_id(node.tensor_of(op)), mop);
    }
    std::vector<int> pred_edges = g_.preds[static_cast<std::size_t>(c)];
    std::stable_sort(pred_edges.begin(), pred_edges.end(), [&](int a, int b) {
      const auto& x = cn(g_.edges[static_cast<std::size_t>(a)].src);
      const auto& y = cn(g_.edges[static_cast<std::size_t>(b)].src);
      return std::make_pair(x.layer, x.sub_id) < std::make_pair(y.layer, y.sub_id);
    });
    for (int e : pred_edges) {
      const auto& ed = g_.edges[static_cast<std::size_t>(e)];
      if (cn(ed.src).layer == node.layer) continue;
      const auto mop = mem_op_of(ed.operand);
      if (std::find(tl.begin(), tl.end(), mop) != tl.end()) continue;
      need.emplace_back(tensor_id(cn(ed.src).tensor_of(g_.tile_layers[static_cast<std::size_t>(cn(ed.src).unique)].operands.front().name)), mop);
    }
    std::stable_sort(need.begin(), need.end(), [&](const auto& a, const auto& b) {
      return tensors_[static_cast<std::size_t>(a.first)].layer < tensors_[static_cast<std::size_t>(b.first)].layer;
    });
    std::vector<int> full, sub;
    for (const auto& [t, op] : need) {
      full.push_back(t);
      sub.push_back(split_if_needed(t, c, core));
    }
    // Re-check DRAM blocking for the (smaller) sub-tensors.
    if (!tl.empty() && !sub.empty()) {
      bool const_large = false;
      for (const auto& op : workload::constant_operands(layer))
        if (std::find(tl.begin(), tl.end(), mem_op_of(op)) != tl.end()) const_large = true;
      if (!const_large) {
        std::map<std::string, double> size;
        for (std::size_t k = 0; k < sub.size(); ++k) size[need[k].second] += tensors_[static_cast<std::size_t>(sub[k])].size;
        size["O"] += tensors_[static_cast<std::size_t>(tensor_id(node.tensor_of(layer.operands.front().name)))].size;
        bool fits = true;
        std::map<int, double> per_mem;
        for (const auto& [mop, bits] : size) {
          const int m = arch::top_memory_of(acc_.cores[static_cast<std::size_t>(core)], mop);
          if (m >= 0) per_mem[m] += bits;
        }
        for (const auto& [m, bits] : per_mem)
          if (bits > static_cast<double>(acc_.cores[static_cast<std::size_t>(core)].hw.memories[static_cast<std::size_t>(m)].size_bits)) fits = false;
        if (fits) tl.clear();
      }
    }
    const double frac = 1.0 / g_.inter_splits[static_cast<std::size_t>(node.layer)];
    // Core synchronisation at the first CN of a layer whose predecessor layers come earlier.
    if (node.sub_id == 0) {
      bool all_before = true;
      for (int e : g_.preds[static_cast<std::size_t>(c)]) {
        const int pl = cn(g_.edges[static_cast<std::size_t>(e)].src).layer;
        if (pl == node.layer) continue;
        for (int pos : layer_positions_[static_cast<std::size_t>(pl)])
          if (pos >= order_pos_[static_cast<std::size_t>(c)]) all_before = false;
      }
      if (all_before) {
        double mx = 0;
        for (const auto& [k, v] : idle_) mx = std::max(mx, v);
        for (auto& [k, v] : idle_) v = mx;
      }
    }
    const double core_idle = idle_[core];
    double time = std::max(core_idle, preds_end);
    if (!tl.empty()) {
      for (const auto& mop : tl) {
        const int i = inst(core, mop);
        std::vector<int> stored;
        for (int s : inst_[static_cast<std::size_t>(i)].stored)
          if (inst_[static_cast<std::size_t>(i)].stored_since.at(s) <= time) stored.push_back(s);
        for (int s : stored)
          if (std::find(sub.begin(), sub.end(), s) == sub.end())
            time = removal(s, core, mop, time, frac, true, TransferCause::Eviction);
      }
    }
    double headstart = 0;
    for (std::size_t k = 0; k < sub.size(); ++k) {
      const auto& offc = acc_.cores[static_cast<std::size_t>(off_)];
      const auto& mem = offc.hw.memories[static_cast<std::size_t>(arch::top_memory_of(offc, need[k].second))];
      headstart += std::ceil(tensors_[static_cast<std::size_t>(sub[k])].size / (static_cast<double>(mem.ports.front().bw_max_bits) * frac));
    }
    const double earliest = core_idle - headstart;
    for (std::size_t k = 0; k < sub.size(); ++k)
      time = std::max(time, transfer(sub[k], core, need[k].second, earliest, sub, -1, frac, TransferCause::OffChip, false));
    const int out = tensor_id(node.tensor_of(layer.operands.front().name));
    const bool out_off = std::find(tl.begin(), tl.end(), "O") != tl.end();
    const int out_core = out_off ? off_ : core;
    time = make_space(out, out_core, "O", time, sub);
    const double runtime = cost_[static_cast<std::size_t>(c)]->runtime_cycles;
    time = block_offchip(c, core, time, runtime);
    const double end = time + runtime;
    spawn(out, out_core, "O", time, end);
    start_[static_cast<std::size_t>(c)] = time;
    end_[static_cast<std::size_t>(c)] = end;
    idle_[core] = end;
    scheduled_[static_cast<std::size_t>(c)] = true;
    res_.cn_onchip_pj += cost_[static_cast<std::size_t>(c)]->onchip_energy_pj;
    res_.memory_pj[static_cast<std::size_t>(TransferCause::OffChip)] += cost_[static_cast<std::size_t>(c)]->offchip_energy_pj;
    for (std::size_t k = 0; k < full.size(); ++k) {
      auto& tt = tensors_[static_cast<std::size_t>(full[k])];
      --tt.prio[inst(core, need[k].second)];
    }
    check_for_removal(full, end, frac);
    for (std::size_t k = 0; k < sub.size(); ++k)
      if (std::find(full.begin(), full.end(), sub[k]) == full.end()) {
        remove(sub[k], core, need[k].second, end);
        remove(sub[k], off_, need[k].second, end);
      }
    if (sink_layer[static_cast<std::size_t>(node.layer)] && node.final_output && !out_off)
      removal(out, core, "O", end, frac, true, TransferCause::SinkLayer);
    std::vector<int> succ;
    for (int e : g_.succs[static_cast<std::size_t>(c)]) succ.push_back(g_.edges[static_cast<std::size_t>(e)].dst);
    std::sort(succ.begin(), succ.end(), [&](int a, int b) {
      return std::make_pair(cn(a).layer, cn(a).sub_id) < std::make_pair(cn(b).layer, cn(b).sub_id);
    });
    succ.erase(std::unique(succ.begin(), succ.end()), succ.end());
    for (int s : succ) {
      bool ready = true;
      double pe = 0;
      for (int e : g_.preds[static_cast<std::size_t>(s)]) {
        const int p = g_.edges[static_cast<std::size_t>(e)].src;
        if (!scheduled_[static_cast<std::size_t>(p)]) ready = false;
        pe = std::max(pe, end_[static_cast<std::size_t>(p)]);
      }
      if (ready) cand.emplace_back(pe, s);
    }
  }
  finish();
  return res_;
}

void Coala::finish() {
  double lat = 0;
  for (double e : end_) lat = std::max(lat, e);
  res_.latency_cycles = std::max(lat, comm_end_);
  res_.energy_pj = res_.cn_onchip_pj;
  for (int k = 0; k < 4; ++k) res_.energy_pj += res_.link_pj[static_cast<std::size_t>(k)] + res_.memory_pj[static_cast<std::size_t>(k)];
  for (std::size_t i = 0; i < g_.cns.size(); ++i) res_.cns.push_back({core_[i], start_[i], end_[i]});
  for (const auto& m : inst_) {
    MemoryTimeline t;
    t.core = m.cores.front();
    t.memory = m.memory;
    t.capacity_bits = m.capacity;
    for (const auto& [time, bits] : m.cumsum) t.peak_bits = std::max(t.peak_bits, bits);
    if (details_) t.usage = m.cumsum;
    res_.memories.push_back(std::move(t));
  }
}

}  // namespace

StreamScheduleResult schedule_stream(const workload::TileGraph& g, const arch::StreamAccelerator& acc,
                                     const std::vector<int>& core_of_cn,
                                     const std::vector<const mapper::StreamCnCost*>& cost,
                                     bool keep_details) {
  Coala s(g, acc, core_of_cn, cost, keep_details);
  return s.run();
}

}  // namespace mosaic::schedule

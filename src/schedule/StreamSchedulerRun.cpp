#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/Error.h"
#include "schedule/StreamCoala.h"

namespace mosaic::schedule {
namespace detail {

void Coala::setup() {
  off_ = acc_.offchip_core_id();
  const auto nc = static_cast<std::size_t>(acc_.num_cores());
  inst_of_.assign(nc, {});
  // One instance per (owner core, memory name): a memory shared between cores (Stream's
  // core_memory_sharing) is one instance whatever operands each core keeps in it.
  std::map<std::pair<int, std::string>, int> by_key;
  for (std::size_t c = 0; c < nc; ++c) {
    const arch::LoopNestHardware& core = acc_.hw(static_cast<int>(c));
    for (const char* op : {"O", "I2", "I1"}) {
      const int m = arch::top_memory_of(core, op);
      if (m < 0) continue;
      const auto& name = core.memories[static_cast<std::size_t>(m)].name;
      const auto key = std::make_pair(acc_.memory_owner(static_cast<int>(c), name), name);
      auto it = by_key.find(key);
      int id;
      if (it == by_key.end()) {
        MemInstance mi;
        mi.memory = core.memories[static_cast<std::size_t>(m)].name;
        mi.capacity = static_cast<double>(core.memories[static_cast<std::size_t>(m)].size_bits);
        inst_.push_back(mi);
        id = static_cast<int>(inst_.size()) - 1;
        by_key[key] = id;
      } else {
        id = it->second;
      }
      auto& cores = inst_[static_cast<std::size_t>(id)].cores;
      if (std::find(cores.begin(), cores.end(), static_cast<int>(c)) == cores.end())
        cores.push_back(static_cast<int>(c));
      inst_of_[c][op] = id;
    }
  }
  for (std::size_t l = 0; l < acc_.links.size(); ++l) {
    LinkState s;
    s.bandwidth = acc_.bandwidth_bits(static_cast<int>(l));
    links_.push_back(s);
  }
  const std::size_t n = g_.cns.size();
  order_pos_.assign(n, 0);
  for (std::size_t i = 0; i < g_.order.size(); ++i)
    order_pos_[static_cast<std::size_t>(g_.order[i])] = static_cast<int>(i);
  layer_positions_.assign(g_.core_allocation.size(), {});
  for (std::size_t i = 0; i < n; ++i)
    layer_positions_[static_cast<std::size_t>(cn(static_cast<int>(i)).layer)].push_back(
        order_pos_[i]);
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
      if (tensors_[static_cast<std::size_t>(t)].origin < 0)
        tensors_[static_cast<std::size_t>(t)].origin = static_cast<int>(i);
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
          if (!off && std::find(cores.begin(), cores.end(), core_[static_cast<std::size_t>(s)]) ==
                          cores.end())
            continue;
          if (end_[static_cast<std::size_t>(s)] >= 0)
            mx = std::max(mx, end_[static_cast<std::size_t>(s)]);
        }
        when = mx == -kInf ? time : mx;
      }
      // A shared instance is reached through a core that keeps the tensor there; an unshared
      // one through its core and the tensor's own operand, as Stream does.
      const auto [via_core, via_op] =
          cores.size() > 1 ? reach(i, tt.mem_op) : std::make_pair(cores.front(), tt.mem_op);
      removal(t, via_core, via_op, when, frac, false, TransferCause::NoLog);
    }
  }
}

std::vector<std::pair<int, std::string>> Coala::needed_tensors(int c) {
  const auto& node = cn(c);
  const auto& layer = g_.tile_layers[static_cast<std::size_t>(node.unique)];
  const auto& tl = too_large_[static_cast<std::size_t>(c)];
  auto streamed = [&](const std::string& m) {
    return std::find(tl.begin(), tl.end(), m) != tl.end();
  };
  std::vector<std::pair<int, std::string>> need;
  for (const auto& op : workload::constant_operands(layer))
    if (!streamed(mem_op_of(op))) need.emplace_back(tensor_id(node.tensor_of(op)), mem_op_of(op));
  std::vector<int> pred_edges = g_.preds[static_cast<std::size_t>(c)];
  std::stable_sort(pred_edges.begin(), pred_edges.end(), [&](int a, int b) {
    const auto& x = cn(g_.edges[static_cast<std::size_t>(a)].src);
    const auto& y = cn(g_.edges[static_cast<std::size_t>(b)].src);
    return std::make_pair(x.layer, x.sub_id) < std::make_pair(y.layer, y.sub_id);
  });
  for (int e : pred_edges) {
    const auto& ed = g_.edges[static_cast<std::size_t>(e)];
    const auto& src = cn(ed.src);
    if (src.layer == node.layer || streamed(mem_op_of(ed.operand))) continue;
    const auto& out = g_.tile_layers[static_cast<std::size_t>(src.unique)].operands.front().name;
    need.emplace_back(tensor_id(src.tensor_of(out)), mem_op_of(ed.operand));
  }
  std::stable_sort(need.begin(), need.end(), [&](const auto& a, const auto& b) {
    return tensors_[static_cast<std::size_t>(a.first)].layer <
           tensors_[static_cast<std::size_t>(b.first)].layer;
  });
  return need;
}

// Stream's reset_too_large_operands_for_subtensors: when the (smaller) sub-tensors and the
// output fit the core's top memories, the CN no longer streams from DRAM.
void Coala::recheck_dram(int c, int core, const std::vector<std::pair<int, std::string>>& need,
                         const std::vector<int>& sub) {
  auto& tl = too_large_[static_cast<std::size_t>(c)];
  if (tl.empty() || sub.empty()) return;
  const auto& node = cn(c);
  const auto& layer = g_.tile_layers[static_cast<std::size_t>(node.unique)];
  for (const auto& op : workload::constant_operands(layer))
    if (std::find(tl.begin(), tl.end(), mem_op_of(op)) != tl.end()) return;
  std::map<std::string, double> size;
  for (std::size_t k = 0; k < sub.size(); ++k)
    size[need[k].second] += tensors_[static_cast<std::size_t>(sub[k])].size;
  size["O"] +=
      tensors_[static_cast<std::size_t>(tensor_id(node.tensor_of(layer.operands.front().name)))]
          .size;
  const arch::LoopNestHardware& hw = acc_.hw(core);
  std::map<int, double> per_mem;
  for (const auto& [mop, bits] : size) {
    const int m = arch::top_memory_of(hw, mop);
    if (m >= 0) per_mem[m] += bits;
  }
  for (const auto& [m, bits] : per_mem)
    if (bits > static_cast<double>(hw.memories[static_cast<std::size_t>(m)].size_bits)) return;
  tl.clear();
}

// Core synchronisation at the first CN of a layer whose predecessor layers come earlier.
void Coala::sync_if_first(int c) {
  const auto& node = cn(c);
  if (node.sub_id != 0) return;
  for (int e : g_.preds[static_cast<std::size_t>(c)]) {
    const int pl = cn(g_.edges[static_cast<std::size_t>(e)].src).layer;
    if (pl == node.layer) continue;
    for (int pos : layer_positions_[static_cast<std::size_t>(pl)])
      if (pos >= order_pos_[static_cast<std::size_t>(c)]) return;
  }
  double mx = 0;
  for (const auto& [k, v] : idle_) mx = std::max(mx, v);
  for (auto& [k, v] : idle_) v = mx;
}

double Coala::fetch_inputs(int c, int core, double time, double frac,
                           const std::vector<std::pair<int, std::string>>& need,
                           const std::vector<int>& sub) {
  const auto& tl = too_large_[static_cast<std::size_t>(c)];
  for (const auto& mop : tl) {  // clear_memories: evict what the core holds for streamed operands
    const int i = inst(core, mop);
    std::vector<int> stored;
    for (int s : inst_[static_cast<std::size_t>(i)].stored)
      if (inst_[static_cast<std::size_t>(i)].stored_since.at(s) <= time) stored.push_back(s);
    for (int s : stored)
      if (std::find(sub.begin(), sub.end(), s) == sub.end())
        time = removal(s, core, mop, time, frac, true, TransferCause::Eviction);
  }
  const double core_idle = idle_[core];
  double headstart = 0;
  const arch::LoopNestHardware& offc = acc_.offchip_hw();
  for (std::size_t k = 0; k < sub.size(); ++k) {
    const auto& mem =
        offc.memories[static_cast<std::size_t>(arch::top_memory_of(offc, need[k].second))];
    headstart += std::ceil(tensors_[static_cast<std::size_t>(sub[k])].size /
                           (static_cast<double>(mem.ports.front().bw_max_bits) * frac));
  }
  const double earliest = core_idle - headstart;
  for (std::size_t k = 0; k < sub.size(); ++k)
    time = std::max(time, transfer(sub[k], core, need[k].second, earliest, sub, -1, frac,
                                   TransferCause::OffChip, false));
  return time;
}

void Coala::release(int c, int core, double end, double frac,
                    const std::vector<std::pair<int, std::string>>& need,
                    const std::vector<int>& full, const std::vector<int>& sub, int out,
                    bool out_off) {
  for (std::size_t k = 0; k < full.size(); ++k)
    --tensors_[static_cast<std::size_t>(full[k])].prio[inst(core, need[k].second)];
  check_for_removal(full, end, frac);
  for (std::size_t k = 0; k < sub.size(); ++k)
    if (std::find(full.begin(), full.end(), sub[k]) == full.end()) {
      remove(sub[k], core, need[k].second, end);
      remove(sub[k], off_, need[k].second, end);
    }
  const auto& node = cn(c);
  if (sink_layer_[static_cast<std::size_t>(node.layer)] && node.final_output && !out_off)
    removal(out, core, "O", end, frac, true, TransferCause::SinkLayer);
}

void Coala::extend(int c, std::vector<std::pair<double, int>>& cand) {
  std::vector<int> succ;
  for (int e : g_.succs[static_cast<std::size_t>(c)])
    succ.push_back(g_.edges[static_cast<std::size_t>(e)].dst);
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

StreamScheduleResult Coala::run() {
  setup();
  const std::size_t n = g_.cns.size();
  std::vector<std::pair<double, int>> cand;
  for (std::size_t i = 0; i < n; ++i)
    if (g_.preds[i].empty()) cand.emplace_back(idle_[core_[i]], static_cast<int>(i));
  // Stream's get_sink_layer_ids: a layer is a sink when ALL its CNs have out-degree 0, intra-layer
  // edges included. With intra-core tiling the chained tiles of a layer have successors, so a
  // fused last layer is no sink and its outputs are not written back (as in Stream).
  sink_layer_.assign(g_.core_allocation.size(), true);
  for (const auto& e : g_.edges) sink_layer_[static_cast<std::size_t>(cn(e.src).layer)] = false;
  for (std::size_t done = 0; done < n; ++done) {
    if (cand.empty()) throw InternalError("no schedulable computation node left");
    std::size_t bi = 0;
    for (std::size_t k = 1; k < cand.size(); ++k)
      if (order_pos_[static_cast<std::size_t>(cand[k].second)] <
          order_pos_[static_cast<std::size_t>(cand[bi].second)])
        bi = k;
    const double preds_end = cand[bi].first;
    const int c = cand[bi].second;
    cand.erase(cand.begin() + static_cast<std::ptrdiff_t>(bi));
    const auto& node = cn(c);
    const int core = core_[static_cast<std::size_t>(c)];
    const auto& layer = g_.tile_layers[static_cast<std::size_t>(node.unique)];
    const auto need = needed_tensors(c);
    std::vector<int> full, sub;
    for (const auto& [t, op] : need) {
      full.push_back(t);
      sub.push_back(split_if_needed(t, c, core, op));
    }
    recheck_dram(c, core, need, sub);
    const double frac = 1.0 / g_.inter_splits[static_cast<std::size_t>(node.layer)];
    sync_if_first(c);
    double time = fetch_inputs(c, core, std::max(idle_[core], preds_end), frac, need, sub);
    const auto& tl = too_large_[static_cast<std::size_t>(c)];
    const int out = tensor_id(node.tensor_of(layer.operands.front().name));
    const bool out_off = std::find(tl.begin(), tl.end(), "O") != tl.end();
    const int out_core = out_off ? off_ : core;
    time = make_space(out, out_core, "O", time, sub);
    const auto* cost = cost_[static_cast<std::size_t>(c)];
    time = block_offchip(c, core, time, cost->runtime_cycles);
    const double end = time + cost->runtime_cycles;
    spawn(out, out_core, "O", time, end);
    start_[static_cast<std::size_t>(c)] = time;
    end_[static_cast<std::size_t>(c)] = end;
    idle_[core] = end;
    scheduled_[static_cast<std::size_t>(c)] = true;
    res_.cn_onchip_pj += cost->onchip_energy_pj;
    res_.memory_pj[static_cast<std::size_t>(TransferCause::OffChip)] += cost->offchip_energy_pj;
    release(c, core, end, frac, need, full, sub, out, out_off);
    extend(c, cand);
  }
  finish();
  return res_;
}

void Coala::finish() {
  double lat = 0;
  for (double e : end_) lat = std::max(lat, e);
  res_.latency_cycles = std::max(lat, comm_end_);
  res_.energy_pj = res_.cn_onchip_pj;
  for (int k = 0; k < 4; ++k)
    res_.energy_pj +=
        res_.link_pj[static_cast<std::size_t>(k)] + res_.memory_pj[static_cast<std::size_t>(k)];
  for (std::size_t i = 0; i < g_.cns.size(); ++i)
    res_.cns.push_back({core_[i], start_[i], end_[i]});
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

}  // namespace detail

StreamScheduleResult schedule_stream(const workload::TileGraph& g,
                                     const arch::StreamAccelerator& acc,
                                     const std::vector<int>& core_of_cn,
                                     const std::vector<const mapper::StreamCnCost*>& cost,
                                     bool keep_details) {
  detail::Coala s(g, acc, core_of_cn, cost, keep_details);
  return s.run();
}

}  // namespace mosaic::schedule

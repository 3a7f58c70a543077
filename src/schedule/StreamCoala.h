// The COALA scheduler's state (internal to src/schedule/StreamScheduler*.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "schedule/StreamResources.h"
#include "schedule/StreamScheduler.h"

namespace mosaic::schedule::detail {

using workload::Cn;
using workload::CnTensor;

inline std::string mem_op_of(const std::string& layer_op) {
  if (layer_op == "O") return "O";
  if (layer_op == "W") return "I2";
  if (layer_op == "I") return "I1";
  return layer_op;
}

// True when loop dimension `dim` does not index operand `op` (not even through a relation).
inline bool irrelevant(const workload::EinsumLayer& l, const std::string& op,
                       const std::string& dim) {
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
  Coala(const workload::TileGraph& g, const arch::StreamAccelerator& acc,
        const std::vector<int>& core, const std::vector<const mapper::StreamCnCost*>& cost,
        bool details)
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
  std::vector<int> id_of_base_;   // tile graph tensor -> runtime tensor (-1: not yet)
  std::map<
      std::pair<int, std::pair<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>>>,
      int>
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
  int origin_core(int t) const {
    return core_[static_cast<std::size_t>(tensors_[static_cast<std::size_t>(t)].origin)];
  }
  int inst(int core, const std::string& mem_op) const {
    auto& m = inst_of_[static_cast<std::size_t>(core)];
    auto it = m.find(mem_op);
    if (it == m.end())
      throw UserError(SourceLocation{acc_.core(core).source_file, 0, "memories"},
                      fmt::format("core {} has no memory for operand {}", core, mem_op));
    return it->second;
  }
  bool core_contains(int t, int core) const {
    return inst_[static_cast<std::size_t>(inst(core, tensors_[static_cast<std::size_t>(t)].mem_op))]
        .contains(t);
  }
  // True when `core` reads tensor t without a transfer: it is in the instance of the tensor's own
  // memory operand on that core (Stream's core_contains_tensor) or in a SHARED instance where the
  // core keeps operand `op` (Stream's has_shared_memory, 09ad1c4d: one core's output memory is
  // another core's input memory).
  bool sees(int t, int core, const std::string& op) const {
    if (core_contains(t, core)) return true;
    const auto& m = inst_[static_cast<std::size_t>(inst(core, op))];
    return m.cores.size() > 1 && m.contains(t);
  }
  // A (core, memory operand) through which instance i is reached, preferring `op`.
  std::pair<int, std::string> reach(int i, const std::string& op) const {
    const auto& cores = inst_[static_cast<std::size_t>(i)].cores;
    for (int c : cores)
      if (inst_of_[static_cast<std::size_t>(c)].count(op) && inst(c, op) == i) return {c, op};
    for (int c : cores)
      for (const auto& [o, id] : inst_of_[static_cast<std::size_t>(c)])
        if (id == i) return {c, o};
    return {cores.front(), op};
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
  double make_space(int t, int core, const std::string& mem_op, double time,
                    const std::vector<int>& keep);
  double transfer(int t, int to_core, const std::string& op, double earliest,
                  const std::vector<int>& keep, int from_core, double frac, TransferCause cause,
                  bool has_cause);
  double removal(int t, int core, const std::string& mem_op, double time, double frac,
                 bool write_back, TransferCause cause);
  double links_idle(const std::vector<std::pair<int, double>>& link_bw, double earliest,
                    double duration);
  double block_offchip(int c, int core, double time, double duration);
  int split_if_needed(int t, int c, int core, const std::string& op);
  void check_for_removal(const std::vector<int>& ts, double time, double frac);
  void finish();
  std::vector<std::pair<int, std::string>> needed_tensors(int c);
  void recheck_dram(int c, int core, const std::vector<std::pair<int, std::string>>& need,
                    const std::vector<int>& sub);
  void sync_if_first(int c);
  double fetch_inputs(int c, int core, double time, double frac,
                      const std::vector<std::pair<int, std::string>>& need,
                      const std::vector<int>& sub);
  void release(int c, int core, double end, double frac,
               const std::vector<std::pair<int, std::string>>& need, const std::vector<int>& full,
               const std::vector<int>& sub, int out, bool out_off);
  void extend(int c, std::vector<std::pair<double, int>>& cand);
  std::vector<bool> sink_layer_;
};

}  // namespace mosaic::schedule::detail

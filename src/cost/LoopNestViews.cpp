// Views of a loop-nest result for the rest of mosaic: the shared LayerCost, the temporal mapping
// in the dataflow stage's terms, the memory names per operand (LoopNestModel.h).
#include <algorithm>
#include <string>
#include <vector>

#include "cost/LoopNestModel.h"

namespace mosaic::cost {

namespace {
constexpr int kRL = static_cast<int>(arch::DataDir::RdOutToLow);  // reads towards the array
constexpr int kRH = static_cast<int>(arch::DataDir::RdOutToHigh);
constexpr int kWL = static_cast<int>(arch::DataDir::WrInByLow);  // writes from below
constexpr int kWH = static_cast<int>(arch::DataDir::WrInByHigh);
}  // namespace

LayerCost to_layer_cost(const LoopNestProblem& p, const LoopNestResult& r) {
  LayerCost c;
  c.latency_cycles = r.latency_cycles;
  c.ideal_cycles = r.ideal_cycles;
  c.stall_cycles = r.stall_cycles;
  c.onload_cycles = r.onload_cycles;
  c.offload_cycles = r.offload_cycles;
  c.macs = static_cast<std::int64_t>(p.total_mac);
  c.utilization = r.utilization();
  c.avg_active_pes = r.ideal_temporal_cycles > 0 ? p.total_mac / r.ideal_temporal_cycles : 0;
  c.throughput_macs_per_cycle = r.latency_cycles > 0 ? p.total_mac / r.latency_cycles : 0;
  c.roofline_macs_per_cycle = c.avg_active_pes;
  c.energy_pj = r.energy_pj;
  c.mac_energy_pj = r.mac_energy_pj;
  c.noc_energy_pj = r.noc_energy_pj;
  const int nm = std::min<int>(static_cast<int>(p.mems.size()), kMaxLevels);
  for (int m = 0; m < nm; ++m) c.add_level(p.mems[static_cast<std::size_t>(m)].name);
  for (std::size_t oi = 0; oi < p.ops.size(); ++oi) {
    const LnOperand& o = p.ops[oi];
    Operand which = Operand::Input;
    if (o.is_output)
      which = Operand::Output;
    else if (o.name == "W" || (o.name != "I" && oi == 1))
      which = Operand::Weight;
    for (int m = 0; m < o.num_mem; ++m) {
      const int hw = o.mems[static_cast<std::size_t>(m)];
      if (hw >= nm) continue;
      LevelCost& lc = c.levels[static_cast<std::size_t>(hw)];
      const LnLevelResult& lr = r.levels[oi][static_cast<std::size_t>(m)];
      lc.reads[static_cast<std::size_t>(idx(which))] += lr.word_access[kRL] + lr.word_access[kRH];
      lc.writes[static_cast<std::size_t>(idx(which))] += lr.word_access[kWL] + lr.word_access[kWH];
      lc.energy_pj += lr.energy_pj;
    }
  }
  return c;
}

std::vector<dataflow::TemporalLoop> loop_order(const LoopNestProblem& p,
                                               const LnTemporalMapping& tm) {
  std::vector<dataflow::TemporalLoop> out;
  out.reserve(static_cast<std::size_t>(tm.n));
  for (int k = 0; k < tm.n; ++k)
    out.push_back({p.dim_names[static_cast<std::size_t>(tm.order[static_cast<std::size_t>(k)].dim)],
                   static_cast<std::int64_t>(tm.order[static_cast<std::size_t>(k)].size)});
  return out;
}

dataflow::TemporalMapping to_dataflow(const LoopNestProblem& p, const LnTemporalMapping& tm) {
  dataflow::TemporalMapping out;
  for (std::size_t oi = 0; oi < p.ops.size(); ++oi) {
    dataflow::OperandTemporalMapping o;
    o.operand = p.ops[oi].name;
    for (int lv = 0; lv < p.ops[oi].num_mem; ++lv) {
      std::vector<dataflow::TemporalLoop> loops;
      const int b = lv == 0 ? 0 : tm.end[oi][static_cast<std::size_t>(lv - 1)];
      for (int k = b; k < tm.end[oi][static_cast<std::size_t>(lv)]; ++k)
        loops.push_back(
            {p.dim_names[static_cast<std::size_t>(tm.order[static_cast<std::size_t>(k)].dim)],
             static_cast<std::int64_t>(tm.order[static_cast<std::size_t>(k)].size)});
      o.levels.push_back(std::move(loops));
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::vector<std::vector<std::string>> level_names(const LoopNestProblem& p) {
  std::vector<std::vector<std::string>> out;
  for (const auto& o : p.ops) {
    std::vector<std::string> names;
    for (int m : o.mems) names.push_back(p.mems[static_cast<std::size_t>(m)].name);
    out.push_back(std::move(names));
  }
  return out;
}

}  // namespace mosaic::cost

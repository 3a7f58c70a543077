// Internal to the loop-nest cost model (LoopNestModel.cpp, LoopNestLatency.cpp): the state of one
// evaluation of a temporal mapping and the stages that fill it. Not part of the cost module's
// interface; LoopNestModel.h is.
#pragma once

#include <array>

#include "cost/LoopNestModel.h"

namespace mosaic::cost::detail {

inline constexpr int RL = static_cast<int>(arch::DataDir::RdOutToLow);
inline constexpr int WL = static_cast<int>(arch::DataDir::WrInByLow);
inline constexpr int RH = static_cast<int>(arch::DataDir::RdOutToHigh);
inline constexpr int WH = static_cast<int>(arch::DataDir::WrInByHigh);

using Arch = std::array<double, kLnMaxArch>;

// The data movement attributes of one operand at one memory level, per direction.
struct DirAttrs {
  std::array<double, 4> count{}, prec{}, bw_aver{}, period{}, pc{}, amount{}, inst_window{};
};

// ZigZag's Mapping object for one spatial variant (fractional or integer).
struct MappingData {  // scratch: only each operand's own levels are written and read
  std::array<Arch, kLnMaxOperands> data_bit_unrolled, effective_bit;
  std::array<std::array<DirAttrs, kLnMaxMemLevels>, kLnMaxOperands> dm;
};

// The stationary temporal mapping of one operand (ZigZag TemporalMapping).
struct Stationary {
  std::array<int, kLnMaxMemLevels> end{};
  double mac_st = 1;
  std::array<double, kLnMaxMemLevels> cycle_cabl{};
  Arch top_r{}, top_ir{};
};

using PerLevel = std::array<std::array<double, kLnMaxMemLevels>, kLnMaxOperands>;

// One evaluation: the problem, the mapping, the result being filled and the scratch shared by the
// energy and latency stages.
struct Evaluation {
  Evaluation(const LoopNestProblem& problem, const LnTemporalMapping& mapping,
             LoopNestResult& result)
      : p(problem), tm(mapping), res(result), nops(static_cast<int>(problem.ops.size())) {}
  const LoopNestProblem& p;
  const LnTemporalMapping& tm;
  LoopNestResult& res;
  int nops;
  std::array<Stationary, kLnMaxOperands> st;
  double total_cycle = 0;
  MappingData mf, mi;  // the fractional and the integer mapping
  // Memory utilization per (operand, level): alone and with the operands sharing the memory.
  PerLevel eff_ind{}, eff_sh{};
};

// Fills md from the temporal mapping and the stationarity (integer: the integer spatial factors).
// attrs = false: only the data sizes (utilization) are needed, not the per-level movements.
void build_mapping(const LoopNestProblem& p, const LnTemporalMapping& tm,
                   const std::array<Stationary, kLnMaxOperands>& st, bool integer, bool attrs,
                   MappingData& md);

// Port bandwidths of (operand, level, direction): max and min, -1 when no port is allocated.
inline void port_bw(const LoopNestProblem& p, int op, int level, int dir, double& bw_max,
                    double& bw_min) {
  const auto uo = static_cast<std::size_t>(op);
  const auto ul = static_cast<std::size_t>(level);
  const auto ud = static_cast<std::size_t>(dir);
  bw_max = p.port_max[uo][ul][ud];
  bw_min = p.port_min[uo][ul][ud];
}

// The latency (integer mapping) into e.res; false when ideal + stalls already exceed `limit`.
bool compute_latency(Evaluation& e, double limit);

}  // namespace mosaic::cost::detail

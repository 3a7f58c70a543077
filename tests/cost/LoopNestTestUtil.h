// Helpers shared by the loop-nest tests: the tiny one-memory problem and building a temporal
// mapping from per-operand level lists.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "arch/ZigZagHardware.h"
#include "cost/LoopNestModel.h"
#include "dataflow/LoopNestMapping.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::cost::testutil {

// One DRAM holding all operands (1 pJ read, 2 pJ write, 8-bit port), a 1-PE array, and
// O[b][k] += W[k][c] * I[b][c] with K = 2, C = 3, all operands 8 bits.
inline const char* kTinyHw = R"(name: tiny
memories:
  dram:
    size: 1000000
    r_cost: 1
    w_cost: 2
    area: 0
    latency: 1
    operands: [I1, I2, O]
    ports:
      - name: rw_port_1
        type: read_write
        bandwidth_min: 8
        bandwidth_max: 8
        allocation: ["I1, fh", "I1, tl", "I2, fh", "I2, tl", "O, fh", "O, tl", "O, fl", "O, th"]
    served_dimensions: [D1]
operational_array:
  unit_energy: 0.5
  unit_area: 1
  dimensions: [D1]
  sizes: [1]
)";
inline const char* kTinyMapping = R"(- name: default
  spatial_mapping:
    D1: ["K, 1"]
  memory_operand_links: {O: O, W: I2, I: I1}
)";
inline const char* kTinyWorkload = R"(- id: 0
  name: tiny_gemm
  operator_type: Gemm
  equation: O[b][k]+=W[k][c]*I[b][c]
  loop_dims: [B, K, C]
  loop_sizes: [1, 2, 3]
  operand_precision: {W: 8, I: 8, O: 8, O_final: 8}
  operand_source: {W: 0, I: 0}
)";

inline LoopNestProblem tiny_problem() {
  const auto hw = arch::parse_zigzag_hardware(kTinyHw, "tiny_hw.yaml");
  const auto maps = dataflow::parse_zigzag_mapping(kTinyMapping, "tiny_map.yaml");
  const auto layers = workload::parse_zigzag_workload(kTinyWorkload, "tiny_wl.yaml");
  return compile_problem(layers[0], hw, maps.entries[0]);
}

// levels[op][lvl] = list of (dim, size), innermost first; every operand must list the same loop
// sequence overall.
using Levels = std::vector<std::vector<std::vector<std::pair<std::string, std::int64_t>>>>;

inline LnTemporalMapping make_mapping(const LoopNestProblem& p, const Levels& levels) {
  LnTemporalMapping tm;
  for (const auto& lv : levels[0])
    for (const auto& [d, s] : lv)
      tm.order[static_cast<std::size_t>(tm.n++)] = LnLoop{p.dim_id(d), static_cast<double>(s)};
  for (std::size_t o = 0; o < levels.size(); ++o) {
    int e = 0;
    for (std::size_t l = 0; l < levels[o].size(); ++l) {
      e += static_cast<int>(levels[o][l].size());
      tm.end[o][l] = e;
    }
  }
  return tm;
}

}  // namespace mosaic::cost::testutil

// The array communication term (Interstellar's inter-PE hops), hand computed.
#include <gtest/gtest.h>

#include "LoopNestTestUtil.h"
#include "arch/ZigZagHardware.h"

namespace mosaic::cost {
namespace {

// Four PEs in a row (D1 = 4), a private register file per PE holding everything, DRAM on top,
// 1 pJ per hop. O[b][k] += W[k][c] * I[b][c] with K = 4 unrolled on D1 and C = 2 in time.
//   W: every PE needs its own 2 weights: 8 writes into register files x (4-1)/2 = 1.5 hops = 12
//   I: each of the 2 inputs walks the 4 PEs (K is irrelevant to I): 3 hops shared by the 4
//      register-file writes ZigZag counts: 8 writes x 3/4 = 6
//   O: every PE sends its own output up once: 4 transfers x 1.5 hops = 6
// total 24 pJ.
TEST(LoopNestNoc, HandComputedHops) {
  const char* hw_text = R"(name: row4
memories:
  rf:
    size: 1024
    r_cost: 0.1
    w_cost: 0.1
    area: 0
    latency: 1
    operands: [I1, I2, O]
    ports:
      - {name: r_port_1, type: read, bandwidth_min: 8, bandwidth_max: 8, allocation: ["I1, tl", "I2, tl", "O, tl", "O, th"]}
      - {name: w_port_1, type: write, bandwidth_min: 8, bandwidth_max: 8, allocation: ["I1, fh", "I2, fh", "O, fh", "O, fl"]}
    served_dimensions: []
  dram:
    size: 1000000
    r_cost: 1
    w_cost: 1
    area: 0
    latency: 1
    operands: [I1, I2, O]
    ports:
      - {name: rw_port_1, type: read_write, bandwidth_min: 8, bandwidth_max: 8, allocation: ["I1, fh", "I1, tl", "I2, fh", "I2, tl", "O, fh", "O, tl", "O, fl", "O, th"]}
    served_dimensions: [D1]
operational_array: {unit_energy: 0, unit_area: 1, dimensions: [D1], sizes: [4], hop_energy: 1}
)";
  const auto hw = arch::parse_zigzag_hardware(hw_text, "row4.yaml");
  const auto maps = dataflow::parse_zigzag_mapping(
      "- name: default\n  spatial_mapping:\n    D1: [\"K, 4\"]\n", "m.yaml");
  auto layers = workload::parse_zigzag_workload(testutil::kTinyWorkload, "w.yaml");
  layers[0].sizes = {1, 4, 2};
  const auto p = compile_problem(layers[0], hw, maps.entries[0]);
  EXPECT_DOUBLE_EQ(p.ops[1].noc_hops, 1.5);   // W
  EXPECT_DOUBLE_EQ(p.ops[2].noc_hops, 0.75);  // I
  const auto tm = testutil::make_mapping(p, {{{{"C", 2}}, {}}, {{{"C", 2}}, {}}, {{{"C", 2}}, {}}});
  const auto r = evaluate(p, tm);
  EXPECT_DOUBLE_EQ(r.noc_energy_pj, 24);
  EXPECT_DOUBLE_EQ(r.energy_pj, r.mem_energy_pj + r.mac_energy_pj + 24);
  // Without hop energy the term vanishes (ZigZag's accelerators).
  auto quiet = hw;
  quiet.array.hop_energy_pj = 0;
  const auto q = compile_problem(layers[0], quiet, maps.entries[0]);
  EXPECT_DOUBLE_EQ(evaluate(q, tm).noc_energy_pj, 0);
  // Global mode: (rows + cols) / 2 = 2 hops per counted transfer: (8 + 8 + 4) x 2 = 40.
  auto global = hw;
  global.array.global_hops = true;
  const auto g = compile_problem(layers[0], global, maps.entries[0]);
  EXPECT_DOUBLE_EQ(evaluate(g, tm).noc_energy_pj, 40);
}

}  // namespace
}  // namespace mosaic::cost

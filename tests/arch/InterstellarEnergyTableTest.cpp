#include <gtest/gtest.h>

#include <cmath>

#include <fmt/format.h>

#include "arch/EnergyTable.h"
#include "arch/HierarchyBuilder.h"
#include "arch/ZigZagHardware.h"
#include "common/Error.h"

namespace mosaic::arch {
namespace {

TEST(EnergyTable, TableIvAnchors) {
  const auto& t = interstellar_28nm();
  EXPECT_DOUBLE_EQ(access_energy_pj(t, MemoryKind::RegisterFile, 16, 16), 0.03);
  EXPECT_DOUBLE_EQ(access_energy_pj(t, MemoryKind::RegisterFile, 64, 16), 0.12);
  EXPECT_DOUBLE_EQ(access_energy_pj(t, MemoryKind::RegisterFile, 512, 16), 0.96);
  EXPECT_NEAR(access_energy_pj(t, MemoryKind::Sram, 32768, 16), 6, 1e-12);  // the paper's anchor
  EXPECT_NEAR(access_energy_pj(t, MemoryKind::Sram, 131072, 16), 13.5, 1e-12);
  EXPECT_NEAR(access_energy_pj(t, MemoryKind::Sram, 524288, 16), 30.375, 1e-12);
  EXPECT_DOUBLE_EQ(access_energy_pj(t, MemoryKind::Dram, 1e9, 16), 200);
  EXPECT_DOUBLE_EQ(t.mac_pj, 0.075);
}

TEST(EnergyTable, InterpolatesAndExtrapolates) {
  const auto& t = interstellar_28nm();
  // Log-log between 32 KB (6 pJ) and 64 KB (9 pJ): the geometric mean size costs sqrt(6*9).
  EXPECT_NEAR(access_energy_pj(t, MemoryKind::Sram, 32768 * std::sqrt(2.0), 16), std::sqrt(54.0),
              1e-9);
  // Beyond 512 KB: x1.5 per doubling.
  EXPECT_NEAR(access_energy_pj(t, MemoryKind::Sram, 1048576, 16), 45.5625, 1e-9);
  // Below 16 B: linear to zero (the Interstellar repository's 8 B register costs 0.015).
  EXPECT_NEAR(access_energy_pj(t, MemoryKind::RegisterFile, 8, 16), 0.015, 1e-12);
  // Linear register files stay linear in log-log (slope 1): 48 B = 0.09.
  EXPECT_NEAR(access_energy_pj(t, MemoryKind::RegisterFile, 48, 16), 0.09, 1e-9);
  // A 32-bit access costs twice a 16-bit one.
  EXPECT_NEAR(access_energy_pj(t, MemoryKind::RegisterFile, 64, 32), 0.24, 1e-12);
  EXPECT_EQ(kind_for_size(512), MemoryKind::RegisterFile);
  EXPECT_EQ(kind_for_size(131072), MemoryKind::Sram);
  EXPECT_EQ(kind_for_size(1e10), MemoryKind::Dram);
}

TEST(EnergyTable, ParsesAFile) {
  const auto t = parse_energy_table(R"(name: toy
word_bits: 8
register_file: [[8, 0.5], [64, 2]]
sram: [[1024, 10]]
dram: 100
)",
                                    "tech.yaml");
  EXPECT_EQ(t.name, "toy");
  EXPECT_NEAR(access_energy_pj(t, MemoryKind::RegisterFile, 64, 8), 2, 1e-12);
  EXPECT_NEAR(access_energy_pj(t, MemoryKind::Dram, 0, 16), 200, 1e-12);  // width scaling
  EXPECT_THROW(parse_energy_table("name: x\nregister_file: [[8, -1]]\n", "tech.yaml"), UserError);
  EXPECT_THROW(parse_energy_table("name: x\n", "tech.yaml"), UserError);
}

TEST(EnergyTable, FillsAutoCostMemories) {
  auto hw = parse_zigzag_hardware(R"(name: t
memories:
  rf:
    size: 512
    auto_cost_extraction: true
    latency: 1
    operands: [I2]
    ports:
      - {name: r_port_1, type: read, bandwidth_min: 16, bandwidth_max: 16, allocation: ["I2, tl"]}
      - {name: w_port_1, type: write, bandwidth_min: 16, bandwidth_max: 16, allocation: ["I2, fh"]}
    served_dimensions: []
  dram:
    size: 1000000000
    r_cost: 1
    w_cost: 1
    area: 0
    latency: 1
    operands: [I1, I2, O]
    ports:
      - {name: rw_port_1, type: read_write, bandwidth_min: 16, bandwidth_max: 16, allocation: ["I1, tl", "I1, fh", "I2, tl", "I2, fh", "O, tl", "O, fh", "O, fl", "O, th"]}
    served_dimensions: [D1]
operational_array: {unit_energy: 0.1, unit_area: 1, dimensions: [D1], sizes: [4]}
)",
                                  "hw.yaml");
  apply_energy_table(hw, interstellar_28nm());
  EXPECT_NEAR(hw.memories[0].read_pj, 0.12, 1e-12);  // 64 B register file
  EXPECT_DOUBLE_EQ(hw.memories[1].read_pj, 1);       // given costs override the table
}

TEST(HierarchyBuilder, EyerissLikeBaseline) {
  const auto hw = build_hierarchy(HierarchySpec{}, interstellar_28nm());
  EXPECT_EQ(hw.name, "rf512B-gb128KB-16x16");
  ASSERT_EQ(hw.memories.size(), 3u);
  EXPECT_EQ(hw.memories[0].size_bits, 512 * 8);
  EXPECT_TRUE(hw.memories[0].served_dims.empty());  // private per PE
  EXPECT_DOUBLE_EQ(hw.memories[0].read_pj, 0.96);
  EXPECT_NEAR(hw.memories[1].read_pj, 13.5, 1e-12);
  EXPECT_DOUBLE_EQ(hw.memories[2].read_pj, 200);
  EXPECT_EQ(instance_count(hw, hw.memories[0]), 256);
  EXPECT_DOUBLE_EQ(hw.array.hop_energy_pj, 0.035);
  HierarchySpec two;
  two.rf_bytes = {16, 128};
  two.buffer_bytes = {262144};
  const auto h2 = build_hierarchy(two, interstellar_28nm());
  EXPECT_EQ(h2.name, "rf16B-rf128B-gb256KB-16x16");
  EXPECT_EQ(h2.memories.size(), 4u);
  HierarchySpec bad;
  bad.rf_bytes = {0};
  EXPECT_THROW(build_hierarchy(bad, interstellar_28nm()), UserError);
}

// The MAC and hop energies of a generated hierarchy scale with the word width relative to the
// table's own width (it divided by 16 whatever the table said).
TEST(HierarchyBuilder, MacAndHopEnergiesFollowTheTablesWordWidth) {
  for (const int bits : {8, 32}) {
    const auto t = parse_energy_table(fmt::format(R"(name: w{0}
word_bits: {0}
register_file: [[16, 0.03], [512, 0.96]]
sram: [[32768, 6], [524288, 30.375]]
dram: 200
mac: 0.5
hop: 0.1
)",
                                                  bits),
                                      "tech.yaml");
    HierarchySpec same;
    same.word_bits = bits;
    const auto hw = build_hierarchy(same, t);
    EXPECT_DOUBLE_EQ(hw.array.unit_energy_pj, 0.5) << bits;  // one table-width MAC
    EXPECT_DOUBLE_EQ(hw.array.hop_energy_pj, 0.1) << bits;
    HierarchySpec twice;
    twice.word_bits = 2 * bits;
    const auto hw2 = build_hierarchy(twice, t);
    EXPECT_DOUBLE_EQ(hw2.array.unit_energy_pj, 0.5 * 4) << bits;
    EXPECT_DOUBLE_EQ(hw2.array.hop_energy_pj, 0.1 * 2) << bits;
  }
}

}  // namespace
}  // namespace mosaic::arch

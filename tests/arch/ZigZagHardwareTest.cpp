#include <gtest/gtest.h>

#include "TestSupport.h"
#include "arch/ZigZagHardware.h"
#include "common/Error.h"

namespace mosaic::arch {
namespace {

std::string hw_text(const std::string& memory_extra = "", const std::string& served = "[D1, D2]") {
  return R"(name: tiny
memories:
  reg:
    size: 16
    r_cost: 0.1
    w_cost: 0.2
    area: 0
    latency: 1
    operands: [I2]
    ports:
      - name: r_port_1
        type: read
        bandwidth_min: 8
        bandwidth_max: 8
        allocation: ["I2, tl"]
      - name: w_port_1
        type: write
        bandwidth_min: 8
        bandwidth_max: 8
        allocation: ["I2, fh"]
    served_dimensions: []
  dram:
    size: 1000000
    r_cost: 100
    w_cost: 110
    area: 0
    latency: 1
    operands: [I1, I2, O]
)" + memory_extra +
         R"(    ports:
      - name: rw_port_1
        type: read_write
        bandwidth_min: 16
        bandwidth_max: 64
        allocation: ["I1, fh", "I1, tl", "I2, fh", "I2, tl", "O, fh", "O, tl", "O, fl", "O, th"]
    served_dimensions: )" +
         served + R"(
operational_array:
  unit_energy: 0.5
  unit_area: 1
  dimensions: [D1, D2]
  sizes: [4, 2]
)";
}

TEST(ZigZagHardware, ParsesMemoriesPortsAndArray) {
  const auto hw = parse_zigzag_hardware(hw_text(), "hw.yaml");
  EXPECT_EQ(hw.name, "tiny");
  ASSERT_EQ(hw.memories.size(), 2u);
  EXPECT_EQ(hw.memories[0].name, "reg");
  EXPECT_EQ(hw.memories[0].size_bits, 16);
  EXPECT_DOUBLE_EQ(hw.memories[0].write_pj, 0.2);
  EXPECT_EQ(total_units(hw.array), 8);
  EXPECT_EQ(levels_of(hw, "I2"), (std::vector<int>{0, 1}));
  EXPECT_EQ(levels_of(hw, "O"), (std::vector<int>{1}));
  EXPECT_EQ(port_of(hw.memories[0], "I2", DataDir::RdOutToLow), 0);
  EXPECT_EQ(port_of(hw.memories[0], "I2", DataDir::WrInByHigh), 1);
  EXPECT_EQ(port_of(hw.memories[0], "I2", DataDir::WrInByLow), -1);
  EXPECT_EQ(hw.memories[1].allocations.size(), 8u);
  EXPECT_EQ(instance_count(hw, hw.memories[0]), 8);  // one register per PE
  EXPECT_EQ(instance_count(hw, hw.memories[1]), 1);
}

TEST(ZigZagHardware, DuplicateKeyTakesTheLastValueLikePyYaml) {
  // ZigZag's own tpu_like.yaml has two `ports:` keys in one memory.
  const auto hw = parse_zigzag_hardware(hw_text("    ports:\n      - {fh: w_port_1}\n"), "hw.yaml");
  EXPECT_EQ(hw.memories[1].ports.size(), 1u);
  EXPECT_EQ(hw.memories[1].ports[0].name, "rw_port_1");
}

TEST(ZigZagHardware, UnknownServedDimensionIsAnError) {
  try {
    parse_zigzag_hardware(hw_text("", "[D1, D7]"), "hw.yaml");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("D7"), std::string::npos) << e.what();
    EXPECT_EQ(e.where().file, "hw.yaml");
  }
}

TEST(ZigZagHardware, ReadPortForWriteDirectionIsAnError) {
  std::string t = hw_text();
  t.replace(t.find("allocation: [\"I2, fh\"]"), std::string("allocation: [\"I2, fh\"]").size(),
            "allocation: [\"I2, tl\", \"I2, fh\"]");
  t.replace(t.find("type: write"), std::string("type: write").size(), "type: read");
  EXPECT_THROW(parse_zigzag_hardware(t, "hw.yaml"), UserError);
}

TEST(ZigZagHardware, BandwidthMinAboveMaxIsAnError) {
  std::string t = hw_text();
  t.replace(t.find("bandwidth_min: 16"), std::string("bandwidth_min: 16").size(),
            "bandwidth_min: 128");
  EXPECT_THROW(parse_zigzag_hardware(t, "hw.yaml"), UserError);
}

TEST(ZigZagHardware, MissingCostIsAnErrorUnlessAutoExtracted) {
  std::string t = hw_text();
  t.replace(t.find("    r_cost: 0.1\n"), std::string("    r_cost: 0.1\n").size(), "");
  EXPECT_THROW(parse_zigzag_hardware(t, "hw.yaml"), UserError);
  std::string u = hw_text();
  u.replace(u.find("    r_cost: 0.1\n"), std::string("    r_cost: 0.1\n").size(),
            "    auto_cost_extraction: true\n");
  EXPECT_NO_THROW(parse_zigzag_hardware(u, "hw.yaml"));
}

TEST(ZigZagHardware, InMemoryComputeIsRejected) {
  std::string t = hw_text();
  t.replace(t.find("  unit_energy"), 0, "  is_imc: true\n");
  EXPECT_THROW(parse_zigzag_hardware(t, "hw.yaml"), UserError);
}

TEST(ZigZagHardware, ReadsEveryReferenceAccelerator) {
  MOSAIC_REQUIRE_SHARED();
  const auto dir = test::shared_dir() / "reference/zigzag/inputs/hardware";
  for (const char* name : {"tpu_like", "edge_tpu_like", "ascend_like", "meta_prototype",
                           "tesla_npu_like", "gemm_l1", "gemm_l1_l3", "eyeriss_like"}) {
    const auto hw = read_zigzag_hardware((dir / (std::string(name) + ".yaml")).string());
    EXPECT_FALSE(hw.memories.empty()) << name;
  }
  const auto tpu = read_zigzag_hardware((dir / "tpu_like.yaml").string());
  EXPECT_EQ(tpu.memories[2].ports.size(), 2u);  // the second `ports:` key wins
}

}  // namespace
}  // namespace mosaic::arch

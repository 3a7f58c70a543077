// Accelerator files whose cores carry a loop-nest view (`hw`, `mapping`): both views on one core.
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "arch/Accelerator.h"
#include "common/Error.h"

namespace mosaic::test {
namespace {

// The small ZigZag core and its mapping copied beside the accelerator file (relative paths).
std::filesystem::path accelerator(const TempDir& d, const std::string& core) {
  std::filesystem::copy_file(source_dir() / "tests/data/zigzag_small_hw.yaml",
                             d.path() / "hw.yaml");
  std::filesystem::copy_file(source_dir() / "tests/data/zigzag_small_mapping.yaml",
                             d.path() / "map.yaml");
  const auto path = d.path() / "acc.yaml";
  write_file(path, "global_buffer_bytes: 16384\ncores:\n  - {" + core + "}\n");
  return path;
}

TEST(AcceleratorLoopNest, CoreReadsItsHierarchyAndMappingBesideTheFile) {
  TempDir d;
  const auto acc = arch::read_accelerator(
      accelerator(d, "dataflow: kcp_ws, noc_gbps: 8, hw: hw.yaml, mapping: map.yaml"));
  ASSERT_EQ(acc.cores.size(), 1U);
  const auto& core = acc.cores[0];
  ASSERT_TRUE(core.loop_nest.has_value());
  EXPECT_EQ(core.loop_nest->name, "small_4x4");
  EXPECT_EQ(core.num_pes, 16);  // the 4x4 array's units
  ASSERT_TRUE(core.loop_nest_mappings.has_value());
  EXPECT_EQ(core.loop_nest_mappings->entries.size(), 3U);  // default, Pooling, Add
  EXPECT_EQ(core.dataflow, "kcp_ws");                      // the directive view stays
}

TEST(AcceleratorLoopNest, PesThatContradictTheArrayAndAMappingWithoutHwAreErrors) {
  TempDir d;
  try {
    arch::read_accelerator(accelerator(d, "dataflow: kcp_ws, pes: 15, noc_gbps: 8, hw: hw.yaml"));
    FAIL() << "15 PEs on a 16-unit array was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("16 units"), std::string::npos) << e.what();
    EXPECT_EQ(e.where().field, "pes");
  }
  TempDir d2;
  try {
    arch::read_accelerator(
        accelerator(d2, "dataflow: kcp_ws, pes: 16, noc_gbps: 8, mapping: map.yaml"));
    FAIL() << "a mapping without hw was accepted";
  } catch (const UserError& e) {
    EXPECT_EQ(e.where().field, "mapping");
  }
  // Without a loop-nest view the core is what it was: no hierarchy, the given PEs.
  TempDir d3;
  const auto plain = arch::read_accelerator(accelerator(d3, "dataflow: rs, pes: 12, noc_gbps: 8"));
  EXPECT_FALSE(plain.cores[0].loop_nest.has_value());
  EXPECT_EQ(plain.cores[0].num_pes, 12);
}

}  // namespace
}  // namespace mosaic::test

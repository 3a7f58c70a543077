#include <gtest/gtest.h>

#include "TestSupport.h"
#include "arch/Core.h"
#include "arch/Technology.h"
#include "common/Error.h"

namespace mosaic::arch {
namespace {

TEST(Core, MaestroHardwareFileAndDefaults) {
  test::TempDir d;
  test::write_file(d.path() / "hw.m", "num_pes: 64\nnoc_bw_cstr: 32\nNoC_NumHops: 3\n");
  const Core c = read_hardware(d.path() / "hw.m");
  EXPECT_EQ(c.num_pes, 64);
  EXPECT_EQ(c.noc_bw, 32);
  EXPECT_EQ(c.noc_latency(), 3);     // NoC_NumHops is the latency
  EXPECT_EQ(c.offchip_bw, INT_MAX);  // absent: unbounded, as in MAESTRO
  test::write_file(d.path() / "bad.m", "num_pes: 64\nfoo: 3\n");
  try {
    read_hardware(d.path() / "bad.m");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.m:2: foo: unknown key"), std::string::npos)
        << e.what();
  }
  test::write_file(d.path() / "zero.m", "num_pes: 0\n");
  EXPECT_THROW(read_hardware(d.path() / "zero.m"), UserError);
  test::write_file(d.path() / "nan.m", "num_pes: many\n");
  EXPECT_THROW(read_hardware(d.path() / "nan.m"), UserError);
}

TEST(Core, YamlCore) {
  test::TempDir d;
  test::write_file(d.path() / "c.yaml",
                   "name: e\ndataflow: kcp_ws\npes: 1024\nnoc_bw: 64\noffchip_bw: 16\n");
  const Core c = read_hardware(d.path() / "c.yaml");
  EXPECT_EQ(c.name, "e");
  EXPECT_EQ(c.num_pes, 1024);
  EXPECT_EQ(c.dataflow, "kcp_ws");
  test::write_file(d.path() / "b.yaml", "pes: 1024\nwidth: 3\n");
  try {
    read_hardware(d.path() / "b.yaml");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("b.yaml:2: width: unknown key"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(read_hardware(d.path() / "missing.yaml"), UserError);
}

TEST(Technology, FileOverridesAndErrors) {
  test::TempDir d;
  test::write_file(d.path() / "t.yaml", "mac_pj: 0.5\nl2_relative: 10\ndram_pj: 100\n");
  const Technology t = read_technology(d.path() / "t.yaml");
  EXPECT_DOUBLE_EQ(t.mac_pj, 0.5);
  EXPECT_DOUBLE_EQ(t.l2_pj, 5.0);
  EXPECT_DOUBLE_EQ(t.dram_pj, 100);
  EXPECT_DOUBLE_EQ(t.l1_pj, 0.23 * 1.68);  // untouched default
  test::write_file(d.path() / "u.yaml", "mac_pj: 0.5\nsram: 3\n");
  EXPECT_THROW(read_technology(d.path() / "u.yaml"), UserError);
  test::write_file(d.path() / "n.yaml", "mac_pj: -1\n");
  EXPECT_THROW(read_technology(d.path() / "n.yaml"), UserError);
  test::write_file(d.path() / "y.yaml", "mac_pj: [1\n");
  EXPECT_THROW(read_technology(d.path() / "y.yaml"), UserError);
}

TEST(Technology, DefaultsAreMaestrosRatios) {
  const Technology t = default_technology();
  EXPECT_DOUBLE_EQ(t.mac_pj, 0.23);
  EXPECT_NEAR(t.l1_pj / t.mac_pj, 1.68, 1e-12);
  EXPECT_NEAR(t.l2_pj / t.mac_pj, 18.61, 1e-12);
  EXPECT_NEAR(t.dram_pj / t.mac_pj, 200, 1e-12);
  EXPECT_NEAR(t.noc_pj / t.mac_pj, 2, 1e-12);
}

}  // namespace
}  // namespace mosaic::arch

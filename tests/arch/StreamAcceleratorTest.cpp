// Stream's accelerator format: cores, links and buses, routes, dataflows, and its errors.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "TestSupport.h"
#include "arch/StreamAccelerator.h"
#include "common/Error.h"

namespace mosaic::test {
namespace {

TEST(StreamAccelerator, QuadCoreLinksBusAndDataflows) {
  MOSAIC_REQUIRE_SHARED();
  const auto acc = arch::read_stream_accelerator(
      (shared_dir() / "reference/stream/examples/hardware/tpu_like_quad_core.yaml").string());
  ASSERT_EQ(acc.num_cores(), 7);
  EXPECT_EQ(acc.offchip_core_id(), 6);
  EXPECT_EQ(arch::total_units(acc.offchip_hw().array), 0);
  EXPECT_EQ(acc.links.size(), 12u * 2 + 1);  // 12 point-to-point links (2 directions) + 1 bus
  // The bus comes last and, as in Stream (networkx), replaces the edge of every pair it joins:
  // all transfers, 0 -> 1 included, take the bus.
  ASSERT_EQ(acc.route[0][1].size(), 1u);
  EXPECT_TRUE(acc.medium(acc.route[0][1][0]).shared_medium);
  EXPECT_EQ(acc.link_name(acc.route[0][1][0]), "bus 0,1,2,3,4,5,6");
  ASSERT_EQ(acc.route[0][2].size(), 1u);
  EXPECT_EQ(acc.route[0][2], acc.route[0][1]);
  EXPECT_DOUBLE_EQ(acc.bandwidth_bits(acc.route[0][6][0]), 128);
  // The two directions of the first point-to-point link: one arch::Link, two media.
  EXPECT_EQ(acc.links[0].link, acc.links[1].link);
  EXPECT_EQ(acc.link_name(0), fmt::format("link {}->{}", acc.links[0].from, acc.links[0].to));
  EXPECT_EQ(acc.links[1].from, acc.links[0].to);
  ASSERT_EQ(acc.core(0).fixed_spatial.size(), 2u);
  EXPECT_EQ(acc.core(0).fixed_spatial[0].array_dim, "D1");
  EXPECT_EQ(acc.core(0).fixed_spatial[0].unrolls[0].dim, "K");
  EXPECT_EQ(acc.core(0).fixed_spatial[0].unrolls[0].factor, 32);
}

TEST(StreamAccelerator, ErrorsNameFileAndKey) {
  MOSAIC_REQUIRE_SHARED();
  TempDir tmp;
  const auto cores = shared_dir() / "reference/stream/tutorial/lab1/inputs/hardware/cores";
  auto write = [&](const std::string& body) {
    write_file(tmp.path() / "acc.yaml", "cores:\n  0: " + (cores / "accelerator1.yaml").string() +
                                            "\n  1: " + (cores / "offchip.yaml").string() + "\n" +
                                            body);
    try {
      arch::read_stream_accelerator((tmp.path() / "acc.yaml").string());
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(write("offchip_core_id: 5\n").find("offchip_core_id"), std::string::npos);
  const auto link = write(
      "offchip_core_id: 1\ncore_connectivity:\n  - {type: link, cores: [0, 4], bandwidth: 32}\n");
  EXPECT_NE(link.find("acc.yaml:6"), std::string::npos) << link;
  EXPECT_NE(link.find("core 4 does not exist"), std::string::npos) << link;
  EXPECT_NE(write("offchip_core_id: 1\ncore_connectivity:\n  - {type: ring, cores: [0, 1], "
                  "bandwidth: 32}\n")
                .find("neither link nor bus"),
            std::string::npos);
}

// core_memory_sharing per memory: the Jia et al. chain (core i's output SRAM is core i+1's input
// SRAM) and Stream's whole-group form; errors name the file, line and key.
TEST(StreamAccelerator, MemorySharingPerMemory) {
  const auto dir = std::filesystem::path(MOSAIC_SOURCE_DIR) / "examples/validation/jia";
  const auto acc = arch::read_stream_accelerator((dir / "jia.yaml").string());
  EXPECT_EQ(acc.memory_owner(0, "shared_c0_c1"), 0);
  EXPECT_EQ(acc.memory_owner(1, "shared_c0_c1"), 0);
  EXPECT_EQ(acc.memory_owner(1, "shared_c1_c2"), 1);
  EXPECT_EQ(acc.memory_owner(2, "shared_c1_c2"), 1);
  EXPECT_EQ(acc.memory_owner(4, "shared_c3_c4"), 3);
  EXPECT_EQ(acc.memory_owner(1, "l1_w"), 1);  // not shared: its own
  EXPECT_EQ(acc.memory_owner(4, "l1_o"), 4);

  TempDir tmp;
  for (int i = 0; i < 3; ++i)
    std::filesystem::copy(dir / "cores" / ("core_" + std::to_string(i) + ".yaml"),
                          tmp.path() / ("core_" + std::to_string(i) + ".yaml"));
  std::filesystem::copy(dir / "cores/offchip.yaml", tmp.path() / "offchip.yaml");
  auto read = [&](const std::string& sharing) {
    write_file(tmp.path() / "acc.yaml",
               "cores: {0: core_0.yaml, 1: core_1.yaml, 2: core_2.yaml, 3: offchip.yaml}\n"
               "offchip_core_id: 3\ncore_connectivity:\n"
               "  - {type: bus, cores: [0, 1, 2, 3], bandwidth: 128}\n"
               "core_memory_sharing:\n" +
                   sharing);
    try {
      const auto a = arch::read_stream_accelerator((tmp.path() / "acc.yaml").string());
      return std::to_string(a.memory_owner(2, "l1_w"));
    } catch (const UserError& e) {
      return std::string(e.what());
    }
  };
  // Two entries naming a common (core, memory) join: l1_w of 0, 1 and 2 is one instance, owned
  // by core 0. (l1_w has the same size in all three files.)
  EXPECT_EQ(read("  - {cores: [0, 1], memory: l1_w}\n  - {cores: [2, 1], memory: l1_w}\n"), "0");
  const auto missing_core = read("  - {cores: [0, 7], memory: l1_w}\n");
  EXPECT_NE(missing_core.find("acc.yaml:6"), std::string::npos) << missing_core;
  EXPECT_NE(missing_core.find("core_memory_sharing cores"), std::string::npos) << missing_core;
  EXPECT_NE(missing_core.find("core 7 does not exist"), std::string::npos) << missing_core;
  const auto missing_mem = read("  - {cores: [0, 1], memory: l1_x}\n");
  EXPECT_NE(missing_mem.find("acc.yaml:6"), std::string::npos) << missing_mem;
  EXPECT_NE(missing_mem.find("core_memory_sharing memory"), std::string::npos) << missing_mem;
  EXPECT_NE(missing_mem.find("has no top memory 'l1_x'"), std::string::npos) << missing_mem;
  // Stream's "0, 1" form shares every top memory of core 0: core 1 has no l1_i.
  const auto group = read("  - \"0, 1\"\n");
  EXPECT_NE(group.find("core 1"), std::string::npos) << group;
  EXPECT_NE(group.find("'l1_i'"), std::string::npos) << group;
  const auto off = read("  - {cores: [0, 3], memory: l1_w}\n");
  EXPECT_NE(off.find("off-chip core"), std::string::npos) << off;
}

// Issue 9: Stream's multi-core files build the one accelerator type (arch::Accelerator); the
// scheduler's StreamAccelerator is derived from it (stream_view).
TEST(StreamAccelerator, ReadsIntoTheOneAcceleratorType) {
  const auto path =
      (std::filesystem::path(MOSAIC_SOURCE_DIR) / "examples/validation/jia/jia.yaml").string();
  const arch::Accelerator a = arch::read_stream_multicore(path);
  ASSERT_EQ(a.cores.size(), 6u);
  EXPECT_EQ(a.offchip_core, 5);
  EXPECT_EQ(a.cores[5].role, "memory");
  EXPECT_EQ(a.cores[0].role, "compute");
  ASSERT_TRUE(a.cores[0].loop_nest.has_value());
  EXPECT_EQ(a.cores[0].num_pes, 256 * 64 * 3 * 3 * 2);  // the directive view of the same array
  ASSERT_EQ(a.cores[2].fixed_spatial.size(), 5u);
  EXPECT_EQ(a.cores[2].fixed_spatial[1].unrolls[0].dim, "K");
  EXPECT_EQ(a.cores[2].fixed_spatial[1].unrolls[0].factor, 256);
  ASSERT_EQ(a.links.size(), 1u);
  EXPECT_TRUE(a.links[0].shared_medium);
  EXPECT_DOUBLE_EQ(a.links[0].bytes_per_cycle, 16);  // 128 bits per cycle
  EXPECT_EQ(a.links[0].ends.size(), 6u);
  ASSERT_EQ(a.buffers.size(), 4u);  // the four SRAMs neighbouring cores share
  EXPECT_EQ(a.buffers[0].name, "shared_c0_c1");
  EXPECT_EQ(a.buffers[0].cores, (std::vector<int>{0, 1}));
  EXPECT_EQ(a.buffers[0].bytes, 262144);
  EXPECT_EQ(a.buffers[3].cores, (std::vector<int>{3, 4}));

  const auto v = arch::stream_view(a);
  EXPECT_EQ(v.arch.cores.size(), 6u);
  ASSERT_EQ(v.links.size(), 1u);
  EXPECT_EQ(v.links[0].from, -1);  // a bus: one medium
  EXPECT_TRUE(v.medium(0).shared_medium);
  EXPECT_DOUBLE_EQ(v.bandwidth_bits(0), 128);
  EXPECT_EQ(v.memory_owner(4, "shared_c3_c4"), 3);
  EXPECT_EQ(v.core(2).fixed_spatial[1].unrolls[0].factor, 256);  // the cores of arch, not copies
  EXPECT_EQ(&v.core(2), &v.arch.cores[2]);
  EXPECT_EQ(v.route[0][5], (std::vector<int>{0}));
}

}  // namespace
}  // namespace mosaic::test

// Stream's accelerator format: cores, links and buses, routes, dataflows, and its errors.
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "arch/StreamAccelerator.h"
#include "common/Error.h"

namespace mosaic::test {
namespace {

TEST(StreamAccelerator, QuadCoreLinksBusAndDataflows) {
  MOSAIC_REQUIRE_SHARED();
  const auto acc = arch::read_stream_accelerator(
      (shared_dir() / "reference/stream/examples/hardware/tpu_like_quad_core.yaml").string());
  ASSERT_EQ(acc.cores.size(), 7u);
  EXPECT_EQ(acc.offchip_core_id, 6);
  EXPECT_EQ(arch::total_units(acc.offchip().hw.array), 0);
  EXPECT_EQ(acc.links.size(), 12u * 2 + 1);  // 12 point-to-point links (2 directions) + 1 bus
  // The bus comes last and, as in Stream (networkx), replaces the edge of every pair it joins:
  // all transfers, 0 -> 1 included, take the bus.
  ASSERT_EQ(acc.route[0][1].size(), 1u);
  EXPECT_TRUE(acc.links[static_cast<std::size_t>(acc.route[0][1][0])].bus);
  ASSERT_EQ(acc.route[0][2].size(), 1u);
  EXPECT_EQ(acc.route[0][2], acc.route[0][1]);
  EXPECT_DOUBLE_EQ(acc.links[static_cast<std::size_t>(acc.route[0][6][0])].bandwidth_bits, 128);
  ASSERT_EQ(acc.cores[0].dataflows.size(), 2u);
  EXPECT_EQ(acc.cores[0].dataflows[0].array_dim, "D1");
  EXPECT_EQ(acc.cores[0].dataflows[0].unrolls[0].dim, "K");
  EXPECT_EQ(acc.cores[0].dataflows[0].unrolls[0].factor, 32);
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

}  // namespace
}  // namespace mosaic::test

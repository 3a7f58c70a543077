#include <gtest/gtest.h>

#include "TestSupport.h"
#include "common/Error.h"
#include "dataflow/LoopNestMapping.h"

namespace mosaic::dataflow {
namespace {

const char* kMapping = R"(- name: default
  spatial_mapping:
    D1: ["K, 32"]
    D2: ["C, 32"]
  memory_operand_links: {O: O, W: I2, I: I1}
- name: Add
  spatial_mapping:
    D1: ["G, 32"]
    D2: ["C, 1", "OX, 2"]
- name: conv1
  spatial_mapping:
    D1: ["C, 32"]
    D2: ["K, 32"]
  temporal_ordering:
    - [OX, 112]
    - [K, "*"]
)";

TEST(LoopNestMapping, ParsesEntries) {
  const auto set = parse_zigzag_mapping(kMapping, "m.yaml");
  ASSERT_EQ(set.entries.size(), 3u);
  const auto& d = set.entries[0];
  EXPECT_EQ(d.name, "default");
  ASSERT_EQ(d.spatial.size(), 2u);
  EXPECT_EQ(d.spatial[0].array_dim, "D1");
  EXPECT_EQ(d.spatial[0].unrolls[0].dim, "K");
  EXPECT_EQ(d.spatial[0].unrolls[0].factor, 32);
  ASSERT_EQ(d.links.size(), 3u);
  EXPECT_EQ(d.links[1].layer_operand, "W");
  EXPECT_EQ(d.links[1].memory_operand, "I2");
  // Links default to O:O, I:I1, W:I2.
  EXPECT_EQ(set.entries[1].links.size(), 3u);
  EXPECT_EQ(set.entries[1].spatial[1].unrolls.size(), 2u);
  const auto& c = set.entries[2];
  ASSERT_EQ(c.temporal_ordering.size(), 2u);
  EXPECT_EQ(c.temporal_ordering[0].size, 112);
  EXPECT_EQ(c.temporal_ordering[1].size, 0);  // "*"
}

TEST(LoopNestMapping, SelectsByNameThenTypeThenDefault) {
  const auto set = parse_zigzag_mapping(kMapping, "m.yaml");
  EXPECT_EQ(select_mapping(set, "conv1", "Conv").name, "conv1");
  EXPECT_EQ(select_mapping(set, "add3", "Add").name, "Add");
  EXPECT_EQ(select_mapping(set, "conv9", "Conv").name, "default");
}

TEST(LoopNestMapping, MissingDefaultIsAnError) {
  EXPECT_THROW(parse_zigzag_mapping("- name: Add\n  spatial_mapping: {D1: [\"G, 4\"]}\n", "m.yaml"),
               UserError);
}

TEST(LoopNestMapping, BadUnrollIsAnErrorWithLine) {
  try {
    parse_zigzag_mapping("- name: default\n  spatial_mapping:\n    D1: [\"K 32\"]\n", "m.yaml");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(e.where().line, 3);
  }
}

TEST(LoopNestMapping, UvNotationRoundTrip) {
  std::vector<ArrayDimUnrolling> s = {{"D1", {{"C", 4}, {"FX", 3}}}, {"D2", {{"K", 16}}}};
  EXPECT_EQ(uv_notation(s), "C,FX|K");
  const auto parsed = parse_uv_notation("C,FX|K");
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0], (std::vector<std::string>{"C", "FX"}));
  EXPECT_EQ(parsed[1], (std::vector<std::string>{"K"}));
  EXPECT_THROW(parse_uv_notation("C|K!"), UserError);
}

TEST(LoopNestMapping, RendersALoopNest) {
  std::vector<TemporalLoop> order = {{"C", 3}, {"K", 2}};
  TemporalMapping tm = {{"O", {{{"C", 3}}, {{"K", 2}}}}, {"I", {{{"C", 3}, {"K", 2}}}}};
  const std::string text =
      render_loop_nest(order, tm, {{"reg", "dram"}, {"dram"}}, {{"D1", {{"K", 4}}}});
  EXPECT_NE(text.find("for K in [0, 2)"), std::string::npos) << text;
  EXPECT_NE(text.find("parfor K in [0, 4) on D1"), std::string::npos) << text;
  EXPECT_NE(text.find("O@dram"), std::string::npos) << text;
  EXPECT_LT(text.find("for K"), text.find("for C"));  // outermost first
}

TEST(LoopNestMapping, ReadsEveryReferenceMapping) {
  MOSAIC_REQUIRE_SHARED();
  const auto dir = test::shared_dir() / "reference/zigzag/inputs/mapping";
  for (const char* name : {"tpu_like", "edge_tpu_like", "ascend_like", "meta_prototype_like",
                           "tesla_npu_like", "gemm_l1", "gemm_l1_l3", "default"})
    EXPECT_NO_THROW(read_zigzag_mapping((dir / (std::string(name) + ".yaml")).string())) << name;
}

}  // namespace
}  // namespace mosaic::dataflow

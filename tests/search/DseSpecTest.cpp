// Sweep syntax, objectives and the design-space size.
#include <gtest/gtest.h>

#include "common/Error.h"
#include "search/DseSpec.h"

namespace mosaic::search {
namespace {

using V = std::vector<std::int64_t>;

TEST(DseSweep, Syntax) {
  EXPECT_EQ(parse_sweep("64", "--pes").values, V({64}));
  EXPECT_EQ(parse_sweep("3:7", "--pes").values, V({3, 4, 5, 6, 7}));
  EXPECT_EQ(parse_sweep("8:40:8", "--pes").values, V({8, 16, 24, 32, 40}));
  EXPECT_EQ(parse_sweep("8:44:8", "--pes").values, V({8, 16, 24, 32, 40}));  // up to the end
  EXPECT_EQ(parse_sweep("16:1024:x4", "--pes").values, V({16, 64, 256, 1024}));
  EXPECT_EQ(parse_sweep("16:100:*2", "--pes").values, V({16, 32, 64}));
  // Lists merge, sort and drop repeats.
  EXPECT_EQ(parse_sweep("32, 8:16:8,8", "--pes").values, V({8, 16, 32}));
  EXPECT_EQ(parse_sweep("8:248:8", "--bw").count(), 31);
  EXPECT_EQ(parse_sweep("8:248:8", "--bw").text, "8:248:8");
}

TEST(DseSweep, SizeSuffixes) {
  EXPECT_EQ(parse_sweep("1K", "--l2", true).values, V({1024}));
  EXPECT_EQ(parse_sweep("512:2K:512", "--l2", true).values, V({512, 1024, 1536, 2048}));
  EXPECT_EQ(parse_sweep("1m", "--l2", true).values, V({1 << 20}));
  EXPECT_EQ(parse_sweep("64K:1M:x4", "--l2", true).values, V({65536, 262144, 1048576}));
  // Suffixes only where sizes are expected.
  EXPECT_THROW(parse_sweep("1K", "--pes"), UserError);
}

TEST(DseSweep, ErrorsNameTheFlag) {
  for (const char* bad : {"", "0", "-4", "abc", "8:4", "1:2:3:4", "4:8:x1", "4:8:0", ":8",
                          "8:", "99999999999999999999"}) {
    try {
      parse_sweep(bad, "--pes");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UserError& e) {
      EXPECT_EQ(e.where().field, "--pes") << bad;
    }
  }
  EXPECT_THROW(parse_sweep("1:20000000", "--pes"), UserError);  // more than 10 M values
}

TEST(DseSweep, MapSizes) {
  const auto m = parse_map_size_sweep("C=1:4");
  EXPECT_EQ(m.dim, dataflow::Dim::C);
  EXPECT_EQ(m.level, 0);
  EXPECT_EQ(m.values.values, V({1, 2, 3, 4}));
  EXPECT_EQ(m.label(), "C");
  const auto k = parse_map_size_sweep("K@1=8,16");
  EXPECT_EQ(k.dim, dataflow::Dim::K);
  EXPECT_EQ(k.level, 1);
  EXPECT_EQ(k.label(), "K@1");
  EXPECT_EQ(parse_map_size_sweep("Y'=2:3").dim, dataflow::Dim::Yp);
  EXPECT_THROW(parse_map_size_sweep("C"), UserError);
  EXPECT_THROW(parse_map_size_sweep("Q=1:4"), UserError);
  EXPECT_THROW(parse_map_size_sweep("C@x=1:4"), UserError);
  EXPECT_THROW(parse_map_size_sweep("C=0:4"), UserError);
}

TEST(DseSweep, Objectives) {
  EXPECT_EQ(parse_objective("throughput"), Objective::Throughput);
  EXPECT_EQ(parse_objective("runtime"), Objective::Throughput);
  EXPECT_EQ(parse_objective("Energy"), Objective::Energy);
  EXPECT_EQ(parse_objective("perf_per_watt"), Objective::ThroughputPerWatt);
  EXPECT_EQ(parse_objective("throughput_per_watt"), Objective::ThroughputPerWatt);
  EXPECT_EQ(parse_objective("edp"), Objective::Edp);
  for (auto o : kAllObjectives) EXPECT_EQ(parse_objective(objective_name(o)), o);
  EXPECT_THROW(parse_objective("speed"), UserError);
}

TEST(DseSpec, SpaceSizeIsTheProductOfTheLoops) {
  DseSpec s;
  s.dataflows = {"kcp_ws", "rs"};
  s.pes = parse_sweep("64:1984:64", "--pes");  // 31
  s.noc_bw = parse_sweep("4:124:4", "--bw");   // 31
  s.map_sizes = {parse_map_size_sweep("C=1:64"), parse_map_size_sweep("K=1:64")};
  EXPECT_EQ(space_size(s), 2 * 31 * 31 * 64 * 64);
  s.dataflows = {"kcp_ws"};
  EXPECT_EQ(space_size(s), 3'936'256);                  // MAESTRO Table 3, NVDLA - VGG16 C2
  s.l1_bytes = parse_sweep("64:256:64", "--l1", true);  // 4
  s.l2_bytes = parse_sweep("1K:4K:1K", "--l2", true);   // 4
  EXPECT_EQ(space_size(s), 3'936'256LL * 16);
  s.dataflows.clear();  // the mapping's own dataflows: one choice
  EXPECT_EQ(space_size(s), 3'936'256LL * 16);
}

TEST(DseSpec, ValidateNamesTheFlag) {
  DseSpec s;
  s.pes = single_value(64);
  s.noc_bw = single_value(8);
  EXPECT_NO_THROW(validate(s));
  auto field_of = [](const DseSpec& bad) {
    try {
      validate(bad);
    } catch (const UserError& e) {
      return e.where().field;
    }
    return std::string("accepted");
  };
  DseSpec a = s;
  a.area_budget_um2 = 0;
  EXPECT_EQ(field_of(a), "area_budget");
  DseSpec p = s;
  p.power_budget_mw = -1;
  EXPECT_EQ(field_of(p), "power_budget");
  DseSpec m = s;
  m.map_sizes = {parse_map_size_sweep("C=1:2"), parse_map_size_sweep("C=3:4")};
  EXPECT_EQ(field_of(m), "map_sizes");
  DseSpec many = s;
  for (const char* d : {"C=1", "K=1", "X=1", "Y=1", "R=1"})
    many.map_sizes.push_back(parse_map_size_sweep(d));
  EXPECT_EQ(field_of(many), "map_sizes");
  DseSpec big = s;
  big.pes = single_value((std::int64_t{1} << 30) + 1);
  EXPECT_EQ(field_of(big), "pes");
  DseSpec prec = s;
  prec.precision_bits = 0;
  EXPECT_EQ(field_of(prec), "precision_bits");
}

TEST(DseSpec, DerivedFigures) {
  DesignMetrics m;
  m.macs = 1000;
  m.latency_cycles = 100;
  m.energy_pj = 5;
  m.power_mw = 250;
  EXPECT_DOUBLE_EQ(throughput_macs_per_cycle(m), 10.0);
  // 10 MACs/cycle at 1 GHz = 10 GMAC/s, over 0.25 W.
  EXPECT_DOUBLE_EQ(throughput_per_watt(m, 1.0), 40.0);
  EXPECT_DOUBLE_EQ(throughput_per_watt(m, 2.0), 80.0);
  EXPECT_DOUBLE_EQ(edp_pj_cycles(m), 500.0);
  DseDesignPoint p;
  p.pes = 64;
  p.l1_bytes = 100;
  p.l2_bytes = 1000;
  EXPECT_EQ(buffer_bytes(p), 7400);
}

}  // namespace
}  // namespace mosaic::search

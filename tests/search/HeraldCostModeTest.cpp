// Herald's cost modes as the user selects them: the flags turned into a HeraldConfig by the one
// library function both front ends call (search::herald_config), the MAESTRO-compat tile search
// (never worse than the library mapping by the objective, the mapper's pruned search equal to
// brute force under MAESTRO's analysis), summary.json recording the mode, and the store key
// telling the modes apart.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "arch/Accelerator.h"
#include "dataflow/Library.h"
#include "mapper/DirectiveMapper.h"
#include "mapper/SubAcceleratorCost.h"
#include "search/Herald.h"
#include "search/HeraldFlags.h"
#include "search/ResultStore.h"
#include "workload/Layer.h"

namespace mosaic {
namespace {

workload::Layer unpadded_conv(std::int64_t k, std::int64_t c, std::int64_t hw, std::int64_t r) {
  workload::Layer l;
  l.name = "t";
  l.K = k;
  l.C = c;
  l.Y = l.X = hw;
  l.R = l.S = r;
  return l;
}

TEST(HeraldFlags, FlagsMakeTheConfiguration) {
  search::HeraldFlags f;
  f.workload = "mobilenet_v2";
  f.granularity = 4;
  f.subacc_buffer_per_pe = 1024;
  f.local_bw_per_pe = 2;
  f.search_tiles = true;  // no effect in the default model (it always searches)
  auto c = search::herald_config(f);
  EXPECT_EQ(c.granularity, 4);
  EXPECT_EQ(c.cls.total_pes, 1024);  // edge
  EXPECT_FALSE(c.maestro_compat);
  EXPECT_FALSE(c.compat_search_tiles);
  EXPECT_EQ(c.params.subacc_buffer_bytes_per_pe, 1024);
  EXPECT_EQ(c.params.local_elements_per_pe_cycle, 2);
  EXPECT_EQ(c.objective, schedule::Metric::EDP);
  ASSERT_EQ(c.styles.size(), 1u);
  f.compat = "maestro";
  f.objective = "latency";
  f.scheduler = "greedy";
  c = search::herald_config(f);
  EXPECT_TRUE(c.maestro_compat);
  EXPECT_TRUE(c.compat_search_tiles);
  EXPECT_EQ(c.objective, schedule::Metric::Latency);
  EXPECT_TRUE(c.scheduler.greedy);
  struct Bad {
    void (*set)(search::HeraldFlags&);
    const char* flag;
  };
  for (const Bad& b : std::initializer_list<Bad>{
           {[](search::HeraldFlags& x) { x.granularity = 0; }, "--granularity"},
           {[](search::HeraldFlags& x) { x.compat = "tool"; }, "--compat"},
           {[](search::HeraldFlags& x) { x.subacc_buffer_per_pe = 0; }, "--subacc-buffer"},
           {[](search::HeraldFlags& x) { x.local_bw_per_pe = 0; }, "--local-bw"},
           {[](search::HeraldFlags& x) { x.objective = "speed"; }, "--objective"},
           {[](search::HeraldFlags& x) { x.ordering = "sideways"; }, "--ordering"},
           {[](search::HeraldFlags& x) { x.load_balance = 0.5; }, "--load-balance"},
           {[](search::HeraldFlags& x) { x.scheduler = "random"; }, "--scheduler"},
       }) {
    search::HeraldFlags g = f;
    b.set(g);
    try {
      search::herald_config(g);
      ADD_FAILURE() << b.flag << " accepted";
    } catch (const UserError& e) {
      EXPECT_EQ(e.where().field, b.flag);
    }
  }
}

TEST(HeraldCompatTiles, MapperEqualsBruteForceUnderMaestroAnalysis) {
  const auto tech = arch::default_technology();
  int compared = 0;
  for (const auto& l :
       {unpadded_conv(16, 3, 18, 3), unpadded_conv(32, 16, 10, 3), unpadded_conv(64, 32, 7, 1)}) {
    const auto p = dataflow::densify_pointwise_stride(dataflow::problem_from_layer(l));
    for (const char* name : {"kcp_ws", "shi_os", "rs"}) {
      const auto df = dataflow::adapt_to_problem(dataflow::library_dataflow(name, p.type), p);
      for (std::int64_t l2 : {0, 2000}) {
        mapper::DirectiveMapperOptions o;
        o.num_pes = 64;
        o.noc_bw = 4;
        o.maestro_compat = true;
        o.l1_elements = 256;
        o.l2_elements = l2;
        const auto fast = mapper::map_directives(p, df, o, tech);
        const auto all = mapper::brute_force_directives(p, df, o, tech);
        ASSERT_EQ(fast.feasible, all.feasible) << name;
        if (!all.feasible) continue;
        EXPECT_DOUBLE_EQ(fast.best.cycles, all.best.cycles) << name << " L2 " << l2;
        EXPECT_DOUBLE_EQ(fast.best.energy_pj, all.best.energy_pj) << name << " L2 " << l2;
        if (l2 > 0) {
          EXPECT_LE(fast.best.l2_elements, static_cast<double>(l2));
        }
        ++compared;
      }
    }
  }
  EXPECT_GE(compared, 15);  // of 18
}

TEST(HeraldCompatTiles, NeverWorseThanTheLibraryMappingByEdp) {
  const auto tech = arch::default_technology();
  arch::Core core;
  core.num_pes = 256;
  core.noc_bw = 4;
  core.offchip_bw = 16;
  core.l1_bytes = 512;
  core.l2_bytes = 4 << 20;
  int better = 0, layers = 0;
  for (const auto& l : {unpadded_conv(64, 64, 56, 3), unpadded_conv(128, 64, 28, 1),
                        unpadded_conv(32, 3, 112, 3)}) {
    for (const char* df : {"kcp_ws", "shi_os", "rs"}) {
      const auto lib = mapper::maestro_compat_cost(l, df, core, tech);
      const auto st = mapper::maestro_compat_cost(l, df, core, tech, cost::CoreObjective::EDP);
      ASSERT_TRUE(lib.feasible && st.feasible) << df;
      EXPECT_LE(st.cycles * st.onchip_energy_pj, lib.cycles * lib.onchip_energy_pj * (1 + 1e-12))
          << df;
      EXPECT_LE(st.l2_bytes, lib.l2_bytes);  // held to the library's global-buffer tile
      better += st.cycles * st.onchip_energy_pj < lib.cycles * lib.onchip_energy_pj;
      ++layers;
    }
  }
  EXPECT_GT(better, 0) << "the search never found better tiles than the library's";
  EXPECT_EQ(layers, 9);
}

TEST(HeraldStoreKey, CostModeAndWholeTechnology) {
  search::HeraldFlags f;
  f.workload = "mobilenet_v2";
  f.granularity = 4;
  const auto def = search::herald_config(f);
  f.compat = "maestro";
  const auto compat = search::herald_config(f);
  f.search_tiles = true;
  const auto tiles = search::herald_config(f);
  const auto graph = workload::flatten(def.workload, workload::Granularity::Compute);
  const std::vector<std::pair<int, arch::Partition>> none;
  const auto k0 = search::herald_run_config(def, graph, none, def.styles);
  const auto k1 = search::herald_run_config(compat, graph, none, compat.styles);
  const auto k2 = search::herald_run_config(tiles, graph, none, tiles.styles);
  EXPECT_NE(k0, k1);
  EXPECT_NE(k1, k2);
  EXPECT_NE(k2.find("\"compat_search_tiles\":true"), std::string::npos);
  EXPECT_NE(k0.find("\"format\":\"mosaic-herald-2\""), std::string::npos);
  EXPECT_NE(k0.find("\"bus_c1\":14.662"), std::string::npos);  // the whole technology now
}

TEST(HeraldCli, SummaryRecordsTheCostMode) {
  test::TempDir d;
  auto r = test::run_mosaic(
      "herald --workload mobilenet_v2 --granularity 4 --subacc-buffer 1024 --local-bw 2 "
      "--no-baselines --quiet --no-store --out '" +
      (d.path() / "def").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = nlohmann::json::parse(test::read_file(d.path() / "def" / "summary.json"));
  EXPECT_EQ(s["cost_mode"]["cost_model"], "subaccelerator");
  EXPECT_EQ(s["cost_mode"]["compat"], "none");
  EXPECT_EQ(s["cost_mode"]["search_tiles"], true);
  EXPECT_EQ(s["cost_mode"]["subacc_buffer_bytes_per_pe"], 1024.0);
  EXPECT_EQ(s["cost_mode"]["local_elements_per_pe_cycle"], 2.0);
  EXPECT_EQ(s["cost_mode"]["l1_bytes_per_pe"], 512);
  for (const char* extra : {"", " --search-tiles"}) {
    r = test::run_mosaic(std::string("herald --workload mobilenet_v2 --granularity 4 "
                                     "--compat maestro --no-baselines --quiet --no-store") +
                         extra + " --out '" + (d.path() / "compat").string() + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    s = nlohmann::json::parse(test::read_file(d.path() / "compat" / "summary.json"));
    EXPECT_EQ(s["cost_mode"]["cost_model"], "maestro");
    EXPECT_EQ(s["cost_mode"]["compat"], "maestro");
    EXPECT_EQ(s["cost_mode"]["search_tiles"], std::string(extra).empty() ? false : true);
    EXPECT_TRUE(s["cost_mode"]["subacc_buffer_bytes_per_pe"].is_null());
  }
}

TEST(HeraldCli, AnOldFormatStoreIsNotReadAndIsReported) {
  test::TempDir d;
  {
    auto store = search::ResultStore::open(d.path() / "old.sqlite");
    store.open_run("herald", R"({"format":"mosaic-herald-1"})");
  }
  const auto r = test::run_mosaic(
      "herald --workload mobilenet_v2 --granularity 4 --no-baselines --quiet --store '" +
      (d.path() / "old.sqlite").string() + "' --out '" + (d.path() / "out").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("holds 1 run of another format (an older mosaic; this one writes "
                       "mosaic-herald-2): not read"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace mosaic

// `mosaic dse --search-tiles`: a design point's layer costs equal `mosaic eval --search-tiles` on
// a core with the point's figures; summary.json records the mode; the store never mixes modes and
// says so when it holds runs of an older format.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "TestJson.h"
#include "TestSupport.h"
#include "search/DseEngine.h"
#include "search/ResultStore.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::read_json;
using test::run_mosaic;

std::string vgg() {
  return "'" + (test::source_dir() / "examples/networks/vgg16.m").string() + "'";
}

TEST(DseTilesCli, PointLayersEqualEvalSearchTiles) {
  test::TempDir d;
  // One core: 256 PEs, NoC 64 elements/cycle, 512 B of L1 per PE.
  test::write_file(d.path() / "core.yaml",
                   "pes: 256\nnoc_bw: 64\nnoc_latency: 1\noffchip_bw: 70000\nl1_bytes: 512\n");
  auto r = run_mosaic("eval --mapping " + vgg() +
                          " --dataflow kcp_ws --hw core.yaml --search-tiles edp --quiet "
                          "--json eval.json",
                      d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json ev = read_json(d.path() / "eval.json");
  const json& conv11 = ev["layers"][10];
  const json& conv12 = ev["layers"][11];
  ASSERT_EQ(conv11["name"], "CONV11");
  ASSERT_EQ(conv12["name"], "CONV12");
  r = run_mosaic("dse --mapping " + vgg() +
                     " --layer CONV11,CONV12 --dataflow kcp_ws --pes 256 --bw 64 --l1 512 "
                     "--search-tiles edp --out out --quiet",
                 d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json s = read_json(d.path() / "out/summary.json");
  EXPECT_EQ(s["search_tiles"], "edp");
  EXPECT_EQ(s["designs_evaluated"], 1);
  const json& best = s["best"]["edp"];
  ASSERT_EQ(best["layers"].size(), 2u);
  // A mapping file's layers stay apart: each equals eval's row.
  EXPECT_EQ(best["layers"][0]["latency_cycles"].get<double>(),
            conv11["latency_cycles"].get<double>());
  EXPECT_DOUBLE_EQ(best["layers"][0]["energy_pj"].get<double>(), conv11["energy_pj"].get<double>());
  EXPECT_EQ(best["layers"][1]["latency_cycles"].get<double>(),
            conv12["latency_cycles"].get<double>());
  EXPECT_DOUBLE_EQ(best["latency_cycles"].get<double>(),
                   conv11["latency_cycles"].get<double>() + conv12["latency_cycles"].get<double>());
  EXPECT_DOUBLE_EQ(best["energy_pj"].get<double>(),
                   conv11["energy_pj"].get<double>() + conv12["energy_pj"].get<double>());
  EXPECT_LE(best["l1_required_bytes"].get<double>(), 512);
  // On this core the searched tiles are faster than kcp_ws's written ones (measured).
  r = run_mosaic("dse --mapping " + vgg() +
                     " --layer CONV11 --dataflow kcp_ws --pes 256 --bw 64 --out fixed --quiet",
                 d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json f = read_json(d.path() / "fixed/summary.json");
  EXPECT_EQ(f["search_tiles"], "off");
  EXPECT_LT(best["layers"][0]["latency_cycles"].get<double>(),
            f["best"]["edp"]["latency_cycles"].get<double>());
}

TEST(DseTilesCli, ErrorsAndAnOldStore) {
  test::TempDir d;
  const std::string base =
      "dse --mapping " + vgg() + " --layer CONV11 --dataflow kcp_ws --pes 64 --bw 8 --quiet";
  auto r = run_mosaic(base + " --search-tiles speed --out o1", d.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--search-tiles: unknown objective 'speed'"), std::string::npos) << r.err;
  r = run_mosaic(base + " --search-tiles edp --map-size C=1:4 --out o2", d.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--search-tiles: the tile search chooses the mapping sizes"),
            std::string::npos)
      << r.err;
  r = run_mosaic(base + " --search-tiles edp --compat maestro --out o3", d.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--search-tiles"), std::string::npos) << r.err;
  // A store holding a run of mosaic-dse-1: not read, and the run says so.
  {
    auto store = search::ResultStore::open(d.path() / "old.sqlite");
    store.open_run("dse", R"({"format":"mosaic-dse-1","l1_bytes":"exact"})");
  }
  r = run_mosaic(base + " --search-tiles edp --store old.sqlite --out o4", d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("holds 1 run of another format (an older mosaic; this one writes "
                       "mosaic-dse-2): not read, every chunk is computed anew"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(read_json(d.path() / "o4/summary.json")["session"]["chunks_reused"], 0);
}

}  // namespace
}  // namespace mosaic

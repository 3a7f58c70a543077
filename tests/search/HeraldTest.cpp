#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "TestLayers.h"
#include "TestSupport.h"
#include "arch/Accelerator.h"
#include "common/Error.h"
#include "cost/CoreCost.h"
#include "cost/DirectiveAnalysis.h"
#include "dataflow/Dataflow.h"
#include "dataflow/Legality.h"
#include "dataflow/Library.h"
#include "outputs/HeadlessChromium.h"
#include "schedule/HeraldProblem.h"
#include "search/Herald.h"
#include "workload/Workload.h"
#include "workload/WorkloadFile.h"

namespace mosaic {
namespace {

using test::conv;  // TestLayers.h

TEST(Accelerator, ClassesAndStyles) {
  const auto edge = arch::accelerator_class("edge");
  EXPECT_EQ(edge.total_pes, 1024);
  EXPECT_DOUBLE_EQ(edge.noc_gbps, 16);
  EXPECT_EQ(edge.global_buffer_bytes, 4 * 1024 * 1024);
  EXPECT_EQ(arch::accelerator_class("cloud").total_pes, 16384);
  EXPECT_THROW(arch::accelerator_class("phone"), UserError);
  EXPECT_EQ(arch::parse_style("nvdla,shi").label(), "HDA NVDLA+Shi");
  EXPECT_EQ(arch::parse_style("fda:eyeriss").label(), "FDA Eyeriss");
  EXPECT_EQ(arch::parse_style("smfda:nvdla").num_cores(), 2);
  EXPECT_EQ(arch::parse_style("rda").num_cores(), 1);
  EXPECT_EQ(arch::table3_styles().size(), 11u);
  EXPECT_THROW(arch::parse_style("smfda:nvdla:1"), UserError);
}

TEST(Accelerator, PartitionsMustAddUp) {
  const auto edge = arch::accelerator_class("edge");
  const auto style = arch::parse_style("nvdla,shi");
  const auto acc = arch::build_accelerator(edge, style, arch::Partition{{128, 896}, {4, 12}});
  ASSERT_EQ(acc.cores.size(), 2u);
  EXPECT_EQ(acc.cores[0].num_pes, 128);
  EXPECT_EQ(acc.cores[0].noc_bw, 4);  // 4 GB/s at 1 GHz, 1 byte per element
  EXPECT_EQ(acc.cores[1].noc_bw, 12);
  EXPECT_THROW(arch::build_accelerator(edge, style, arch::Partition{{128, 800}, {4, 12}}),
               UserError);
  EXPECT_THROW(arch::build_accelerator(edge, style, arch::Partition{{128, 896}, {4, 10}}),
               UserError);
  EXPECT_THROW(arch::build_accelerator(edge, style, arch::Partition{{0, 1024}, {4, 12}}),
               UserError);
  EXPECT_THROW(arch::build_accelerator(edge, style, arch::Partition{{1024}, {16}}), UserError);
}

TEST(Accelerator, ExhaustivePartitionsCoverTheGrid) {
  const auto edge = arch::accelerator_class("edge");
  const auto parts = search::exhaustive_partitions(edge, 2, 4);
  EXPECT_EQ(parts.size(), 9u);  // (1,3)(2,2)(3,1) for PEs x the same for bandwidth
  for (const auto& p : parts) {
    EXPECT_EQ(p.pes[0] + p.pes[1], 1024);
    EXPECT_DOUBLE_EQ(p.bw_gbps[0] + p.bw_gbps[1], 16);
  }
  EXPECT_EQ(search::exhaustive_partitions(edge, 3, 6).size(), 100u);  // C(5,2)^2
}

// The bandwidth curve re-times the same analysis the direct path runs.
TEST(CoreCost, CurveEqualsDirectAnalysis) {
  const auto tech = arch::default_technology();
  for (const char* df : {"kcp_ws", "yxp_os", "rs"}) {
    for (std::int64_t bw : {1, 7, 64, 1000}) {
      const workload::Layer l = conv(64, 32, 28, 3);
      arch::Core core;
      core.num_pes = 256;
      core.noc_bw = bw;
      core.offchip_bw = 1000000;
      core.noc_hops = 1;
      core.noc_hop_latency = 1;
      const auto c = cost::cost_on_core(l, df, core, tech);
      ASSERT_TRUE(c.feasible) << df << c.why;
      // Direct: the same problem with the top bandwidth set.
      const auto p = dataflow::densify_pointwise_stride(dataflow::problem_from_layer(l));
      auto bound = dataflow::fit_clusters(
          dataflow::clamp_to_problem(dataflow::bind(dataflow::library_dataflow(df, p.type), p), p),
          256);
      cost::DirectiveHardware hw;
      hw.num_pes = 256;
      hw.noc_bw = bw;
      hw.noc_latency = 1;
      hw.offchip_bw = std::int64_t{1} << 40;
      hw.noc_bw_inner = std::int64_t{1} << 30;
      const auto r = cost::analyze_directives(p, bound, hw, {});
      EXPECT_DOUBLE_EQ(c.cycles, static_cast<double>(r.top.runtime)) << df << " bw " << bw;
    }
  }
}

TEST(CoreCost, SmallCoresShrinkClustersAndWeightsBoundTheLayer) {
  const auto tech = arch::default_technology();
  arch::Core core;
  core.num_pes = 16;  // below kcp_ws's 64-PE clusters
  core.noc_bw = 16;
  core.offchip_bw = 1;
  const workload::Layer l = conv(64, 64, 14, 3);
  const auto c = cost::cost_on_core(l, "kcp_ws", core, tech);
  ASSERT_TRUE(c.feasible) << c.why;
  EXPECT_DOUBLE_EQ(c.dram_cycles, 64.0 * 64 * 9);  // 1 byte per cycle of DRAM share
  EXPECT_GE(c.cycles, c.dram_cycles);
  EXPECT_EQ(c.macs, workload::macs(l));
}

search::HeraldConfig small_herald_config() {
  search::HeraldConfig cfg;
  cfg.workload = workload::load_workload("mobilenet_v2");
  cfg.cls = arch::accelerator_class("edge");
  cfg.styles = {arch::parse_style("nvdla,shi")};
  cfg.granularity = 4;
  return cfg;
}

TEST(Herald, SearchIsValidDeterministicAndFindsTheBest) {
  search::HeraldConfig cfg = small_herald_config();
  cfg.threads = 1;
  const auto a = search::run_herald(cfg);
  cfg.threads = 2;
  const auto b = search::run_herald(cfg);
  ASSERT_EQ(a.points.size(), b.points.size());
  EXPECT_EQ(a.points.size(), 9u + 7u);  // 3x3 partitions + 3 FDAs, 3 SM-FDAs, the RDA
  for (std::size_t i = 0; i < a.points.size(); ++i) {
    EXPECT_DOUBLE_EQ(a.points[i].latency_cycles, b.points[i].latency_cycles);
    EXPECT_DOUBLE_EQ(a.points[i].energy_pj, b.points[i].energy_pj);
  }
  ASSERT_GE(a.best, 0);
  for (std::size_t i = 0; i < 9; ++i)
    EXPECT_LE(a.points[static_cast<std::size_t>(a.best)].edp(), a.points[i].edp());
  EXPECT_TRUE(schedule::validate_schedule(a.best_problem, a.best_schedule).empty());
  EXPECT_DOUBLE_EQ(a.best_schedule.latency_cycles,
                   a.points[static_cast<std::size_t>(a.best)].latency_cycles);
  EXPECT_GE(a.best_fda, 0);
  EXPECT_GE(a.best_smfda, 0);
  EXPECT_GE(a.rda, 0);
  // Someone is on the Pareto front, and no front point is dominated.
  int front = 0;
  for (const auto& p : a.points) front += p.pareto ? 1 : 0;
  EXPECT_GT(front, 0);
}

TEST(Herald, RandomAndBinarySearches) {
  search::HeraldConfig cfg = small_herald_config();
  cfg.baselines = false;
  cfg.granularity = 16;
  cfg.mode = search::SearchMode::Random;
  cfg.random_samples = 20;
  cfg.seed = 5;
  const auto r1 = search::run_herald(cfg);
  const auto r2 = search::run_herald(cfg);
  EXPECT_EQ(r1.points.size(), 20u);
  for (std::size_t i = 0; i < r1.points.size(); ++i)
    EXPECT_EQ(r1.points[i].partition.pes, r2.points[i].partition.pes);
  cfg.mode = search::SearchMode::Binary;
  const auto bin = search::run_herald(cfg);
  cfg.mode = search::SearchMode::Exhaustive;
  const auto ex = search::run_herald(cfg);
  EXPECT_LT(bin.points.size(), ex.points.size());
  // Binary sampling finds a design within a small factor of the exhaustive optimum.
  EXPECT_LE(bin.points[static_cast<std::size_t>(bin.best)].edp(),
            1.5 * ex.points[static_cast<std::size_t>(ex.best)].edp());
}

TEST(Herald, GlobalBufferTooSmallIsAnError) {
  search::HeraldConfig cfg = small_herald_config();
  cfg.cls.global_buffer_bytes = 16;
  EXPECT_THROW(search::run_herald(cfg), UserError);
}

TEST(HeraldCli, WritesTheOutputs) {
  test::TempDir d;
  const auto r = test::run_mosaic(
      "herald --workload mobilenet_v2 --class edge --granularity 4 --quiet --out '" +
      d.path().string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = nlohmann::json::parse(test::read_file(d.path() / "summary.json"));
  for (const char* k : {"styles", "partition", "latency_cycles", "latency_s", "energy_j", "edp"})
    EXPECT_TRUE(s["best"].contains(k)) << k;
  for (const char* b : {"fda", "sm_fda", "rda"})
    EXPECT_TRUE(s["baselines"][b].contains("edp")) << b;
  EXPECT_EQ(s["search"]["design_points"], 16);
  EXPECT_GT(s["search"]["wall_seconds"].get<double>(), 0);
  EXPECT_GE(s["search"]["threads"].get<int>(), 1);
  const auto sch = nlohmann::json::parse(test::read_file(d.path() / "schedule.json"));
  ASSERT_GT(sch["records"].size(), 50u);
  for (const char* k : {"model", "instance", "layer", "layer_index", "predecessors", "core",
                        "start_cycle", "end_cycle", "energy_pj"})
    EXPECT_TRUE(sch["records"][0].contains(k)) << k;
  const std::string csv = test::read_file(d.path() / "pareto.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 17);
}

TEST(HeraldCli, BadInput) {
  auto r = test::run_mosaic("herald --styles nvdla,foo --quiet --out /tmp/mosaic-herald-bad");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("foo"), std::string::npos) << r.err;
  r = test::run_mosaic("herald --granularity 0 --quiet --out /tmp/mosaic-herald-bad");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--granularity"), std::string::npos) << r.err;
  r = test::run_mosaic("herald --class phone --quiet --out /tmp/mosaic-herald-bad");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown accelerator class 'phone'"), std::string::npos) << r.err;
  r = test::run_mosaic("herald --workload nosuch --quiet --out /tmp/mosaic-herald-bad");
  EXPECT_EQ(r.exit_code, 1);
  // Library errors name the value; the command line names the flag it came from.
  r = test::run_mosaic("herald --styles nvdla,foo --quiet --out /tmp/mosaic-herald-bad");
  EXPECT_NE(r.err.find("error: --styles: unknown dataflow 'foo'"), std::string::npos) << r.err;
  r = test::run_mosaic("herald --search sideways --quiet --out /tmp/mosaic-herald-bad");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error: --search: unknown search 'sideways'"), std::string::npos) << r.err;
  r = test::run_mosaic("herald --class phone --quiet --out /tmp/mosaic-herald-bad");
  EXPECT_NE(r.err.find("error: --class: "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mosaic

namespace mosaic {
namespace {

TEST(HeraldCli, ReportRendersInHeadlessChromium) {
  const auto browser = test::find_chromium();
  if (!browser) GTEST_SKIP() << "chromium is not installed";
  test::TempDir d;
  const auto r = test::run_mosaic(
      "herald --workload mobilenet_v2 --class edge --granularity 4 --quiet --out '" +
      d.path().string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (r.err.find("report.html has no charts") != std::string::npos)
    GTEST_SKIP() << "the chart bundles are not installed (scripts/setup.sh)";
  test::expect_charts_rendered(test::load_in_chromium(*browser, d.path() / "report.html"), "5");
  const std::string html = test::read_file(d.path() / "report.html");
  for (const char* title :
       {"Every design point", "Layers on each core over time", "Busy time / latency per core",
        "Energy breakdown per core", "Global buffer occupancy"})
    EXPECT_NE(html.find(title), std::string::npos) << title;
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);  // self-contained: nothing fetched
}

// The Gantt colours bars by model instance ("tiny#0", "tiny#1") and its time axis zooms and pans.
TEST(HeraldCli, GanttColoursByModelInstance) {
  test::TempDir d;
  test::write_file(
      d.path() / "w.yaml",
      "models:\n  - name: tiny\n    instances: 2\n    layers:\n"
      "      - {name: c1, op: conv, dims: {K: 16, C: 8, Y: 14, X: 14, R: 3, S: 3}}\n"
      "      - {name: c2, op: conv, dims: {K: 16, C: 16, Y: 12, X: 12, R: 1, S: 1}}\n");
  const auto r = test::run_mosaic("herald --workload '" + (d.path() / "w.yaml").string() +
                                  "' --class edge --granularity 4 --quiet --out '" +
                                  (d.path() / "o").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = test::read_file(d.path() / "o" / "report.html");
  EXPECT_NE(html.find(R"("model":"tiny#0")"), std::string::npos);
  EXPECT_NE(html.find(R"("model":"tiny#1")"), std::string::npos);
  EXPECT_NE(html.find(R"("title":"model instance")"), std::string::npos);
  EXPECT_NE(html.find(R"("bind":"scales")"), std::string::npos);
}

}  // namespace
}  // namespace mosaic

namespace mosaic {
namespace {

// Ctrl-C during a long search stops it and keeps the finished design points.
TEST(HeraldCli, InterruptKeepsFinishedPoints) {
  test::TempDir d;
  const std::string cmd =
      "'" + test::mosaic_binary().string() +
      "' herald --workload arvr-b --class cloud --styles nvdla,shi,eyeriss "
      "--granularity 24 --no-baselines --threads 1 --out '" +
      d.path().string() + "' >/dev/null 2> '" + (d.path() / "err").string() +
      "' & pid=$!; for i in $(seq 1 1200); do grep -q 'design points: [1-9]' '" +
      (d.path() / "err").string() +
      "' && break; sleep 0.1; done; kill -INT $pid; wait $pid; echo rc=$? > '" +
      (d.path() / "rc").string() + "'";
  // std::system runs the line with /bin/sh -c, so $! and $? reach the shell unexpanded. The
  // interrupt is sent once the progress line shows a finished point (not after a fixed sleep:
  // under ASan on a loaded machine the set-up alone can take seconds).
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string rc = test::read_file(d.path() / "rc");
  const auto s = nlohmann::json::parse(test::read_file(d.path() / "summary.json"));
  if (rc.find("rc=0") != std::string::npos)
    GTEST_SKIP() << "the search finished before the interrupt";
  EXPECT_NE(rc.find("rc=130"), std::string::npos) << rc;
  EXPECT_TRUE(s["search"]["interrupted"].get<bool>());
  EXPECT_GT(s["search"]["design_points"].get<int>(), 0);
  EXPECT_LT(s["search"]["design_points"].get<int>(), 253 * 253);
  EXPECT_FALSE(s["best"].is_null());
}

}  // namespace
}  // namespace mosaic

namespace mosaic {
namespace {

const char* kMyHda =
    "name: my-hda\n"
    "global_buffer_bytes: 4194304\n"
    "dram_gbps: 16\n"
    "cores:\n"
    "  - {name: nvdla, dataflow: kcp_ws, pes: 768, noc_gbps: 12}\n"
    "  - {name: shi, dataflow: shi_os, pes: 256, noc_gbps: 4}\n";

// A fixed design from an accelerator file is scheduled as given: the same latency and energy as
// the same partition found by the search on the edge class (1,024 PEs, 16 GB/s, 4 MiB).
TEST(HeraldCli, AcceleratorFileIsScheduledAsGiven) {
  test::TempDir d;
  test::write_file(d.path() / "my.yaml", kMyHda);
  const auto fixed =
      test::run_mosaic("herald --accelerator '" + (d.path() / "my.yaml").string() +
                       "' --no-baselines --quiet --out '" + (d.path() / "fixed").string() + "'");
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  const auto s = nlohmann::json::parse(test::read_file(d.path() / "fixed" / "summary.json"));
  EXPECT_EQ(s["search"]["design_points"].get<int>(), 1);
  const auto& part = s["best"]["partition"];
  ASSERT_EQ(part.size(), 2U);
  EXPECT_EQ(part[0]["pes"].get<int>(), 768);
  EXPECT_EQ(part[1]["pes"].get<int>(), 256);
  EXPECT_DOUBLE_EQ(part[0]["bw_gbps"].get<double>(), 12.0);
  // Herald's Shi-diannao style is Fig. 4(b), shi_os ("shi" in --styles).
  EXPECT_EQ(part[1]["dataflow"].get<std::string>(), "shi_os");

  const auto searched = test::run_mosaic(
      "herald --class edge --styles nvdla,shi --granularity 4 "
      "--no-baselines --quiet --out '" +
      (d.path() / "search").string() + "'");
  ASSERT_EQ(searched.exit_code, 0) << searched.err;
  const std::string csv = test::read_file(d.path() / "search" / "pareto.csv");
  const std::string row = "HDA NVDLA+Shi,hda,768/256,12/4,";
  const auto at = csv.find(row);
  ASSERT_NE(at, std::string::npos) << csv;
  const std::string cycles =
      csv.substr(at + row.size(), csv.find(',', at + row.size()) - (at + row.size()));
  // The CSV prints whole cycles; the global-NoC time of the sub-accelerator model is fractional.
  EXPECT_NEAR(std::stod(cycles), s["best"]["latency_cycles"].get<double>(), 0.5);
}

// More than 64 cores (the file reader refused them because the scheduler kept arrays of 64):
// 80 equal cores of 16 PEs schedule MobileNetV2.
TEST(HeraldCli, AcceleratorFileWithMoreThan64Cores) {
  test::TempDir d;
  std::string many = "global_buffer_bytes: 4194304\ncores:\n";
  for (int k = 0; k < 80; ++k) many += "  - {dataflow: kcp_ws, pes: 16, noc_gbps: 0.25}\n";
  test::write_file(d.path() / "many.yaml", many);
  const auto r = test::run_mosaic("herald --accelerator '" + (d.path() / "many.yaml").string() +
                                  "' --workload mobilenet_v2 --no-baselines --quiet --out '" +
                                  (d.path() / "out").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = nlohmann::json::parse(test::read_file(d.path() / "out" / "summary.json"));
  EXPECT_EQ(s["best"]["partition"].size(), 80U);
  EXPECT_GT(s["best"]["latency_cycles"].get<double>(), 0);
}

TEST(HeraldCli, AcceleratorFileErrors) {
  test::TempDir d;
  test::write_file(d.path() / "my.yaml", kMyHda);
  const auto both = test::run_mosaic("herald --accelerator '" + (d.path() / "my.yaml").string() +
                                     "' --class cloud --quiet --out '" + d.path().string() + "'");
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("--class"), std::string::npos) << both.err;

  test::write_file(d.path() / "bad.yaml", "global_buffer_bytes: 1024\ncores:\n  - {pes: 16}\n");
  const auto b = test::run_mosaic("herald --accelerator '" + (d.path() / "bad.yaml").string() +
                                  "' --quiet --out '" + d.path().string() + "'");
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.err.find("bad.yaml:3: cores"), std::string::npos) << b.err;

  test::write_file(d.path() / "df.yaml",
                   "global_buffer_bytes: 1024\ncores:\n  - {dataflow: nosuch, pes: 16, "
                   "noc_gbps: 1}\n");
  const auto u = test::run_mosaic("herald --accelerator '" + (d.path() / "df.yaml").string() +
                                  "' --quiet --out '" + d.path().string() + "'");
  EXPECT_EQ(u.exit_code, 1);
  EXPECT_NE(u.err.find("df.yaml:3: dataflow: unknown dataflow 'nosuch'"), std::string::npos)
      << u.err;
}

}  // namespace
}  // namespace mosaic

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "TestLayers.h"
#include "TestSupport.h"
#include "arch/Granularity.h"
#include "common/Error.h"
#include "cost/DpuCost.h"
#include "search/H3m.h"
#include "workload/Zoo.h"

namespace mosaic {
namespace {

using test::conv;  // TestLayers.h

TEST(H3mGranularity, Pg338TableAndUserShapes) {
  const auto t = arch::dpu_table();
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[0].name, "B512");
  EXPECT_EQ(t[0].ops_per_cycle(), 512);
  EXPECT_DOUBLE_EQ(t[0].dsp, 98);
  EXPECT_DOUBLE_EQ(t[0].bram36k, 69.5);
  EXPECT_EQ(t[7].ops_per_cycle(), 4096);
  EXPECT_DOUBLE_EQ(arch::parse_granularity("b4096", arch::DspUsage::Low).dsp, 514);
  for (const auto& c : t) EXPECT_EQ(c.ops_per_cycle(), std::stoi(c.name.substr(1)));
  const auto u = arch::parse_granularity("8x12x16");
  EXPECT_EQ(u.ops_per_cycle(), 3072);
  EXPECT_FALSE(u.published);
  EXPECT_GT(u.dsp, 386);  // between B2304 and B3136 on the fitted line
  EXPECT_LT(u.dsp, 506);
  EXPECT_EQ(arch::parse_granularity("8x14x14").name, "B3136");
  try {
    arch::parse_granularity("B999");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("B512, B800"), std::string::npos) << e.what();
  }
  EXPECT_EQ(arch::parse_granularities("B512,B4096,B512").size(), 2u);
}

TEST(H3mGranularity, PlatformBudgets) {
  const auto u200 = arch::platform_by_name("u200");
  const auto t = arch::dpu_table();
  // B4096: min(870000/40865, 1602/249.5, 5847/642) = min(21, 6, 9) -> BRAM bound.
  EXPECT_EQ(arch::cores_that_fit(u200, t[7]), 6);
  // B512: min(43, 1602/69.5 = 23.05, 59).
  EXPECT_EQ(arch::cores_that_fit(u200, t[0]), 23);
  const auto asic = arch::platform_by_name("asic");
  // min(16384 / 2048 MACs, 8 MiB / (249.5 x 4.5 KiB) = 7.3): SRAM bound.
  EXPECT_EQ(arch::cores_that_fit(asic, t[7]), 7);
  EXPECT_THROW(arch::platform_by_name("vu9p"), UserError);
}

TEST(H3mCost, SplitsAndArrayBound) {
  const auto l = conv(64, 32, 56, 3);
  workload::Layer s;
  int used = 0;
  ASSERT_TRUE(cost::split_layer(l, cost::SplitDim::K, 4, s, used));
  EXPECT_EQ(s.K, 16);
  EXPECT_EQ(used, 4);
  ASSERT_TRUE(cost::split_layer(l, cost::SplitDim::C, 4, s, used));
  EXPECT_EQ(s.C, 8);
  ASSERT_TRUE(cost::split_layer(l, cost::SplitDim::P, 4, s, used));
  EXPECT_EQ(workload::output_rows(s), 14);
  // B512 = 4x8x8: ceil(3136/4) x ceil(32/8) x ceil(64/8) x 9 = 784 x 4 x 8 x 9.
  EXPECT_DOUBLE_EQ(cost::dpu_array_cycles(l, arch::dpu_table()[0]), 784.0 * 4 * 8 * 9);
  workload::Layer dw = l;
  dw.op = workload::OpKind::DepthwiseConv;
  dw.G = 32;
  dw.C = dw.K = 1;
  EXPECT_FALSE(cost::split_layer(dw, cost::SplitDim::C, 4, s, used));
  ASSERT_TRUE(cost::split_layer(dw, cost::SplitDim::K, 4, s, used));
  EXPECT_EQ(s.G, 8);
}

TEST(H3mCost, GangsAreFasterAndCSplitPaysTheReduction) {
  const auto l = conv(256, 256, 14, 3);
  const auto core = arch::dpu_table()[0];
  const cost::DpuCostParams prm;
  const auto one = cost::gang_layer_cost(l, "kcp_ws", core, 1, prm, arch::default_technology());
  const auto four = cost::gang_layer_cost(l, "kcp_ws", core, 4, prm, arch::default_technology());
  ASSERT_TRUE(one.cost.feasible);
  ASSERT_TRUE(four.cost.feasible);
  EXPECT_EQ(one.split, cost::SplitDim::None);
  EXPECT_LT(four.cost.cycles, one.cost.cycles / 2);
  EXPECT_EQ(four.cost.macs, one.cost.macs);
  workload::Layer g = l;
  g.K = 8;  // too few output channels: C or P splits win
  const auto gc = cost::gang_layer_cost(g, "kcp_ws", core, 4, prm, arch::default_technology());
  EXPECT_NE(gc.split, cost::SplitDim::K);
  if (gc.split == cost::SplitDim::C) {
    EXPECT_GT(gc.reduction_cycles, 0);
  }
}

TEST(H3mSpace, EnumerationDecodingAndRepair) {
  search::H3mSpace s;
  s.dataflows = {"kcp_ws"};
  s.granularities = {arch::dpu_table()[0], arch::dpu_table()[7]};
  s.gang_levels = {1};
  s.max_subs = 2;
  s.share_units = 2;
  // Units 2: {B512}, {B4096}; units 1+1: {B512,B512}, {B512,B4096}, {B4096,B4096}.
  EXPECT_EQ(search::enumerate_h3m(s).size(), 5u);
  EXPECT_EQ(search::count_h3m(s, 100), 5);
  EXPECT_EQ(search::count_h3m(s, 2), 3);  // stops one past the limit
  EXPECT_EQ(search::h3m_dimension(s), 8);
  const auto c = search::decode_h3m(s, {0.9, 0.2, 0.1, 0.5, 0.9, 0.7, 0.95, 0.5});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].units, 1);
  EXPECT_EQ(c[0].granularity, 0);
  EXPECT_EQ(c[1].granularity, 1);
  const auto only = search::decode_h3m(s, {0.0, 0.2, 0.1, 0.5, 0.9, 0.7, 0.95, 0.5});
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0].units, 2);
  // Half the U200 each: 11 B512 + 3 B4096 (BRAM bound), then the leftover BRAM takes one more
  // B512 (1513 + 69.5 <= 1602).
  s.share_units = 8;
  const auto d = search::build_design(s, arch::platform_by_name("u200"),
                                      {search::H3mSlot{4, 0, 0, 0}, search::H3mSlot{4, 0, 1, 0}});
  ASSERT_TRUE(d.feasible);
  EXPECT_EQ(d.subs[0].cores, 12);
  EXPECT_EQ(d.subs[1].cores, 3);
  EXPECT_EQ(d.subs[0].gang_sizes.size(), 12u);
}

search::H3mConfig small_h3m_config() {
  search::H3mConfig c;
  c.workload.name = "two";
  workload::ModelEntry a;
  a.name = "alexnet";
  a.model = workload::zoo_model("alexnet");
  workload::ModelEntry m;
  m.name = "mobilenet_v1";
  m.model = workload::zoo_model("mobilenet_v1");
  c.workload.models = {a, m};
  c.platform = arch::platform_by_name("u200");
  c.space.dataflows = {"yxp_os", "kcp_ws"};
  c.space.granularities = arch::parse_granularities("B512,B1024,B4096");
  c.space.max_subs = 2;
  c.space.share_units = 4;
  c.space.gang_levels = {1, 4, 0};
  c.evaluations = 600;
  c.seed = 3;
  return c;
}

TEST(H3mSearch, CmaEsMatchesExhaustiveAndIsDeterministic) {
  auto c = small_h3m_config();
  c.search = search::H3mSearch::Exhaustive;
  c.baselines = false;
  const auto ex = search::run_h3m(c);
  ASSERT_TRUE(ex.best.best.feasible);
  c.search = search::H3mSearch::CmaEs;
  c.threads = 1;
  const auto a = search::run_h3m(c);
  c.threads = 2;
  const auto b = search::run_h3m(c);
  EXPECT_EQ(a.best.best.edp, b.best.best.edp);
  EXPECT_EQ(a.best.best.design.choice, b.best.best.design.choice);
  EXPECT_EQ(a.best.evaluations, b.best.evaluations);
  EXPECT_LE(a.best.best.edp, ex.best.best.edp * 1.02);
  EXPECT_GE(a.best.best.edp, ex.best.best.edp);  // exhaustive is the optimum of the space
}

TEST(H3mSearch, BestIsAtMostEveryBaseline) {
  auto c = small_h3m_config();
  c.space.gang_levels = {1, 4, 0, search::H3mSpace::kFission};
  c.search = search::H3mSearch::Exhaustive;
  const auto r = search::run_h3m(c);
  ASSERT_EQ(r.baselines.size(), 3u);
  EXPECT_EQ(r.baselines[0].name, "homogeneous");
  EXPECT_EQ(r.baselines[1].name, "homogeneous_static");
  EXPECT_EQ(r.baselines[2].name, "fixed_granularity_hda");
  for (const auto& b : r.baselines) ASSERT_TRUE(b.best.feasible) << b.name;
  // Every baseline's space is a subset of the H3M space (fission is a gang level of it), and
  // the exhaustive search evaluates all of it.
  for (const auto& b : r.baselines) EXPECT_LE(r.best.best.edp, b.best.edp) << b.name;
  EXPECT_TRUE(r.best.best_from.empty());                  // found by the search itself
  ASSERT_EQ(r.baselines[0].best.design.subs.size(), 1u);  // homogeneous
  EXPECT_TRUE(r.baselines[0].best.design.subs[0].fission);
  EXPECT_GE(r.baselines[0].best.reallocations, 2);  // two tasks: time 0 and one completion
  EXPECT_EQ(r.baselines[1].best.design.subs.size(), 1u);
  EXPECT_FALSE(r.baselines[1].best.design.subs[0].fission);
  for (const auto& sub : r.baselines[2].best.design.subs)
    EXPECT_EQ(sub.gang_sizes.size(), 1u);  // one core per sub-accelerator
  ASSERT_EQ(r.schedule.placed.size(), r.problem.nodes.size());
  EXPECT_GT(r.schedule.latency_cycles, 0);
}

// One task alone: fission stops at the allocation with the fewest remaining cycles among the
// larger ones, so it is never slower than one static gang of all the cores (the same tables).
TEST(H3mFission, OneTaskIsAsFastAsOneGangOfAllCoresOrFaster) {
  auto c = small_h3m_config();
  c.workload.models.resize(1);                               // alexnet
  const search::H3mChoice one{search::H3mSlot{4, 1, 1, 2}};  // all of U200 as B1024 kcp_ws
  search::H3mEvaluator ev(c);
  const search::H3mChoice whole{search::H3mSlot{4, 1, 1, 0}};  // its only gang level
  const auto fission = ev.evaluate(search::homogeneous_space(c.space), {whole}).at(0);
  const auto gang = ev.evaluate(c.space, {one}).at(0);  // gang level 2: all cores in one gang
  ASSERT_TRUE(fission.feasible);
  ASSERT_TRUE(gang.feasible);
  EXPECT_EQ(gang.design.subs.at(0).gang_sizes.size(), 1u);
  EXPECT_EQ(fission.design.subs.at(0).cores, gang.design.subs.at(0).cores);
  EXPECT_LE(fission.latency_cycles, gang.latency_cycles * (1 + 1e-12));
  EXPECT_EQ(fission.reallocations, 1);  // time 0 only
}

// The baselines' designs are members of the H3M space: lifted into it, each evaluates to the
// same schedule (the restriction is exact, so the best H3M design can never be worse).
TEST(H3mFission, BaselineDesignsEvaluateIdenticallyInTheFullSpace) {
  auto c = small_h3m_config();
  c.space.gang_levels = {1, 4, 0, search::H3mSpace::kFission};
  search::H3mEvaluator ev(c);
  for (const auto& restricted :
       {search::homogeneous_space(c.space), search::homogeneous_static_space(c.space),
        search::fixed_granularity_space(c.space)}) {
    const auto designs = search::enumerate_h3m(restricted);
    ASSERT_FALSE(designs.empty());
    for (std::size_t k = 0; k < designs.size(); k += 7) {
      search::H3mChoice lifted;
      ASSERT_TRUE(search::lift_choice(restricted, c.space, designs[k], lifted));
      const auto a = ev.evaluate(restricted, {designs[k]}).at(0);
      const auto b = ev.evaluate(c.space, {lifted}).at(0);
      ASSERT_EQ(a.feasible, b.feasible);
      EXPECT_EQ(a.edp, b.edp);
      EXPECT_EQ(a.reallocations, b.reallocations);
    }
  }
  // A space without the fission level does not contain the homogeneous baseline's designs.
  auto no_fission = c.space;
  no_fission.gang_levels = {1, 4, 0};
  search::H3mChoice out;
  EXPECT_FALSE(search::lift_choice(search::homogeneous_space(c.space), no_fission,
                                   search::enumerate_h3m(search::homogeneous_space(c.space))[0],
                                   out));
}

// Two fission sub-accelerators (or one beside static gangs): every task runs on one part, the
// latency is the latest part's, and the CMA-ES over a space with the fission level gives the
// same design whatever --threads.
TEST(H3mFission, TasksSplitOverFissionPartsAndSearchIsDeterministic) {
  auto c = small_h3m_config();
  c.space.gang_levels = {1, 4, 0, search::H3mSpace::kFission};
  search::H3mEvaluator ev(c);
  const int f = 3;  // the fission gang level
  const search::H3mChoice two{search::H3mSlot{2, 1, 2, f}, search::H3mSlot{2, 0, 1, f}};
  const search::H3mChoice mixed{search::H3mSlot{2, 1, 2, f}, search::H3mSlot{2, 0, 1, 0}};
  for (const auto& choice : {two, mixed}) {
    const auto e = ev.evaluate(c.space, {search::canonical(c.space, choice)}).at(0);
    ASSERT_TRUE(e.feasible) << e.design.why;
    ASSERT_EQ(e.task_sub.size(), 2u);  // alexnet, mobilenet_v1
    for (int t : e.task_sub) {
      EXPECT_GE(t, -1);
      EXPECT_LT(t, static_cast<int>(e.design.subs.size()));
      if (t >= 0) {
        EXPECT_TRUE(e.design.subs[static_cast<std::size_t>(t)].fission);
      }
    }
    EXPECT_GE(e.reallocations, 1);
    schedule::Problem p;
    schedule::Schedule sch;
    std::vector<std::string> rows;
    const auto again =
        ev.evaluate_one(c.space, search::canonical(c.space, choice), &p, &sch, &rows);
    EXPECT_EQ(again.edp, e.edp);
    ASSERT_EQ(sch.placed.size(), p.nodes.size());
    double last = 0;
    for (const auto& x : sch.placed) {
      ASSERT_GE(x.core, 0);
      ASSERT_LT(x.core, static_cast<int>(rows.size()));
      last = std::max(last, x.end);
    }
    EXPECT_DOUBLE_EQ(last, e.latency_cycles);
  }
  c.search = search::H3mSearch::CmaEs;
  c.baselines = false;
  c.evaluations = 300;
  c.threads = 1;
  const auto a = search::run_h3m(c);
  c.threads = 2;
  const auto b = search::run_h3m(c);
  ASSERT_TRUE(a.best.best.feasible);
  EXPECT_EQ(a.best.best.design.choice, b.best.best.design.choice);
  EXPECT_EQ(a.best.best.edp, b.best.best.edp);
  EXPECT_EQ(a.best.evaluations, b.best.evaluations);
  EXPECT_EQ(a.best.best.task_sub, b.best.best.task_sub);
  // The choice is exercised: the best design of this small space uses fission.
  EXPECT_TRUE(std::any_of(a.best.best.design.subs.begin(), a.best.best.design.subs.end(),
                          [](const search::H3mSub& x) { return x.fission; }));
}

TEST(H3mSla, FeasibilityRulesOrderEvaluations) {
  search::H3mEvaluation a, b;
  a.feasible = b.feasible = true;
  a.edp = 2;
  b.edp = 1;
  EXPECT_TRUE(search::h3m_better(b, a));  // both meet: EDP
  b.sla_violation = 0.01;
  EXPECT_TRUE(search::h3m_better(a, b));  // only a meets
  a.sla_violation = 0.5;
  EXPECT_TRUE(search::h3m_better(b, a));  // both miss: the smaller violation
  EXPECT_GT(search::h3m_fitness(a), search::h3m_fitness(b));
  b.feasible = false;
  EXPECT_TRUE(search::h3m_better(a, b));  // schedulable first
  EXPECT_GT(search::h3m_fitness(b), search::h3m_fitness(a));
  search::H3mEvaluation met;
  met.feasible = true;
  met.edp = 1e6;  // log EDP far above any real design's, still below any miss
  EXPECT_LT(search::h3m_fitness(met), search::h3m_fitness(a));
}

// An SLA on a model between the earliest finish any design gives it and its finish in the
// unconstrained optimum: the search returns a design that meets it, at an EDP no lower than the
// unconstrained optimum's and no higher than that of the design with the earliest finish.
TEST(H3mSla, SearchMeetsATighterSla) {
  auto c = small_h3m_config();
  c.search = search::H3mSearch::Exhaustive;
  c.baselines = false;
  const auto free = search::run_h3m(c);
  ASSERT_TRUE(free.best.best.feasible);
  c.sla_seconds = {1e9, 1e9};  // met by all: only to record every design's finish times
  search::H3mEvaluator ev(c);
  const auto all = ev.evaluate(c.space, search::enumerate_h3m(c.space));
  std::size_t model = 2;
  double earliest = 0, earliest_edp = 0;
  for (std::size_t g = 0; g < 2 && model == 2; ++g)
    for (const auto& e : all)
      if (e.feasible && e.group_finish_s.at(g) < 0.95 * free.model_finish_s.at(g) &&
          (model == 2 || e.group_finish_s[g] < earliest)) {
        model = g;
        earliest = e.group_finish_s[g];
        earliest_edp = e.edp;
      }
  ASSERT_LT(model, 2u) << "every design finishes both models no earlier than the optimum";
  const double limit = 0.5 * (earliest + free.model_finish_s[model]);
  c.sla_seconds = {0, 0};
  c.sla_seconds[model] = limit;
  const auto tight = search::run_h3m(c);
  ASSERT_TRUE(tight.best.best.feasible);
  EXPECT_EQ(tight.best.best.sla_violation, 0);
  EXPECT_LE(tight.model_finish_s.at(model), limit);
  EXPECT_GE(tight.best.best.edp, free.best.best.edp);
  EXPECT_LE(tight.best.best.edp, earliest_edp);
  // An SLA no design meets: a result that says so (the smallest violation), no exception.
  c.sla_seconds = {1e-9, 1e-9};
  const auto none = search::run_h3m(c);
  ASSERT_TRUE(none.best.best.feasible);
  EXPECT_GT(none.best.best.sla_violation, 0);
}

TEST(H3mSearch, NoCoreFitsIsOneClearMessage) {
  auto c = small_h3m_config();
  c.platform.bram36k = 10;
  try {
    search::run_h3m(c);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("fits no core"), std::string::npos) << e.what();
  }
}

TEST(H3mSearch, ExhaustiveRefusesAHugeSpaceWithoutBuildingIt) {
  auto c = small_h3m_config();
  c.space = search::H3mSpace{};  // 3 sub-accelerators, 8 granularities: about 6 million designs
  c.search = search::H3mSearch::Exhaustive;
  try {
    search::run_h3m(c);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("too many to enumerate"), std::string::npos) << e.what();
  }
}

TEST(H3mWorkloads, ServingSets) {
  const auto bert = search::bert_base(128);
  EXPECT_EQ(bert.nodes.size(), 72u);
  // Per layer: 128x768x2304 + 2 x 12x128x64x128 + 128x768x768 + 2 x 128x768x3072.
  const std::int64_t per =
      128LL * 768 * 2304 + 2LL * 12 * 128 * 64 * 128 + 128LL * 768 * 768 + 2LL * 128 * 768 * 3072;
  EXPECT_EQ(workload::total_macs(bert), 12 * per);
  EXPECT_EQ(search::h3m_workload("vision").models.size(), 5u);
  EXPECT_EQ(search::h3m_workload("nlp").models.size(), 3u);
  EXPECT_EQ(search::h3m_workload("mixed").models.size(), 5u);
  EXPECT_THROW(search::h3m_workload("speech"), UserError);
}

TEST(H3mCli, WritesTheFourFilesAndRejectsBadInput) {
  test::TempDir dir;
  const auto r = test::run_mosaic(
      "h3m --workload alexnet --platform u200 --search random --evaluations 150 --granularities "
      "B512,B4096 --max-sub-accelerators 2 --quiet --out " +
      dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(test::read_file(dir.path() / "summary.json"));
  EXPECT_GT(j["best"]["edp"].get<double>(), 0);
  EXPECT_FALSE(j["best"]["sub_accelerators"].empty());
  EXPECT_TRUE(j["baselines"].contains("homogeneous"));
  EXPECT_TRUE(j["baselines"].contains("fixed_granularity_hda"));
  EXPECT_TRUE(j["ratios"].contains("edp_homogeneous_over_best"));
  EXPECT_TRUE(j["ratios"].contains("edp_homogeneous_static_over_best"));
  EXPECT_TRUE(j["baselines"]["homogeneous"]["sub_accelerators"][0]["dynamic_fission"].get<bool>());
  EXPECT_GE(j["baselines"]["homogeneous"]["fission_reallocations"].get<int>(), 1);
  EXPECT_EQ(j["search"]["evaluations"].get<std::int64_t>() > 0, true);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "convergence.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "schedule.json"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "report.html"));
  const auto bad = test::run_mosaic("h3m --workload alexnet --granularities B999 --quiet --out " +
                                    dir.path().string());
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--granularities"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("B999"), std::string::npos) << bad.err;
  const auto sla = test::run_mosaic(
      "h3m --workload alexnet --search random --evaluations 50 --granularities B4096 "
      "--max-sub-accelerators 1 --no-baselines --sla alexnet=0.000001 --out " +
      dir.path().string());
  EXPECT_EQ(sla.exit_code, 0) << sla.err;
  EXPECT_NE(sla.out.find("NOT met"), std::string::npos) << sla.out;
  EXPECT_NE(sla.out.find("no design found meets every SLA"), std::string::npos) << sla.out;
  const auto sj = nlohmann::json::parse(test::read_file(dir.path() / "summary.json"));
  EXPECT_FALSE(sj["sla_all_met"].get<bool>());
  EXPECT_EQ(sj["sla"][0]["task"].get<std::string>(), "alexnet");
  EXPECT_FALSE(sj["sla"][0]["met"].get<bool>());
  EXPECT_GT(sj["best"]["sla_violation"].get<double>(), 0);
}

// The input-stationary dataflow keeps each input in its PE while the output channels stream:
// per L1 write an input is read 16 times (the K tile), a weight once.
TEST(H3mDataflow, InputStationaryKeepsInputsInThePe) {
  test::TempDir dir;
  auto l1 = [&](const std::string& df) {
    const auto out = dir.path() / (df + ".json");
    const auto r = test::run_mosaic("eval --mapping '" +
                                    (test::source_dir() / "examples/networks/vgg16.m").string() +
                                    "' --dataflow " + df + " --hw '" +
                                    (test::source_dir() / "examples/hw/edge_nvdla.yaml").string() +
                                    "' --json '" + out.string() + "'");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(test::read_file(out));
    return j["layers"][2]["levels"][0];  // CONV3, L1
  };
  const auto is = l1("cx_is");
  const auto ws = l1("kcp_ws");
  const double is_in = is["reads"]["input"].get<double>() / is["writes"]["input"].get<double>();
  const double is_w = is["reads"]["weight"].get<double>() / is["writes"]["weight"].get<double>();
  EXPECT_DOUBLE_EQ(is_in, 16);
  EXPECT_DOUBLE_EQ(is_w, 1);
  // kcp_ws refetches the input for each weight (no input reuse in the PE).
  EXPECT_DOUBLE_EQ(ws["reads"]["input"].get<double>() / ws["writes"]["input"].get<double>(), 1);
}

// The search can pick the input-stationary dataflow: alone in the space it is chosen, and it is
// among H3M's default dataflows.
TEST(H3mDataflow, SearchCanPickInputStationary) {
  EXPECT_NE(
      std::find(search::H3mSpace{}.dataflows.begin(), search::H3mSpace{}.dataflows.end(), "cx_is"),
      search::H3mSpace{}.dataflows.end());
  auto c = small_h3m_config();
  c.space.dataflows = {"cx_is"};
  c.search = search::H3mSearch::Exhaustive;
  c.baselines = false;
  const auto r = search::run_h3m(c);
  ASSERT_TRUE(r.best.best.feasible) << r.best.best.design.why;
  for (const auto& sub : r.best.best.design.subs)
    EXPECT_EQ(r.best.space.dataflows[static_cast<std::size_t>(sub.dataflow)], "cx_is");
  EXPECT_GT(r.best.best.edp, 0);
}

// Must-show: on the enumerable space (2 sub-accelerators, B512/B1024/B4096, U200), CMA-ES with
// the default budget finds an EDP within 2 % of the exhaustive optimum on each serving set.
TEST(H3mMustShowSlow, CmaEsWithinTwoPercentOfExhaustive) {
  for (const char* w : {"vision", "nlp", "mixed"}) {
    search::H3mConfig c;
    c.workload = search::h3m_workload(w);
    c.platform = arch::platform_by_name("u200");
    c.space.granularities = arch::parse_granularities("B512,B1024,B4096");
    c.space.max_subs = 2;
    c.baselines = false;
    c.search = search::H3mSearch::Exhaustive;
    const auto ex = search::run_h3m(c);
    c.search = search::H3mSearch::CmaEs;
    const auto cm = search::run_h3m(c);
    ASSERT_TRUE(ex.best.best.feasible) << w;
    // 4 dataflows x 3 granularities x 6 gang levels (fission included), up to 2 slots.
    EXPECT_EQ(ex.best.space_size, 18252) << w;
    EXPECT_LE(cm.best.best.edp, 1.02 * ex.best.best.edp) << w;
    EXPECT_GE(cm.best.best.edp, ex.best.best.edp) << w;
  }
}

// Must-show 2: on U200 and U280, for vision, nlp and mixed, the default search's best design is
// at least as good as both baselines (homogeneous with dynamic fission, fixed-granularity HDA)
// and the static homogeneous one. Their spaces are restrictions of the H3M space; at seed 1 the
// CMA-ES finds a design at least as good itself (no baseline design had to be adopted).
TEST(H3mMustShowSlow, BestAtMostBothBaselinesOnU200AndU280) {
  for (const char* p : {"u200", "u280"})
    for (const char* w : {"vision", "nlp", "mixed"}) {
      search::H3mConfig c;
      c.workload = search::h3m_workload(w);
      c.platform = arch::platform_by_name(p);
      const auto r = search::run_h3m(c);
      ASSERT_TRUE(r.best.best.feasible) << w << " " << p;
      ASSERT_EQ(r.baselines.size(), 3u);
      for (const auto& b : r.baselines) {
        ASSERT_TRUE(b.best.feasible) << b.name;
        EXPECT_GE(b.best.edp / r.best.best.edp, 1.0) << w << " " << p << " " << b.name;
      }
      EXPECT_EQ(r.best.best_from, "") << w << " " << p;
    }
}

}  // namespace
}  // namespace mosaic

// One CoreLayerCost from either analysis for the same (layer, core), and Herald's scheduler fed
// by each (mosaic schedule --cost directive|loopnest).
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "arch/ZigZagHardware.h"
#include "mapper/CostAnalysis.h"
#include "schedule/HeraldProblem.h"
#include "workload/WorkloadFile.h"
#include "workload/ZigZagWorkload.h"

namespace mosaic::mapper {
namespace {

std::string fixture(const char* name) {
  return (test::source_dir() / "tests/data" / name).string();
}

workload::Layer unpadded_conv(std::int64_t k, std::int64_t c, std::int64_t hw, std::int64_t r) {
  workload::Layer l;
  l.name = "c";
  l.K = k;
  l.C = c;
  l.Y = l.X = hw;
  l.R = l.S = r;
  return l;
}

CostAnalysisOptions options(CostAnalysis a) {
  CostAnalysisOptions o;
  o.analysis = a;
  o.mappings = dataflow::read_zigzag_mapping(fixture("zigzag_small_mapping.yaml"));
  return o;
}

arch::Accelerator small_accelerator() {
  return schedulable_accelerator(arch::read_zigzag_hardware(fixture("zigzag_small_hw.yaml")),
                                 "kcp_ws");
}

TEST(CostAnalysis, BothAnalysesCostTheSameLayerOnTheSameCore) {
  const arch::Accelerator acc = small_accelerator();
  const arch::Core& core = acc.cores[0];
  ASSERT_TRUE(core.loop_nest.has_value());
  EXPECT_EQ(core.num_pes, 16);  // the 4x4 array in the directive view
  const workload::Layer layer = unpadded_conv(16, 8, 10, 3);
  const auto od = options(CostAnalysis::Directive);
  const auto ol = options(CostAnalysis::LoopNest);
  const cost::CoreLayerCost d = analysed_cost(layer, core, "kcp_ws", od);
  const cost::CoreLayerCost l = analysed_cost(layer, core, "kcp_ws", ol);
  ASSERT_TRUE(d.feasible) << d.why;
  ASSERT_TRUE(l.feasible) << l.why;
  // The same layer: 16 x 8 x 8 x 8 x 3 x 3 MACs (valid convolution of a 10x10 input).
  EXPECT_EQ(d.macs, 73728);
  EXPECT_EQ(l.macs, 73728);
  // Each is its analysis' own number.
  const cost::CoreLayerCost direct = cost::cost_on_core(layer, "kcp_ws", core, od.technology);
  EXPECT_DOUBLE_EQ(d.cycles, direct.cycles);
  EXPECT_DOUBLE_EQ(d.onchip_energy_pj, direct.onchip_energy_pj);
  const auto e = workload::to_einsum(layer, 0);
  ASSERT_TRUE(e.ok);
  const LayerMapResult m = map_layer(e.layer, core, ol.mappings, ol.map);
  EXPECT_DOUBLE_EQ(l.cycles, m.cost.latency_cycles);
  EXPECT_GT(l.onchip_energy_pj, 0);
  EXPECT_LT(l.onchip_energy_pj, m.cost.energy_pj);  // without the DRAM level
  // 16 PEs, 73728 MACs: neither analysis beats one MAC per PE per cycle.
  EXPECT_GE(d.cycles, 73728.0 / 16);
  EXPECT_GE(l.cycles, 73728.0 / 16);
}

TEST(CostAnalysis, HeraldsSchedulerTakesEitherAnalysis) {
  const arch::Accelerator acc = small_accelerator();
  EXPECT_GT(acc.global_buffer_bytes, 0);
  const workload::WorkloadGraph g = workload::flatten(
      workload::load_workload((test::source_dir() / "examples/networks/tiny_mapping.m").string()));
  ASSERT_GE(g.nodes.size(), 2U);
  std::vector<double> latency;
  for (CostAnalysis a : {CostAnalysis::Directive, CostAnalysis::LoopNest}) {
    const auto opt = options(a);
    const schedule::CostLookup lookup = [&](std::size_t node, const arch::Core& core,
                                            const std::string& df) {
      return analysed_cost(g.nodes[node].layer, core, df, opt);
    };
    const schedule::Problem p =
        schedule::build_problem(g, acc, lookup, opt.technology.dram_pj, Objective::Latency);
    double sum = 0;
    for (std::size_t i = 0; i < g.nodes.size(); ++i) {
      const cost::CoreLayerCost c = analysed_cost(g.nodes[i].layer, acc.cores[0], "kcp_ws", opt);
      EXPECT_DOUBLE_EQ(p.cycles[p.at(i, 0)], c.cycles) << cost_analysis_name(a);
      sum += c.cycles;
    }
    schedule::Options so;
    so.metric = Objective::Latency;
    const schedule::Schedule s = schedule::schedule_layers(p, so);
    EXPECT_TRUE(schedule::validate_schedule(p, s).empty()) << cost_analysis_name(a);
    // One core: the layers run one after the other.
    EXPECT_GE(s.latency_cycles, sum) << cost_analysis_name(a);
    EXPECT_GT(s.energy_pj, 0) << cost_analysis_name(a);
    latency.push_back(s.latency_cycles);
  }
  EXPECT_NE(latency[0], latency[1]);  // two analyses, two models
}

TEST(CostAnalysis, LayersWithoutAnEinsumFormCostNothingInTheLoopNestAnalysis) {
  const arch::Accelerator acc = small_accelerator();
  workload::Layer pool = unpadded_conv(8, 8, 8, 2);
  pool.op = workload::OpKind::MaxPool;
  const cost::CoreLayerCost c =
      analysed_cost(pool, acc.cores[0], "kcp_ws", options(CostAnalysis::LoopNest));
  EXPECT_TRUE(c.feasible);
  EXPECT_EQ(c.cycles, 0);
  EXPECT_EQ(c.onchip_energy_pj, 0);
  EXPECT_FALSE(c.why.empty());
}

TEST(CostAnalysis, TheLoopNestAnalysisNeedsAHierarchy) {
  arch::Core core;  // a directive core only
  EXPECT_THROW(
      analysed_cost(unpadded_conv(8, 8, 8, 3), core, "kcp_ws", options(CostAnalysis::LoopNest)),
      UserError);
  EXPECT_EQ(parse_cost_analysis("loopnest"), CostAnalysis::LoopNest);
  EXPECT_EQ(parse_cost_analysis("directive"), CostAnalysis::Directive);
  EXPECT_THROW(parse_cost_analysis("maestro"), UserError);
}

}  // namespace
}  // namespace mosaic::mapper

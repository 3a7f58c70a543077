// The directive analysis memo: a hit is exactly the fresh analysis, and only equal inputs hit.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "common/Error.h"
#include "cost/CoreHardware.h"
#include "cost/DirectiveMemo.h"
#include "cost/MaestroNetwork.h"
#include "dataflow/Dataflow.h"
#include "workload/MaestroFormat.h"

namespace mosaic::cost {
namespace {

using dataflow::BoundDirective;
using dataflow::Dim;
using dataflow::DirectiveKind;
using dataflow::Problem;

Problem conv_k(std::int64_t k) {
  Problem p;
  p.name = "a";
  p.stride.fill(1);
  for (Dim d : {Dim::K, Dim::C, Dim::R, Dim::S, Dim::Y, Dim::X}) {
    p.size[static_cast<std::size_t>(dataflow::di(d))] = d == Dim::K ? k : 1;
    p.declared.push_back(d);
  }
  p.size[static_cast<std::size_t>(dataflow::di(Dim::Yp))] = 1;
  p.size[static_cast<std::size_t>(dataflow::di(Dim::Xp))] = 1;
  return p;
}

std::vector<BoundDirective> spatial_k(DirectiveKind kind = DirectiveKind::SpatialMap) {
  BoundDirective b;
  b.kind = kind;
  b.size = 1;
  b.offset = 1;
  b.dim = Dim::K;
  b.line = 7;
  return {b};
}

DirectiveHardware two_pes() {
  DirectiveHardware hw;
  hw.num_pes = 2;
  hw.noc_bw = 1;
  hw.noc_latency = 1;
  hw.offchip_bw = 1000000;
  return hw;
}

void expect_same(const LevelFigures& a, const LevelFigures& b) {
  EXPECT_EQ(a.runtime, b.runtime);
  EXPECT_EQ(a.num_computations, b.num_computations);
  EXPECT_EQ(a.l2_read, b.l2_read);
  EXPECT_EQ(a.l2_write, b.l2_write);
  EXPECT_EQ(a.l1_read, b.l1_read);
  EXPECT_EQ(a.l1_write, b.l1_write);
  EXPECT_EQ(a.l2_size_req, b.l2_size_req);
  EXPECT_EQ(a.l1_size_req, b.l1_size_req);
  EXPECT_EQ(a.delay, b.delay);
  EXPECT_EQ(a.peak_bw_req, b.peak_bw_req);
  EXPECT_EQ(a.avg_bw_req, b.avg_bw_req);  // bit-equal, not near
  EXPECT_EQ(a.offchip_bw_req, b.offchip_bw_req);
  EXPECT_EQ(a.num_sub_clusters, b.num_sub_clusters);
  EXPECT_EQ(a.avg_active_clusters, b.avg_active_clusters);
  EXPECT_EQ(a.arithmetic_intensity, b.arithmetic_intensity);
  EXPECT_EQ(a.cases_evaluated, b.cases_evaluated);
  EXPECT_EQ(a.compute_cycles, b.compute_cycles);
  EXPECT_EQ(a.l1_fill, b.l1_fill);
}

void expect_same(const DirectiveResult& a, const DirectiveResult& b) {
  expect_same(a.top, b.top);
  expect_same(a.first, b.first);
  EXPECT_EQ(a.first_is_top, b.first_is_top);
  EXPECT_EQ(a.num_levels, b.num_levels);
  EXPECT_EQ(a.macs, b.macs);
  EXPECT_EQ(a.problem_macs, b.problem_macs);
  EXPECT_EQ(a.active_pes, b.active_pes);
  EXPECT_EQ(a.zero_compute_sub_case, b.zero_compute_sub_case);
  EXPECT_EQ(a.levels.size(), b.levels.size());
  EXPECT_EQ(a.top_cases.size(), b.top_cases.size());
}

// Four output channels over two PEs (DirectiveAnalysis.HandComputedSpatialOverK: runtime 6,
// 4 MACs). The second call, for a problem of another name whose directive sits on another line,
// is answered from the memo with the same figures.
TEST(DirectiveMemo, HitEqualsFreshAnalysis) {
  DirectiveMemo memo;
  const DirectiveHardware hw = two_pes();
  for (bool compat : {true, false}) {
    const DirectiveOptions opt{compat};
    const DirectiveResult fresh = analyze_directives(conv_k(4), spatial_k(), hw, opt);
    const DirectiveResult first = memo.analyze(conv_k(4), spatial_k(), hw, opt);
    Problem renamed = conv_k(4);
    renamed.name = "b";
    auto moved = spatial_k();
    moved[0].line = 99;
    const DirectiveResult second = memo.analyze(renamed, moved, hw, opt);
    EXPECT_EQ(fresh.top.runtime, 6);
    EXPECT_EQ(fresh.macs, 4);
    expect_same(first, fresh);
    expect_same(second, fresh);
  }
  EXPECT_EQ(memo.analyses(), 2u);  // one per mode: the mode is an input
  EXPECT_EQ(memo.hits(), 2u);
}

// Any other input is a new analysis: the shape, the directives, the hardware.
TEST(DirectiveMemo, OtherInputsAreAnalysed) {
  DirectiveMemo memo;
  const DirectiveHardware hw = two_pes();
  const DirectiveOptions opt{true};
  memo.analyze(conv_k(4), spatial_k(), hw, opt);
  const DirectiveResult k8 = memo.analyze(conv_k(8), spatial_k(), hw, opt);
  EXPECT_EQ(k8.macs, 8);
  DirectiveHardware wide = hw;
  wide.noc_bw = 2;
  const DirectiveResult w = memo.analyze(conv_k(4), spatial_k(), wide, opt);
  expect_same(w, analyze_directives(conv_k(4), spatial_k(), wide, opt));
  auto bigger = spatial_k();
  bigger[0].size = 2;
  bigger[0].offset = 2;
  memo.analyze(conv_k(4), bigger, hw, opt);
  EXPECT_EQ(memo.analyses(), 4u);
  EXPECT_EQ(memo.hits(), 0u);
}

// The kept levels (`explain`) are part of the stored result; lines are not in them.
TEST(DirectiveMemo, KeptLevelsAreStored) {
  DirectiveMemo memo;
  DirectiveOptions opt{true};
  opt.keep_levels = true;
  const DirectiveResult fresh = analyze_directives(conv_k(4), spatial_k(), two_pes(), opt);
  memo.analyze(conv_k(4), spatial_k(), two_pes(), opt);
  auto moved = spatial_k();
  moved[0].line = 99;
  const DirectiveResult b = memo.analyze(conv_k(4), moved, two_pes(), opt);
  EXPECT_EQ(memo.hits(), 1u);
  ASSERT_EQ(b.levels.size(), 1u);
  ASSERT_EQ(b.levels[0].size(), fresh.levels[0].size());
  for (std::size_t i = 0; i < b.levels[0].size(); ++i) {
    EXPECT_EQ(b.levels[0][i].kind, fresh.levels[0][i].kind);
    EXPECT_EQ(b.levels[0][i].dim, fresh.levels[0][i].dim);
    EXPECT_EQ(b.levels[0][i].size, fresh.levels[0][i].size);
    EXPECT_EQ(b.levels[0][i].offset, fresh.levels[0][i].offset);
  }
  EXPECT_EQ(b.level_sub_clusters, fresh.level_sub_clusters);
  // Without the levels, the same inputs are another analysis (the options are an input).
  memo.analyze(conv_k(4), spatial_k(), two_pes(), DirectiveOptions{true});
  EXPECT_EQ(memo.analyses(), 2u);
}

// A failed analysis is not stored: the same inputs fail again.
TEST(DirectiveMemo, ErrorsAreNotStored) {
  DirectiveMemo memo;
  const auto temporal_only = spatial_k(DirectiveKind::TemporalMap);
  for (int i = 0; i < 2; ++i)
    EXPECT_THROW(memo.analyze(conv_k(4), temporal_only, two_pes(), DirectiveOptions{true}),
                 UserError);
  EXPECT_EQ(memo.analyses(), 0u);
}

// In a network, a layer repeating an earlier layer's shape and dataflow (another name) gets the
// fresh analysis' figures.
TEST(DirectiveMemo, RepeatedLayerInNetwork) {
  const char* kLayer =
      "Layer {} {{ Type: CONV Dimensions {{ K: {}, C: 2, R: 1, S: 1, Y: 3, X: 3 }}\n"
      "Dataflow {{ SpatialMap(1,1) K; TemporalMap(1,1) C; TemporalMap(1,1) Y; "
      "TemporalMap(1,1) X; }} }}\n";
  const std::string text = "Network n {\n" + fmt::format(fmt::runtime(kLayer), "A", 4) +
                           fmt::format(fmt::runtime(kLayer), "B", 6) +
                           fmt::format(fmt::runtime(kLayer), "C", 4) + "}\n";
  const auto net = workload::maestro_format::parse_network_text(text, "net.m");
  arch::Core core;
  core.num_pes = 2;
  for (bool compat : {true, false}) {
    MaestroEvalOptions opt;
    opt.maestro_compat = compat;
    const auto rep = evaluate_maestro_network(net, core, opt);
    ASSERT_EQ(rep.layers.size(), 3u);
    const auto prepared = prepare_layer(net.layers[2], net.file, opt);
    DirectiveOptions dopt;
    dopt.maestro_compat = compat;
    const DirectiveResult fresh =
        analyze_directives(prepared.problem, prepared.bound, directive_hardware(core), dopt);
    expect_same(rep.layers[2].analysis, fresh);
    expect_same(rep.layers[2].analysis, rep.layers[0].analysis);
    EXPECT_EQ(rep.layers[2].runtime_cycles, rep.layers[0].runtime_cycles);
    EXPECT_EQ(fresh.macs, 4 * 2 * 3 * 3);
    EXPECT_NE(rep.layers[1].analysis.macs, fresh.macs);
  }
}

}  // namespace
}  // namespace mosaic::cost

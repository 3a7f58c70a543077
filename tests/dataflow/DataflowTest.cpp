#include <gtest/gtest.h>

#include "common/Error.h"
#include "dataflow/Dataflow.h"
#include "dataflow/Legality.h"
#include "dataflow/Library.h"
#include "dataflow/LoopNest.h"
#include "workload/Layer.h"
#include "workload/MaestroFormat.h"

namespace mosaic::dataflow {
namespace {

namespace mf = workload::maestro_format;

Problem parse_problem(const std::string& layer) {
  const auto net = mf::parse_network_text("Network n {\n" + layer + "\n}\n", "t.m");
  return problem_from_syntax(net.layers[0], "t.m");
}

TEST(Problem, MaestroDerivedDimensions) {
  const Problem p = parse_problem(
      "Layer L { Type: CONV Stride { X: 2, Y: 2 } Dimensions { K: 64, C: 3, R: 7, S: 7, Y: 224, X: "
      "224 } }");
  EXPECT_EQ(p.type, ProblemType::Conv);
  EXPECT_EQ(p[Dim::Yp], 218);  // MAESTRO's Y' = Y - R + 1, stride applied by the analysis
  EXPECT_EQ(p.stride[static_cast<std::size_t>(di(Dim::Y))], 2);
  EXPECT_FALSE(p.batch);
  const Problem q = parse_problem(
      "Layer L { Type: CONV Dimensions { N: 4, K: 8, C: 3, R: 3, S: 3, Y': 10, X': 10 } }");
  EXPECT_EQ(q[Dim::Y], 12);
  EXPECT_TRUE(q.batch);
  EXPECT_THROW(parse_problem("Layer L { Type: CONV Dimensions { K: 8, Y: 4, Y': 2 } }"), UserError);
  EXPECT_THROW(parse_problem("Layer L { Type: GEMM Dimensions { K: 8, C: 4 } }"), UserError);
}

TEST(Problem, FromFrameworkLayers) {
  workload::Layer l;
  l.name = "fc";
  l.op = workload::OpKind::Gemm;
  l.N = 8;
  l.C = 2048;
  l.K = 1000;
  Problem p = problem_from_layer(l);
  EXPECT_EQ(p.type, ProblemType::Conv);  // a 1x1 convolution over the rows
  EXPECT_EQ(p[Dim::Y], 8);
  EXPECT_EQ(p[Dim::C], 2048);
  EXPECT_EQ(p[Dim::K], 1000);

  workload::Layer c;
  c.name = "conv";
  c.K = 64;
  c.C = 3;
  c.Y = c.X = 224;
  c.R = c.S = 7;
  c.stride_y = c.stride_x = 2;
  c.pad_top = c.pad_bottom = c.pad_left = c.pad_right = 3;
  p = problem_from_layer(c);
  EXPECT_EQ(p[Dim::Y], 230);  // padding folded in
  EXPECT_EQ(p[Dim::R], 7);

  workload::Layer t = c;
  t.op = workload::OpKind::TransposedConv;
  t.R = t.S = 2;
  t.pad_top = t.pad_bottom = t.pad_left = t.pad_right = 0;
  t.Y = t.X = 28;
  p = problem_from_layer(t);
  EXPECT_EQ(p[Dim::Y] - p[Dim::R] + 1, workload::output_rows(t));  // 56: the upsampled output

  workload::Layer dw = c;
  dw.op = workload::OpKind::DepthwiseConv;
  dw.G = 32;
  dw.C = dw.K = 1;
  EXPECT_EQ(problem_from_layer(dw).type, ProblemType::DwConv);
  EXPECT_EQ(problem_from_layer(dw)[Dim::C], 32);

  workload::Layer other;
  other.op = workload::OpKind::Other;
  EXPECT_THROW(problem_from_layer(other), UserError);
}

TEST(Bind, ResolvesSzAndReportsMissingDimensions) {
  const Problem p =
      parse_problem("Layer L { Type: CONV Dimensions { K: 8, C: 4, R: 3, S: 3, Y: 10, X: 10 } }");
  const Dataflow df = library_dataflow("kcp_ws", p.type);
  const auto b = bind(df, p);
  ASSERT_EQ(b.size(), 12u);
  EXPECT_EQ(b[2].dim, Dim::R);
  EXPECT_EQ(b[2].size, 3);  // Sz(R)
  const Problem dw =
      parse_problem("Layer L { Type: DSCONV Dimensions { C: 8, R: 3, S: 3, Y: 10, X: 10 } }");
  Dataflow bad;
  bad.file = "bad.m";
  Directive d;
  d.kind = DirectiveKind::TemporalMap;
  d.size.of_dim = Dim::K;
  d.offset.value = 1;
  d.dim = Dim::K;
  d.line = 3;
  bad.directives.push_back(d);
  try {
    bind(bad, dw);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.m:3"), std::string::npos) << e.what();
  }
}

TEST(Legality, EachRuleHasItsMessage) {
  const Problem p =
      parse_problem("Layer L { Type: CONV Dimensions { K: 4, C: 8, R: 3, S: 3, Y: 10, X: 10 } }");
  auto rules = [&](std::vector<BoundDirective> df) {
    std::vector<LegalityRule> out;
    for (const auto& i : check_legality(df, p)) out.push_back(i.rule);
    return out;
  };
  auto m = [](DirectiveKind k, std::int64_t s, std::int64_t o, Dim d) {
    BoundDirective b;
    b.kind = k;
    b.size = s;
    b.offset = o;
    b.dim = d;
    return b;
  };
  using R = LegalityRule;
  EXPECT_EQ(rules({m(DirectiveKind::TemporalMap, 5, 5, Dim::K)}), std::vector<R>{R::Bound});
  EXPECT_EQ(rules({m(DirectiveKind::TemporalMap, 2, 4, Dim::K)}), std::vector<R>{R::Coverage});
  EXPECT_EQ(rules({m(DirectiveKind::TemporalMap, 2, 1, Dim::C)}), std::vector<R>{R::Redundancy});
  EXPECT_TRUE(rules({m(DirectiveKind::TemporalMap, 3, 1, Dim::Y)}).empty());  // sliding window
  EXPECT_EQ(rules({m(DirectiveKind::TemporalMap, 5, 1, Dim::Y)}), std::vector<R>{R::Redundancy});
  EXPECT_EQ(rules({m(DirectiveKind::TemporalMap, 1, 1, Dim::R)}), std::vector<R>{R::RSRule});
  EXPECT_TRUE(rules({m(DirectiveKind::SpatialMap, 1, 1, Dim::R)}).empty());
  EXPECT_EQ(rules({m(DirectiveKind::SpatialMap, 1, 1, Dim::K),
                   m(DirectiveKind::TemporalMap, 1, 1, Dim::K)}),
            std::vector<R>{R::DuplicateDim});
  const auto clamped = clamp_to_problem({m(DirectiveKind::TemporalMap, 64, 64, Dim::C)}, p);
  EXPECT_EQ(clamped[0].size, 8);
  EXPECT_EQ(clamped[0].offset, 8);
}

TEST(Library, NamesAliasesAndVariants) {
  const auto names = library_names();
  for (const char* n : {"kcp_ws", "yxp_os", "rs", "xp_ws", "nlr", "dpt", "nmk", "tpu_ck", "ckp_ws",
                        "maeri", "cx_is"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  EXPECT_EQ(canonical_dataflow_name("NVDLA"), "kcp_ws");
  EXPECT_EQ(canonical_dataflow_name("shidiannao"), "yxp_os");
  EXPECT_EQ(canonical_dataflow_name("eyeriss"), "rs");
  EXPECT_EQ(library_dataflow("kcp_ws", ProblemType::DwConv).name, "kcp_ws");  // its .dw variant
  EXPECT_EQ(library_dataflow("nlr", ProblemType::DwConv).name, "dpt");        // fallback
  EXPECT_EQ(library_dataflow("kcp_ws", ProblemType::Gemm).name, "nmk");
  EXPECT_THROW(library_dataflow("nosuch", ProblemType::Conv), UserError);
  EXPECT_THROW(library_dataflow("nmk", ProblemType::Conv), UserError);
  // Every library dataflow binds and is legal (up to clamping) on a typical layer.
  const Problem p =
      parse_problem("Layer L { Type: CONV Dimensions { K: 64, C: 64, R: 3, S: 3, Y: 58, X: 58 } }");
  for (const auto& n : names) {
    if (n == "nmk") continue;
    const auto b = bind(library_dataflow(n, p.type), p);
    for (const auto& issue : check_legality(b, p))
      EXPECT_EQ(issue.rule, LegalityRule::Bound)
          << n << ": " << issue.directive << " " << issue.message;
  }
}

TEST(LoopNest, MarksTheUnitTemporalIteration) {
  const Problem p =
      parse_problem("Layer L { Type: CONV Dimensions { K: 4, C: 3, R: 3, S: 3, Y: 8, X: 8 } }");
  BoundDirective k, x, c;
  k.kind = DirectiveKind::SpatialMap;
  k.size = k.offset = 1;
  k.dim = Dim::K;
  x.kind = DirectiveKind::TemporalMap;
  x.size = 3;
  x.offset = 1;
  x.dim = Dim::X;
  c.kind = DirectiveKind::TemporalMap;
  c.size = c.offset = 3;
  c.dim = Dim::C;  // fully unrolled: skipped
  std::vector<LoopNestLevel> levels = {{{x, c, k}, 2}};
  EXPECT_EQ(unit_temporal_iteration(p, levels), std::make_pair(0, 0));
  const std::string text = render_loop_nest(p, levels);
  EXPECT_NE(text.find("for  (x0 = 0; x0 < 8; x0 += 1)"), std::string::npos) << text;
  EXPECT_NE(text.find("pfor (k0 = 0; k0 < 4; k0 += 1)"), std::string::npos) << text;
  EXPECT_NE(text.find("unit temporal iteration"), std::string::npos);
}

}  // namespace
}  // namespace mosaic::dataflow

// Huge Herald sweeps: report.html plots a capped number of design points (every Pareto-optimal
// one, the best of each kind, an even sample of the rest); pareto.csv keeps them all.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "arch/Accelerator.h"
#include "outputs/HeraldReport.h"

namespace mosaic::outputs {
namespace {

search::HeraldResult sweep(std::size_t n) {
  search::HeraldResult r;
  r.styles = {arch::parse_style("nvdla,shi")};
  for (std::size_t i = 0; i < n; ++i) {
    search::DesignPoint p;
    p.partition.pes = {static_cast<std::int64_t>(i + 1), 1};
    p.partition.bw_gbps = {1, 1};
    p.latency_cycles = 1000.0 + static_cast<double>(i);
    p.energy_pj = 5000.0 - static_cast<double>(i % 97);
    p.pareto = i % 1000 == 0;  // 20 of them
    r.points.push_back(p);
  }
  r.best = 12345;
  r.design_points = static_cast<std::int64_t>(n);
  return r;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(HeraldReportThinning, PlotsAtMostTheCapKeepingParetoAndBest) {
  const auto r = sweep(20000);
  const auto keep = herald_plotted_points(r, 500);
  EXPECT_EQ(keep.size(), 500u);
  const std::set<std::size_t> kept(keep.begin(), keep.end());
  EXPECT_EQ(kept.size(), 500u);
  for (std::size_t i = 0; i < 20000; i += 1000) EXPECT_TRUE(kept.count(i)) << i;  // Pareto
  EXPECT_TRUE(kept.count(12345));                                                 // the best
  // The sample is even: the 479 others are 20000 / 479 ~ 41.7 apart, so no gap over 84.
  std::size_t prev = 0;
  for (std::size_t i : keep) {
    EXPECT_LE(i - prev, 84u);
    prev = i;
  }
  // Small sweeps are plotted whole.
  EXPECT_EQ(herald_plotted_points(sweep(300), 500).size(), 300u);
}

TEST(HeraldReportThinning, TheReportSaysSoAndStaysSmall) {
  const auto r = sweep(20000);
  search::HeraldConfig c;
  HeraldRunInfo info;
  info.workload = "synthetic";
  info.accelerator_class = "edge";
  const std::string html = herald_report_html(r, c, info, 500);
  EXPECT_NE(html.find("500 of 20000 design points are plotted"), std::string::npos);
  // Each plotted point carries one "partition" in the points data set; the bests table adds none.
  EXPECT_EQ(count(html, "\"partition\":"), 500u);
  const std::string whole = herald_report_html(r, c, info, 1000000);
  EXPECT_EQ(count(whole, "\"partition\":"), 20000u);
  EXPECT_LT(html.size() * 2, whole.size());
}

}  // namespace
}  // namespace mosaic::outputs

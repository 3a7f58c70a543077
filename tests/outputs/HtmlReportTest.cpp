// The self-contained HTML report: structure, escaping, the page without the chart bundles, and the
// charts drawn by a real browser (headless Chromium; skipped when absent).
#include <gtest/gtest.h>

#include "HeadlessChromium.h"
#include "TestSupport.h"
#include "common/Error.h"
#include "outputs/HtmlReport.h"

namespace mosaic::outputs {
namespace {

using nlohmann::json;

HtmlReport sample_report() {
  HtmlReport r("Sample <report> & co");
  r.add_heading("Numbers");
  r.add_paragraph("a < b & c > d");
  r.add_table({"A table", {"name", "value"}, {{"x<y", "1"}, {"z", "2"}}});
  json rows = json::array();
  for (int i = 1; i <= 50; ++i)
    rows.push_back({{"x", i}, {"y", i * i}, {"pes", 8 * (i % 5 + 1)}, {"name", "</script><b>"}});
  r.add_dataset("points", rows);
  r.add_dataset("best", json::array({{{"x", 50}, {"y", 2500}, {"tag", "top"}}}));
  r.begin_grid();
  ScatterChart sc;
  sc.title = "y against x";
  sc.dataset = "points";
  sc.x = "x";
  sc.y = "y";
  sc.color = "pes";
  sc.tooltip = {"name"};
  sc.marks_dataset = "best";
  sc.marks_field = "tag";
  sc.marks_shapes = {{"top", "star"}};
  r.add_scatter(sc);
  sc.title = "log scale";
  sc.y_log = true;
  sc.marks_dataset.clear();
  r.add_scatter(sc);
  r.end_grid();
  r.add_dataset("tasks",
                json::array({{{"track", "core 0"}, {"start", 0}, {"end", 4}, {"m", "a#0"}},
                             {{"track", "core 1"}, {"start", 2}, {"end", 9}, {"m", "a#1"}}}));
  GanttChart g;
  g.title = "schedule";
  g.dataset = "tasks";
  g.time_title = "cycle";
  g.color = "m";
  g.tooltip = {"m"};
  g.tracks = 2;
  r.add_gantt(g);
  return r;
}

TEST(HtmlReport, StructureAndEscaping) {
  const HtmlReport r = sample_report();
  EXPECT_EQ(r.num_charts(), 3u);
  ChartBundle fake;
  fake.vega = "var vega = {};";
  fake.vega_lite = "var vegaLite = {};";
  fake.vega_embed = "var vegaEmbed = undefined; // </script> inside";
  const std::string html = r.render(fake);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<title>Sample &lt;report&gt; &amp; co</title>"), std::string::npos);
  EXPECT_NE(html.find("<p>a &lt; b &amp; c &gt; d</p>"), std::string::npos);
  EXPECT_NE(html.find("<td>x&lt;y</td>"), std::string::npos);
  EXPECT_NE(html.find("<caption>A table</caption>"), std::string::npos);
  EXPECT_NE(html.find("id=\"mosaic-chart-1\""), std::string::npos);
  EXPECT_NE(html.find("id=\"mosaic-chart-2\""), std::string::npos);
  EXPECT_NE(html.find("id=\"mosaic-chart-3\""), std::string::npos);
  EXPECT_NE(html.find("<script>var vega = {};</script>"), std::string::npos);
  // Text that would close a <script> element early is escaped, in data and in libraries.
  EXPECT_EQ(html.find("</script><b>"), std::string::npos);
  EXPECT_NE(html.find("<\\/script><b>"), std::string::npos);
  EXPECT_NE(html.find("// <\\/script> inside"), std::string::npos);
  EXPECT_EQ(html.find("mosaic-charts-missing"), std::string::npos);
  // One copy of each data set, shared by the charts.
  EXPECT_EQ(test::count_of(html, "\"pes\":8"), 10);
}

TEST(HtmlReport, GanttZoomsAndPansItsTimeAxis) {
  HtmlReport r("g");
  r.add_dataset("t", json::array({{{"track", "c"}, {"start", 0}, {"end", 1}, {"m", "x"}}}));
  GanttChart g;
  g.dataset = "t";
  g.color = "m";
  g.tracks = 3;
  r.add_gantt(g);
  const std::string html = r.render(ChartBundle{});
  // An interval selection on x bound to the scales: Vega-Lite's wheel zoom and drag pan.
  EXPECT_NE(html.find(R"("bind":"scales")"), std::string::npos);
  EXPECT_NE(html.find(R"("encodings":["x"])"), std::string::npos);
  EXPECT_NE(html.find(R"("color":{"field":"m","title":"m","type":"nominal"})"), std::string::npos);
  EXPECT_NE(html.find(R"("height":180)"), std::string::npos);  // 60 + 40 per track
}

TEST(HtmlReport, WithoutTheBundlesTheTablesStayAndThePageSaysWhy) {
  const std::string html = sample_report().render(ChartBundle{});
  EXPECT_NE(html.find("id=\"mosaic-charts-missing\""), std::string::npos);
  EXPECT_NE(html.find("scripts/setup.sh"), std::string::npos);
  EXPECT_NE(html.find("<td>x&lt;y</td>"), std::string::npos);
  EXPECT_EQ(html.find("<script>var"), std::string::npos);
  // A report without charts needs no bundle and says nothing about it.
  HtmlReport plain("plain");
  plain.add_paragraph("text");
  EXPECT_EQ(plain.render(ChartBundle{}).find("mosaic-charts-missing"), std::string::npos);
}

TEST(HtmlReport, MisuseIsAnInternalError) {
  HtmlReport r("x");
  r.add_dataset("a", json::array());
  EXPECT_THROW(r.add_dataset("a", json::array()), InternalError);
  EXPECT_THROW(r.add_dataset("b", json::object()), InternalError);
}

TEST(HtmlReport, BundleIsAvailable) {
  // scripts/setup.sh installs the bundles; a build without them still works (see above), but the
  // repository's own build should have them.
  const auto& b = chart_bundle();
  if (!b.available()) GTEST_SKIP() << chart_bundle_help();
  EXPECT_GT(b.vega.size(), 100000u);
  EXPECT_NE(b.vega_embed.find("vegaEmbed"), std::string::npos);
  EXPECT_FALSE(b.origin.empty());
}

TEST(HtmlReport, ChartsRenderInHeadlessChromium) {
  const auto browser = test::find_chromium();
  if (!browser) GTEST_SKIP() << "chromium is not installed";
  if (!chart_bundle().available()) GTEST_SKIP() << chart_bundle_help();
  test::TempDir d;
  const auto page = d.path() / "report.html";
  test::write_file(page, sample_report().render());
  const auto r = test::load_in_chromium(*browser, page);
  ASSERT_EQ(r.exit_code, 0) << r.dom;
  EXPECT_EQ(test::body_attribute(r.dom, "data-charts"), "3");
  EXPECT_EQ(test::body_attribute(r.dom, "data-charts-rendered"), "3");
  EXPECT_EQ(test::body_attribute(r.dom, "data-chart-errors"), "0");
  EXPECT_EQ(test::count_of(r.dom, "<canvas"), 3);
  EXPECT_NE(r.dom.find("id=\"mosaic-errors\"></div>"), std::string::npos);
  EXPECT_TRUE(r.console.empty()) << r.console.front();
}

TEST(HtmlReport, BrokenChartsAreReportedByThePage) {
  // The check above would notice a failing chart: a specification Vega-Lite rejects.
  const auto browser = test::find_chromium();
  if (!browser) GTEST_SKIP() << "chromium is not installed";
  if (!chart_bundle().available()) GTEST_SKIP() << chart_bundle_help();
  HtmlReport r("broken");
  r.add_dataset("d", json::array({{{"x", 1}}}));
  r.add_chart({{"data", {{"name", "d"}}}, {"mark", "no-such-mark"}});
  test::TempDir d;
  const auto page = d.path() / "broken.html";
  test::write_file(page, r.render());
  const auto res = test::load_in_chromium(*browser, page);
  EXPECT_EQ(test::body_attribute(res.dom, "data-charts-rendered"), "0");
  EXPECT_EQ(test::body_attribute(res.dom, "data-chart-errors"), "1");
  EXPECT_NE(res.dom.find("chart error:"), std::string::npos);
}

}  // namespace
}  // namespace mosaic::outputs

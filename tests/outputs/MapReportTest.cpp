// report.html of `mosaic map --report`: the bottleneck named from the numbers of --json, and the
// page's two charts drawn by headless Chromium (skipped when absent).
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "HeadlessChromium.h"
#include "TestSupport.h"
#include "outputs/HtmlReport.h"
#include "outputs/MapReport.h"

namespace mosaic::test {
namespace {

using nlohmann::json;

const std::string kMapArgs =
    "map --workload " + (source_dir() / "tests/data/zigzag_small_workload.yaml").string() +
    " --hw " + (source_dir() / "tests/data/zigzag_small_hw.yaml").string() + " --mapping " +
    (source_dir() / "tests/data/zigzag_small_mapping.yaml").string() +
    " --quiet --json out.json --report report.html";

TEST(MapReport, NamesTheBottleneckFromTheNumbers) {
  TempDir d;
  const auto r = run_mosaic(kMapArgs, d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json m = json::parse(read_file(d.path() / "out.json"));
  // The layer with the most cycles, by hand from the JSON.
  std::string worst;
  double most = -1;
  for (const auto& l : m["layers"])
    if (l["latency_cycles"].get<double>() > most) {
      most = l["latency_cycles"].get<double>();
      worst = l["name"];
    }
  const std::string sentence = outputs::map_bottleneck(m);
  EXPECT_EQ(sentence.rfind("Bottleneck: layer " + worst + " takes ", 0), 0u) << sentence;
  const std::string html = read_file(d.path() / "report.html");
  EXPECT_NE(html.find("Bottleneck: layer " + worst), std::string::npos);
  // Every layer in the per-layer table, every (level, operand) in the energy data.
  for (const auto& l : m["layers"])
    EXPECT_NE(html.find("<td>" + l["name"].get<std::string>() + "</td>"), std::string::npos)
        << l["name"];
  for (const auto& o : m["layers"][0]["operands"])
    for (const auto& lv : o["levels"])
      EXPECT_NE(
          html.find(lv["memory"].get<std::string>() + " / " + o["operand"].get<std::string>()),
          std::string::npos);
}

TEST(MapReportSlow, ChartsRenderInHeadlessChromium) {
  const auto browser = find_chromium();
  if (!browser) GTEST_SKIP() << "chromium is not installed";
  if (!outputs::chart_bundle().available()) GTEST_SKIP() << outputs::chart_bundle_help();
  TempDir d;
  const auto r = run_mosaic(kMapArgs, d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_charts_rendered(load_in_chromium(*browser, d.path() / "report.html"), "2");
}

}  // namespace
}  // namespace mosaic::test

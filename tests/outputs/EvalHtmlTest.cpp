// report.html of `mosaic eval --report`: the bottleneck named from the numbers of --json, and the
// page's charts drawn by headless Chromium (skipped when absent).
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "HeadlessChromium.h"
#include "TestSupport.h"
#include "outputs/EvalHtml.h"
#include "outputs/HtmlReport.h"

namespace mosaic::test {
namespace {

using nlohmann::json;

const std::string kEvalArgs =
    "eval --mapping " + (source_dir() / "examples/networks/vgg16.m").string() +
    " --dataflow rs --hw " + (source_dir() / "examples/hw/edge_nvdla.yaml").string() +
    " --quiet --json out.json --report report.html";

TEST(EvalHtml, NamesTheBottleneckFromTheNumbers) {
  TempDir d;
  const auto r = run_mosaic(kEvalArgs, d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json e = json::parse(read_file(d.path() / "out.json"));
  std::string worst;
  double most = -1;
  for (const auto& l : e["layers"])
    if (l["latency_cycles"].get<double>() > most) {
      most = l["latency_cycles"].get<double>();
      worst = l["name"];
    }
  const std::string sentence = outputs::eval_bottleneck(e);
  EXPECT_EQ(sentence.rfind("Bottleneck: layer " + worst + " takes ", 0), 0u) << sentence;
  const std::string html = read_file(d.path() / "report.html");
  EXPECT_NE(html.find("Bottleneck: layer " + worst), std::string::npos);
  for (const auto& l : e["layers"])
    EXPECT_NE(html.find("<td>" + l["name"].get<std::string>() + "</td>"), std::string::npos);
}

TEST(EvalHtmlSlow, ChartsRenderInHeadlessChromium) {
  const auto browser = find_chromium();
  if (!browser) GTEST_SKIP() << "chromium is not installed";
  if (!outputs::chart_bundle().available()) GTEST_SKIP() << outputs::chart_bundle_help();
  TempDir d;
  const auto r = run_mosaic(kEvalArgs, d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_charts_rendered(load_in_chromium(*browser, d.path() / "report.html"), "2");
}

}  // namespace
}  // namespace mosaic::test

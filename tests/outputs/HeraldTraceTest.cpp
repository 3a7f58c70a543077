// trace.json of `mosaic herald` (outputs/HeraldTrace.h): a Chrome/Perfetto trace of the best
// design's schedule, checked against schedule.json slice by slice.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "TestSupport.h"

namespace mosaic::test {
namespace {

using nlohmann::json;

TEST(HeraldTrace, CoresAreTracksLayersAreSlicesColouredByInstance) {
  TempDir d;
  const auto r = run_mosaic(
      "herald --workload arvr-a --class edge --styles nvdla,shi --granularity 4 --no-store "
      "--quiet --out out",
      d.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json trace = json::parse(read_file(d.path() / "out/trace.json"));
  const json sched = json::parse(read_file(d.path() / "out/schedule.json"));
  const json summary = json::parse(read_file(d.path() / "out/summary.json"));
  const double latency_s = summary["best"]["latency_s"].get<double>();
  const double latency_cycles = summary["best"]["latency_cycles"].get<double>();
  const double us_per_cycle = latency_s * 1e6 / latency_cycles;  // the class clock

  std::map<int, std::string> track_names;
  std::vector<json> slices;
  int counters = 0;
  for (const auto& e : trace["traceEvents"]) {
    const std::string ph = e["ph"];
    if (ph == "M" && e["name"] == "thread_name")
      track_names[e["tid"].get<int>()] = e["args"]["name"];
    if (ph == "X") slices.push_back(e);
    if (ph == "C") ++counters;
  }
  // Two cores (NVDLA + Shi-diannao), each a named track.
  ASSERT_EQ(track_names.size(), 2u);
  EXPECT_EQ(track_names[0].rfind("core 0: kcp_ws, ", 0), 0u) << track_names[0];
  EXPECT_EQ(track_names[1].rfind("core 1: shi_os, ", 0), 0u) << track_names[1];
  EXPECT_GT(counters, 0);  // the global-buffer occupancy

  // One slice per scheduled layer, on its core, at its cycles.
  const auto& records = sched["records"];
  ASSERT_EQ(slices.size(), records.size());
  std::map<std::string, std::set<std::string>> colours_of_instance;
  std::map<std::string, std::string> instance_of_colour;
  double end_us = 0;
  for (std::size_t i = 0; i < slices.size(); ++i) {
    const auto& s = slices[i];
    const auto& rec = records[i];
    const std::string instance =
        rec["model"].get<std::string>() + "#" + std::to_string(rec["instance"].get<int>());
    EXPECT_EQ(s["name"], instance + "/" + rec["layer"].get<std::string>());
    EXPECT_EQ(s["cat"], instance);
    EXPECT_EQ(s["tid"], rec["core"]);
    EXPECT_NEAR(s["ts"].get<double>(), rec["start_cycle"].get<double>() * us_per_cycle, 1e-6);
    EXPECT_NEAR(s["dur"].get<double>(),
                (rec["end_cycle"].get<double>() - rec["start_cycle"].get<double>()) * us_per_cycle,
                1e-6);
    end_us = std::max(end_us, s["ts"].get<double>() + s["dur"].get<double>());
    colours_of_instance[instance].insert(s["cname"].get<std::string>());
    instance_of_colour.emplace(s["cname"].get<std::string>(), instance);
  }
  EXPECT_NEAR(end_us, latency_s * 1e6, 1e-6 * latency_s * 1e6);
  // AR/VR-A: ResNet-50 x2, UNet x4, MobileNetV2 x4 = 10 instances, each one colour, all distinct.
  EXPECT_EQ(colours_of_instance.size(), 10u);
  for (const auto& [instance, colours] : colours_of_instance)
    EXPECT_EQ(colours.size(), 1u) << instance;
  EXPECT_EQ(instance_of_colour.size(), 10u);
  // Slices on one track do not overlap.
  std::map<int, std::vector<std::pair<double, double>>> by_core;
  for (const auto& s : slices)
    by_core[s["tid"].get<int>()].push_back(
        {s["ts"].get<double>(), s["ts"].get<double>() + s["dur"].get<double>()});
  for (auto& [core, iv] : by_core) {
    std::sort(iv.begin(), iv.end());
    for (std::size_t k = 1; k < iv.size(); ++k) EXPECT_LE(iv[k - 1].second, iv[k].first + 1e-9);
  }
}

}  // namespace
}  // namespace mosaic::test

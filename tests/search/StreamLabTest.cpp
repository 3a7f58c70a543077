// Stream's tutorial labs (../shared/reference/stream/tutorial), fixed allocations: mosaic's
// schedule against the numbers the Python original measured (reference README).
#include <gtest/gtest.h>

#include "TestSupport.h"
#include "search/StreamPipeline.h"

namespace mosaic::test {
namespace {

std::string lab(const std::string& n, const std::string& rel) {
  return (shared_dir() / "reference/stream/tutorial" / n / "inputs" / rel).string();
}

search::StreamRun run_lab(const std::string& n, workload::StackMode mode) {
  search::StreamOptions o;
  o.mode = mode;
  return search::run_stream(lab(n, "hardware/hda_bus.yaml"), lab(n, "workload/4_convs.onnx"),
                            lab(n, "mapping/mapping.yaml"), o);
}

TEST(StreamLab, Lab1LayerByLayerMatchesStream) {
  MOSAIC_REQUIRE_SHARED();
  const auto r = run_lab("lab1", workload::StackMode::LayerByLayer);
  EXPECT_EQ(r.graph.cns.size(), 4u);
  EXPECT_EQ(r.graph.edges.size(), 3u);
  EXPECT_NEAR(r.schedule.latency_cycles, 79340, 79340 * 1e-6);
  EXPECT_NEAR(r.schedule.energy_pj, 6143532, 6143532 * 1e-6);
}

TEST(StreamLab, Lab2SplitOverThreeCoresMatchesStream) {
  MOSAIC_REQUIRE_SHARED();
  const auto r = run_lab("lab2", workload::StackMode::LayerByLayer);
  EXPECT_EQ(r.graph.cns.size(), 12u);
  EXPECT_EQ(r.graph.edges.size(), 27u);
  EXPECT_NEAR(r.schedule.latency_cycles, 128831, 128831 * 1e-6);
  EXPECT_NEAR(r.schedule.energy_pj, 11553280, 11553280 * 1e-6);
}

}  // namespace
}  // namespace mosaic::test

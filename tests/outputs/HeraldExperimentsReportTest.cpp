// The Markdown of the Herald experiments, from figures given by hand.
#include <gtest/gtest.h>

#include "outputs/HeraldExperimentsReport.h"

namespace mosaic::outputs {
namespace {

search::DesignPoint point(double latency_cycles, double energy_pj,
                          std::vector<std::int64_t> pes = {128, 896},
                          std::vector<double> bw = {4, 12}) {
  search::DesignPoint p;
  p.latency_cycles = latency_cycles;
  p.energy_pj = energy_pj;
  p.partition.pes = std::move(pes);
  p.partition.bw_gbps = std::move(bw);
  return p;
}

search::HeraldExperiments sample() {
  search::HeraldExperiments e;
  search::Scenario s;
  s.workload = "arvr-a";
  s.cls = "edge";
  s.layers = 42;
  s.styles.push_back({"HDA NVDLA+Shi", point(2e9, 3e12), true});  // 2 s, 3 J
  s.maelstrom = point(2e9, 3e12);
  s.fda = point(4e9, 6e12, {1024}, {16});
  s.smfda = point(1e9, 3e12, {512, 512}, {8, 8});
  s.rda = point(2e9, 1.5e12, {1024}, {16});
  e.scenarios.push_back(s);
  e.batch.push_back({"edge", 8, point(1, 1), point(2, 4), point(1, 2)});
  e.single_dnn.push_back({"unet", point(1, 1), point(2, 1), point(0.5, 2)});
  e.workload_change.push_back({"arvr-a", {{"arvr-b", 110, 101, 100, 100}}});
  e.greedy.push_back({"arvr-a", "edge", point(1e9, 1e12), point(2e9, 1e12)});
  e.scheduling_time.push_back({"arvr-a", 200, 2, 0.002});
  return e;
}

TEST(HeraldExperimentsReport, EveryTableFromTheFigures) {
  const std::string md = herald_experiments_markdown(sample());
  // Fig. 11: 2 s, 3 J, EDP 6 J*s, the partition, on the front.
  EXPECT_NE(md.find("### arvr-a on edge (42 layers)"), std::string::npos) << md;
  EXPECT_NE(md.find("| HDA NVDLA+Shi | 2 | 3 | 6 | 128/4 + 896/12 | P |"), std::string::npos) << md;
  // Table V beside the paper's partition.
  EXPECT_NE(md.find("| arvr-a, edge | 4 / 12 | 128 / 896 | 4 / 12 | 128 / 896 |"),
            std::string::npos)
      << md;
  // Against the FDA: half the latency and energy (+50%); the SM-FDA is twice as fast (-100%);
  // the RDA uses half the energy.
  EXPECT_NE(md.find("| arvr-a, edge | +50.0% | +50.0% | -100.0% | +0.0% | +0.0% | -100.0% |"),
            std::string::npos)
      << md;
  // Table VI: batch 8, latency +50% / +0%, energy +75% / +50%.
  EXPECT_NE(md.find("| edge | 8 | +50.0% / +0.0% | +75.0% / +50.0% |"), std::string::npos) << md;
  // Fig. 12: EDP 1 against 2 (+50%); the RDA 50% faster, 100% more energy.
  EXPECT_NE(md.find("| unet | +50.0% | +50.0% | -100.0% |"), std::string::npos) << md;
  // Fig. 13: +10% latency, +1% energy against the tuned design.
  EXPECT_NE(md.find("| designed for \\ runs | arvr-b |\n|---|---|\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| arvr-a | latency +10.0%, energy +1.0% |"), std::string::npos) << md;
  // Greedy: EDP 1 against 2 J*s, 50% lower; the average.
  EXPECT_NE(md.find("| arvr-a, edge | 1 | 2 | +50.0% |"), std::string::npos) << md;
  EXPECT_NE(md.find("Average: Herald's scheduler 50.0% lower EDP"), std::string::npos) << md;
  // Table VII: 2 ms per schedule, 10 us per layer, the paper's 2.89 s.
  EXPECT_NE(md.find("| arvr-a | 200 | 2 | 2.000 | 10.00 | 2.89 |"), std::string::npos) << md;
}

}  // namespace
}  // namespace mosaic::outputs

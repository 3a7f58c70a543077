// Pareto sets and best designs, hand-computed; the incremental collector equals the batch front.
#include <gtest/gtest.h>

#include <random>

#include "common/Error.h"
#include "search/DsePareto.h"

namespace mosaic::search {
namespace {

DesignRecord rec(std::int64_t id, double latency, double energy, double area, double power = 1) {
  DesignRecord d;
  d.point.pes = id;  // identifies the design in the tests
  d.metrics.latency_cycles = latency;
  d.metrics.energy_pj = energy;
  d.metrics.area_um2 = area;
  d.metrics.power_mw = power;
  d.metrics.macs = 1000;
  d.valid = true;
  return d;
}

std::vector<std::int64_t> ids(const std::vector<DesignRecord>& v) {
  std::vector<std::int64_t> out;
  for (const auto& d : v) out.push_back(d.point.pes);
  return out;
}

TEST(DsePareto, TwoAxes) {
  // (latency, energy): 1 (10,5) 2 (20,3) 3 (15,6) dominated by 1, 4 (30,1), 5 (20,3) = 2 (dropped:
  // the first of equal designs stays), 6 (10,7) dominated by 1.
  std::vector<DesignRecord> v = {rec(1, 10, 5, 0), rec(2, 20, 3, 0), rec(3, 15, 6, 0),
                                 rec(4, 30, 1, 0), rec(5, 20, 3, 0), rec(6, 10, 7, 0)};
  EXPECT_EQ(ids(pareto_front(v, {ParetoAxis::Latency, ParetoAxis::Energy})),
            (std::vector<std::int64_t>{1, 2, 4}));
}

TEST(DsePareto, ThreeAxes) {
  // (latency, energy, area). 3 is beaten by 1 on every axis; 4 equals 2 (dropped); 5 is better
  // than everybody on area only, 6 trades latency for energy with 1.
  std::vector<DesignRecord> v = {rec(1, 10, 10, 10), rec(2, 20, 5, 10), rec(3, 11, 11, 11),
                                 rec(4, 20, 5, 10),  rec(5, 30, 30, 1), rec(6, 5, 20, 10),
                                 rec(7, 10, 10, 12)};
  EXPECT_EQ(ids(pareto_front(v, {ParetoAxis::Latency, ParetoAxis::Energy, ParetoAxis::Area})),
            (std::vector<std::int64_t>{6, 1, 2, 5}));
}

TEST(DsePareto, FourAxesAndEdp) {
  std::vector<DesignRecord> v = {rec(1, 10, 10, 10, 5), rec(2, 10, 10, 10, 4),
                                 rec(3, 1, 100, 10, 9)};
  EXPECT_EQ(ids(pareto_front(
                v, {ParetoAxis::Latency, ParetoAxis::Energy, ParetoAxis::Area, ParetoAxis::Power})),
            (std::vector<std::int64_t>{3, 2}));
  // EDP: 100 for 1 and 2, 100 for 3; with area: all three tie on (edp, area) -> the first.
  EXPECT_EQ(ids(pareto_front(v, {ParetoAxis::Edp, ParetoAxis::Area})),
            (std::vector<std::int64_t>{1}));
}

// Brute force: a design is in the front iff no other design is <= on every axis and either
// strictly better somewhere or earlier with equal values.
std::vector<std::int64_t> brute_front(const std::vector<DesignRecord>& v,
                                      const std::vector<ParetoAxis>& axes) {
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < v.size() && !dominated; ++j) {
      if (i == j) continue;
      bool le = true, lt = false;
      for (auto a : axes) {
        const double x = axis_value(a, v[j]), y = axis_value(a, v[i]);
        le = le && x <= y;
        lt = lt || x < y;
      }
      dominated = le && (lt || j < i);
    }
    if (!dominated) out.push_back(v[i].point.pes);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DsePareto, RandomSetsMatchBruteForce) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> val(1, 12);  // small range: many ties
  const std::vector<std::vector<ParetoAxis>> axis_sets = {
      {ParetoAxis::Latency, ParetoAxis::Energy},
      {ParetoAxis::Latency, ParetoAxis::Energy, ParetoAxis::Area},
      {ParetoAxis::Latency, ParetoAxis::Energy, ParetoAxis::Area, ParetoAxis::Power}};
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<DesignRecord> v;
    const int n = 1 + trial % 60;
    for (int i = 0; i < n; ++i) v.push_back(rec(i, val(rng), val(rng), val(rng), val(rng)));
    for (const auto& axes : axis_sets) {
      auto got = ids(pareto_front(v, axes));
      std::sort(got.begin(), got.end());
      ASSERT_EQ(got, brute_front(v, axes)) << "trial " << trial << " axes " << axes.size();
      // The collector, fed in chunks, finds the same set.
      DseCollector c(1.0, axes);
      for (int start = 0; start < n; start += 7) {
        ChunkResult chunk;
        for (int i = start; i < std::min(n, start + 7); ++i)
          chunk.designs.push_back(v[static_cast<std::size_t>(i)]);
        c.add(chunk);
      }
      auto inc = ids(c.pareto());
      std::sort(inc.begin(), inc.end());
      ASSERT_EQ(inc, got) << "trial " << trial;
    }
  }
}

TEST(DsePareto, BestPerObjectiveWithTieBreaks) {
  DseCollector c(1.0, {ParetoAxis::Latency, ParetoAxis::Energy});
  ChunkResult chunk;
  chunk.designs = {rec(1, 100, 50, 10, 100),  // fastest, ties with 2 on latency, more energy
                   rec(2, 100, 40, 20, 500),  // fastest with the least energy
                   rec(3, 200, 10, 5, 10),    // least energy; 1000/200 = 5 MAC/cycle at 10 mW
                   rec(4, 200, 10, 4, 50),    // same energy and latency, smaller area: wins energy
                   rec(5, 400, 30, 1, 1)};    // 2.5 MAC/cycle at 1 mW: best per watt
  DesignRecord invalid = rec(6, 1, 1, 1, 1);
  invalid.valid = false;  // never chosen
  chunk.designs.push_back(invalid);
  c.add(chunk);
  EXPECT_EQ(c.best(Objective::Throughput)->point.pes, 2);
  EXPECT_EQ(c.best(Objective::Energy)->point.pes, 4);
  EXPECT_EQ(c.best(Objective::ThroughputPerWatt)->point.pes, 5);
  // EDP: 5000 (1), 4000 (2), 2000 (3 and 4: tie on latency, 4 has less area), 12000 (5).
  EXPECT_EQ(c.best(Objective::Edp)->point.pes, 4);
  EXPECT_EQ(c.valid_designs(), 5);
  // An equal design later in the sweep does not replace the first.
  ChunkResult later;
  later.designs = {rec(7, 100, 40, 20, 500)};
  c.add(later);
  EXPECT_EQ(c.best(Objective::Throughput)->point.pes, 2);
}

TEST(DsePareto, AxesParsing) {
  EXPECT_EQ(parse_pareto_axes("latency,energy,area"),
            (std::vector<ParetoAxis>{ParetoAxis::Latency, ParetoAxis::Energy, ParetoAxis::Area}));
  EXPECT_EQ(parse_pareto_axes("throughput, power"),
            (std::vector<ParetoAxis>{ParetoAxis::Latency, ParetoAxis::Power}));
  EXPECT_THROW(parse_pareto_axes("latency"), UserError);
  EXPECT_THROW(parse_pareto_axes("latency,latency"), UserError);
  EXPECT_THROW(parse_pareto_axes("latency,speed"), UserError);
  EXPECT_THROW(parse_pareto_axes("latency,energy,area,power,edp"), UserError);
}

}  // namespace
}  // namespace mosaic::search

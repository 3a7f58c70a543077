// Stream's scheduler resources: the memory step function and the link busy windows, with
// hand-computed expectations.
#include <gtest/gtest.h>

#include "schedule/StreamResources.h"

namespace mosaic::schedule::detail {
namespace {

TEST(StreamMemory, StepFunctionAndEarliestFit) {
  MemInstance m;
  m.capacity = 100;
  EXPECT_TRUE(m.add_usage(0, 60));    // [0, inf): 60
  EXPECT_TRUE(m.add_usage(10, 30));   // [10, inf): 90
  EXPECT_TRUE(m.add_usage(20, -60));  // [20, inf): 30
  EXPECT_DOUBLE_EQ(m.usage_at(5), 60);
  EXPECT_DOUBLE_EQ(m.usage_at(15), 90);
  EXPECT_DOUBLE_EQ(m.usage_at(25), 30);
  // 40 bits fit from 0 only until 10; the earliest start after which they always fit is 20.
  EXPECT_DOUBLE_EQ(m.earliest_fit(0, 40), 20);
  EXPECT_DOUBLE_EQ(m.earliest_fit(0, 10), 0);
  EXPECT_FALSE(m.add_usage(30, 80));  // overflow
}

TEST(StreamLink, IdleWindowsRespectActivity) {
  LinkState l;
  l.bandwidth = 32;
  EXPECT_TRUE(l.update(1, 0, 100, 32));   // busy [0, 100) at full bandwidth
  EXPECT_FALSE(l.update(1, 0, 100, 32));  // same tensor and start: not a new event
  EXPECT_TRUE(l.update(2, 150, 200, 16));
  auto w = l.idle_windows(16, 40, 0);
  ASSERT_FALSE(w.empty());
  EXPECT_DOUBLE_EQ(w.front().first, 100);  // [100, inf) with 16 free all along
  w = l.idle_windows(32, 40, 0);
  ASSERT_GE(w.size(), 2u);
  EXPECT_DOUBLE_EQ(w[0].first, 100);
  EXPECT_DOUBLE_EQ(w[0].second, 150);
  EXPECT_DOUBLE_EQ(w[1].first, 200);
  w = l.idle_windows(32, 60, 0);
  EXPECT_DOUBLE_EQ(w.front().first, 200);
}

TEST(StreamLink, Intersections) {
  const auto r = intersections({{0, 10}, {20, 30}}, {{5, 25}});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], std::make_pair(5.0, 10.0));
  EXPECT_EQ(r[1], std::make_pair(20.0, 25.0));
}

}  // namespace
}  // namespace mosaic::schedule::detail

// The thread count of Herald, H3M and their MPI workers (search/SearchThreads.h).
#include <gtest/gtest.h>

#include <tbb/global_control.h>

#include "search/SearchThreads.h"

namespace mosaic::test {
namespace {

TEST(SearchThreads, AskedCountOrEveryCore) {
  EXPECT_EQ(search::search_threads(3), 3);
  EXPECT_GE(search::search_threads(0), 1);
  EXPECT_EQ(search::search_threads(-1), search::search_threads(0));
}

TEST(SearchThreads, LimitsTbbWhileAlive) {
  const search::SearchThreads one(1);
  EXPECT_EQ(one.count, 1);
  EXPECT_EQ(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism), 1U);
}

}  // namespace
}  // namespace mosaic::test

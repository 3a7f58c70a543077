// Dimension names: every name parses back to its dimension; nothing else parses.
#include <gtest/gtest.h>

#include "dataflow/Dataflow.h"

namespace mosaic::dataflow {
namespace {

TEST(DimName, RoundTripAndRejects) {
  for (int i = 0; i < kNumDims; ++i) {
    const Dim d = static_cast<Dim>(i);
    ASSERT_EQ(parse_dim(dim_name(d)), d) << dim_name(d);
  }
  EXPECT_EQ(parse_dim("X'"), Dim::Xp);
  EXPECT_EQ(parse_dim("Y'"), Dim::Yp);
  for (const char* bad : {"", "x", "k", "XX", "X''", "K'", "Z", "'", "YX", " K"})
    EXPECT_FALSE(parse_dim(bad).has_value()) << bad;
}

}  // namespace
}  // namespace mosaic::dataflow

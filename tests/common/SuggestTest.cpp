#include "common/Suggest.h"

#include <gtest/gtest.h>

namespace mosaic {
namespace {

TEST(Suggest, EditDistanceByHand) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);  // k->s, e->i, +g
  EXPECT_EQ(edit_distance("herld", "herald"), 1u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
}

TEST(Suggest, ClosestMatch) {
  const std::vector<std::string> verbs = {"dse", "eval", "explain", "herald", "map", "maestro"};
  EXPECT_EQ(closest_match("herld", verbs), "herald");
  EXPECT_EQ(closest_match("maestr", verbs), "maestro");  // a prefix
  EXPECT_EQ(closest_match("evl", verbs), "eval");
  EXPECT_EQ(closest_match("zzzzzz", verbs), "");
  EXPECT_EQ(closest_match("", verbs), "");
  EXPECT_EQ(did_you_mean("herld", verbs), " (did you mean 'herald'?)");
  EXPECT_EQ(did_you_mean("qqqqqq", verbs), "");
}

}  // namespace
}  // namespace mosaic

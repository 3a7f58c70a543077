#include <gtest/gtest.h>

#include "common/Hash.h"

namespace mosaic {
namespace {

// The published FNV-1a 64 parameters and test vectors (Fowler, Noll, Vo; IETF draft
// draft-eastlake-fnv): the empty string hashes to the offset basis.
TEST(Fnv1a64, PublishedParametersAndVectors) {
  EXPECT_EQ(kFnv1a64OffsetBasis, 0xcbf29ce484222325ull);
  EXPECT_EQ(kFnv1a64Prime, 0x100000001b3ull);
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
}

TEST(Fnv1a64, ContinuesFromASeedAndMixesWords) {
  EXPECT_EQ(fnv1a64("bar", fnv1a64("foo")), fnv1a64("foobar"));
  // A one-byte word mixes like that byte.
  EXPECT_EQ(fnv1a64_word(kFnv1a64OffsetBasis, 'a'), fnv1a64("a"));
}

}  // namespace
}  // namespace mosaic

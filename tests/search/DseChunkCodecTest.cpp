// Regression tests for findings of the reader fuzzing (docs/fuzzing.md) in the DSE store's chunk
// codec.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "common/Error.h"
#include "search/DseEngine.h"

namespace mosaic::search {
namespace {

// A record whose note length is 2^64 - 1 used to pass the bounds check (pos + length wrapped
// around to pos - 1) and be read back as valid; it is now refused like any truncated record.
TEST(DseChunkCodec, HugeNoteLengthIsRefusedNotWrapped) {
  ChunkResult c;
  c.counts.explored = 1;
  c.note = "abc";
  std::string bytes = encode_chunk(c);
  ASSERT_EQ(decode_chunk(bytes, 0, 0).note, "abc");
  const std::uint64_t huge = std::numeric_limits<std::uint64_t>::max();
  std::memcpy(bytes.data() + bytes.size() - 3 - sizeof huge, &huge, sizeof huge);
  EXPECT_THROW(decode_chunk(bytes, 0, 0), InternalError);
  // A length one past the end is refused as before.
  const std::uint64_t four = 4;
  std::memcpy(bytes.data() + bytes.size() - 3 - sizeof four, &four, sizeof four);
  EXPECT_THROW(decode_chunk(bytes, 0, 0), InternalError);
}

}  // namespace
}  // namespace mosaic::search

#include <gtest/gtest.h>

#include "common/Error.h"

namespace mosaic {
namespace {

TEST(UserError, NamesFileLineAndField) {
  const UserError e(SourceLocation{"net.m", 12, "Dimensions"}, "expected '{'");
  EXPECT_STREQ(e.what(), "net.m:12: Dimensions: expected '{'");
  EXPECT_EQ(e.where().line, 12);
  EXPECT_EQ(e.message(), "expected '{'");
}

TEST(UserError, OmitsUnknownParts) {
  EXPECT_STREQ(UserError(SourceLocation{"hw.yaml", 0, ""}, "empty").what(), "hw.yaml: empty");
  EXPECT_STREQ(UserError(SourceLocation{"", 0, "--pes"}, "must be positive").what(),
               "--pes: must be positive");
  EXPECT_STREQ(UserError("plain").what(), "plain");
}

TEST(InternalError, CheckMacroThrows) {
  EXPECT_THROW(MOSAIC_CHECK(1 + 1 == 3, "arithmetic"), InternalError);
  EXPECT_NO_THROW(MOSAIC_CHECK(true, "fine"));
}

}  // namespace
}  // namespace mosaic

// Checking the UserError a call throws, in tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "common/Error.h"

namespace mosaic::test {

// The message of the UserError that f() throws ("" and a test failure when it throws none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a UserError";
  return "";
}

}  // namespace mosaic::test

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

#include "common/Checked.h"

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic {

void report_overflow(const char* what, std::int64_t a, char op, std::int64_t b) {
  throw UserError(fmt::format(
      "{} cannot be represented: {} {} {} is beyond the 64-bit range (|x| < 2^63 = 9.2e18); "
      "the input's sizes, latencies or counts are too large",
      what, a, op, b));
}

void report_non_finite(const char* what, double value) {
  throw UserError(fmt::format("{} is not a finite quantity ({}); the input's values are too large",
                              what, value));
}

}  // namespace mosaic

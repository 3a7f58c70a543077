// The shared validation layer (common/Validate.h), checked arithmetic (common/Checked.h) and the
// out-of-memory context (common/MemoryContext.h): every rule with a legal value, each kind of
// illegal value, and the message naming the value.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "common/Checked.h"
#include "common/MemoryContext.h"
#include "common/Validate.h"

namespace mosaic {
namespace {

const SourceLocation kAt{"hw.yaml", 7, "noc_bw"};

std::string message_of(auto&& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Validate, ParseNumberAcceptsDecimalForms) {
  EXPECT_DOUBLE_EQ(parse_number("2.5", NumberRule::positive(), kAt), 2.5);
  EXPECT_DOUBLE_EQ(parse_number(" +1e3 ", NumberRule::positive(), kAt), 1000.0);
  EXPECT_DOUBLE_EQ(parse_number("-4", NumberRule::any(), kAt), -4.0);
  EXPECT_DOUBLE_EQ(parse_number("0", NumberRule::non_negative(), kAt), 0.0);
  EXPECT_DOUBLE_EQ(parse_number("1e-400", NumberRule::non_negative(), kAt), 0.0);  // underflow
}

TEST(Validate, ParseNumberRefusesNanInfinityAndGarbageNamingTheValue) {
  for (const char* text : {"nan", "NaN", ".nan", "inf", "-inf", ".inf", "-.Inf", "Infinity"})
    EXPECT_EQ(message_of([&] { parse_number(text, NumberRule::any(), kAt); }),
              std::string("hw.yaml:7: noc_bw: must be a finite number, got '") + text + "'")
        << text;
  EXPECT_EQ(message_of([] { parse_number("1e999", NumberRule::positive(), kAt); }),
            "hw.yaml:7: noc_bw: '1e999' is out of range (must be a positive number)");
  EXPECT_EQ(message_of([] { parse_number("12abc", NumberRule::positive(), kAt); }),
            "hw.yaml:7: noc_bw: expected a positive number, got '12abc'");
  EXPECT_EQ(message_of([] { parse_number("", NumberRule::positive(), kAt); }),
            "hw.yaml:7: noc_bw: expected a positive number, got ''");
  EXPECT_EQ(message_of([] { parse_number("0x10", NumberRule::positive(), kAt); }),
            "hw.yaml:7: noc_bw: expected a positive number, got '0x10'");
}

TEST(Validate, NumberRulesRefuseSignAndRange) {
  EXPECT_EQ(message_of([] { parse_number("0", NumberRule::positive(), kAt); }),
            "hw.yaml:7: noc_bw: must be a positive number, got 0");
  EXPECT_EQ(message_of([] { parse_number("-0.5", NumberRule::non_negative(), kAt); }),
            "hw.yaml:7: noc_bw: must be a non-negative number, got -0.5");
  EXPECT_EQ(message_of([] { parse_number("0.5", NumberRule::at_least(1), kAt); }),
            "hw.yaml:7: noc_bw: must be a number >= 1, got 0.5");
  EXPECT_EQ(message_of([] { parse_number("1.5", NumberRule::between(0, 1), kAt); }),
            "hw.yaml:7: noc_bw: must be a number in [0, 1], got 1.5");
  EXPECT_EQ(message_of([] { check_number(2.5, NumberRule::positive().integral(), kAt); }),
            "hw.yaml:7: noc_bw: must be a positive integer, got 2.5");
  EXPECT_EQ(message_of([] {
              check_number(std::numeric_limits<double>::quiet_NaN(), NumberRule::any(), kAt);
            }),
            "hw.yaml:7: noc_bw: must be a finite number, got nan");
  EXPECT_DOUBLE_EQ(check_number(1.0, NumberRule::between(0, 1), kAt), 1.0);
}

TEST(Validate, ParseIntegerReadsIntegersAndIntegralReals) {
  EXPECT_EQ(parse_integer("256", IntRule::positive(), kAt), 256);
  EXPECT_EQ(parse_integer("+8", IntRule::positive(), kAt), 8);
  EXPECT_EQ(parse_integer("-8", IntRule::any(), kAt), -8);
  EXPECT_EQ(parse_integer("16.0", IntRule::positive(), kAt), 16);
  EXPECT_EQ(parse_integer("1e6", IntRule::positive(), kAt), 1000000);
  EXPECT_EQ(parse_integer("9223372036854775807", IntRule::any(), kAt),
            std::numeric_limits<std::int64_t>::max());
}

TEST(Validate, ParseIntegerRefusesFractionsOverflowSignAndNan) {
  EXPECT_EQ(message_of([] { parse_integer("1.5", IntRule::positive(), kAt); }),
            "hw.yaml:7: noc_bw: must be a positive integer, got 1.5");
  EXPECT_EQ(message_of([] { parse_integer("9223372036854775808", IntRule::any(), kAt); }),
            "hw.yaml:7: noc_bw: '9223372036854775808' is out of range (must be an integer that "
            "fits in 64 bits)");
  EXPECT_EQ(message_of([] { parse_integer("1e30", IntRule::positive(), kAt); }),
            "hw.yaml:7: noc_bw: '1e30' is out of range (must be a positive integer that fits in "
            "64 bits)");
  EXPECT_EQ(message_of([] { parse_integer("-256", IntRule::positive(), kAt); }),
            "hw.yaml:7: noc_bw: must be a positive integer, got -256");
  EXPECT_EQ(message_of([] { parse_integer("-1", IntRule::non_negative(), kAt); }),
            "hw.yaml:7: noc_bw: must be a non-negative integer, got -1");
  EXPECT_EQ(message_of([] { parse_integer("70", IntRule::between(1, 64), kAt); }),
            "hw.yaml:7: noc_bw: must be an integer between 1 and 64, got 70");
  EXPECT_EQ(message_of([] { parse_integer("nan", IntRule::positive(), kAt); }),
            "hw.yaml:7: noc_bw: must be a positive integer, got 'nan'");
  EXPECT_EQ(message_of([] { parse_integer("ten", IntRule::positive(), kAt); }),
            "hw.yaml:7: noc_bw: expected a positive integer, got 'ten'");
}

TEST(Validate, Utf8BomIsSkipped) {
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB\xBFnum_pes: 4"), "num_pes: 4");
  EXPECT_EQ(strip_utf8_bom("num_pes: 4"), "num_pes: 4");
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB"), "\xEF\xBB");
  std::string text = "\xEF\xBB\xBF{}";
  remove_utf8_bom(text);
  EXPECT_EQ(text, "{}");
}

TEST(Checked, ArithmeticWithinRangeIsExact) {
  EXPECT_EQ(checked_mul(std::int64_t{1} << 31, std::int64_t{1} << 31, "x"), std::int64_t{1} << 62);
  EXPECT_EQ(checked_add(std::numeric_limits<std::int64_t>::max() - 1, 1, "x"),
            std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(checked_product({2, 3, 7}, "x"), 42);
  EXPECT_DOUBLE_EQ(checked_finite(1.5, "x"), 1.5);
}

TEST(Checked, OverflowIsAnErrorNamingTheQuantity) {
  const std::int64_t big = std::int64_t{1} << 31;
  EXPECT_EQ(message_of([&] {
              checked_product({big, big, big}, "the layer's MACs");
            }),
            "the layer's MACs cannot be represented: 4611686018427387904 * 2147483648 is beyond "
            "the 64-bit range (|x| < 2^63 = 9.2e18); the input's sizes, latencies or counts are "
            "too large");
  EXPECT_NE(message_of([] {
              checked_add(std::numeric_limits<std::int64_t>::max(), 1, "the runtime (cycles)");
            }).find("the runtime (cycles) cannot be represented: 9223372036854775807 + 1"),
            std::string::npos);
  EXPECT_NE(message_of([] {
              checked_sub(std::numeric_limits<std::int64_t>::min(), 1, "a difference");
            }).find("a difference cannot be represented"),
            std::string::npos);
  EXPECT_EQ(message_of([] { checked_finite(std::nan(""), "the energy (pJ)"); }),
            "the energy (pJ) is not a finite quantity (nan); the input's values are too large");
}

TEST(MemoryContext, NamesTheInnermostOpenScope) {
  {
    MemoryContext outer("enumerating the design points");
    EXPECT_EQ(allocation_context(), "while enumerating the design points");
    {
      MemoryContext inner("scheduling a design");
      EXPECT_EQ(allocation_context(), "while scheduling a design");
    }
    EXPECT_EQ(allocation_context(), "while enumerating the design points");
  }
}

TEST(MemoryContext, KeepsTheContextAnExceptionUnwoundThrough) {
  std::string seen;
  try {
    MemoryContext outer("reading the workload");
    MemoryContext inner("allocating the result table");
    throw std::bad_alloc();
  } catch (const std::bad_alloc&) {
    seen = allocation_context();
  }
  EXPECT_EQ(seen, "while allocating the result table");
}

TEST(Validate, ParseBytesTakesBinaryUnits) {
  const IntRule any = IntRule::positive();
  EXPECT_EQ(parse_bytes("512", any, kAt), 512);
  EXPECT_EQ(parse_bytes("512B", any, kAt), 512);
  for (const char* k : {"64K", "64KB", "64KiB", "64k", "64kib", "64 KiB"})
    EXPECT_EQ(parse_bytes(k, any, kAt), 65536) << k;
  EXPECT_EQ(parse_bytes("2MiB", any, kAt), 2097152);
  EXPECT_EQ(parse_bytes("2M", any, kAt), 2097152);
  EXPECT_EQ(parse_bytes("1G", any, kAt), 1073741824);
  EXPECT_EQ(parse_bytes("1.5K", any, kAt), 1536);
  EXPECT_EQ(parse_bytes("1e3", any, kAt), 1000);
  EXPECT_DOUBLE_EQ(parse_bytes_number("658.3", NumberRule::positive(), kAt), 658.3);
  EXPECT_DOUBLE_EQ(parse_bytes_number("0.5K", NumberRule::positive(), kAt), 512.0);
}

TEST(Validate, ParseBytesRefusesBadUnitsFractionsAndRange) {
  const IntRule any = IntRule::positive();
  EXPECT_NE(message_of([&] { parse_bytes("2XB", any, kAt); }).find("'2XB' is not a size"),
            std::string::npos);
  EXPECT_NE(message_of([&] { parse_bytes("0.3K", any, kAt); }).find("not a whole number of bytes"),
            std::string::npos);
  EXPECT_NE(message_of([&] { parse_bytes("-1K", any, kAt); }).find("noc_bw"), std::string::npos);
  EXPECT_NE(message_of([&] { parse_bytes("0", any, kAt); }).find("must be"), std::string::npos);
  EXPECT_NE(message_of([&] { parse_bytes("nanK", any, kAt); }).find("nan"), std::string::npos);
  EXPECT_NE(message_of([&] { parse_bytes("99999999T", any, kAt); }).find("out of range"),
            std::string::npos);
  EXPECT_NE(message_of([&] { parse_bytes("K", any, kAt); }).find("'K'"), std::string::npos);
}

}  // namespace
}  // namespace mosaic

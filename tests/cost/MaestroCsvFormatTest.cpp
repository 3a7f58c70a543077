// The number formatting of the MAESTRO CSV: printf's "%g" and "%Lg", without printf where the
// value allows it.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "outputs/MaestroCsv.h"

namespace mosaic::outputs {
namespace {

std::string printf_g(long double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%Lg", v);
  return buf;
}

TEST(MaestroCsvFormat, HandPicked) {
  EXPECT_EQ(format_g(49.0L), "49");
  EXPECT_EQ(format_g(2.5L), "2.5");
  EXPECT_EQ(format_g(0.0L), "0");
  EXPECT_EQ(format_g(1234565.0L), "1.23456e+06");  // an exact tie rounds to even
  EXPECT_EQ(format_g(1234575.0L), "1.23458e+06");
  EXPECT_EQ(format_g(1.0L / 3.0L), "0.333333");  // not a double: printf
  EXPECT_EQ(format_g(100000.0), "100000");
  EXPECT_EQ(format_g(1e-5), "1e-05");
}

std::string to_chars_g(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general, 6);
  return std::string(buf, r.ptr);
}

// Doubles of every magnitude, random digits: the digits are to_chars' (printf's "%g").
TEST(MaestroCsvFormat, DoublesMatchToChars) {
  std::mt19937_64 rng(7);
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    const double mantissa = 1.0 + static_cast<double>(rng() >> 11) * 0x1p-53;
    const double v = std::ldexp(mantissa, static_cast<int>(rng() % 160) - 80);
    ASSERT_EQ(format_g(v), to_chars_g(v)) << v;
    ASSERT_EQ(format_g(-v), to_chars_g(-v)) << -v;
    checked += 2;
  }
  // Short decimals and their neighbours (exact ties of binary fractions included).
  for (long long k = 1; k <= 2000000; k += 37)
    for (double scale : {1e-9, 1e-5, 1e-4, 0.001, 0.5, 1.0, 1e3, 1e5, 1e6, 1e12}) {
      const double v = static_cast<double>(k) * scale;
      for (double w : {v, std::nextafter(v, 0.0), std::nextafter(v, 1e300), v + 0.5 * scale}) {
        ASSERT_EQ(format_g(w), to_chars_g(w)) << w;
        ++checked;
      }
    }
  EXPECT_GT(checked, 2000000);
}

// The decimal exponent comes from the binary one (no log10) and integers of six digits print
// directly: powers of ten of the whole fast range and their neighbours, and integers around the
// six-digit border, print as to_chars prints them.
TEST(MaestroCsvFormat, PowersOfTenAndIntegersMatchToChars) {
  int checked = 0;
  for (int e = -20; e <= 24; ++e) {
    const double p = std::pow(10.0, e);
    for (double w : {p, std::nextafter(p, 0.0), std::nextafter(p, 1e300), p * 0.9999995,
                     p * 0.99999949, p * 1.0000005, p * 9.999995, p * 9.9999951}) {
      ASSERT_EQ(format_g(w), to_chars_g(w)) << w;
      ASSERT_EQ(format_g(-w), to_chars_g(-w)) << -w;
      checked += 2;
    }
  }
  for (long long k = -1000010; k <= 1000010; k += (k > -999000 && k < 999000 ? 997 : 1)) {
    const auto v = static_cast<double>(k);
    ASSERT_EQ(format_g(v), to_chars_g(v)) << k;
    ASSERT_EQ(format_g(v + 0.5), to_chars_g(v + 0.5)) << k;
    checked += 2;
  }
  EXPECT_EQ(format_g(-0.0), "-0");
  EXPECT_EQ(format_g(999999.0), "999999");
  EXPECT_EQ(format_g(1000000.0), "1e+06");
  EXPECT_EQ(format_g(-7.0), "-7");
  EXPECT_GT(checked, 6000);
}

// Reuse factors are ratios of counts: every ratio of small counts prints as printf prints it,
// whether or not a double holds it.
TEST(MaestroCsvFormat, RatiosMatchPrintf) {
  int checked = 0;
  for (long long a = 1; a <= 3000; a += 7)
    for (long long b = 1; b <= 3000; b += 13) {
      const long double r = static_cast<long double>(a * 1000003) / static_cast<long double>(b);
      ASSERT_EQ(format_g(r), printf_g(r)) << a << "/" << b;
      const long double q = static_cast<long double>(a) / static_cast<long double>(b * 64);
      ASSERT_EQ(format_g(q), printf_g(q)) << a << "/" << b * 64;
      checked += 2;
    }
  EXPECT_EQ(checked, 2 * 429 * 231);
}

// Long doubles next to the border between two six-digit roundings (a tie of the double nearest
// to them), of every magnitude: the digits are printf's.
TEST(MaestroCsvFormat, NearTiesMatchPrintf) {
  int checked = 0;
  long double scale = 1e-12L;
  for (int e = -12; e <= 14; ++e, scale *= 10) {
    for (long long k = 100000; k < 1000000; k += 9973) {
      const long double tie = (static_cast<long double>(k) + 0.5L) * scale / 100000;
      for (long double rel : {-1e-17L, -1e-18L, 0.0L, 1e-18L, 1e-17L, 1e-12L}) {
        const long double v = tie * (1 + rel);
        ASSERT_EQ(format_g(v), printf_g(v)) << static_cast<double>(v);
        ASSERT_EQ(format_g(-v), printf_g(-v));
        checked += 2;
      }
    }
  }
  EXPECT_EQ(checked, 27 * 91 * 6 * 2);
}

}  // namespace
}  // namespace mosaic::outputs

// The one validation layer for values a user gives: every reader (accelerator, class, technology,
// core and hardware files in YAML, JSON or MAESTRO's .m format) and every command-line flag checks
// its numbers here, so NaN, infinity, a sign, a fraction or a range is refused with the same
// message wherever it is read ("must be a positive number, got -3"). The caller supplies where
// the value came from (file, line, key or flag); see docs/input-validation.md.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "common/Error.h"

namespace mosaic {

// The legal values of a real number: always finite; optionally bounded (open or closed) and
// optionally an integer.
struct NumberRule {
  double min = -std::numeric_limits<double>::infinity();
  bool min_open = false;  // min itself is illegal (e.g. "> 0")
  double max = std::numeric_limits<double>::infinity();
  bool max_open = false;
  bool integer = false;

  static NumberRule any() { return {}; }
  static NumberRule positive() { return {0.0, true}; }
  static NumberRule non_negative() { return {0.0, false}; }
  static NumberRule at_least(double lo) { return {lo, false}; }
  static NumberRule between(double lo, double hi) { return {lo, false, hi, false}; }
  NumberRule integral() const {
    NumberRule r = *this;
    r.integer = true;
    return r;
  }
  // "a positive number", "a number >= 1", "an integer between 1 and 64", ...
  std::string describe() const;
};

// The legal values of an integer: a closed range.
struct IntRule {
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();

  static IntRule any() { return {}; }
  static IntRule positive() { return {1}; }
  static IntRule non_negative() { return {0}; }
  static IntRule at_least(std::int64_t lo) { return {lo}; }
  static IntRule between(std::int64_t lo, std::int64_t hi) { return {lo, hi}; }
  std::string describe() const;
};

// Throws UserError(where, "must be <rule>, got <value>") unless `value` satisfies `rule`
// (NaN and infinities never do). Returns `value`.
double check_number(double value, const NumberRule& rule, const SourceLocation& where);
std::int64_t check_integer(std::int64_t value, const IntRule& rule, const SourceLocation& where);

// Reads a whole text as a number (decimal, optional sign, fraction and exponent; surrounding
// blanks ignored) and checks it against `rule`. "nan", "inf", ".inf" (YAML), "1e999" (overflow),
// "12abc" and "" are refused with a message quoting the text.
double parse_number(std::string_view text, const NumberRule& rule, const SourceLocation& where);
// Reads a whole text as an integer: decimal digits with an optional sign, or an integral number
// written with a fraction or an exponent ("16.0", "1e6"). "1.5" is refused ("must be an
// integer"), as is a value beyond 64 bits ("out of range").
std::int64_t parse_integer(std::string_view text, const IntRule& rule, const SourceLocation& where);

// Reads a size in bytes: a number with an optional unit, binary multiples as in the papers'
// hardware tables ("108 KB" of Eyeriss is 110,592 bytes): B; K, KB, KiB = 2^10; M, MB, MiB =
// 2^20; G, GB, GiB = 2^30; T, TB, TiB = 2^40 (letters in either case, blanks allowed before the
// unit). "1.5K" is 1536; the result must be a whole number of bytes within `rule` ("0.3K" and
// "2XB" are refused with the text quoted). The one size syntax of every flag that takes bytes.
std::int64_t parse_bytes(std::string_view text, const IntRule& rule, const SourceLocation& where);
// The same syntax where a fraction of a byte is meaningful (an average per PE: "658.3", "0.5K").
double parse_bytes_number(std::string_view text, const NumberRule& rule,
                          const SourceLocation& where);

// The text without a leading UTF-8 byte-order mark (EF BB BF). Every text reader calls it.
std::string_view strip_utf8_bom(std::string_view text);
void remove_utf8_bom(std::string& text);

}  // namespace mosaic

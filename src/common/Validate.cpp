#include "common/Validate.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

#include <fmt/format.h>

namespace mosaic {

namespace {

std::string show(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool lower_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  return true;
}

// NaN and infinity as people and YAML write them.
bool names_non_finite(std::string_view t) {
  if (!t.empty() && (t.front() == '+' || t.front() == '-')) t.remove_prefix(1);
  if (!t.empty() && t.front() == '.') t.remove_prefix(1);
  return lower_equals(t, "nan") || lower_equals(t, "inf") || lower_equals(t, "infinity");
}

}  // namespace

std::string NumberRule::describe() const {
  const char* noun = integer ? "an integer" : "a number";
  const bool has_min = std::isfinite(min);
  const bool has_max = std::isfinite(max);
  if (has_min && !has_max) {
    if (min == 0 && min_open) return integer ? "a positive integer" : "a positive number";
    if (min == 0 && !min_open) return integer ? "a non-negative integer" : "a non-negative number";
    return fmt::format("{} {} {}", noun, min_open ? ">" : ">=", min);
  }
  if (has_min && has_max)
    return fmt::format("{} in {}{}, {}{}", noun, min_open ? "(" : "[", min, max,
                       max_open ? ")" : "]");
  if (has_max) return fmt::format("{} {} {}", noun, max_open ? "<" : "<=", max);
  return integer ? "a finite integer" : "a finite number";
}

std::string IntRule::describe() const {
  constexpr auto lo = std::numeric_limits<std::int64_t>::min();
  constexpr auto hi = std::numeric_limits<std::int64_t>::max();
  if (max == hi) {
    if (min == 1) return "a positive integer";
    if (min == 0) return "a non-negative integer";
    if (min == lo) return "an integer";
    return fmt::format("an integer >= {}", min);
  }
  if (min == lo) return fmt::format("an integer <= {}", max);
  return fmt::format("an integer between {} and {}", min, max);
}

double check_number(double value, const NumberRule& rule, const SourceLocation& where) {
  const bool below = rule.min_open ? !(value > rule.min) : !(value >= rule.min);
  const bool above = rule.max_open ? !(value < rule.max) : !(value <= rule.max);
  if (!std::isfinite(value) || below || above || (rule.integer && value != std::floor(value)))
    throw UserError(where, fmt::format("must be {}, got {}", rule.describe(), show(value)));
  return value;
}

std::int64_t check_integer(std::int64_t value, const IntRule& rule, const SourceLocation& where) {
  if (value < rule.min || value > rule.max)
    throw UserError(where, fmt::format("must be {}, got {}", rule.describe(), value));
  return value;
}

namespace {

// A decimal real number: [sign] digits [. digits] [e [sign] digits], at least one digit.
// `out` is the value (+-HUGE_VAL on overflow, as strtod gives it).
bool read_decimal(std::string_view t, double& out) {
  bool digit = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E')
      return false;
  }
  if (!digit) return false;
  const std::string copy(t);
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

}  // namespace

double parse_number(std::string_view text, const NumberRule& rule, const SourceLocation& where) {
  const std::string_view t = trim(text);
  if (names_non_finite(t))
    throw UserError(where, fmt::format("must be {}, got '{}'", rule.describe(), t));
  double value = 0;
  if (!read_decimal(t, value))
    throw UserError(where, fmt::format("expected {}, got '{}'", rule.describe(), t));
  if (std::isinf(value))
    throw UserError(where, fmt::format("'{}' is out of range (must be {})", t, rule.describe()));
  return check_number(value, rule, where);
}

std::int64_t parse_integer(std::string_view text, const IntRule& rule,
                           const SourceLocation& where) {
  const std::string_view t = trim(text);
  std::string_view digits = t;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  const auto too_big = [&] {
    return UserError(where, fmt::format("'{}' is out of range (must be {} that fits in 64 bits)", t,
                                        rule.describe()));
  };
  if (!digits.empty() && end == digits.data() + digits.size()) {
    if (ec == std::errc::result_out_of_range) throw too_big();
    if (ec == std::errc()) return check_integer(value, rule, where);
  }
  // An integral number written with a fraction or an exponent: "16.0", "1e6".
  if (names_non_finite(t))
    throw UserError(where, fmt::format("must be {}, got '{}'", rule.describe(), t));
  double real = 0;
  if (!read_decimal(t, real))
    throw UserError(where, fmt::format("expected {}, got '{}'", rule.describe(), t));
  if (std::isfinite(real) && real != std::floor(real))
    throw UserError(where, fmt::format("must be {}, got {}", rule.describe(), t));
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  if (!(std::abs(real) < 9223372036854775808.0)) throw too_big();
  return check_integer(static_cast<std::int64_t>(real), rule, where);
}

std::string_view strip_utf8_bom(std::string_view text) {
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    text.remove_prefix(3);
  return text;
}

void remove_utf8_bom(std::string& text) {
  if (strip_utf8_bom(text).size() != text.size()) text.erase(0, 3);
}

double parse_bytes_number(std::string_view text, const NumberRule& rule,
                          const SourceLocation& where) {
  std::string_view t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.remove_suffix(1);
  std::size_t unit_at = t.size();
  while (unit_at > 0 && std::isalpha(static_cast<unsigned char>(t[unit_at - 1]))) --unit_at;
  std::string unit(t.substr(unit_at));
  for (auto& ch : unit) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  int shift = -1;
  if (unit.empty() || unit == "B") shift = 0;
  const char* prefixes = "KMGT";
  for (int p = 0; p < 4; ++p) {
    const std::string k(1, prefixes[p]);
    if (unit == k || unit == k + "B" || unit == k + "IB") shift = 10 * (p + 1);
  }
  if (shift < 0 || unit_at == 0)
    throw UserError(where, fmt::format("'{}' is not a size: expected bytes with an optional unit "
                                       "(B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB)",
                                       text));
  const double number = parse_number(t.substr(0, unit_at), NumberRule::non_negative(), where);
  return check_number(std::ldexp(number, shift), rule, where);
}

std::int64_t parse_bytes(std::string_view text, const IntRule& rule, const SourceLocation& where) {
  const double bytes = parse_bytes_number(text, NumberRule::non_negative(), where);
  if (bytes != std::floor(bytes))
    throw UserError(where, fmt::format("'{}' is not a whole number of bytes", text));
  if (bytes >= 9.2e18) throw UserError(where, fmt::format("'{}' is out of range", text));
  return check_integer(static_cast<std::int64_t>(bytes), rule, where);
}

}  // namespace mosaic

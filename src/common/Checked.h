// Arithmetic that cannot lie: cycle, MAC and byte counts are 64-bit integers, and a product or a
// sum that does not fit is an error ("the layer's MACs (2^31 x 2^31 x 2^31) exceed 2^63 - 1"),
// never a wrapped negative number. The checks are one overflow flag each (__builtin_*_overflow)
// and a cold call when they fire, so the hot paths keep their speed (bench/README.md).
#pragma once

#include <cstdint>
#include <initializer_list>

namespace mosaic {

// Throws UserError("<what> cannot be represented: <a> <op> <b> exceeds 2^63 - 1 ...").
[[noreturn]] void report_overflow(const char* what, std::int64_t a, char op, std::int64_t b);
// Throws UserError("<what> is not a finite quantity (<value>)") for NaN / infinite results.
[[noreturn]] void report_non_finite(const char* what, double value);

inline std::int64_t checked_mul(std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) [[unlikely]]
    report_overflow(what, a, '*', b);
  return r;
}

inline std::int64_t checked_add(std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r)) [[unlikely]]
    report_overflow(what, a, '+', b);
  return r;
}

inline std::int64_t checked_sub(std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) [[unlikely]]
    report_overflow(what, a, '-', b);
  return r;
}

// The product of every factor, checked at each step.
inline std::int64_t checked_product(std::initializer_list<std::int64_t> factors, const char* what) {
  std::int64_t r = 1;
  for (std::int64_t f : factors) r = checked_mul(r, f, what);
  return r;
}

// A double result that must be a finite quantity (a latency or energy from a cost model).
inline double checked_finite(double value, const char* what) {
  if (!(value - value == 0.0)) [[unlikely]]
    report_non_finite(what, value);
  return value;
}

}  // namespace mosaic

// Python's numeric semantics, needed where the loop-nest model must reproduce ZigZag (a Python
// tool) to the last rounding step: round() is round-half-to-even, int() truncates, // on floats
// is CPython's float floor division, round(x, 3) rounds the exact binary value to 3 decimals.
// Counts in ZigZag are Python ints (exact); here they are doubles, exact below 2^53, which every
// count of a real layer is.
#pragma once

#include <cfenv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mosaic::cost::py {

// round(x): nearest integer, ties to even (the default IEEE rounding mode).
inline double round(double x) {
  return std::nearbyint(x);
}

// int(x): truncation toward zero.
inline double trunc(double x) {
  return std::trunc(x);
}

inline double ceil(double x) {
  return std::ceil(x);
}

// x // y for floats (CPython float_floor_div); also exact for integral doubles.
inline double floordiv(double vx, double wx) {
  double mod = std::fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod != 0.0) {
    if ((wx < 0) != (mod < 0)) {
      mod += wx;
      div -= 1.0;
    }
  }
  double floordiv;
  if (div != 0.0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, vx / wx);
  }
  return floordiv;
}

// round(x, 3): correctly rounded to 3 decimals (CPython uses exact decimal conversion; printf's
// %.3f does the same with round-half-even on the exact binary value).
inline double round3(double x) {
  // Fast path: values that are already integers (the common case for unit counts).
  if (x == std::floor(x) && std::fabs(x) < 1e15) return x;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", x);
  return std::strtod(buf, nullptr);
}

inline double max(double a, double b) {
  return a > b ? a : b;
}

}  // namespace mosaic::cost::py

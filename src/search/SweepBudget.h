// The size of a sweep before it starts: its design points, the memory it holds and a lower bound
// on its time, checked against the memory the machine has free and a time limit. A sweep that
// will not fit or would run longer is refused with the numbers and a suggestion, unless the user
// confirms with `--allow-large` (the one flag name every sweeping verb uses). docs/resources.md
// lists, per verb, what is counted and the measured rates the time bound uses.
#pragma once

#include <cstdint>
#include <string>

namespace mosaic::search {

// The flag that confirms a sweep the estimate refuses.
inline constexpr const char* kAllowLargeFlag = "--allow-large";
inline constexpr const char* kAllowLargeHelp =
    "Run the sweep even when its estimate exceeds the free memory or the time limit";

struct SweepEstimate {
  std::string what;        // "herald design points"
  double points = 0;       // design points (a double: the count may exceed 2^63)
  double bytes = 0;        // memory the sweep holds at its peak (estimate)
  double seconds = 0;      // a lower bound on the wall time (optimistic rates, all threads)
  std::string suggestion;  // how to make it smaller ("lower --granularity", ...)
};

struct SweepLimits {
  double memory_bytes = 0;  // what the sweep may hold
  double seconds = 3600;    // the longest run accepted without confirmation
};

// The machine's limits: the memory the kernel reports available (MemAvailable of /proc/meminfo,
// or the physical memory when that is unknown), at most 80 % of it, and one hour. The
// environment variable MOSAIC_SWEEP_LIMIT_SECONDS overrides the hour (for tests and batch jobs).
SweepLimits machine_limits();

// "1.2 GB", "3.4 TB", "512 B".
std::string format_bytes(double bytes);
// "45 s", "12 min", "3.1 h", "2.5 days", "4.1e+03 years".
std::string format_duration(double seconds);

// Throws UserError (naming `flag`, e.g. "--granularity") when the estimate exceeds the limits
// and `allowed` is false: "the sweep has N design points: about X of memory (Y available) and
// at least T (limit L); <suggestion>, or add --allow-large to run it anyway".
void check_sweep(const SweepEstimate& estimate, const SweepLimits& limits, bool allowed,
                 const std::string& flag);

// C(n, k) as a double (the number of compositions of n units into k + 1 positive parts is
// C(n - 1, k)); 0 when k < 0 or k > n.
double binomial(double n, double k);

}  // namespace mosaic::search

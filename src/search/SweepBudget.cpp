#include "search/SweepBudget.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/Error.h"

namespace mosaic::search {

namespace {

// MemAvailable of /proc/meminfo in bytes; 0 when absent.
double mem_available_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string key;
    double kib = 0;
    if (s >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  return 0;
}

}  // namespace

SweepLimits machine_limits() {
  SweepLimits l;
  double avail = mem_available_bytes();
  if (avail <= 0) {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) avail = static_cast<double>(pages) * static_cast<double>(page);
  }
  l.memory_bytes = avail > 0 ? 0.8 * avail : 1e30;
  if (const char* env = std::getenv("MOSAIC_SWEEP_LIMIT_SECONDS")) {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (end != env && *end == '\0' && std::isfinite(v) && v > 0) l.seconds = v;
  }
  return l;
}

std::string format_bytes(double bytes) {
  static const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) {
    bytes /= 1024;
    ++u;
  }
  if (u == 0) return fmt::format("{:.0f} B", bytes);
  return bytes >= 1e4 ? fmt::format("{:.2g} {}", bytes, units[u])
                      : fmt::format("{:.1f} {}", bytes, units[u]);
}

std::string format_duration(double s) {
  if (s < 90) return fmt::format("{:.0f} s", s);
  if (s < 90 * 60) return fmt::format("{:.0f} min", s / 60);
  if (s < 48 * 3600) return fmt::format("{:.1f} h", s / 3600);
  const double days = s / 86400;
  if (days < 730) return fmt::format("{:.1f} days", days);
  const double years = days / 365.25;
  return years < 1e4 ? fmt::format("{:.0f} years", years) : fmt::format("{:.2g} years", years);
}

double binomial(double n, double k) {
  if (k < 0 || k > n) return 0;
  k = std::min(k, n - k);
  double r = 1;
  for (double i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return std::round(r);
}

void check_sweep(const SweepEstimate& e, const SweepLimits& limits, bool allowed,
                 const std::string& flag) {
  const bool too_big = e.bytes > limits.memory_bytes;
  const bool too_long = e.seconds > limits.seconds;
  if (allowed || (!too_big && !too_long)) return;
  std::string why;
  if (too_big)
    why = fmt::format("about {} of memory ({} available)", format_bytes(e.bytes),
                      format_bytes(limits.memory_bytes));
  if (too_long)
    why += fmt::format("{}at least {} (limit {})", why.empty() ? "" : " and ",
                       format_duration(e.seconds), format_duration(limits.seconds));
  throw UserError(SourceLocation{"", 0, flag},
                  fmt::format("the sweep has {:.4g} {}: {}; {}, or add {} to run it anyway",
                              e.points, e.what, why, e.suggestion, kAllowLargeFlag));
}

}  // namespace mosaic::search

// Progress reporting and Ctrl-C handling for long searches: a throttled progress line on stderr
// and a SIGINT handler that asks the search to stop and keep what is finished.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace mosaic::search {

// Seconds of steady-clock time since `t` (progress lines, elapsed times of summaries).
inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// While alive, SIGINT sets a flag instead of killing the process (a second SIGINT restores the
// default action, so a stuck run can still be killed). Guards nest: an inner guard (a search
// run inside a larger job) neither resets the flag nor reinstalls the handler, so a Ctrl-C
// during one inner run stops the whole job.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  static bool interrupted();
  static void reset();
};

// One progress line: "<what>: 3/20 (15%) 4.1 s, ETA 23 s" (no ETA before 1 % of the units is
// done; the ETA assumes the remaining units take as long on average as the finished ones).
std::string progress_line(const std::string& what, double elapsed_seconds, std::int64_t done,
                          std::int64_t total);

// A throttled "\r" progress line on stderr (at most five a second), with an ETA.
class Progress {
 public:
  Progress(std::string what, std::int64_t total, bool enabled);
  void add(std::int64_t n = 1);
  void finish();

 private:
  std::string what_;
  std::int64_t total_;
  bool enabled_;
  std::atomic<std::int64_t> done_{0};
  std::atomic<std::int64_t> last_print_ns_{0};
  std::atomic<bool> final_printed_{false};
  std::chrono::steady_clock::time_point start_;
};

}  // namespace mosaic::search

#include "search/Progress.h"

#include <csignal>
#include <cstdio>

namespace mosaic::search {

namespace {
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_depth{0};  // guards alive; only the outermost installs, resets and restores
void (*g_previous)(int) = SIG_DFL;

void on_sigint(int) {  // internal linkage (anonymous namespace)
  g_interrupted.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C kills
}
}  // namespace

InterruptGuard::InterruptGuard() {
  if (g_depth.fetch_add(1) > 0) return;  // nested (e.g. a Herald run inside the experiments)
  g_interrupted.store(false);
  g_previous = std::signal(SIGINT, on_sigint);
}

InterruptGuard::~InterruptGuard() {
  if (g_depth.fetch_sub(1) > 1) return;
  std::signal(SIGINT, g_previous == SIG_ERR ? SIG_DFL : g_previous);
}

bool InterruptGuard::interrupted() {
  return g_interrupted.load();
}
void InterruptGuard::reset() {
  g_interrupted.store(false);
}

std::string progress_line(const std::string& what, double s, std::int64_t done,
                          std::int64_t total) {
  const double pct =
      total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0;
  char buf[96];
  std::snprintf(buf, sizeof buf, ": %lld/%lld (%.0f%%) %.1f s", static_cast<long long>(done),
                static_cast<long long>(total), pct, s);
  std::string line = what + buf;
  if (done > 0 && done < total && 100 * done >= total) {  // from 1 % on: a steadier rate
    const double eta = s * static_cast<double>(total - done) / static_cast<double>(done);
    if (eta < 90)
      std::snprintf(buf, sizeof buf, ", ETA %.0f s", eta);
    else if (eta < 5400)
      std::snprintf(buf, sizeof buf, ", ETA %.0f min", eta / 60);
    else
      std::snprintf(buf, sizeof buf, ", ETA %.1f h", eta / 3600);
    line += buf;
  }
  return line;
}

Progress::Progress(std::string what, std::int64_t total, bool enabled)
    : what_(std::move(what)),
      total_(total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()) {}

void Progress::add(std::int64_t n) {
  const std::int64_t done = done_.fetch_add(n) + n;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const std::int64_t ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - start_).count();
  std::int64_t last = last_print_ns_.load();
  if (done < total_ && ns - last < 200'000'000) return;
  if (!last_print_ns_.compare_exchange_strong(last, ns)) return;
  if (done >= total_ && final_printed_.exchange(true)) return;  // the 100 % line once
  const double s = static_cast<double>(ns) * 1e-9;
  // Padded so that a shorter line (the ETA gone) overwrites the previous one.
  std::fprintf(stderr, "\r%-78s", progress_line(what_, s, done, total_).c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_) return;
  add(0);
  std::fprintf(stderr, "\n");
}

}  // namespace mosaic::search

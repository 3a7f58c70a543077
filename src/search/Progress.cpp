#include "search/Progress.h"

#include <csignal>
#include <cstdio>

namespace mosaic::search {

namespace {
std::atomic<bool> g_interrupted{false};
void (*g_previous)(int) = SIG_DFL;

void on_sigint(int) {  // internal linkage (anonymous namespace)
  g_interrupted.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C kills
}
}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted.store(false);
  g_previous = std::signal(SIGINT, on_sigint);
}

InterruptGuard::~InterruptGuard() {
  std::signal(SIGINT, g_previous == SIG_ERR ? SIG_DFL : g_previous);
}

bool InterruptGuard::interrupted() {
  return g_interrupted.load();
}
void InterruptGuard::reset() {
  g_interrupted.store(false);
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
  const double pct =
      total_ > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0;
  std::fprintf(stderr, "\r%s: %lld/%lld (%.0f%%) %.1f s", what_.c_str(),
               static_cast<long long>(done), static_cast<long long>(total_), pct, s);
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_) return;
  add(0);
  std::fprintf(stderr, "\n");
}

}  // namespace mosaic::search

// Independent work items on several threads with results that do not depend on the thread count:
// item i's result is stored at index i, and `in_order` (optional) sees the results in index order
// (item i only after items 0..i-1), whichever thread finished first. The verbs whose work is a
// list of independent layers (map, memsize) run through it.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mosaic {

// The thread count `threads` asks for: 0 = the hardware's, at most `items` (and at least 1).
inline int worker_count(int threads, std::size_t items) {
  int n = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  n = std::max(1, n);
  return static_cast<int>(
      std::min<std::size_t>(static_cast<std::size_t>(n), std::max<std::size_t>(1, items)));
}

// Runs fn(i) for i in [0, n). The exception of the lowest failing item is rethrown (the items
// after a failure are not started).
template <class T, class F>
std::vector<T> parallel_map(std::size_t n, int threads, F fn,
                            const std::function<void(std::size_t, const T&)>& in_order = {}) {
  std::vector<std::optional<T>> slots(n);
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex m;
  std::size_t reported = 0;
  auto work = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= n || failed.load()) return;
      try {
        T r = fn(i);
        std::lock_guard<std::mutex> lock(m);
        slots[i] = std::move(r);
        while (reported < n && slots[reported]) {
          if (in_order) in_order(reported, *slots[reported]);
          ++reported;
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(m);
        errors[i] = std::current_exception();
        failed = true;
      }
    }
  };
  const int workers = worker_count(threads, n);
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(workers));
    for (int t = 0; t < workers; ++t) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  std::vector<T> out;
  out.reserve(n);
  for (auto& s : slots) out.push_back(std::move(*s));
  return out;
}

}  // namespace mosaic

// The threads a search runs on, and TBB held to them while the search runs (Herald, H3M, their
// MPI workers).
#pragma once

#include <cstddef>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

namespace mosaic::search {

// `requested` threads, or every core of the machine when it is 0 (or negative).
inline int search_threads(int requested) {
  return requested > 0 ? requested : static_cast<int>(tbb::this_task_arena::max_concurrency());
}

// For its lifetime, TBB runs at most `count` threads.
struct SearchThreads {
  explicit SearchThreads(int requested)
      : count(search_threads(requested)),
        limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(count)) {}
  const int count;
  tbb::global_control limit;
};

}  // namespace mosaic::search

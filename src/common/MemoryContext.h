// What the program was allocating when memory ran out: a std::bad_alloc reaching main() is
// reported as "error: out of memory: <context>" with exit 1 instead of "std::bad_alloc". Code that
// makes large allocations (sweeps, result tables) names them with a MemoryContext for its scope.
#pragma once

#include <string>

namespace mosaic {

// Sets the current context for its lifetime and restores the previous one after. The text is
// kept by pointer: pass a string literal or a string that outlives the scope.
class MemoryContext {
 public:
  explicit MemoryContext(const char* what);
  ~MemoryContext();
  MemoryContext(const MemoryContext&) = delete;
  MemoryContext& operator=(const MemoryContext&) = delete;

 private:
  const char* previous_;
};

// The innermost context still open (or "while running the command" when none is); on the thread
// that caught the exception. Contexts are per thread; a worker thread's bad_alloc crosses into the
// caller through TBB/std::thread, so the message then names the caller's context.
std::string allocation_context();

}  // namespace mosaic

#include "common/MemoryContext.h"

#include <exception>

namespace mosaic {

namespace {
thread_local const char* current = nullptr;
// The last context open when an exception unwound past it (the catch site runs after the
// destructors have restored the previous context).
thread_local const char* unwound = nullptr;
}  // namespace

MemoryContext::MemoryContext(const char* what) : previous_(current) {
  current = what;
  unwound = nullptr;
}

MemoryContext::~MemoryContext() {
  if (std::uncaught_exceptions() > 0 && unwound == nullptr) unwound = current;
  current = previous_;
}

std::string allocation_context() {
  const char* what = unwound != nullptr ? unwound : current;
  return what != nullptr ? std::string("while ") + what : "while running the command";
}

}  // namespace mosaic

// operator new / delete of the static `mosaic` front (cli/Front.h) only. A short run pays a page
// fault for every fresh page it touches (~25 us each on the VM of bench/README.md, where a
// ResNet-50 `maestro` run touched 120 heap pages). Here C++ allocations come from one arena
// marked for transparent huge pages (MADV_HUGEPAGE; the system's THP mode is "madvise"): the
// first touch maps a 2 MiB page, and the run's heap then costs one fault. Blocks are kept in
// size classes (16-byte steps up to 512 bytes, powers of two above) and reused when freed; blocks
// above 32 MiB, aligned new, and anything once the 256 MiB arena is used up go to malloc. Where
// the kernel has no huge page to give, the arena is ordinary memory (4 KiB faults as before).
// The arena (and its 2 MiB fault, ~0.3 ms) starts with the first block of 4 KiB or more, or after
// 16 KiB of small ones: until then blocks come from malloc, so that a run that only hands the
// command line to mosaic-full never maps it.
#include <sys/mman.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t kHuge = std::size_t{2} << 20;
constexpr std::size_t kArenaBytes = std::size_t{256} << 20;
constexpr std::size_t kHeader = 16;  // keeps blocks 16-byte aligned (alignof(max_align_t))
constexpr std::size_t kSmallStep = 16, kSmallMax = 512;
constexpr unsigned kSmallClasses = kSmallMax / kSmallStep;  // 16 .. 512
constexpr unsigned kLargeClasses = 16;                      // 1 KiB .. 32 MiB
constexpr std::size_t kLargeMax = std::size_t{1024} << (kLargeClasses - 1);
constexpr std::size_t kStartBlock = 4096, kStartTotal = 16 << 10;

struct FreeBlock {
  FreeBlock* next;
};

struct Arena {
  char* begin = nullptr;
  char* next = nullptr;
  char* end = nullptr;
  bool tried = false;
  std::size_t small_before = 0;  // bytes given by malloc before the arena started
  FreeBlock* free_lists[kSmallClasses + kLargeClasses] = {};
};

Arena arena;  // zero-initialised (.bss): no constructor runs before the first allocation
std::atomic_flag arena_lock = ATOMIC_FLAG_INIT;

struct Lock {
  Lock() {
    while (arena_lock.test_and_set(std::memory_order_acquire)) {
    }
  }
  ~Lock() { arena_lock.clear(std::memory_order_release); }
};

// The class of a request and the block size it gets (header included), or false when too big.
bool size_class(std::size_t n, unsigned& cls, std::size_t& bytes) {
  const std::size_t need = n + kHeader;
  if (need <= kSmallMax) {
    cls = static_cast<unsigned>((need + kSmallStep - 1) / kSmallStep) - 1;
    bytes = (cls + 1) * kSmallStep;
    return true;
  }
  if (need > kLargeMax) return false;
  cls = kSmallClasses;
  bytes = 1024;
  while (bytes < need) {
    bytes <<= 1;
    ++cls;
  }
  return true;
}

void reserve_arena() {
  arena.tried = true;
  void* p = ::mmap(nullptr, kArenaBytes + kHuge, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return;
  // The first 2 MiB boundary in the mapping (pointer arithmetic, no integer-to-pointer cast).
  const auto raw = reinterpret_cast<std::uintptr_t>(p);
  char* aligned = static_cast<char*>(p) + (kHuge - raw % kHuge) % kHuge;
  ::madvise(aligned, kArenaBytes, MADV_HUGEPAGE);  // a hint: without THP, ordinary pages
  arena.begin = arena.next = aligned;
  arena.end = aligned + kArenaBytes;
}

void* arena_allocate(std::size_t n) {
  unsigned cls = 0;
  std::size_t bytes = 0;
  if (!size_class(n, cls, bytes)) return nullptr;
  Lock lock;
  char* block = nullptr;
  if (FreeBlock* f = arena.free_lists[cls]) {
    arena.free_lists[cls] = f->next;
    block = reinterpret_cast<char*>(f);
  } else {
    if (!arena.tried) {
      if (n < kStartBlock && arena.small_before + n < kStartTotal) {
        arena.small_before += n;
        return nullptr;
      }
      reserve_arena();
    }
    if (arena.begin == nullptr || static_cast<std::size_t>(arena.end - arena.next) < bytes)
      return nullptr;
    block = arena.next;
    arena.next += bytes;
  }
  *reinterpret_cast<unsigned*>(block) = cls;
  return block + kHeader;
}

bool in_arena(void* p) {
  return arena.begin != nullptr && static_cast<char*>(p) >= arena.begin &&
         static_cast<char*>(p) < arena.end;
}

void* allocate(std::size_t n) {
  if (void* p = arena_allocate(n)) return p;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  return nullptr;
}

void release(void* p) noexcept {
  if (p == nullptr) return;
  if (!in_arena(p)) {
    std::free(p);
    return;
  }
  char* block = static_cast<char*>(p) - kHeader;
  const unsigned cls = *reinterpret_cast<unsigned*>(block);
  Lock lock;
  auto* f = reinterpret_cast<FreeBlock*>(block);
  f->next = arena.free_lists[cls];
  arena.free_lists[cls] = f;
}

}  // namespace

void* operator new(std::size_t n) {
  if (void* p = allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return allocate(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return allocate(n);
}
void operator delete(void* p) noexcept {
  release(p);
}
void operator delete[](void* p) noexcept {
  release(p);
}
void operator delete(void* p, std::size_t) noexcept {
  release(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  release(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  release(p);
}

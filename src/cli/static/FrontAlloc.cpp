// The heap of the static `mosaic` front (cli/Front.h) only: malloc, free and their relatives (which
// glibc lets a statically linked program define in place of its own) and operator new / delete.
// A short run pays a page fault for every fresh page it touches (~25 us each on the VM of
// bench/README.md, where a ResNet-50 `maestro` run touched 120 heap pages). Here every allocation,
// C and C++ alike, comes from one arena marked for transparent huge pages (MADV_HUGEPAGE; the
// system's THP mode is "madvise"): the first touch maps a 2 MiB page, and the run's heap then
// costs one fault. Blocks are kept in size classes (16-byte steps up to 512 bytes, powers of two
// above) and reused when freed; blocks above 32 MiB, and anything once the 256 MiB arena is used
// up, are mappings of their own. Where the kernel has no huge page to give, the arena is ordinary
// memory (4 KiB faults, as glibc's heap would cost).
// The arena (and its 2 MiB fault, ~0.3 ms) starts with the first block of 4 KiB or more, or after
// 16 KiB of small ones: until then blocks come from a small static buffer, so that a run that only
// hands the command line to mosaic-full (glibc's own start-up allocates a few hundred bytes) never
// maps it. With glibc's malloc, those first blocks and libstdc++'s 73 KiB emergency exception
// pool touched five pages of the program break and one of malloc's state (bench/README.md).
// The front is single-threaded; a spin lock keeps the structures consistent all the same.
#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
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
constexpr std::size_t kPage = 4096;

// What precedes every block handed out: its kind, and what free() needs to give it back.
enum class Kind : std::uint32_t { Classed = 0x6d6f7361, Mapped, Aligned };
struct Header {
  Kind kind;
  std::uint32_t cls;  // Classed: the size class
  std::size_t extra;  // Mapped: the mapping's length; Aligned: the distance back to the block
};
static_assert(sizeof(Header) == kHeader);

struct FreeBlock {
  FreeBlock* next;
};

struct Arena {
  char* begin = nullptr;
  char* next = nullptr;
  char* end = nullptr;
  bool tried = false;
  std::size_t early_used = 0;  // bytes of `early` handed out before the arena started
  FreeBlock* free_lists[kSmallClasses + kLargeClasses] = {};
};

Arena arena;  // zero-initialised (.bss): no constructor runs before the first allocation
// The blocks before the arena starts (.bss), on pages of their own: glibc's start-up takes 1-3 KiB
// of it, one page fault wherever the link puts it (it shared a page with other data before, and
// crossed into a second page or not with each change of the layout).
alignas(kPage) char early[kStartTotal];
std::atomic_flag arena_lock = ATOMIC_FLAG_INIT;

struct Lock {
  Lock() {
    while (arena_lock.test_and_set(std::memory_order_acquire)) {
    }
  }
  ~Lock() { arena_lock.clear(std::memory_order_release); }
};

Header* header_of(void* p) {
  return reinterpret_cast<Header*>(static_cast<char*>(p) - kHeader);
}

// The class of a request and the block size it gets (header included), or false when too big.
bool size_class(std::size_t n, unsigned& cls, std::size_t& bytes) {
  if (n > kLargeMax) return false;
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

std::size_t class_bytes(unsigned cls) {
  return cls < kSmallClasses ? (cls + 1) * kSmallStep : std::size_t{1024} << (cls - kSmallClasses);
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

// A block of a size class, from its free list, the early buffer or the arena; null when the
// arena cannot give it (then the caller maps the block on its own).
char* classed_block(std::size_t n, unsigned cls, std::size_t bytes) {
  Lock lock;
  if (FreeBlock* f = arena.free_lists[cls]) {
    arena.free_lists[cls] = f->next;
    return reinterpret_cast<char*>(f);
  }
  if (!arena.tried) {
    if (n < kStartBlock && arena.early_used + bytes <= sizeof early) {
      char* block = early + arena.early_used;
      arena.early_used += bytes;
      return block;
    }
    reserve_arena();
  }
  if (arena.begin == nullptr || static_cast<std::size_t>(arena.end - arena.next) < bytes)
    return nullptr;
  char* block = arena.next;
  arena.next += bytes;
  return block;
}

void* mapped_block(std::size_t n) {
  if (n > SIZE_MAX - kHeader - kPage) return nullptr;
  const std::size_t length = (n + kHeader + kPage - 1) / kPage * kPage;
  void* p = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  auto* h = static_cast<Header*>(p);
  *h = Header{Kind::Mapped, 0, length};
  return static_cast<char*>(p) + kHeader;
}

void* allocate(std::size_t n) {
  unsigned cls = 0;
  std::size_t bytes = 0;
  if (size_class(n, cls, bytes)) {
    if (char* block = classed_block(n, cls, bytes)) {
      *reinterpret_cast<Header*>(block) = Header{Kind::Classed, cls, 0};
      return block + kHeader;
    }
  }
  if (void* p = mapped_block(n)) return p;
  errno = ENOMEM;
  return nullptr;
}

void release(void* p) noexcept {
  if (p == nullptr) return;
  Header* h = header_of(p);
  switch (h->kind) {
    case Kind::Classed: {
      Lock lock;
      auto* f = reinterpret_cast<FreeBlock*>(h);
      f->next = arena.free_lists[h->cls];
      arena.free_lists[h->cls] = f;
      return;
    }
    case Kind::Mapped:
      ::munmap(h, h->extra);
      return;
    case Kind::Aligned:
      release(static_cast<char*>(p) - h->extra);
      return;
  }
  __builtin_trap();  // not a block of this heap: a double free or a stray pointer
}

std::size_t usable_size(void* p) {
  if (p == nullptr) return 0;
  const Header* h = header_of(p);
  switch (h->kind) {
    case Kind::Classed:
      return class_bytes(h->cls) - kHeader;
    case Kind::Mapped:
      return h->extra - kHeader;
    case Kind::Aligned:
      return usable_size(static_cast<char*>(p) - h->extra) - h->extra;
  }
  __builtin_trap();
}

// A block whose address is a multiple of `alignment` (a power of two): an ordinary block large
// enough to hold an aligned one with a header of its own before it.
void* allocate_aligned(std::size_t alignment, std::size_t n) {
  if (alignment <= kHeader) return allocate(n);
  if (n > SIZE_MAX - alignment - kHeader) {
    errno = ENOMEM;
    return nullptr;
  }
  char* base = static_cast<char*>(allocate(n + alignment + kHeader));
  if (base == nullptr) return nullptr;
  const auto raw = reinterpret_cast<std::uintptr_t>(base + kHeader);
  char* p = base + kHeader + (alignment - raw % alignment) % alignment;
  *header_of(p) = Header{Kind::Aligned, 0, static_cast<std::size_t>(p - base)};
  return p;
}

bool power_of_two(std::size_t a) {
  return a != 0 && (a & (a - 1)) == 0;
}

}  // namespace

extern "C" {

void* malloc(std::size_t n) {
  return allocate(n);
}

void free(void* p) {
  release(p);
}

void* calloc(std::size_t count, std::size_t size) {
  if (size != 0 && count > SIZE_MAX / size) {
    errno = ENOMEM;
    return nullptr;
  }
  void* p = allocate(count * size);
  if (p != nullptr) std::memset(p, 0, count * size);
  return p;
}

void* realloc(void* p, std::size_t n) {
  if (p == nullptr) return allocate(n);
  if (n == 0) {
    release(p);
    return nullptr;
  }
  const std::size_t have = usable_size(p);
  if (n <= have) return p;
  void* q = allocate(n);
  if (q == nullptr) return nullptr;
  std::memcpy(q, p, have);
  release(p);
  return q;
}

void* reallocarray(void* p, std::size_t count, std::size_t size) {
  if (size != 0 && count > SIZE_MAX / size) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(p, count * size);
}

void* memalign(std::size_t alignment, std::size_t n) {
  if (!power_of_two(alignment)) {
    errno = EINVAL;
    return nullptr;
  }
  return allocate_aligned(alignment, n);
}

void* aligned_alloc(std::size_t alignment, std::size_t n) {
  return memalign(alignment, n);
}

int posix_memalign(void** out, std::size_t alignment, std::size_t n) {
  if (!power_of_two(alignment) || alignment % sizeof(void*) != 0) return EINVAL;
  void* p = allocate_aligned(alignment, n);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

void* valloc(std::size_t n) {
  return allocate_aligned(kPage, n);
}

void* pvalloc(std::size_t n) {
  if (n > SIZE_MAX - kPage) {
    errno = ENOMEM;
    return nullptr;
  }
  return allocate_aligned(kPage, (n + kPage - 1) / kPage * kPage);
}

std::size_t malloc_usable_size(void* p) {
  return usable_size(p);
}

}  // extern "C"

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

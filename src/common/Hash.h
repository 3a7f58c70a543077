// 64-bit FNV-1a (Fowler-Noll-Vo): configuration hashes and hash-table keys; not cryptographic.
// One definition for every user, so the constants are written once.
#pragma once

#include <cstdint>
#include <string_view>

namespace mosaic {

inline constexpr std::uint64_t kFnv1a64OffsetBasis = 14695981039346656037ull;
inline constexpr std::uint64_t kFnv1a64Prime = 1099511628211ull;

// The hash of `text`, continuing from `seed` (the offset basis for a fresh hash).
constexpr std::uint64_t fnv1a64(std::string_view text, std::uint64_t seed = kFnv1a64OffsetBasis) {
  std::uint64_t h = seed;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnv1a64Prime;
  }
  return h;
}

// Mixes one 64-bit word into `h` as a single FNV-1a step (for keys made of integers).
constexpr std::uint64_t fnv1a64_word(std::uint64_t h, std::uint64_t word) {
  return (h ^ word) * kFnv1a64Prime;
}

}  // namespace mosaic

// The dropout contract of packages/tensor/src/random.ts in C++, bit for bit: murmur3's fmix32 and
// the integer keep threshold ceil(p·2^24) (k·2^-24 ≥ p ⇔ k ≥ ceil(p·2^24) for an integer k).
#pragma once
#include <cmath>
#include <cstdint>

namespace cm {

inline uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

/** The threshold for keep probability 1 - p: keep when (fmix32(i ^ fmix32(seed)) >> 8) >= threshold. */
inline uint32_t dropout_threshold(double p) { return static_cast<uint32_t>(std::ceil(p * 16777216.0)); }

/** Whether dropout keeps element `index` given hseed = fmix32(seed). */
inline bool dropout_keeps(uint32_t hseed, uint32_t index, uint32_t threshold) { return (fmix32(index ^ hseed) >> 8) >= threshold; }

}  // namespace cm

// Row helpers shared by the NN kernels (softmax.cc, attention.cc): the softmax of one contiguous row
// with the oracle's edge cases (a row of only −∞ gives zeros, or −∞ for log-softmax; NaN anywhere
// makes the row NaN), its exp vectorised through vmath.h.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "common.h"
#include "vmath.h"

namespace cm {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Static: each kernel file gets its own copies (and target clones) of these row helpers.

/** The largest non-NaN element (−∞ if none); NaN is caught later by exp(NaN − m). Eight lanes vectorise. */
static CM_SIMD float row_max(const float* x, int64_t n) {
  float lane[8];
  for (float& l : lane) l = kNegInf;
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    for (int l = 0; l < 8; l++) lane[l] = x[j + l] > lane[l] ? x[j + l] : lane[l];
  }
  float m = kNegInf;
  for (; j < n; j++) m = x[j] > m ? x[j] : m;
  for (float l : lane) m = l > m ? l : m;
  return m;
}

/** A row whose max is −∞: all −∞ (→ zeros, or −∞ for log-softmax), or −∞ and NaN (→ NaN, as the oracle). */
static void degenerate_row(const float* x, float* y, int64_t n, int64_t stride, bool log) {
  bool nan = false;
  for (int64_t j = 0; j < n; j++) nan |= x[j * stride] != x[j * stride];
  for (int64_t j = 0; j < n; j++) y[j * stride] = nan ? kNaN : log ? kNegInf : 0.0f;
}

/** Softmax (or log-softmax) of one contiguous row; y may be x (then only for softmax: log-softmax reads x after writing y). */
static CM_SIMD void softmax_row(const float* x, float* y, int64_t n, bool log) {
  const float m = row_max(x, n);
  if (m == kNegInf) return degenerate_row(x, y, n, 1, log);
  // exp into y first (a plain loop GCC vectorises with vm::exp inlined), then sum it in eight lanes.
  for (int64_t j = 0; j < n; j++) y[j] = vm::exp(x[j] - m);
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    for (int l = 0; l < 8; l++) lane[l] += y[j + l];
  }
  float s = 0;
  for (; j < n; j++) s += y[j];
  for (float l : lane) s += l;
  if (log) {
    // (x − m) − log Σ: x − m is exact near the max, so the largest entries keep full precision.
    const float ls = std::log(s);
    for (j = 0; j < n; j++) y[j] = (x[j] - m) - ls;
  } else {
    const float inv = 1.0f / s;
    for (j = 0; j < n; j++) y[j] *= inv;
  }
}

}  // namespace cm

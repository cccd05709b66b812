// Vectorisable float math: exp, log, tanh, erf, sigmoid. Branch-free (every path computed, then
// selected), built from + − × and bit casts only, so GCC vectorises loops that call them (scalar libm
// calls would block it). Accuracy ≈ 1–3 ulp over the whole range; NaN, ±inf, overflow and underflow
// behave like libm (src/kernels/elementwise.spec.ts checks ≤ 2 ulp against double precision over a
// sweep of all float bit patterns). Under -ffp-contract=fast the a*b+c forms fuse to FMA on AVX2
// builds, which only improves accuracy. Callers: select with vm::sel, not ?:, where an operand is
// computed (see sel), or the calling loop may stay scalar.
#pragma once
#include <cstdint>
#include <cstring>

namespace cm {
namespace vm {

inline float as_float(int32_t i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}
inline int32_t as_int(float f) {
  int32_t i;
  std::memcpy(&i, &f, 4);
  return i;
}
/**
 * c ? a : b as bit masks. A plain ?: whose operand is computed lets GCC sink that computation into a
 * branch, and under -ftrapping-math (the default) it then refuses to if-convert the loop, which
 * stays scalar; the masks keep both sides computed and the loop vectorised.
 */
inline float sel(bool c, float a, float b) {
  int32_t m = -static_cast<int32_t>(c);
  return as_float((as_int(a) & m) | (as_int(b) & ~m));
}
inline float copysign_(float mag, float sgn) { return as_float((as_int(mag) & 0x7fffffff) | (as_int(sgn) & int32_t(0x80000000))); }
inline float fabs_(float x) { return as_float(as_int(x) & 0x7fffffff); }

/**
 * e^x: Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, Cephes' degree-6 polynomial for e^r, then
 * scaling by 2^n in two halves so results down into the subnormals are right. Overflows to +inf
 * past 88.72, underflows to 0 below −103.97, exp(NaN) = NaN.
 */
inline float exp(float x) {
  // Clamps as masks too: with ?: GCC threads the clamped paths apart and constant-folds them into
  // overflowing (trapping) products, which again blocks vectorisation.
  float xc = sel(x > 88.8f, 88.8f, x);
  xc = sel(xc < -104.0f, -104.0f, xc);
  // round(x·log2 e) by the 1.5·2^23 trick (round-to-nearest without a libm call).
  const float magic = 12582912.0f;
  float n = (xc * 1.44269504088896341f + magic) - magic;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float z = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * z + r + 1.0f;
  // n as an integer from the bits of the rounded sum (no float→int conversion, which NaN makes UB).
  int32_t ni = as_int(xc * 1.44269504088896341f + magic) - as_int(magic);
  int32_t n1 = ni >> 1;
  int32_t n2 = ni - n1;
  y = y * as_float((n1 + 127) << 23) * as_float((n2 + 127) << 23);
  return sel(x != x, x, y);
}

/**
 * ln x: x = m·2^e with m ∈ [√½, √2), Cephes' degree-9 polynomial for ln(m). Subnormals are
 * rescaled first; ln 0 = −inf, ln(negative) = NaN, ln inf = inf, ln NaN = NaN.
 */
inline float log(float x) {
  bool sub = x < 1.17549435e-38f;
  float xs = sel(sub, x * 8388608.0f, x);  // ×2^23 lifts subnormals into the normal range
  int32_t bits = as_int(xs);
  float e = static_cast<float>(((bits >> 23) & 0xff) - 126) - sel(sub, 23.0f, 0.0f);
  float m = as_float((bits & 0x007fffff) | 0x3f000000);  // [0.5, 1)
  bool lo = m < 0.707106781186547524f;
  e = sel(lo, e - 1.0f, e);
  m = sel(lo, m + m - 1.0f, m - 1.0f);
  float z = m * m;
  float p = 7.0376836292e-2f;
  p = p * m - 1.1514610310e-1f;
  p = p * m + 1.1676998740e-1f;
  p = p * m - 1.2420140846e-1f;
  p = p * m + 1.4249322787e-1f;
  p = p * m - 1.6668057665e-1f;
  p = p * m + 2.0000714765e-1f;
  p = p * m - 2.4999993993e-1f;
  p = p * m + 3.3333331174e-1f;
  float y = p * m * z;
  y = y + e * -2.12194440e-4f;
  y = y - 0.5f * z;
  float r = m + y;
  r = r + e * 0.693359375f;
  const float inf = as_float(0x7f800000), nan = as_float(0x7fc00000);
  r = sel(x == 0.0f, -inf, r);
  r = sel(x == inf, inf, r);
  r = sel(x < 0.0f, nan, r);
  return sel(x != x, x, r);
}

/**
 * tanh x: Cephes' odd polynomial for |x| < 0.625, else sign(x)·(1 − 2/(e^{2|x|} + 1)), which
 * saturates to ±1 (e^{2|x|} → inf) without overflow trouble. tanh NaN = NaN.
 */
inline float tanh(float x) {
  float ax = fabs_(x);
  float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  float small = p * z * x + x;
  float e = exp(2.0f * sel(ax > 44.0f, 44.0f, ax));
  float big = copysign_(1.0f - 2.0f / (e + 1.0f), x);
  float r = sel(ax < 0.625f, copysign_(small, x), big);  // copysign keeps tanh(−0) = −0
  return sel(x != x, x, r);
}

/**
 * erf x (N. Juffa's minimax pair, ≤ 1 ulp each): x·P(x²) for |x| ≤ 0.9277, else
 * sign(x)·(1 − e^{Q(|x|)}). |x| is clamped at 4, where erf is 1 in float. erf NaN = NaN.
 */
inline float erf(float x) {
  float t = fabs_(x);
  t = sel(t > 4.0f, 4.0f, t);
  float s = x * x;
  float p = -5.96761703e-4f;
  p = p * s + 4.99119423e-3f;
  p = p * s - 2.67681349e-2f;
  p = p * s + 1.12819925e-1f;
  p = p * s - 3.76125336e-1f;
  p = p * s + 1.28379166e-1f;
  float small = p * x + x;
  float ts = t * t;
  float r = -1.72853470e-5f * t + 3.83197126e-4f;
  float u = -3.88396438e-3f * t + 2.42546219e-2f;
  r = r * ts + u;
  r = r * t - 1.06777877e-1f;
  r = r * t - 6.34846687e-1f;
  r = r * t - 1.28717512e-1f;
  r = r * t - t;
  float big = copysign_(1.0f - exp(r), x);
  float out = sel(t > 0.927734375f, big, small);
  return sel(x != x, x, out);
}

/** 1/(1 + e^{−x}) computed from e^{−|x|} so neither side overflows or loses the tiny tail. */
inline float sigmoid(float x) {
  float e = exp(-fabs_(x));
  float s = 1.0f / (1.0f + e);
  float r = sel(x >= 0.0f, s, e * s);
  return sel(x != x, x, r);
}

}  // namespace vm
}  // namespace cm

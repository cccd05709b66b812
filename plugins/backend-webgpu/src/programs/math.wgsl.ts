// WGSL scalar math the kernels share, written to match the CPU oracle: erf, GELU (both forms),
// a stable sigmoid and tanh, IEEE-ish max/min with NaN propagation, pow with negative bases,
// a finiteness test and JavaScript's float → int32 conversion.

/** WGSL source of the helper functions (prepended to programs that need them). */
export const WGSL_MATH = /* wgsl */ `
// NaN: exponent bits all ones and a non-zero mantissa. Read from the bits, like is_finite.
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
// A quiet NaN built at run time (a constant NaN is a WGSL compile error).
fn nan() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
// Finite: the exponent bits are not all ones. Read from the bits, so no fast-math assumption folds it.
fn is_finite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
// JavaScript's ToInt32 (what an Int32Array store does): NaN and ±inf give 0, anything else is
// truncated toward zero and wrapped modulo 2^32. WGSL's i32(x) clamps instead (and is undefined
// for NaN), so the magnitude is rebuilt from the mantissa and exponent bits: an f32 of exponent
// e ≥ 23 is the mantissa shifted left by e − 23, whose bits past 32 are the multiples of 2^32.
fn to_int32(x: f32) -> i32 {
  let b = bitcast<u32>(x);
  let e = i32((b >> 23u) & 0xffu) - 127;
  if (e < 0 || e == 128) { return 0; }
  let mant = (b & 0x7fffffu) | 0x800000u;
  var mag = 0u;
  if (e < 23) { mag = mant >> u32(23 - e); } else if (e < 55) { mag = mant << u32(e - 23); }
  return bitcast<i32>(select(mag, 0u - mag, (b & 0x80000000u) != 0u));
}
fn fmax_nan(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan(); } return max(a, b); }
fn fmin_nan(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan(); } return min(a, b); }
// Math.pow semantics: x^0 = 1, negative bases with integral exponents keep their sign.
fn powf(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a >= 0.0) { return pow(a, b); }
  if (b != trunc(b)) { return nan(); }
  let r = pow(-a, b);
  return select(r, -r, (abs(b) % 2.0) == 1.0);
}
// tanh clamped where f32 rounds it to ±1 (some drivers overflow exp inside tanh); NaN passes
// through (clamp of NaN is implementation-defined).
fn tanhf(x: f32) -> f32 { if (is_nan(x)) { return x; } return tanh(clamp(x, -10.0, 10.0)); }
// sign with Sign(NaN) = NaN (WGSL leaves sign(NaN) undefined).
fn signf(x: f32) -> f32 { if (is_nan(x)) { return x; } return sign(x); }
fn sigmoidf(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
// erf: Maclaurin series below 0.5 (≤ 1e-9 there), Abramowitz–Stegun 7.1.26 above (≤ 1.5e-7).
fn erff(x: f32) -> f32 {
  let ax = abs(x);
  if (ax < 0.5) {
    let x2 = x * x;
    return 1.1283791670955126 * x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (0.1 + x2 * (-1.0 / 42.0 + x2 * (1.0 / 216.0 + x2 * (-1.0 / 1320.0 + x2 / 9360.0))))));
  }
  let t = 1.0 / (1.0 + 0.3275911 * ax);
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-ax * ax));
}
fn geluf(x: f32) -> f32 { return 0.5 * x * (1.0 + erff(x * 0.7071067811865476)); }
fn gelu_tanhf(x: f32) -> f32 { return 0.5 * x * (1.0 + tanhf(0.7978845608028654 * (x + 0.044715 * x * x * x))); }
`;

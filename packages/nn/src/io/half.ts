// Exact float32 ↔ float16 / bfloat16 bit conversions (round to nearest, ties to even), for checkpoints.

// One scratch word seen as a float and as its bits; the host byte order is irrelevant here because
// both views read the same 4-byte element.
const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The IEEE-754 bits of `x` rounded to float32. */
export function f32Bits(x: number): number {
  scratchF32[0] = x;
  return scratchU32[0]!;
}

/** The float32 value whose IEEE-754 bits are `bits`. */
export function f32FromBits(bits: number): number {
  scratchU32[0] = bits >>> 0;
  return scratchF32[0]!;
}

/**
 * float32 bits → float16 bits, rounding to nearest with ties to even. Values past the largest half
 * (65504) round to ±inf exactly as IEEE says (65519.99 → 65504, 65520 → inf); tiny values become
 * subnormals or ±0; NaN stays NaN (quiet, top payload bits kept).
 */
export function f16BitsFromF32Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15; // the half-precision biased exponent
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero). Values below 2^-25 (e < -10) round to ±0; 2^-25 itself ties to 0.
    if (e < -10) return sign;
    // The 24-bit significand, shifted so its units are the half subnormal step 2^-24.
    return sign | roundShift(mant | 0x800000, 14 - e);
  }
  // Normal half: keep 10 of the 23 mantissa bits; a carry out of the mantissa bumps the exponent,
  // which is exactly right (and turns 65520 into inf).
  return sign | roundShift((e << 23) | mant, 13);
}

/** float16 bits → float32 bits; exact (every half is a float32). */
export function f32BitsFromF16Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp - 15 + 127) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal half: normalise, shifting the leading 1 up to bit 10 and lowering the exponent.
  let m = mant;
  let e = 1;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return (sign | ((e - 15 + 127) << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

/** float32 bits → bfloat16 bits (the top 16 bits, rounded to nearest, ties to even; NaN stays quiet NaN). */
export function bf16BitsFromF32Bits(bits: number): number {
  const b = bits >>> 0;
  if ((b & 0x7fffffff) > 0x7f800000) return (b >>> 16) | 0x40;
  // Adding 0x7fff (+1 when the kept part is odd) carries into bit 16 exactly when rounding up;
  // the largest finite float32s carry into the exponent and give ±inf, as IEEE rounding says.
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bfloat16 bits → float32 bits; exact. */
export const f32BitsFromBf16Bits = (h: number): number => ((h & 0xffff) << 16) >>> 0;

/** float32 `x` → float16 bits. */
export const f32ToF16 = (x: number): number => f16BitsFromF32Bits(f32Bits(x));
/** float16 bits → its value as a number (exact). */
export const f16ToF32 = (h: number): number => f32FromBits(f32BitsFromF16Bits(h));
/** float32 `x` → bfloat16 bits. */
export const f32ToBf16 = (x: number): number => bf16BitsFromF32Bits(f32Bits(x));
/** bfloat16 bits → its value as a number (exact). */
export const bf16ToF32 = (h: number): number => f32FromBits(f32BitsFromBf16Bits(h));

/** Every float32 of `src` as float16 bits. */
export function encodeF16(src: Float32Array): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < bits.length; i++) out[i] = f16BitsFromF32Bits(bits[i]!);
  return out;
}

/** Every float32 of `src` as bfloat16 bits. */
export function encodeBf16(src: Float32Array): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < bits.length; i++) out[i] = bf16BitsFromF32Bits(bits[i]!);
  return out;
}

/** float16 bits → float32 values (exact). */
export function decodeF16(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) bits[i] = f32BitsFromF16Bits(src[i]!);
  return out;
}

/** bfloat16 bits → float32 values (exact). */
export function decodeBf16(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
  return out;
}

/**
 * `x >>> shift` rounded to nearest, ties to even (shift in 1..24; x a non-negative 32-bit integer).
 * A round-up may carry into the next bit, which callers rely on.
 */
function roundShift(x: number, shift: number): number {
  const q = x >>> shift;
  const rest = x & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (q & 1) === 1) ? q + 1 : q;
}

// Exact float16/bfloat16 conversions: known bit patterns, exhaustive round trips, ties to even.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bf16ToF32, decodeBf16, decodeF16, encodeBf16, encodeF16, f16ToF32, f32Bits, f32FromBits, f32ToBf16, f32ToF16,
} from './half.ts';

const isHalfNaN = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
const isBf16NaN = (h: number): boolean => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;

/** Reference f32 → f16: binary search over the ordered positive halves, then nearest with ties to even. */
function nearestHalf(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // 65520 is the midpoint between 65504 and 2^16: ties go to inf
  let lo = 0;
  let hi = 0x7bff;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (f16ToF32(mid) <= a) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0x7bff) return sign | lo;
  const below = a - f16ToF32(lo);
  const above = f16ToF32(lo + 1) - a;
  const up = above < below || (above === below && (lo & 1) === 1);
  return sign | (up ? lo + 1 : lo);
}

describe('float16', () => {
  it.each([
    [1.0, 0x3c00], [-2.0, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [65519.99, 0x7bff], [65520, 0x7c00], [1e5, 0x7c00],
    [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -25, 0x0001], [3 * 2 ** -25, 0x0002], [-(2 ** -26), 0x8000],
    [2 ** -14, 0x0400], [1023 * 2 ** -24, 0x03ff], [0.1, 0x2e66], [1 / 3, 0x3555],
    [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [-0, 0x8000], [0, 0x0000],
    [Infinity, 0x7c00], [-Infinity, 0xfc00],
  ])('rounds %d to the bit pattern %i', (x, bits) => {
    expect(f32ToF16(x)).toBe(bits);
  });

  it('keeps NaN a (quiet) NaN, with its sign', () => {
    expect(f32ToF16(NaN)).toBe(0x7e00);
    expect(isHalfNaN(f32ToF16(f32FromBits(0xffc00001)))).toBe(true);
    expect(f32ToF16(f32FromBits(0xffc00001)) & 0x8000).toBe(0x8000);
    // A signalling NaN whose payload sits only in the low bits must not collapse to inf.
    expect(isHalfNaN(f32ToF16(f32FromBits(0x7f800001)))).toBe(true);
  });

  it('decodes special patterns exactly', () => {
    expect(f16ToF32(0x0001)).toBe(2 ** -24);
    expect(f16ToF32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(f16ToF32(0x0400)).toBe(2 ** -14);
    expect(f16ToF32(0x7bff)).toBe(65504);
    expect(Object.is(f16ToF32(0x8000), -0)).toBe(true);
    expect(f16ToF32(0xfc00)).toBe(-Infinity);
    expect(f16ToF32(0x3555)).toBe(0.333251953125);
    expect(Number.isNaN(f16ToF32(0x7e00))).toBe(true);
  });

  it('round-trips every one of the 65536 half patterns through float32', () => {
    for (let h = 0; h < 0x10000; h++) {
      const back = f32ToF16(f16ToF32(h));
      if (isHalfNaN(h)) expect(isHalfNaN(back)).toBe(true);
      else if (back !== h) expect.fail(`half 0x${h.toString(16)} came back as 0x${back.toString(16)}`);
    }
  });

  it('rounds midpoints between neighbouring halves to the even one, and one float32 ulp off them to the nearer', () => {
    for (let h = 0; h < 0x7bff; h++) {
      const mid = (f16ToF32(h) + f16ToF32(h + 1)) / 2; // exact in float32: 12 significant bits at most
      const even = (h & 1) === 0 ? h : h + 1;
      const [below, above] = [f32FromBits(f32Bits(mid) - 1), f32FromBits(f32Bits(mid) + 1)];
      if (f32ToF16(mid) !== even || f32ToF16(below) !== h || f32ToF16(above) !== h + 1) {
        expect.fail(`midpoint of 0x${h.toString(16)} and its successor rounds wrongly`);
      }
    }
  });

  it('agrees with a nearest-value reference on arbitrary float32 values', () => {
    fc.assert(fc.property(fc.float(), (x) => {
      const got = f32ToF16(x);
      const want = nearestHalf(x);
      expect(isHalfNaN(want) ? isHalfNaN(got) : got === want).toBe(true);
    }), { numRuns: Number(process.env['FC_RUNS'] ?? 2000) });
  });

  it('encodes and decodes whole arrays (including subarray views)', () => {
    const backing = new Float32Array([9, 1, -2, 65504, 2 ** -24, 7]);
    const view = backing.subarray(1, 5);
    expect([...encodeF16(view)]).toEqual([0x3c00, 0xc000, 0x7bff, 0x0001]);
    expect([...decodeF16(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001]))]).toEqual([1, -2, 65504, 2 ** -24]);
  });
});

describe('bfloat16', () => {
  it.each([
    [1.0, 0x3f80], [-2.0, 0xc000], [1.0078125, 0x3f81],
    [1.00390625, 0x3f80], // 1 + 2^-8: a tie between 0x3f80 and 0x3f81, to the even 0x3f80
    [1.01171875, 0x3f82], // 1 + 3·2^-8: a tie between 0x3f81 and 0x3f82, to the even 0x3f82
    [1.0009765625, 0x3f80], [1.0029296875, 0x3f80], [1.005859375, 0x3f81],
    [f32FromBits(0x7f7fffff), 0x7f80], // the largest float32 rounds up into inf
    [f32FromBits(0x00000001), 0x0000], [1e-40, 0x0001], [-0, 0x8000], [Infinity, 0x7f80], [-Infinity, 0xff80],
  ])('rounds %d to the bit pattern %i', (x, bits) => {
    expect(f32ToBf16(x)).toBe(bits);
  });

  it('keeps NaN a NaN, even when the payload sits only in the low 16 bits', () => {
    expect(f32ToBf16(NaN)).toBe(0x7fc0);
    expect(isBf16NaN(f32ToBf16(f32FromBits(0x7f800001)))).toBe(true);
    expect(f32ToBf16(f32FromBits(0xff800001)) & 0x8000).toBe(0x8000);
  });

  it('round-trips every one of the 65536 bfloat16 patterns through float32', () => {
    for (let h = 0; h < 0x10000; h++) {
      const back = f32ToBf16(bf16ToF32(h));
      if (isBf16NaN(h)) expect(isBf16NaN(back)).toBe(true);
      else if (back !== h) expect.fail(`bf16 0x${h.toString(16)} came back as 0x${back.toString(16)}`);
    }
  });

  it('picks the nearer neighbour, ties to even, on arbitrary float32 values', () => {
    fc.assert(fc.property(fc.float({ noNaN: true }), (x) => {
      const got = f32ToBf16(x);
      const down = f32Bits(x) >>> 16; // truncation: the neighbour towards zero
      const near = bf16ToF32(down);
      // IEEE rounds as if the exponent were unbounded: the step past the largest bf16 lands on ±2^128 (inf).
      const far = Number.isFinite(bf16ToF32(down + 1)) ? bf16ToF32(down + 1) : Math.sign(x) * 2 ** 128;
      const [dNear, dFar] = [Math.abs(x - near), Math.abs(far - x)];
      const want = !Number.isFinite(x) ? down : dFar < dNear || (dFar === dNear && (down & 1) === 1) ? down + 1 : down;
      expect(got).toBe(want);
    }), { numRuns: Number(process.env['FC_RUNS'] ?? 2000) });
  });

  it('encodes and decodes whole arrays', () => {
    expect([...encodeBf16(new Float32Array([1, 1.01171875, -0]))]).toEqual([0x3f80, 0x3f82, 0x8000]);
    const back = decodeBf16(new Uint16Array([0x3f80, 0x3f82, 0x8000, 0x7f80]));
    expect([...back]).toEqual([1, 1.015625, -0, Infinity]);
    expect(Object.is(back[2], -0)).toBe(true);
  });
});

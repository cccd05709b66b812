// allClose's tolerance rule and scaledError, the measure the PyTorch parity specs use.
import { describe, expect, it } from 'vitest';
import { allClose, scaledError } from './close.ts';

const host = (data: number[], shape = [data.length]) => ({ shape, data });

describe('scaledError', () => {
  it('is the largest difference over the largest expected magnitude', () => {
    expect(scaledError(host([1, 2.5, -4.002]), host([1, 2.5, -4]))).toBeCloseTo(0.002 / 4, 12);
    expect(scaledError(host([0, 0]), host([0, 0]))).toBe(0);
  });

  it('is infinite when the shapes differ or a NaN appears on one side only', () => {
    expect(scaledError(host([1, 2], [2]), host([1, 2], [1, 2]))).toBe(Number.POSITIVE_INFINITY);
    expect(scaledError(host([Number.NaN, 1]), host([0, 1]))).toBe(Number.POSITIVE_INFINITY);
    expect(scaledError(host([Number.NaN, 1]), host([Number.NaN, 1]))).toBe(0);
  });

  it('needs infinities to match exactly and leaves them out of the scale', () => {
    expect(scaledError(host([Infinity, -Infinity, 2]), host([Infinity, -Infinity, 2]))).toBe(0);
    expect(scaledError(host([Infinity, 2.002]), host([Infinity, 2]))).toBeCloseTo(0.001, 9);
    expect(scaledError(host([3.4e38, 1]), host([Infinity, 1]))).toBe(Number.POSITIVE_INFINITY);
    expect(scaledError(host([Infinity, 1]), host([-Infinity, 1]))).toBe(Number.POSITIVE_INFINITY);
    expect(scaledError(host([Infinity, 1]), host([1, 1]))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('allClose', () => {
  it('applies |a − b| ≤ atol + rtol·|b| and names the worst element', () => {
    expect(allClose(host([1, 2]), host([1, 2 + 1e-6]))).toBeNull();
    expect(allClose(host([1, 2]), host([1, 2.1]))).toMatch(/1 of 2/);
  });

  it('treats NaN and each infinity as equal only to itself', () => {
    const inf = Number.POSITIVE_INFINITY;
    expect(allClose(host([inf, -inf, Number.NaN, 1]), host([inf, -inf, Number.NaN, 1]))).toBeNull();
    expect(allClose(host([0]), host([-inf]))).toMatch(/1 of 1 .*actual 0, expected -Infinity/);
    expect(allClose(host([inf]), host([-inf]))).toMatch(/actual Infinity, expected -Infinity/);
    expect(allClose(host([3.4028234663852886e38]), host([inf]), { rtol: 1e-3 })).toMatch(/1 of 1/);
    expect(allClose(host([inf]), host([1e30]), { atol: 1, rtol: 1 })).toMatch(/1 of 1/);
    expect(allClose(host([Number.NaN, 2]), host([inf, 2]))).toMatch(/1 of 2 .*flat index 0/);
  });
});

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
});

describe('allClose', () => {
  it('applies |a − b| ≤ atol + rtol·|b| and names the worst element', () => {
    expect(allClose(host([1, 2]), host([1, 2 + 1e-6]))).toBeNull();
    expect(allClose(host([1, 2]), host([1, 2.1]))).toMatch(/1 of 2/);
  });
});

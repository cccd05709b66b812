import { describe, expect, it } from 'vitest';
import {
  createCpuBackend, dropout, dropoutKeeps, dropoutMaskData, dropoutScale, manualSeed, ones, randn, tensor,
  type Backend,
} from '../index.ts';
import { checkGrads } from '../testing/index.ts';

const keptFraction = (data: ArrayLike<number>): number => {
  let kept = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) kept++;
  return kept / data.length;
};

describe('dropout', () => {
  it('draws the same mask for the same seed and a different one for another seed', () => {
    const x = ones([64]);
    const a = dropout(x, 0.5, { seed: 42 }).toArray();
    expect(dropout(x, 0.5, { seed: 42 }).toArray()).toEqual(a);
    expect(dropout(x, 0.5, { seed: 43 }).toArray()).not.toEqual(a);
  });

  it('keeps element i exactly when dropoutKeeps(seed, i, p), scaled by 1/(1 − p)', () => {
    const p = 0.3;
    const y = dropout(ones([5, 40]), p, { seed: 7 }).dataSync();
    for (let i = 0; i < y.length; i++) expect(y[i]).toBe(dropoutKeeps(7, i, p) ? Math.fround(1 / (1 - p)) : 0);
    expect(Array.from(y)).toEqual(Array.from(dropoutMaskData([5, 40], p, 7)));
  });

  it.each([0.1, 0.5, 0.9])('keeps a fraction 1 − p of 1e5 elements, within 4σ (p = %f)', (p) => {
    const n = 100_000;
    const sigma = Math.sqrt((p * (1 - p)) / n);
    expect(Math.abs(keptFraction(dropout(ones([n]), p, { seed: 2024 }).dataSync()) - (1 - p))).toBeLessThan(4 * sigma);
  });

  it('has the gradient mask/(1 − p), replaying the same mask', () => {
    const p = 0.25;
    const x = randn([8, 16]).requireGrad();
    const y = dropout(x, p, { seed: 5 });
    y.sum().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual(Array.from(dropoutMaskData([8, 16], p, 5)));
    checkGrads((a) => dropout(a!, 0.4, { seed: 9 }), [randn([4, 5])]);
  });

  it('returns x itself with p = 0 or when not training', () => {
    const x = randn([3, 3]);
    expect(dropout(x, 0)).toBe(x);
    expect(dropout(x, 0.5, { training: false })).toBe(x);
  });

  it('draws a seed from the global generator when none is given', () => {
    const x = ones([256]);
    manualSeed(123);
    const first = dropout(x, 0.5).toArray();
    const second = dropout(x, 0.5).toArray();
    manualSeed(123);
    expect(dropout(x, 0.5).toArray()).toEqual(first);
    expect(second).not.toEqual(first);
  });

  it('matches the kernel bit for bit when run as its composite', () => {
    const b = createCpuBackend();
    const bare: Backend = { ...b, kernels: new Map([...b.kernels].filter(([name]) => name !== 'Dropout')) };
    const x = randn([7, 13], { std: 5 });
    expect(Array.from(dropout(x.to(bare), 0.35, { seed: 77 }).dataSync())).toEqual(Array.from(dropout(x, 0.35, { seed: 77 }).dataSync()));
  });

  it('rounds the scale to float32 once', () => {
    expect(dropoutScale(0.1)).toBe(Math.fround(1 / 0.9));
  });

  it('rejects p outside [0, 1) and bad seeds, naming them', () => {
    const x = tensor([1, 2]);
    expect(() => dropout(x, 1)).toThrow('dropout: p must be in [0, 1), got p = 1');
    expect(() => dropout(x, -0.1)).toThrow('dropout: p must be in [0, 1), got p = -0.1');
    expect(() => dropout(x, Number.NaN)).toThrow(/got p = NaN/);
    expect(() => dropout(x, 0.5, { seed: -1 })).toThrow('dropout: seed must be an integer in [0, 2^32), got -1');
  });
});

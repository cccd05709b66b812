import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layerNorm, logSoftmax, softmax, tensor, tidy } from '../index.ts';
import { arbData, arbShape, expectAllClose, numRuns } from '../testing/index.ts';

/** A tensor's host data with a valid axis of it. */
const arbWithAxis = arbShape({ minRank: 1, maxRank: 4, maxDim: 6 }).chain((shape) =>
  fc.tuple(arbData(shape, 8), fc.integer({ min: -shape.length, max: shape.length - 1 })),
);

describe('softmax laws', () => {
  it('has non-negative rows that sum to 1 along any axis', () => {
    fc.assert(
      fc.property(arbWithAxis, ([{ shape, data }, axis]) =>
        tidy(() => {
          const y = softmax(tensor(data, [...shape]), axis);
          expect(y.dataSync().every((p) => p >= 0 && p <= 1)).toBe(true);
          const ones = new Float32Array(y.size / shape.at(axis)!).fill(1);
          expectAllClose(y.sum(axis), { shape: shape.filter((_, i) => i !== (axis + shape.length) % shape.length), data: ones }, { atol: 1e-5 });
        }),
      ),
      { numRuns: numRuns() },
    );
  });

  it('is invariant to adding a constant to a row', () => {
    const shift = fc.float({ min: Math.fround(-100), max: Math.fround(100), noNaN: true });
    fc.assert(
      fc.property(arbWithAxis, shift, ([{ shape, data }, axis], c) =>
        tidy(() => {
          const x = tensor(data, [...shape]);
          expectAllClose(softmax(x.add(c), axis), softmax(x, axis), { atol: 2e-5, rtol: 1e-4 });
        }),
      ),
      { numRuns: numRuns() },
    );
  });

  it('has exp(logSoftmax(x)) equal to softmax(x)', () => {
    fc.assert(
      fc.property(arbWithAxis, ([{ shape, data }, axis]) =>
        tidy(() => {
          const x = tensor(data, [...shape]);
          expectAllClose(logSoftmax(x, axis).exp(), softmax(x, axis), { atol: 1e-6, rtol: 1e-5 });
        }),
      ),
      { numRuns: numRuns() },
    );
  });
});

describe('layerNorm laws', () => {
  it('gives each row zero mean and variance σ²/(σ² + ε)', () => {
    const eps = 1e-5;
    fc.assert(
      fc.property(arbShape({ minRank: 1, maxRank: 3, maxDim: 7 }).chain((s) => arbData(s, 8)), ({ shape, data }) =>
        tidy(() => {
          const y = layerNorm(tensor(data, [...shape]), undefined, undefined, eps).dataSync();
          const d = shape.at(-1)!;
          for (let r = 0; r < data.length / d; r++) {
            const row = Array.from(data.subarray(r * d, (r + 1) * d));
            const mu = row.reduce((a, b) => a + b, 0) / d;
            const variance = row.reduce((a, b) => a + (b - mu) ** 2, 0) / d;
            const out = Array.from(y.subarray(r * d, (r + 1) * d));
            expect(Math.abs(out.reduce((a, b) => a + b, 0) / d)).toBeLessThan(1e-5);
            expect(out.reduce((a, b) => a + b * b, 0) / d).toBeCloseTo(variance / (variance + eps), 4);
          }
        }),
      ),
      { numRuns: numRuns() },
    );
  });
});

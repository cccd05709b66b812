// DropPath: whole examples dropped or scaled by 1/(1−p), seeded, identity in eval and at p = 0.
import { manualSeed, ones, randn } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { DropPath } from './drop-path.ts';

describe('DropPath', () => {
  it('zeroes or scales each example as a whole by 1/(1−p)', () => {
    manualSeed(0);
    const y = new DropPath(0.5).forward(ones([64, 3, 2]));
    const rows = y.toArray() as number[][][];
    const perExample = rows.map((r) => [...new Set(r.flat())]);
    // Every example holds one value: 0 (dropped) or 2 (kept, scaled by 1/(1−0.5)).
    for (const values of perExample) expect(values.length === 1 && (values[0] === 0 || values[0] === 2)).toBe(true);
    const kept = perExample.filter((v) => v[0] === 2).length;
    expect(kept).toBeGreaterThan(16); // Binomial(64, 0.5): 32 ± 4σ
    expect(kept).toBeLessThan(48);
  });

  it('draws the same examples for the same seed and others for another', () => {
    const draw = (seed: number): number[] => {
      manualSeed(seed);
      return [...new DropPath(0.3).forward(ones([32, 1])).dataSync()];
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('is the identity (the same tensor) in eval mode and at p = 0', () => {
    const x = randn([4, 5]);
    expect(new DropPath(0.4).eval().forward(x)).toBe(x);
    expect(new DropPath(0).forward(x)).toBe(x);
  });

  it('passes the gradient through the kept examples only, scaled like the forward', () => {
    manualSeed(3);
    const x = randn([16, 4]).requireGrad();
    const y = new DropPath(0.25).forward(x);
    y.sum().backward();
    const g = [...x.grad!.dataSync()];
    const scales = [...y.div(x).dataSync()];
    scales.forEach((s, i) => expect(g[i]).toBeCloseTo(s, 5));
  });

  it('rejects p outside [0, 1) and inputs without a batch axis', () => {
    expect(() => new DropPath(1)).toThrow('DropPath: p must be in [0, 1), got 1');
    expect(() => new DropPath(0.1).forward(ones([]))).toThrow('DropPath: needs a batch axis');
  });
});

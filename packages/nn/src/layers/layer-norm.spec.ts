// LayerNorm module: known values, normalised rows, and the no-affine variant.
import { describe, expect, it } from 'vitest';
import { randn, tensor } from '@crossmodal/tensor';
import { LayerNorm } from './layer-norm.ts';

describe('LayerNorm', () => {
  it('normalises the last axis, then scales and shifts', () => {
    const ln = new LayerNorm(2, { eps: 0 });
    const w = tensor([2, 3]);
    const b = tensor([1, -1]);
    ln.loadStateDict({ weight: w, bias: b });
    // Rows [1, 3] and [5, 5]: mean 2 / 5, variance 1 / 0 (eps 0 would divide by zero, so only row 0).
    const y = ln.forward(tensor([[1, 3]]));
    expect(Array.from(y.dataSync())).toEqual([-1, 2]);
    for (const t of [w, b, y]) t.dispose();
    ln.dispose();
  });

  it('starts as the identity affine map (weight 1, bias 0) and keeps shapes', () => {
    const ln = new LayerNorm(6, { eps: 1e-6 });
    expect(ln.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['weight', [6]], ['bias', [6]]]);
    const x = randn([2, 3, 6]);
    const y = ln.forward(x);
    expect(y.shape).toEqual([2, 3, 6]);
    const rows = y.toArray() as number[][][];
    for (const row of rows.flat()) {
      const mean = row.reduce((a, v) => a + v, 0) / row.length;
      const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / row.length;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 3);
    }
    for (const t of [x, y]) t.dispose();
    ln.dispose();
  });

  it('has no parameters without elementwiseAffine', () => {
    const ln = new LayerNorm(4, { elementwiseAffine: false });
    expect(ln.parameters()).toHaveLength(0);
    const x = randn([3, 5]);
    expect(() => ln.forward(x)).toThrow('LayerNorm(4): input [3, 5] must end in 4');
    x.dispose();
  });
});

// Linear: values against a hand computation, shapes, torch's init bounds and gradients.
import { describe, expect, it } from 'vitest';
import { manualSeed, randn, tensor, tidy } from '@crossmodal/tensor';
import { checkGrads } from '@crossmodal/tensor/testing';
import { Linear } from './linear.ts';

describe('Linear', () => {
  it('computes x·Wᵀ + b with W stored [out, in]', () => {
    const fc = new Linear(3, 2);
    const w = tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tensor([0.5, -1]);
    fc.loadStateDict({ weight: w, bias: b });
    const y = fc.forward(tensor([[1, 0, -1], [2, 1, 0]]));
    expect(y.toArray()).toEqual([[-1.5, -3], [4.5, 12]]);
    for (const t of [w, b, y]) t.dispose();
    fc.dispose();
  });

  it('maps [B, T, in] to [B, T, out], with or without bias', () => {
    const fc = new Linear(8, 5, { bias: false });
    expect(fc.bias).toBeNull();
    expect(fc.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['weight', [5, 8]]]);
    const y = tidy(() => fc.forward(randn([2, 7, 8])));
    expect(y.shape).toEqual([2, 7, 5]);
    y.dispose();
    fc.dispose();
  });

  it('initialises as torch: W and b in ±1/√in', () => {
    manualSeed(0);
    const fc = new Linear(64, 64);
    const bound = 1 / 8;
    for (const p of fc.parameters()) {
      const d = Array.from(p.dataSync());
      expect(Math.max(...d.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...d.map(Math.abs))).toBeGreaterThan(0.9 * bound);
    }
    fc.dispose();
  });

  it('names the layer and the expected width on a bad input', () => {
    const fc = new Linear(4, 2);
    const x = randn([3, 5]);
    expect(() => fc.forward(x)).toThrow('Linear(4 → 2): input [3, 5] must end in 4');
    x.dispose();
    fc.dispose();
  });

  it('has gradients (input, weight, bias) that match finite differences', () => {
    const fc = new Linear(3, 2);
    const [w, b] = [fc.weight, fc.bias];
    checkGrads((x, wt, bt) => {
      // Swap the checked tensors in for the parameters, so gradients flow to them.
      Object.assign(fc, { weight: wt, bias: bt });
      return fc.forward(x!);
    }, [randn([2, 4, 3]), randn([2, 3]), randn([2])]);
    Object.assign(fc, { weight: w, bias: b });
    fc.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import { tensor, tidy, memory, matmul, randn, manualSeed } from './index.ts';

describe('smoke', () => {
  it('runs forward and backward', () => {
    manualSeed(1);
    const a = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
    const b = tensor([[5, 6], [7, 8]], undefined, { requiresGrad: true });
    const before = memory();
    tidy(() => {
      const y = matmul(a, b).mul(a).sum();
      y.backward();
      expect(y.item()).toBe(1 * 19 + 2 * 22 + 3 * 43 + 4 * 50);
    });
    console.log(a.grad!.toArray(), b.grad!.toArray(), memory(), before);
    const x = randn([3, 4]);
    expect(x.shape).toEqual([3, 4]);
    expect(a.mT.toArray()).toEqual([[1, 3], [2, 4]]);
    expect(a.sum(0).toArray()).toEqual([4, 6]);
    expect(a.max(1).toArray()).toEqual([2, 4]);
    expect(a.gelu().toArray()).toBeTruthy();
  });
});

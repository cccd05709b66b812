import { describe, expect, it } from 'vitest';
import { argmax, argmin, manualSeed, max, mean, min, randn, sum, sumTo, tensor } from '../index.ts';
import { checkGrads } from '../testing/index.ts';

const x = () => tensor([[1, 5, 3], [4, 2, 6]]);

describe('reductions', () => {
  it('reduce over axes with and without keepDim', () => {
    expect(sum(x()).item()).toBe(21);
    expect(sum(x(), 0).toArray()).toEqual([5, 7, 9]);
    expect(sum(x(), -1, true).toArray()).toEqual([[9], [12]]);
    expect(mean(x(), [0, 1]).item()).toBe(3.5);
    expect(max(x(), 1).toArray()).toEqual([5, 6]);
    expect(min(x(), 0, true).toArray()).toEqual([[1, 2, 3]]);
  });

  it('return the first index of the extreme', () => {
    expect(argmax(tensor([1, 7, 7, 2])).item()).toBe(1);
    expect(argmin(x(), 0).toArray()).toEqual([0, 1, 0]);
    expect(argmax(x(), 1, true).dtype).toBe('int32');
  });

  it('propagate NaN through max as PyTorch does', () => {
    expect(Number.isNaN(max(tensor([1, Number.NaN, 3])).item())).toBe(true);
  });

  it('route the gradient of a NaN result to the NaN positions, as PyTorch does', () => {
    const t = tensor([1, Number.NaN, 2], undefined, { requiresGrad: true });
    max(t).backward();
    expect(t.grad!.toArray()).toEqual([0, 1, 0]);
    // Per slice, over an axis: NaNs share the gradient; a slice without NaN keeps the tie rule.
    const u = tensor([[Number.NaN, 1, Number.NaN], [3, 1, 3]], undefined, { requiresGrad: true });
    min(u, 1).mul(tensor([2, 4])).sum().backward();
    expect(u.grad!.toArray()).toEqual([[1, 0, 1], [0, 4, 0]]);
  });

  it('share the gradient among tied maxima', () => {
    const t = tensor([3, 1, 3], undefined, { requiresGrad: true });
    max(t).backward();
    expect(t.grad!.toArray()).toEqual([0.5, 0, 0.5]);
  });

  it('reject an axis out of range, naming it and the rank', () => {
    expect(() => sum(x(), 2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2');
    expect(() => max(tensor([]))).toThrow(/Max: cannot reduce an empty axis of \[0\]/);
  });

  it('sum a broadcast gradient back with sumTo', () => {
    expect(sumTo(tensor([[1, 2], [3, 4]]), [2]).toArray()).toEqual([4, 6]);
    expect(sumTo(tensor([[1, 2], [3, 4]]), [2, 1]).toArray()).toEqual([[3], [7]]);
  });

  it('have correct gradients', () => {
    manualSeed(5);
    const t = randn([2, 3, 4]);
    checkGrads((a) => sum(a!, [0, 2]), [t]);
    checkGrads((a) => mean(a!, 1, true), [t]);
    checkGrads((a) => max(a!, -1), [t]);
    checkGrads((a) => min(a!, [0, 1]), [t]);
  });
});

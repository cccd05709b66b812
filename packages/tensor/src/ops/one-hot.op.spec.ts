import { describe, expect, it } from 'vitest';
import { oneHot, tensor, type NestedArray } from '../index.ts';

const ints = (data: NestedArray) => tensor(data, undefined, { dtype: 'int32' });

describe('oneHot', () => {
  it('turns int32 indices into float32 indicator rows', () => {
    const y = oneHot(ints([2, 0, 1]), 3);
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
  });

  it('gives all-zero rows for indices outside [0, depth)', () => {
    expect(oneHot(ints([-1, 3, -100, 1]), 3).toArray()).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 1, 0]]);
  });

  it('appends the depth axis to indices of any shape', () => {
    const y = oneHot(ints([[0, 1], [1, 0]]), 2);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(y.toArray()).toEqual([[[1, 0], [0, 1]], [[0, 1], [1, 0]]]);
    expect(oneHot(ints(5), 2).shape).toEqual([2]);
  });

  it('rejects float indices and a bad depth', () => {
    expect(() => oneHot(tensor([0, 1]), 2)).toThrow(/OneHot \(indices\): got dtype float32, expected int32/);
    expect(() => oneHot(ints([0]), -1)).toThrow(/OneHot: depth -1 must be an integer >= 0/);
    expect(() => oneHot(ints([0]), 2.5)).toThrow(/OneHot: depth 2.5 must be an integer >= 0/);
  });

  it('is a constant: its output does not require grad', () => {
    expect(oneHot(ints([1]), 2).requiresGrad).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { concat, manualSeed, memory, randn, stack, tensor, zeros } from '../index.ts';
import { checkGrads } from '../testing/index.ts';

describe('concat', () => {
  it('joins along axis 0', () => {
    expect(concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('joins along a middle axis', () => {
    const a = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
    const b = tensor([[[5, 6], [7, 8]], [[9, 10], [11, 12]]]); // [2, 2, 2]
    const y = concat([a, b], 1);
    expect(y.shape).toEqual([2, 3, 2]);
    expect(y.toArray()).toEqual([[[1, 2], [5, 6], [7, 8]], [[3, 4], [9, 10], [11, 12]]]);
  });

  it('counts a negative axis from the end and skips 0-size parts', () => {
    const y = concat([tensor([[1], [2]]), zeros([2, 0]), tensor([[3, 4], [5, 6]])], -1);
    expect(y.toArray()).toEqual([[1, 3, 4], [2, 5, 6]]);
  });

  it('copies a single input', () => {
    const x = tensor([1, 2, 3], undefined, { dtype: 'int32' });
    const y = concat([x]);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([1, 2, 3]);
  });

  it('rejects an empty list', () => {
    expect(() => concat([])).toThrow(/concat: needs at least one tensor, got an empty list/);
  });

  it('names every shape when the other axes differ', () => {
    expect(() => concat([zeros([2, 3]), zeros([2, 3]), zeros([3, 3])], 1)).toThrow(
      /Concat: shapes \[2, 3\], \[2, 3\], \[3, 3\] must match on every axis but 1/,
    );
    expect(() => concat([zeros([2, 3]), zeros([2])])).toThrow(/Concat: shapes \[2, 3\], \[2\]/);
  });

  it('names the dtypes when they differ', () => {
    expect(() => concat([zeros([2]), zeros([2], { dtype: 'int32' })])).toThrow(/Concat: dtypes float32, int32 differ/);
  });

  it('rejects an axis out of range, naming the shapes', () => {
    expect(() => concat([zeros([2]), zeros([3])], 1)).toThrow(/concat \(shapes \[2\], \[3\]\): axis 1 is out of range for a tensor of rank 1/);
  });

  it('has gradients that match finite differences for several inputs', () => {
    manualSeed(13);
    checkGrads((a, b, c) => concat([a!, b!, c!], 1), [randn([2, 1, 3]), randn([2, 2, 3]), randn([2, 3, 3])]);
    checkGrads((a, b) => concat([a!, b!, a!], 0).tanh(), [randn([2, 2]), randn([1, 2])]);
  });
});

describe('stack', () => {
  it('joins along a new leading axis', () => {
    const y = stack([tensor([1, 2]), tensor([3, 4]), tensor([5, 6])]);
    expect(y.shape).toEqual([3, 2]);
    expect(y.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('joins along a new last axis', () => {
    expect(stack([tensor([1, 2]), tensor([3, 4])], -1).toArray()).toEqual([[1, 3], [2, 4]]);
  });

  it('leaves only its output alive', () => {
    const xs = [tensor([1, 2]), tensor([3, 4])];
    const before = memory().tensors;
    const y = stack(xs, 1);
    expect(memory().tensors).toBe(before + 1);
    y.dispose();
  });

  it('rejects an empty list and names every shape on mismatch', () => {
    expect(() => stack([])).toThrow(/stack: needs at least one tensor, got an empty list/);
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(/stack: shapes \[2\], \[3\] must all be equal/);
  });

  it('has gradients that match finite differences', () => {
    manualSeed(14);
    checkGrads((a, b) => stack([a!, b!], 1), [randn([2, 3]), randn([2, 3])]);
  });
});

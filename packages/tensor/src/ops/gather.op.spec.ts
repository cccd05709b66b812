import { describe, expect, it } from 'vitest';
import { gather, manualSeed, memory, randn, scatterAdd, tensor, zeros, ones, type NestedArray } from '../index.ts';
import { checkGrads } from '../testing/index.ts';

const ints = (data: NestedArray) => tensor(data, undefined, { dtype: 'int32' });

describe('gather', () => {
  it('selects rows by a list of indices, repeats allowed', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    expect(gather(x, [2, 0, 2]).toArray()).toEqual([[5, 6], [1, 2], [5, 6]]);
  });

  it('replaces the axis with the shape of 2-D indices on axis 1', () => {
    const x = tensor([[0, 1, 2, 3], [10, 11, 12, 13]]); // [2, 4]
    const y = gather(x, ints([[3, 0], [1, 1]]), 1);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(y.toArray()).toEqual([[[3, 0], [1, 1]], [[13, 10], [11, 11]]]);
  });

  it('looks up embeddings for a batch of token ids', () => {
    const table = tensor([[0, 0], [1, 1], [2, 2]]); // [V=3, D=2]
    const y = table.take(ints([[1, 2, 0]]));
    expect(y.shape).toEqual([1, 3, 2]);
    expect(y.toArray()).toEqual([[[1, 1], [2, 2], [0, 0]]]);
  });

  it('gathers int32 data, along a negative axis, and with no indices', () => {
    const x = ints([[7, 8, 9]]);
    const y = gather(x, [2, 1], -1);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[9, 8]]);
    expect(gather(tensor([[1, 2], [3, 4]]), []).shape).toEqual([0, 2]);
  });

  it('leaves no temporary index tensor alive for list indices', () => {
    const x = tensor([1, 2, 3]);
    const before = memory().tensors;
    const y = gather(x, [0, 2]);
    expect(memory().tensors).toBe(before + 1);
    y.dispose();
  });

  it('throws a RangeError naming the op, the index and the axis size', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    expect(() => gather(x, ints([0, 5]))).toThrow(RangeError);
    expect(() => gather(x, ints([0, 5]))).toThrow(/Gather: index 5 is out of range for axis 0 of size 3 \(shape \[3, 2\]\)/);
    expect(() => gather(x, ints([-1]), 1)).toThrow(/Gather: index -1 is out of range for axis 1 of size 2/);
  });

  it('rejects negative list indices before running', () => {
    expect(() => gather(tensor([1, 2, 3]), [0, -1])).toThrow(/gather: index -1 is out of range for axis 0 of size 3 \(x \[3\]\)/);
  });

  it('rejects float indices and bad axes', () => {
    expect(() => gather(tensor([1, 2]), tensor([0]))).toThrow(/Gather \(indices\): got dtype float32, expected int32/);
    expect(() => gather(tensor([1, 2]), [0], 1)).toThrow(/gather: axis 1 is out of range for a tensor of rank 1/);
  });

  it('adds the gradient of repeated rows', () => {
    const x = zeros([3, 2]).requireGrad();
    gather(x, [2, 0, 2]).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 1], [0, 0], [2, 2]]);
  });

  it('has gradients for x that match finite differences', () => {
    manualSeed(15);
    checkGrads((x, i) => gather(x!, i!, 1), [randn([3, 4]), ints([[3, 0, 3], [1, 1, 2]])]);
    checkGrads((x) => gather(x!, [1, 1, 0]).tanh(), [randn([2, 3])]);
  });
});

describe('scatterAdd', () => {
  it('accumulates repeated indices', () => {
    expect(scatterAdd(zeros([3]), ints([0, 0, 2]), tensor([1, 2, 5])).toArray()).toEqual([3, 0, 5]);
  });

  it('adds slices onto base along axis 1 with 2-D indices', () => {
    const base = ones([2, 3]);
    const src = tensor([[[10, 20]], [[30, 40]]]); // [2, 1, 2] = base[:1] + indices [1, 2] + base[2:]
    expect(scatterAdd(base, ints([[0, 2]]), src, 1).toArray()).toEqual([[11, 1, 21], [31, 1, 41]]);
  });

  it('names src, base and indices shapes when src does not fit', () => {
    expect(() => scatterAdd(zeros([3, 2]), ints([0, 1]), zeros([2, 3]))).toThrow(
      /ScatterAdd: src \[2, 3\] must be \[2, 2\] for base \[3, 2\], indices \[2\], axis 0/,
    );
  });

  it('throws a RangeError for an index outside the axis', () => {
    expect(() => scatterAdd(zeros([3]), ints([3]), tensor([1]))).toThrow(/ScatterAdd: index 3 is out of range for axis 0 of size 3/);
  });

  it('rejects mismatched dtypes', () => {
    expect(() => scatterAdd(zeros([2]), ints([0]), ints([1]))).toThrow(/ScatterAdd: src dtype int32 differs from base dtype float32/);
  });

  it('has gradients for base and src that match finite differences', () => {
    manualSeed(16);
    const idx = ints([[2, 0], [2, 2]]);
    checkGrads((base, src) => scatterAdd(base!, idx, src!, 1), [randn([2, 3]), randn([2, 2, 2])]);
    checkGrads((base, src) => scatterAdd(base!, ints([1, 1]), src!).tanh(), [randn([2, 2]), randn([2, 2])]);
  });
});

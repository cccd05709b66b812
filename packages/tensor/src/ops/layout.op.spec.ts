import { describe, expect, it } from 'vitest';
import { expand, manualSeed, matmul, permute, randn, reshape, tensor, transpose } from '../index.ts';
import { checkGrads, expectAllClose } from '../testing/index.ts';

describe('reshape', () => {
  it('infers one −1 and rejects sizes that do not fit', () => {
    expect(reshape(tensor([1, 2, 3, 4, 5, 6]), [-1, 2]).shape).toEqual([3, 2]);
    expect(() => reshape(tensor([1, 2, 3]), [2, -1])).toThrow('reshape: cannot view [3] as [2, -1]');
    expect(tensor([[1, 2]]).flatten().shape).toEqual([2]);
    expect(tensor([1, 2]).unsqueeze(0).shape).toEqual([1, 2]);
    expect(() => tensor([[1, 2]]).squeeze(1)).toThrow('squeeze: axis 1 of [1, 2] has size 2, not 1');
  });
});

describe('permute and expand', () => {
  it('reorder axes', () => {
    const t = tensor([[[1, 2, 3], [4, 5, 6]]]); // [1, 2, 3]
    expect(permute(t, [2, 0, 1]).toArray()).toEqual([[[1, 4]], [[2, 5]], [[3, 6]]]);
    expect(transpose(t, 1, 2).shape).toEqual([1, 3, 2]);
    expect(() => permute(t, [0, 0, 1])).toThrow('Permute: [0, 0, 1] is not a permutation of the axes of [1, 2, 3]');
  });

  it('broadcast to a larger shape', () => {
    expect(expand(tensor([[1], [2]]), [2, 3]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(expand(tensor([1, 2]), [2, -1]).toArray()).toEqual([[1, 2], [1, 2]]);
    expect(() => expand(tensor([1, 2]), [3])).toThrow('Expand: [2] cannot broadcast to [3]');
  });

  it('have correct gradients', () => {
    manualSeed(9);
    checkGrads((a) => permute(a!, [1, 2, 0]), [randn([2, 3, 4])]);
    checkGrads((a) => expand(a!, [3, 2, 4]), [randn([2, 1])]);
  });
});

describe('matmul', () => {
  it('multiplies known matrices', () => {
    expect(matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).toArray()).toEqual([[17], [39]]);
  });

  it('reads transposed operands without a copy, matching an explicit transpose', () => {
    manualSeed(2);
    const a = randn([2, 3, 4]);
    const b = randn([5, 4]);
    expectAllClose(matmul(a, b, { transB: true }), matmul(a, transpose(b, 0, 1)));
    const c = randn([2, 4, 3]);
    expectAllClose(matmul(c, b, { transA: true, transB: true }), matmul(transpose(c, 1, 2), transpose(b, 0, 1)));
  });

  it('broadcasts batch axes and handles vectors', () => {
    const a = randn([3, 1, 2, 4]);
    const b = randn([5, 4, 6]);
    expect(matmul(a, b).shape).toEqual([3, 5, 2, 6]);
    expect(matmul(tensor([1, 2]), tensor([[1, 0], [0, 1]])).toArray()).toEqual([1, 2]);
    expect(matmul(tensor([[1, 2]]), tensor([3, 4])).toArray()).toEqual([11]);
  });

  it('names both shapes when inner dims differ', () => {
    expect(() => matmul(randn([2, 3]), randn([4, 5]))).toThrow('MatMul: inner dims differ, a=[2, 3] b=[4, 5]');
    expect(() => matmul(randn([2, 3]), randn([4, 5]), { transB: true })).toThrow('MatMul: inner dims differ, a=[2, 3] b=[4, 5]ᵀ');
  });

  it('has correct gradients for every transpose combination and broadcast batches', () => {
    manualSeed(4);
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = transA ? randn([2, 3, 2]) : randn([2, 2, 3]);
      const b = transB ? randn([4, 3]) : randn([3, 4]);
      checkGrads((x, y) => matmul(x!, y!, { transA, transB }), [a, b]);
    }
  });
});

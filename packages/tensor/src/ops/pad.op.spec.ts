import { describe, expect, it } from 'vitest';
import { manualSeed, pad, randn, runOp, Pad, tensor, zeros } from '../index.ts';
import { checkGrads } from '../testing/index.ts';

describe('pad', () => {
  it('adds zeros before and after on each axis', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(pad(x, [[1, 0], [0, 2]]).toArray()).toEqual([[0, 0, 0, 0], [1, 2, 0, 0], [3, 4, 0, 0]]);
  });

  it('fills with the given value', () => {
    expect(pad(tensor([5, 6]), [[2, 1]], -1).toArray()).toEqual([-1, -1, 5, 6, -1]);
  });

  it('leaves axes past the given pairs unpadded', () => {
    const y = pad(tensor([[1, 2], [3, 4]]), [[0, 1]], 9);
    expect(y.toArray()).toEqual([[1, 2], [3, 4], [9, 9]]);
  });

  it('pads a 0-size tensor into a block of the fill value', () => {
    const y = pad(zeros([0, 2]), [[1, 1]], 7);
    expect(y.shape).toEqual([2, 2]);
    expect(y.toArray()).toEqual([[7, 7], [7, 7]]);
  });

  it('keeps int32 and pads a middle axis', () => {
    const x = tensor([[[1], [2]]], undefined, { dtype: 'int32' }); // [1, 2, 1]
    const y = pad(x, [[0, 0], [1, 1]], 3);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[[3], [1], [2], [3]]]);
  });

  it('rejects negative or fractional pads, pointing at slice', () => {
    expect(() => pad(tensor([1, 2]), [[-1, 0]])).toThrow(/pad: pads \[\[-1, 0\]\] must be integers >= 0 \(to shrink x, use slice\)/);
    expect(() => pad(tensor([1, 2]), [[0, 1.5]])).toThrow(/pad: pads \[\[0, 1.5\]\]/);
  });

  it('rejects more pairs than axes, naming the shape', () => {
    expect(() => pad(tensor([1, 2]), [[0, 0], [1, 1]])).toThrow(/pad: 2 \[before, after\] pairs for x \[2\] of rank 1/);
  });

  it('rejects a fractional fill for int32', () => {
    expect(() => pad(tensor([1], undefined, { dtype: 'int32' }), [[1, 0]], 0.5)).toThrow(/pad: value 0.5 cannot fill an int32 tensor/);
  });

  it('rejects pads that do not cover every axis on the op itself', () => {
    expect(() => runOp(Pad, { x: zeros([2, 3]) }, { pads: [[1, 1]], value: 0 })).toThrow(
      /Pad: pads \[\[1, 1\]\] do not give one \[before, after\] of integers >= 0 per axis of x \[2, 3\]/,
    );
  });

  it('has gradients that match finite differences', () => {
    manualSeed(12);
    checkGrads((x) => pad(x!, [[1, 2], [0, 1]], 0.5), [randn([3, 2])]);
    checkGrads((x) => pad(x!, [[0, 0], [2, 0], [1, 1]]).tanh(), [randn([2, 2, 3])]);
  });
});

import { describe, expect, it } from 'vitest';
import { arange, manualSeed, randn, runOp, Slice, slice, type Tensor } from '../index.ts';
import { checkGrads } from '../testing/index.ts';

// [3, 4] with x[i][j] = 4i + j.
const grid = (): Tensor => arange(12, undefined, 1, { dtype: 'float32' }).reshape([3, 4]);

describe('slice', () => {
  it('takes a box with begin and end per axis', () => {
    expect(slice(grid(), [1, 1], [3, 3]).toArray()).toEqual([[5, 6], [9, 10]]);
  });

  it('counts negative begin and end from the end of the axis', () => {
    expect(slice(grid(), [-2, -3], [-1]).toArray()).toEqual([[5, 6, 7]]);
    expect(grid().slice([0, -1]).toArray()).toEqual([[3], [7], [11]]);
  });

  it('takes missing trailing axes whole and runs to the end when end is omitted', () => {
    const y = slice(grid(), [2]);
    expect(y.shape).toEqual([1, 4]);
    expect(y.toArray()).toEqual([[8, 9, 10, 11]]);
  });

  it('clamps out-of-range bounds like Python slicing', () => {
    expect(slice(grid(), [-10, 2], [99, 99]).toArray()).toEqual([[2, 3], [6, 7], [10, 11]]);
  });

  it('gives a 0-size result when end is at or before begin', () => {
    expect(slice(grid(), [2], [1]).shape).toEqual([0, 4]);
    expect(slice(grid(), [0, 4]).shape).toEqual([3, 0]);
    expect(slice(grid(), [0, 3], [3, -2]).size).toBe(0);
  });

  it('slices a middle axis of a rank-3 tensor and keeps int32', () => {
    const x = arange(24).reshape([2, 3, 4]);
    const y = slice(x, [0, 1, 2], [2, 2]);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[[6, 7]], [[18, 19]]]);
  });

  it('runs the Slice op directly on normalised bounds', () => {
    // Built directly, the op accepts only normalised bounds, so this is what slice() must pass.
    expect(runOp(Slice, { x: grid() }, { begin: [1, 2], end: [3, 4] }).toArray()).toEqual([[6, 7], [10, 11]]);
  });

  it('rejects more bounds than axes, naming the shape', () => {
    expect(() => slice(grid(), [0, 0, 0])).toThrow(/slice: begin=\[0, 0, 0\] end=\[\] have more entries than x \[3, 4\] has axes/);
  });

  it('rejects non-integer bounds', () => {
    expect(() => slice(grid(), [0.5])).toThrow(/slice: bounds must be integers, got begin=\[0.5\]/);
  });

  it('rejects unnormalised attrs on the op, naming the bounds and shape', () => {
    expect(() => runOp(Slice, { x: grid() }, { begin: [-1, 0], end: [2, 4] })).toThrow(
      /Slice: bounds begin=\[-1, 0\] end=\[2, 4\] are not normalised for x \[3, 4\]/,
    );
  });

  it('sends the gradient back into the sliced window only', () => {
    const x = grid().requireGrad();
    slice(x, [1, -2]).sum().backward();
    expect(x.grad!.toArray()).toEqual([[0, 0, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]]);
  });

  it('has gradients that match finite differences', () => {
    manualSeed(11);
    checkGrads((x) => slice(x!, [1, -3], [3, -1]), [randn([4, 5])]);
    // Two overlapping windows of the same x: their gradients add up.
    checkGrads((x) => slice(x!, [0, 1, -9]).mul(slice(x!, [1, 0], [2, 2])), [randn([2, 3, 2])]);
  });
});

// Sizes whose product wraps around int64 must not pass the addon's size checks: a wrapped product
// could equal a small array's length and let a kernel read or write far past it. Every entry point
// that multiplies dimensions from JS rejects such a call by name, before touching memory.
import { describe, expect, it } from 'vitest';
import { loadAddon } from './load.ts';

const load = loadAddon();
const addon = load.ok ? load.addon : undefined;

// 2^62 · 4 = 2^64 ≡ 0 (mod 2^64): as a wrapped product these match an empty array.
const BIG = 2 ** 62;
const empty = new Float32Array(0);
const one = new Int32Array([0]);

describe.skipIf(!addon)('native size checks against int64 overflow', () => {
  it('matmul: batch · m · n and m · k', () => {
    expect(() => addon!.matmul(empty, empty, empty, one, one, BIG, 4, 0, false, false)).toThrow(/native MatMul: out: the product of its dimensions overflows int64/);
    expect(() => addon!.matmul(empty, empty, empty, one, one, 4, 0, BIG, false, false)).toThrow(/native MatMul: a: the product of its dimensions overflows int64/);
    expect(() => addon!.matmul(empty, empty, empty, one, one, 0, 4, BIG, false, false)).toThrow(/native MatMul: b: the product of its dimensions overflows int64/);
  });

  it('softmax and its gradient: outer · len · inner', () => {
    expect(() => addon!.softmax(empty, empty, BIG, 4, 1, false)).toThrow(/native Softmax: x: the product of its dimensions overflows int64/);
    expect(() => addon!.softmaxGrad(empty, empty, empty, 4, BIG, 1)).toThrow(/native SoftmaxGrad: y: the product of its dimensions overflows int64/);
  });

  it('layerNorm: rows · d', () => {
    expect(() => addon!.layerNorm(empty, null, null, empty, new Float32Array(4), new Float32Array(4), 4, BIG, 1e-5)).toThrow(
      /native LayerNorm: x: the product of its dimensions overflows int64/,
    );
  });

  it('gather: outer · n · inner', () => {
    expect(() => addon!.gather(empty, new Int32Array(0), empty, BIG, 4, 1)).toThrow(/native Gather: x: the product of its dimensions overflows int64/);
  });

  it('reduce: a shape whose element count wraps, and kept axes that wrap beside a zero-size one', () => {
    const wraps = new Int32Array([2 ** 16, 2 ** 16, 2 ** 16, 2 ** 16]);
    expect(() => addon!.reduce(empty, empty, wraps, new Int32Array([0]), 0)).toThrow(/native Sum: shape's element count overflows int64/);
    const zeroBeside = new Int32Array([0, 2 ** 30, 2 ** 30, 2 ** 30]);
    expect(() => addon!.reduce(empty, empty, zeroBeside, new Int32Array([0]), 0)).toThrow(/native Sum: shape's kept or reduced element count overflows int64/);
  });

  it('copyStrided: a box whose element count wraps', () => {
    const dims = new Int32Array([2 ** 30, 2 ** 30, 2 ** 30]);
    const zeros = new Int32Array(3);
    expect(() => addon!.copyStrided(empty, empty, dims, zeros, zeros, 0, 0, 'Expand')).toThrow(/native Expand: the box's element count overflows int64/);
  });

  it('copyStrided: a reach that wraps past int64 is past the array, not before it', () => {
    // 2^52 + 2 · (2^31 − 2)(2^31 − 1) > 2^63: wrapped, that reach would be negative and pass the bound.
    const dims = new Int32Array([2 ** 31 - 1, 2 ** 31 - 1]);
    const strides = new Int32Array([2 ** 31 - 1, 2 ** 31 - 1]);
    const zeros = new Int32Array(2);
    expect(() => addon!.copyStrided(new Float32Array(4), new Float32Array(4), dims, strides, zeros, 2 ** 52, 0, 'Slice')).toThrow(
      /native Slice: the box reads past src \(4 elements\)/,
    );
  });

  it('attention: batch · tq · tk scores', () => {
    const offs = new Int32Array(2 ** 3);
    expect(() =>
      addon!.attention(empty, empty, empty, null, empty, null, offs, offs, offs, offs, 2 ** 31 - 1, 2 ** 31 - 1, 0, 0, 0, 0, 1, false, 0, 1),
    ).toThrow(/native Attention: scores: the product of its dimensions overflows int64/);
  });
});

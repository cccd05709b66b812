// Native layout ops against the CPU oracle, bit for bit, on the shapes that take each C++ path of the
// strided box copy (merged runs, attention's head split/merge, tiled transposes, broadcast fills,
// plain strided walks), on int32 as well as float32, and the addon's boundary checks.
import { describe, expect, it } from 'vitest';
import { concat, createCpuBackend, expand, pad, permute, setBackend, slice, tensor, type Backend, type Tensor, type TypedArray } from '@crossmodal/tensor';
import { testBackend } from '../testing.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;
const cpu = createCpuBackend();

type Input = { data: TypedArray; shape: number[] };

/** `fn` on the native backend and on the oracle, from the same host data. */
function both(inputs: Input[], fn: (...xs: Tensor[]) => Tensor): [TypedArray, TypedArray] {
  const run = (on: Backend): TypedArray => {
    const prev = setBackend(on);
    try {
      const xs = inputs.map(({ data, shape }) => tensor(data, shape, { dtype: data instanceof Int32Array ? 'int32' : 'float32' }));
      return fn(...xs).dataSync();
    } finally {
      setBackend(prev);
    }
  };
  return [run(native!), run(cpu)];
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
/** Distinct values (the element's flat index, plus a fraction), so any misplaced word shows. */
const f32 = (...shape: number[]): Input => ({ data: Float32Array.from({ length: size(shape) }, (_, i) => i + 0.25), shape });
const i32 = (...shape: number[]): Input => ({ data: Int32Array.from({ length: size(shape) }, (_, i) => i * 7 - 3), shape });

/** Equal word for word (NaN-safe: compares the same typed-array kind element by element). */
function expectSame([got, want]: [TypedArray, TypedArray]): void {
  expect(got.constructor).toBe(want.constructor);
  expect(Array.from(got)).toEqual(Array.from(want));
}

describe.skipIf(!native)('native Permute', () => {
  it.each([
    ['head split [B,N,H,d] → [B,H,N,d]', [6, 50, 4, 16], [0, 2, 1, 3]],
    ['head merge [B,H,N,d] → [B,N,H,d]', [3, 4, 5, 8], [0, 2, 1, 3]],
    ['a 2-D transpose (tiled), not a multiple of the tile', [70, 45], [1, 0]],
    ['a batched transpose of the last two axes', [3, 33, 40], [0, 2, 1]],
    ['a rotation [a,b,c] → [c,a,b]', [6, 4, 5], [2, 0, 1]],
    ['a full reversal', [2, 3, 4, 5], [3, 2, 1, 0]],
    ['size-1 axes moved around', [1, 7, 1, 3], [2, 3, 0, 1]],
    ['the identity', [4, 5], [0, 1]],
  ] as const)('%s', (_, shape, axes) => {
    expectSame(both([f32(...shape)], (x) => permute(x, [...axes])));
    expectSame(both([i32(...shape)], (x) => permute(x, [...axes])));
  });

  it('copies NaN and -0 words unchanged', () => {
    const data = Float32Array.from([Number.NaN, -0, 1, Number.NEGATIVE_INFINITY, 2, 3]);
    const [got] = both([{ data, shape: [2, 3] }], (x) => permute(x, [1, 0]));
    expect(Object.is(got[2], -0) && Number.isNaN(got[0]!)).toBe(true);
  });
});

describe.skipIf(!native)('native Expand, Slice, Pad, Concat', () => {
  it.each([
    ['expand inner axis (fills)', [3, 1], [2, 3, 40]],
    ['expand leading axes (run copies)', [1, 5], [6, 4, 5]],
    ['expand both sides', [3, 1, 5], [2, 3, 4, 5]],
    ['expand a scalar', [], [3, 4]],
  ] as const)('%s', (_, from, to) => {
    expectSame(both([f32(...from)], (x) => expand(x, [...to])));
    expectSame(both([i32(...from)], (x) => expand(x, [...to])));
  });

  it.each([
    ['rows of a matrix (one run)', [9, 6], [2, 0], [7, 6]],
    ['a box in 3-D', [5, 7, 3], [1, 2, 0], [4, 6, 3]],
    ['one column (strided)', [8, 5], [0, 3], [8, 4]],
    ['an empty box', [4, 4], [2, 1], [2, 3]],
  ] as const)('slice: %s', (_, shape, begin, end) => {
    expectSame(both([f32(...shape)], (x) => slice(x, [...begin], [...end])));
    expectSame(both([i32(...shape)], (x) => slice(x, [...begin], [...end])));
  });

  it('pads with zero, with a value (-0 included), and int32 with an integer', () => {
    expectSame(both([f32(3, 4)], (x) => pad(x, [[1, 2], [0, 3]])));
    expectSame(both([f32(2, 3, 4)], (x) => pad(x, [[0, 0], [2, 1], [1, 1]], -1.5)));
    expectSame(both([i32(5)], (x) => pad(x, [[3, 0]], 9)));
    expectSame(both([f32(2, 0)], (x) => pad(x, [[1, 1], [2, 0]], 4)));
    const [negZero] = both([f32(1)], (x) => pad(x, [[1, 0]], -0));
    expect(Object.is(negZero[0], -0)).toBe(true);
  });

  it('concatenates along each axis, including empty inputs, and int32', () => {
    expectSame(both([f32(2, 3), f32(2, 5), f32(2, 1)], (a, b, c) => concat([a!, b!, c!], 1)));
    expectSame(both([f32(2, 3, 4), f32(1, 3, 4)], (a, b) => concat([a!, b!], 0)));
    expectSame(both([i32(2, 3, 4), i32(2, 3, 2), i32(2, 3, 0)], (a, b, c) => concat([a!, b!, c!], 2)));
  });
});

describe.skipIf(!native)('native copyStrided boundary checks', () => {
  const f = (n: number): Float32Array => new Float32Array(n);
  const i = (...xs: number[]): Int32Array => Int32Array.from(xs);
  const copy = (src: Float32Array | Int32Array, dst: Float32Array | Int32Array, shape: Int32Array, ss: Int32Array, ds: Int32Array, so = 0, dOff = 0): void =>
    native!.addon.copyStrided(src, dst, shape, ss, ds, so, dOff, 'Permute');
  it.each([
    ['src and dst of different dtypes', () => copy(f(6), new Int32Array(6), i(2, 3), i(3, 1), i(3, 1)), 'native Permute: src and dst differ in dtype'],
    ['a detached buffer', () => {
      const d = f(6);
      structuredClone(d.buffer, { transfer: [d.buffer as ArrayBuffer] });
      copy(f(6), d, i(2, 3), i(3, 1), i(3, 1));
    }, 'native Permute: dst is a detached buffer'],
    ['a box that reads past src', () => copy(f(5), f(6), i(2, 3), i(3, 1), i(3, 1)), 'native Permute: the box reads past src (5 elements) from offset 0'],
    ['a box that writes past dst', () => copy(f(6), f(6), i(2, 3), i(3, 1), i(3, 1), 0, 1), 'native Permute: the box writes past dst (6 elements) from offset 1'],
    ['strides of the wrong length', () => copy(f(6), f(6), i(2, 3), i(1), i(3, 1)), 'native Permute: shape, srcStrides and dstStrides differ in length (2, 1, 2)'],
    ['a negative stride', () => copy(f(6), f(6), i(2, 3), i(3, -1), i(3, 1), 2), 'native Permute: negative size or stride on axis 1'],
    ['a Float64Array', () => copy(new Float64Array(6) as unknown as Float32Array, f(6), i(6), i(1), i(1)), 'native Permute: src must be a Float32Array or Int32Array'],
  ] as const)('rejects %s with an Error naming the op', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

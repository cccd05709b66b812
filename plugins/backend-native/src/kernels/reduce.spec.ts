// Native reductions against the CPU oracle on the shapes that take each C++ path (rows, columns,
// row-split and column-split partials, kept/reduced offset lists, empty and size-1 axes), their
// NaN, -inf, tie and int32-wrap semantics, thread-count determinism, and the addon's boundary checks.
import { describe, expect, it } from 'vitest';
import { argmax, argmin, createCpuBackend, max, min, setBackend, sum, tensor, type Backend, type Tensor, type TypedArray } from '@crossmodal/tensor';
import { allClose } from '@crossmodal/tensor/testing';
import { testBackend } from '../testing.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;
const cpu = createCpuBackend();

/** `fn` on the native backend and on the oracle, from the same host data. */
function both(data: TypedArray, shape: number[], fn: (x: Tensor) => Tensor): [TypedArray, TypedArray] {
  const run = (on: Backend): TypedArray => {
    const prev = setBackend(on);
    try {
      return fn(tensor(data, shape, { dtype: data instanceof Int32Array ? 'int32' : 'float32' })).dataSync();
    } finally {
      setBackend(prev);
    }
  };
  return [run(native!), run(cpu)];
}

/** Deterministic values in [-2, 2) with a few exact ties. */
function values(n: number, seed = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return Math.round(((s >>> 8) / 2 ** 24) * 4000 - 2000) / 1000;
  });
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const close = (got: TypedArray, want: TypedArray, atol = 1e-5, rtol = 1e-4): string | null =>
  got.length !== want.length ? `length ${got.length} vs ${want.length}` : allClose({ shape: [got.length], data: got }, { shape: [want.length], data: want }, { atol, rtol });

describe.skipIf(!native)('native Sum/Max/Min', () => {
  it.each([
    ['rows of a matrix', [37, 1000], [1]],
    ['columns of a matrix (bias gradient, row-split partials)', [20000, 13], [0]],
    ['columns wider than one accumulator block', [9, 2500], [0]],
    ['one long row (split into fixed pieces)', [1, 300001], [1]],
    ['two outputs over many runs (split over runs)', [600, 2, 300], [0, 2]],
    ['middle axes kept, outer and inner reduced', [4, 5, 6, 7], [0, 3]],
    ['alternating axes, last kept', [4, 5, 6, 7], [0, 2]],
    ['every axis', [3, 5, 7], [0, 1, 2]],
    ['no axis (a copy)', [3, 5], []],
    ['size-1 axes among reduced ones', [3, 1, 5, 1], [1, 2, 3]],
  ] as const)('%s', (_, shape, axes) => {
    const n = size(shape);
    const x = values(n);
    for (const [f, keep] of [[sum, true], [max, false], [min, true]] as const) {
      const [got, want] = both(x, [...shape], (t) => f(t, [...axes], keep));
      expect(close(got, want)).toBeNull();
    }
  });

  it('keeps float sums of a large offset within float rounding of the double oracle', () => {
    const x = values(1 << 20).map((v) => 1000 + v);
    const [got, want] = both(x, [1 << 20], (t) => sum(t));
    expect(close(got, want, 0, 1e-7)).toBeNull();
    const [colGot, colWant] = both(x, [1 << 14, 64], (t) => sum(t, 0));
    expect(close(colGot, colWant, 0, 1e-7)).toBeNull();
  });

  it('gives the identity for an empty reduction and nothing for an empty output', () => {
    expect(Array.from(both(new Float32Array(0), [3, 0, 4], (t) => sum(t, 1))[0])).toEqual(new Array(12).fill(0));
    expect(both(new Float32Array(0), [0, 5], (t) => sum(t, 1))[0].length).toBe(0);
  });

  it('propagates NaN through max and min and sums, in any lane, rows and columns', () => {
    const x = values(12 * 19);
    x[3 * 19 + 17] = Number.NaN; // row 3, past the 8-lane body
    x[5 * 19 + 2] = Number.NaN;
    x[7 * 19] = Number.NEGATIVE_INFINITY;
    for (const axes of [[1], [0]]) {
      for (const f of [sum, max, min]) {
        const [got, want] = both(x, [12, 19], (t) => f(t, axes));
        expect(close(got, want)).toBeNull();
      }
    }
    const [rowMax] = both(x, [12, 19], (t) => max(t, 1));
    expect(Number.isNaN(rowMax[3]!) && Number.isNaN(rowMax[5]!)).toBe(true);
  });

  it('max of an all -inf row is -inf', () => {
    expect(Array.from(both(new Float32Array(9).fill(Number.NEGATIVE_INFINITY), [1, 9], (t) => max(t, 1))[0])).toEqual([Number.NEGATIVE_INFINITY]);
  });

  it('sums int32 with wrap-around and takes int32 extremes', () => {
    const x = Int32Array.from([2 ** 30, 2 ** 30, 2 ** 30, -7, 2 ** 31 - 1, -(2 ** 31)]);
    const [got, want] = both(x, [2, 3], (t) => sum(t, 1));
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(got[0]).toBe(-(2 ** 30));
    for (const f of [max, min, sum]) {
      const [g, w] = both(x, [2, 3], (t) => f(t, 0));
      expect(Array.from(g)).toEqual(Array.from(w));
    }
  });

  it('gives bitwise equal results for 1 and 2 threads', () => {
    const x = values(40000 * 13, 7);
    const run = (threads: number): TypedArray => {
      const prev = native!.addon.getThreads();
      native!.addon.setThreads(threads);
      try {
        return Float32Array.from([...both(x, [40000, 13], (t) => sum(t, 0))[0], ...both(x, [1, 40000 * 13], (t) => sum(t, 1))[0]]);
      } finally {
        native!.addon.setThreads(prev);
      }
    };
    expect(Array.from(run(2))).toEqual(Array.from(run(1)));
  });
});

describe.skipIf(!native)('native ArgMax/ArgMin', () => {
  it.each([
    ['last axis', [9, 23], 1],
    ['first axis', [23, 9], 0],
    ['middle axis', [4, 11, 6], 1],
  ] as const)('%s matches the oracle (ties keep the first index)', (_, shape, axis) => {
    const x = values(size(shape), 3).map((v) => Math.round(v)); // many ties
    for (const f of [argmax, argmin]) {
      const [got, want] = both(x, [...shape], (t) => f(t, axis, true));
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });

  it('treats the first NaN as the extreme, and works on int32', () => {
    const x = Float32Array.from([1, Number.NaN, 5, Number.NaN, 0, 7, 7, -1]);
    for (const f of [argmax, argmin]) {
      const [got, want] = both(x, [2, 4], (t) => f(t, 1));
      expect(Array.from(got)).toEqual(Array.from(want));
    }
    expect(Array.from(both(x, [2, 4], (t) => argmax(t, 1))[0])).toEqual([1, 1]);
    const xi = Int32Array.from([3, -9, 3, 8, 8, -9]);
    expect(Array.from(both(xi, [6], (t) => argmax(t))[0])).toEqual([3]);
    expect(Array.from(both(xi, [6], (t) => argmin(t))[0])).toEqual([1]);
  });
});

describe.skipIf(!native)('native reduce boundary checks', () => {
  const f = (n: number): Float32Array => new Float32Array(n);
  const i = (...xs: number[]): Int32Array => Int32Array.from(xs);
  it.each([
    ['out of another dtype', () => native!.addon.reduce(f(6), new Int32Array(2), i(2, 3), i(1), 0), 'native Sum: x and out differ in dtype'],
    ['a detached buffer', () => {
      const x = f(6);
      structuredClone(x.buffer, { transfer: [x.buffer as ArrayBuffer] });
      native!.addon.reduce(x, f(2), i(2, 3), i(1), 1);
    }, 'native Max: x is a detached buffer'],
    ['an output of the wrong size', () => native!.addon.reduce(f(6), f(3), i(2, 3), i(1), 2), 'native Min: out has 3 elements, expected 2'],
    ['a shape that does not hold x', () => native!.addon.reduce(f(6), f(2), i(2, 4), i(1), 0), 'native Sum: shape holds 8 elements but x has 6'],
    ['unsorted axes', () => native!.addon.reduce(f(6), f(1), i(2, 3), i(1, 0), 0), 'native Sum: axes must be sorted, distinct and in [0, 2)'],
    ['an argmax output of the wrong size', () => native!.addon.argReduce(f(6), new Int32Array(3), 2, 3, 1, true), 'native ArgMax: out has 3 elements, expected 2'],
    ['an argmin over an empty axis', () => native!.addon.argReduce(f(0), new Int32Array(2), 2, 0, 1, false), 'native ArgMin: needs outer >= 0, n >= 1'],
  ] as const)('rejects %s with an Error naming the op', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

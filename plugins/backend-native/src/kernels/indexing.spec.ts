// Native Gather, ScatterAdd and OneHot against the CPU oracle: every axis position, int32 data,
// heavily repeated scatter targets (double accumulation, determinism), out-of-range indices (the
// oracle's RangeError, nothing leaked) and the addon's boundary checks.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, gather, oneHot, scatterAdd, setBackend, tensor, type Backend, type Tensor, type TypedArray } from '@crossmodal/tensor';
import { allClose } from '@crossmodal/tensor/testing';
import { testBackend } from '../testing.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;
const cpu = createCpuBackend();

type Input = { data: TypedArray; shape: number[] };

/** `fn` on `on`, from host data. */
function runOn(on: Backend, inputs: Input[], fn: (...xs: Tensor[]) => Tensor): TypedArray {
  const prev = setBackend(on);
  try {
    const xs = inputs.map(({ data, shape }) => tensor(data, shape, { dtype: data instanceof Int32Array ? 'int32' : 'float32' }));
    return fn(...xs).dataSync();
  } finally {
    setBackend(prev);
  }
}
const both = (inputs: Input[], fn: (...xs: Tensor[]) => Tensor): [TypedArray, TypedArray] => [runOn(native!, inputs, fn), runOn(cpu, inputs, fn)];

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const f32 = (...shape: number[]): Input => ({ data: Float32Array.from({ length: size(shape) }, (_, i) => Math.sin(i * 1.7) * 3), shape });
const i32 = (...shape: number[]): Input => ({ data: Int32Array.from({ length: size(shape) }, (_, i) => i * 7 - 3), shape });
/** Indices in [0, high), deterministic. */
const idx = (high: number, ...shape: number[]): Input => ({ data: Int32Array.from({ length: size(shape) }, (_, i) => (i * 5 + 3) % high), shape });

function expectSame([got, want]: [TypedArray, TypedArray]): void {
  expect(got.constructor).toBe(want.constructor);
  expect(Array.from(got)).toEqual(Array.from(want));
}

describe.skipIf(!native)('native Gather', () => {
  it.each([
    ['an embedding lookup (axis 0, 2-D indices)', [11, 6], [11, 3, 4], 0],
    ['a middle axis', [3, 8, 2], [8, 5], 1],
    ['the last axis', [4, 9], [9, 7], 1],
    ['no indices', [5, 2], [5, 0], 0],
  ] as const)('%s', (_, shape, [high, ...ishape], axis) => {
    expectSame(both([f32(...shape), idx(high!, ...ishape)], (x, i) => gather(x!, i!, axis)));
    expectSame(both([i32(...shape), idx(high!, ...ishape)], (x, i) => gather(x!, i!, axis)));
  });

  it('throws the oracle RangeError for an out-of-range index, leaking no storage', () => {
    const bad: Input = { data: Int32Array.from([0, 4, 11, 2]), shape: [4] };
    const before = native!.memory();
    const fn = (x: Tensor, i: Tensor): Tensor => gather(x, i, 0);
    expect(() => runOn(native!, [f32(11, 6), bad], (x, i) => fn(x!, i!))).toThrow(RangeError);
    expect(() => runOn(native!, [f32(11, 6), bad], (x, i) => fn(x!, i!))).toThrow('Gather: index 11 is out of range for axis 0 of size 11 (shape [11, 6])');
    expect(() => runOn(cpu, [f32(11, 6), bad], (x, i) => fn(x!, i!))).toThrow('Gather: index 11 is out of range for axis 0 of size 11 (shape [11, 6])');
    const neg: Input = { data: Int32Array.from([-1]), shape: [1] };
    expect(() => runOn(native!, [f32(3, 2), neg], (x, i) => gather(x!, i!, 1))).toThrow('Gather: index -1 is out of range for axis 1 of size 2');
    // The two input tensors per call are not disposed here; only they may remain.
    expect(native!.memory().storages - before.storages).toBe(6);
  });
});

describe.skipIf(!native)('native ScatterAdd', () => {
  it.each([
    ['repeated rows on axis 0', [6, 3], [6, 9], 0],
    ['a middle axis', [3, 5, 4], [5, 2, 3], 1],
    ['the last axis', [4, 6], [6, 10], 1],
  ] as const)('%s matches the oracle', (_, shape, [high, ...ishape], axis) => {
    const srcShape = [...shape.slice(0, axis), ...ishape, ...shape.slice(axis + 1)];
    const [got, want] = both([f32(...shape), idx(high!, ...ishape), f32(...srcShape)], (b, i, s) => scatterAdd(b!, i!, s!, axis));
    expect(allClose({ shape: [got.length], data: got }, { shape: [want.length], data: want }, { atol: 1e-6, rtol: 1e-6 })).toBeNull();
    expectSame(both([i32(...shape), idx(high!, ...ishape), i32(...srcShape)], (b, i, s) => scatterAdd(b!, i!, s!, axis)));
  });

  it('accumulates thousands of hits per row in double (as the oracle) and is thread-count independent', () => {
    // 4000 sources onto 3 rows of width 1500 (an embedding gradient with a tiny vocabulary): cancellation
    // makes float accumulation visibly wrong; the oracle and the native kernel both round once.
    const src = { data: Float32Array.from({ length: 4000 * 1500 }, (_, k) => (k % 2 ? 1e4 : -1e4) + (k % 7) * 1e-3), shape: [4000, 1500] };
    const inputs = [f32(3, 1500), idx(3, 4000), src];
    const fn = (b?: Tensor, i?: Tensor, s?: Tensor): Tensor => scatterAdd(b!, i!, s!, 0);
    const [got, want] = both(inputs, fn);
    expect(allClose({ shape: [got.length], data: got }, { shape: [want.length], data: want }, { atol: 0, rtol: 0 })).toBeNull();
    const prev = native!.addon.getThreads();
    native!.addon.setThreads(1);
    try {
      expect(Array.from(runOn(native!, inputs, fn))).toEqual(Array.from(got));
    } finally {
      native!.addon.setThreads(prev);
    }
  });

  it('throws the oracle RangeError for an out-of-range index', () => {
    const bad: Input = { data: Int32Array.from([1, 6]), shape: [2] };
    expect(() => runOn(native!, [f32(6, 3), bad, f32(2, 3)], (b, i, s) => scatterAdd(b!, i!, s!, 0))).toThrow(
      'ScatterAdd: index 6 is out of range for axis 0 of size 6 (shape [6, 3])',
    );
  });
});

describe.skipIf(!native)('native OneHot', () => {
  it('matches the oracle, with zero rows for out-of-range and negative labels', () => {
    const labels: Input = { data: Int32Array.from([2, -100, 0, 7, 6, 3]), shape: [2, 3] };
    expectSame(both([labels], (i) => oneHot(i!, 7)));
    expect(Array.from(both([labels], (i) => oneHot(i!, 7))[0].slice(7, 14))).toEqual(new Array(7).fill(0));
    expectSame(both([labels], (i) => oneHot(i!, 0)));
  });
});

describe.skipIf(!native)('native indexing boundary checks', () => {
  const f = (n: number): Float32Array => new Float32Array(n);
  const i = (...xs: number[]): Int32Array => Int32Array.from(xs);
  it.each([
    ['float indices', () => native!.addon.gather(f(6), f(2) as unknown as Int32Array, f(4), 1, 3, 2), 'native Gather: indices must be a Int32Array'],
    ['x and out of different dtypes', () => native!.addon.gather(f(6), i(0), new Int32Array(2), 1, 3, 2), 'native Gather: x and out differ in dtype'],
    ['an output of the wrong size', () => native!.addon.gather(f(6), i(0, 1), f(3), 1, 3, 2), 'native Gather: out has 3 elements, expected 4'],
    ['a detached source', () => {
      const s = f(2);
      structuredClone(s.buffer, { transfer: [s.buffer as ArrayBuffer] });
      native!.addon.scatterAdd(f(6), i(0), s, f(6), 1, 3, 2);
    }, 'native ScatterAdd: src is a detached buffer'],
    ['a src of the wrong size', () => native!.addon.scatterAdd(f(6), i(0, 2), f(2), f(6), 1, 3, 2), 'native ScatterAdd: src has 2 elements, expected 4'],
    ['a negative depth', () => native!.addon.oneHot(i(0), f(0), -1), 'native OneHot: depth must be >= 0, got -1'],
    ['a one-hot output of the wrong size', () => native!.addon.oneHot(i(0, 1), f(5), 3), 'native OneHot: out has 5 elements, expected 6'],
  ] as const)('rejects %s with an Error naming the op', (_, call, message) => {
    expect(call).toThrow(message);
  });

  it('writes nothing when an index is out of range', () => {
    const out = f(4).fill(9);
    expect(native!.addon.gather(f(6), i(0, 3), out, 1, 3, 2)).toBe(1);
    expect(Array.from(out)).toEqual([9, 9, 9, 9]);
  });
});

// Native Softmax, LogSoftmax and SoftmaxGrad against the CPU oracle: the last axis (contiguous
// rows, many rows across threads) and other axes (column blocks, more columns than one block),
// rows of −∞, NaN and +∞, large magnitudes, and the addon's boundary checks.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, LogSoftmax, runOp, Softmax, SoftmaxGrad, tensor, type Backend, type Tensor } from '@crossmodal/tensor';
import { allClose, makeInputs } from '@crossmodal/tensor/testing';
import { testBackend } from '../testing.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;
const cpu = createCpuBackend();
const NEG = Number.NEGATIVE_INFINITY;
const tol = { atol: 1e-6, rtol: 1e-5 };

/** fn on `backend` from the same host data, read back. */
function run(backend: Backend, fn: (...xs: Tensor[]) => Tensor, inputs: readonly Float32Array[], shape: readonly number[]): Float32Array {
  const xs = inputs.map((d) => tensor(d, [...shape], { backend }));
  const r = fn(...xs);
  const data = r.dataSync() as Float32Array;
  for (const t of [r, ...xs]) t.dispose();
  return data;
}

/** Null when fn on the native backend matches the oracle (NaN matches NaN). */
function compare(fn: (...xs: Tensor[]) => Tensor, inputs: readonly Float32Array[], shape: readonly number[]): string | null {
  const want = run(cpu, fn, inputs, shape);
  const got = run(native!, fn, inputs, shape);
  return allClose({ shape: [got.length], data: got }, { shape: [want.length], data: want }, tol);
}

const random = (shape: readonly number[], n: number, seed = 7): Float32Array[] => makeInputs(Array.from({ length: n }, () => ({ shape, low: -4, high: 4 })), seed) as Float32Array[];

describe.skipIf(!native)('native softmax family', () => {
  it.each([
    ['last axis, odd width', [6, 37], 1],
    ['last axis, many rows across threads', [3200, 50], 1],
    ['last axis, one long row', [1, 5000], 1],
    ['middle axis (strided columns)', [3, 9, 4], 1],
    ['first axis, more columns than one block', [7, 2, 300], 0],
    ['a length-1 axis', [5, 1, 3], 1],
  ] as const)('%s matches the oracle (softmax, log-softmax, backward)', (_, shape, axis) => {
    const [x, dy] = random(shape, 2);
    for (const op of [Softmax, LogSoftmax]) expect(compare((t) => runOp(op, { x: t }, { axis }), [x!], shape), op.name).toBeNull();
    const y = run(cpu, (t) => runOp(Softmax, { x: t }, { axis }), [x!], shape);
    expect(compare((a, b) => runOp(SoftmaxGrad, { y: a!, dy: b! }, { axis }), [y, dy!], shape)).toBeNull();
  });

  it('rows of −∞, NaN, +∞ and ±1000 behave as the oracle (zeros, −∞, NaN rows), on the last and a middle axis', () => {
    const rows = [
      [NEG, NEG, NEG, NEG, NEG, NEG, NEG, NEG, NEG], // all −∞: softmax zeros, log-softmax −∞
      [NEG, NEG, Number.NaN, NEG, NEG, NEG, NEG, NEG, NEG], // −∞ and NaN: NaN
      [1, 2, Number.NaN, 4, 5, 6, 7, 8, 9], // NaN: the whole row NaN
      [1, Number.POSITIVE_INFINITY, 3, 4, 5, 6, 7, 8, 9], // +∞: ∞ − ∞ = NaN
      [1000, -1000, 999, NEG, 0, 1000, -5, 3, 2], // no overflow, exact zeros for −∞
    ];
    const x = Float32Array.from(rows.flat());
    for (const op of [Softmax, LogSoftmax]) {
      expect(compare((t) => runOp(op, { x: t }, { axis: 1 }), [x], [5, 9]), op.name).toBeNull();
      // The same rows as columns: [9, 5] with the axis first.
      const xt = Float32Array.from({ length: 45 }, (_, i) => x[(i % 5) * 9 + Math.floor(i / 5)]!);
      expect(compare((t) => runOp(op, { x: t }, { axis: 0 }), [xt], [9, 5]), `${op.name} axis 0`).toBeNull();
    }
    const y = run(native!, (t) => runOp(Softmax, { x: t }, { axis: 1 }), [x], [5, 9]);
    expect(Array.from(y.slice(0, 9))).toEqual(new Array(9).fill(0));
    expect(y[9 * 4 + 3]).toBe(0);
  });

  it('an empty axis gives an empty result', () => {
    expect(run(native!, (t) => runOp(Softmax, { x: t }, { axis: 1 }), [new Float32Array(0)], [3, 0]).length).toBe(0);
  });

  const f = (n: number): Float32Array => new Float32Array(n);
  it.each([
    ['a wrong dtype', () => native!.addon.softmax(new Int32Array(6) as unknown as Float32Array, f(6), 2, 3, 1, false), 'native Softmax: x must be a Float32Array'],
    ['a detached buffer', () => {
      const x = f(6);
      structuredClone(x.buffer, { transfer: [x.buffer as ArrayBuffer] });
      native!.addon.softmax(x, f(6), 2, 3, 1, true);
    }, 'native LogSoftmax: x is a detached buffer'],
    ['an output of the wrong size', () => native!.addon.softmax(f(6), f(5), 2, 3, 1, false), 'native Softmax: out has 5 elements, expected 6'],
    ['sizes that do not match the input', () => native!.addon.softmaxGrad(f(6), f(6), f(6), 2, 4, 1), 'native SoftmaxGrad: y has 6 elements, expected 8'],
    ['a negative size', () => native!.addon.softmaxGrad(f(6), f(6), f(6), -2, 3, 1), 'native SoftmaxGrad: negative size'],
  ] as const)('rejects %s with an Error naming the op', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

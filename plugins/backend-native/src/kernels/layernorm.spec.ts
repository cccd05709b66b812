// Native LayerNorm and LayerNormGrad against the CPU oracle: with and without weight/bias, widths
// that are not multiples of the vector width, many rows across threads, every subset of wanted
// gradients, dweight/dbias identical whatever the thread count, and the addon's boundary checks.
import { describe, expect, it } from 'vitest';
import { createCpuBackend, LayerNorm, LayerNormGrad, runOpMulti, tensor, type Backend, type Tensor } from '@crossmodal/tensor';
import { allClose, makeInputs } from '@crossmodal/tensor/testing';
import { testBackend } from '../testing.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;
const cpu = createCpuBackend();
const tol = { atol: 1e-5, rtol: 1e-4 };

type Host = { readonly data: Float32Array; readonly shape: readonly number[] } | undefined;
type Fn = (...xs: (Tensor | undefined)[]) => Record<string, Tensor | undefined>;

/** fn on `backend` from host data (undefined inputs stay undefined), outputs read back by name. */
function run(backend: Backend, fn: Fn, inputs: readonly Host[]): Record<string, Float32Array> {
  const xs = inputs.map((x) => (x ? tensor(x.data, [...x.shape], { backend }) : undefined));
  const out: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries(fn(...xs))) {
    if (!t) continue;
    out[k] = t.dataSync() as Float32Array;
    t.dispose();
  }
  for (const x of xs) x?.dispose();
  return out;
}

function compare(fn: Fn, inputs: readonly Host[]): string | null {
  const want = run(cpu, fn, inputs);
  const got = run(native!, fn, inputs);
  if (Object.keys(got).sort().join() !== Object.keys(want).sort().join()) return `outputs ${Object.keys(got)} vs ${Object.keys(want)}`;
  for (const [k, e] of Object.entries(want)) {
    const msg = allClose({ shape: [got[k]!.length], data: got[k]! }, { shape: [e.length], data: e }, tol);
    if (msg) return `${k}: ${msg}`;
  }
  return null;
}

const host = (shape: readonly number[], seed: number, low = -2, high = 2): NonNullable<Host> => ({ data: makeInputs([{ shape, low, high }], seed)[0] as Float32Array, shape });
const forward: Fn = (x, w, b) => runOpMulti(LayerNorm, { x: x!, weight: w, bias: b }, { eps: 1e-5 });
const backward = (want: { dx: boolean; dweight: boolean; dbias: boolean }): Fn => (dy, x, mean, rstd, w) =>
  runOpMulti(LayerNormGrad, { dy: dy!, x: x!, mean: mean!, rstd: rstd!, weight: w }, want);

describe.skipIf(!native)('native layer norm', () => {
  it.each([
    ['affine, odd width', [2, 5, 24], true, true],
    ['plain', [7, 10], false, false],
    ['weight only, many rows', [3200, 64], true, false],
    ['bias only, wide rows', [3, 1000], false, true],
    ['width 1', [5, 1], true, true],
    ['rows far from zero (two-pass variance)', [4, 33], true, true],
  ] as const)('%s: forward and every backward output match the oracle', (name, shape, hasW, hasB) => {
    const d = shape.at(-1)!;
    const x = host(shape, 1, ...(name.startsWith('rows far') ? [1000, 1001] as const : [-2, 2] as const));
    const w = hasW ? host([d], 2) : undefined;
    const b = hasB ? host([d], 3) : undefined;
    expect(compare(forward, [x, w, b])).toBeNull();
    const stats = run(cpu, forward, [x, w, b]);
    const rows = shape.slice(0, -1);
    const inputs: Host[] = [host(shape, 4), x, { data: stats['mean']!, shape: rows }, { data: stats['rstd']!, shape: rows }, w];
    for (const want of [{ dx: true, dweight: true, dbias: true }, { dx: true, dweight: false, dbias: false }, { dx: false, dweight: true, dbias: false }, { dx: false, dweight: false, dbias: true }]) {
      expect(compare(backward({ ...want, dweight: want.dweight && hasW, dbias: want.dbias && hasB }), inputs), JSON.stringify(want)).toBeNull();
    }
  });

  it('an empty row (D = 0) gives mean 0 and rstd 0', () => {
    const r = run(native!, forward, [{ data: new Float32Array(0), shape: [3, 0] }]);
    expect(Array.from(r['mean']!)).toEqual([0, 0, 0]);
    expect(Array.from(r['rstd']!)).toEqual([0, 0, 0]);
  });

  it('dweight and dbias are bit-identical with 1 and 2 threads (fixed row chunks, fixed-order sum)', () => {
    const shape = [1000, 48];
    const x = host(shape, 5);
    const w = host([48], 6);
    const stats = run(cpu, forward, [x, w]);
    const inputs: Host[] = [host(shape, 7), x, { data: stats['mean']!, shape: [1000] }, { data: stats['rstd']!, shape: [1000] }, w];
    const all = backward({ dx: true, dweight: true, dbias: true });
    const before = native!.threads;
    try {
      native!.addon.setThreads(1);
      const one = run(native!, all, inputs);
      native!.addon.setThreads(2);
      const two = run(native!, all, inputs);
      for (const k of ['dx', 'dweight', 'dbias']) expect(Array.from(two[k]!), k).toEqual(Array.from(one[k]!));
    } finally {
      native!.addon.setThreads(before);
    }
  });

  const f = (n: number): Float32Array => new Float32Array(n);
  it.each([
    ['a wrong dtype', () => native!.addon.layerNorm(new Int32Array(6) as unknown as Float32Array, null, null, f(6), f(2), f(2), 2, 3, 1e-5), 'native LayerNorm: x must be a Float32Array'],
    ['a detached buffer', () => {
      const w = f(3);
      structuredClone(w.buffer, { transfer: [w.buffer as ArrayBuffer] });
      native!.addon.layerNorm(f(6), w, null, f(6), f(2), f(2), 2, 3, 1e-5);
    }, 'native LayerNorm: weight is a detached buffer'],
    ['a weight of the wrong size', () => native!.addon.layerNorm(f(6), f(2), null, f(6), f(2), f(2), 2, 3, 1e-5), 'native LayerNorm: weight has 2 elements, expected 3'],
    ['statistics of the wrong size', () => native!.addon.layerNormGrad(f(6), f(6), f(3), f(2), null, f(6), null, null, 2, 3), 'native LayerNormGrad: mean has 3 elements, expected 2'],
    ['a gradient output of the wrong size', () => native!.addon.layerNormGrad(f(6), f(6), f(2), f(2), null, null, f(4), null, 2, 3), 'native LayerNormGrad: dweight has 4 elements, expected 3'],
  ] as const)('rejects %s with an Error naming the op', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

// Native Attention and AttentionGrad against the CPU oracle: broadcast batch axes, int and float
// masks broadcast over heads and queries (fully masked rows), causal with Tq ≠ Tk, dropout with the
// counter hash, probabilities on request, heads split into row blocks and whole heads, empty axes,
// every subset of wanted gradients; and the addon's boundary checks.
import { describe, expect, it } from 'vitest';
import { Attention, AttentionGrad, createCpuBackend, runOpMulti, tensor, type AttentionAttrs, type Backend, type Tensor } from '@crossmodal/tensor';
import { allClose, makeInputs } from '@crossmodal/tensor/testing';
import { testBackend } from '../testing.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;
const cpu = createCpuBackend();
const NEG = Number.NEGATIVE_INFINITY;
const tol = { atol: 1e-5, rtol: 1e-4 };

type Host = { readonly data: Float32Array | Int32Array; readonly shape: readonly number[] };
type Fn = (...xs: Tensor[]) => Record<string, Tensor | undefined>;
type Opts = Partial<Omit<AttentionAttrs, 'returnProbs'>>;

function run(backend: Backend, fn: Fn, inputs: readonly (Host | undefined)[]): Record<string, Float32Array> {
  const xs = inputs.map((x) => (x ? tensor(x.data, [...x.shape], { backend }) : undefined));
  const out: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries(fn(...(xs as Tensor[])))) {
    if (!t) continue;
    out[k] = t.dataSync() as Float32Array;
    t.dispose();
  }
  for (const x of xs) x?.dispose();
  return out;
}

function compare(fn: Fn, inputs: readonly (Host | undefined)[]): string | null {
  const want = run(cpu, fn, inputs);
  const got = run(native!, fn, inputs);
  if (Object.keys(got).sort().join() !== Object.keys(want).sort().join()) return `outputs ${Object.keys(got)} vs ${Object.keys(want)}`;
  for (const [k, e] of Object.entries(want)) {
    const msg = allClose({ shape: [got[k]!.length], data: got[k]! }, { shape: [e.length], data: e }, tol);
    if (msg) return `${k}: ${msg}`;
  }
  return null;
}

const attrs = (o: Opts, dh: number) => ({ scale: o.scale ?? 1 / Math.sqrt(dh), causal: o.causal ?? false, dropoutP: o.dropoutP ?? 0, seed: o.seed ?? 0 });
const forward = (o: Opts): Fn => (q, k, v, mask) => runOpMulti(Attention, { q: q!, k: k!, v: v!, mask }, { ...attrs(o, q!.shape.at(-1)!), returnProbs: true });
const backward = (o: Opts, want = { dq: true, dk: true, dv: true }): Fn => (q, k, v, dOut, mask) =>
  runOpMulti(AttentionGrad, { q: q!, k: k!, v: v!, dOut: dOut!, mask }, { ...attrs(o, q!.shape.at(-1)!), ...want, dmask: mask?.dtype === 'float32' });
const hosts = (shapes: readonly (readonly number[])[], seed = 3): Host[] =>
  makeInputs(shapes.map((shape) => ({ shape })), seed).map((data, i) => ({ data, shape: shapes[i]! }));
const ints = (shape: number[], f: (i: number) => number): Host => ({ data: Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)), shape });
/** [...broadcast batch of q, k, v and the mask, Tq, Dv]: the shape of out and dOut. */
const outShape = (shapes: readonly (readonly number[])[], q: readonly number[], v: readonly number[]): number[] => {
  const rank = Math.max(...shapes.map((s) => s.length));
  const batch = Array.from({ length: rank - 2 }, (_, i) => Math.max(...shapes.map((s) => [...Array<number>(rank - s.length).fill(1), ...s][i]!)));
  return [...batch, q.at(-2)!, v.at(-1)!];
};

/** Forward (out, probs) and backward (dq, dk, dv, dmask) against the oracle. */
function check(shapes: readonly (readonly number[])[], o: Opts, mask?: Host): void {
  const [q, k, v] = hosts(shapes);
  expect(compare(forward(o), [q, k, v, mask]), 'forward').toBeNull();
  const dOut = hosts([outShape([...shapes, ...(mask ? [mask.shape] : [])], q!.shape, v!.shape)], 9)[0];
  expect(compare(backward(o), [q, k, v, dOut, mask]), 'backward').toBeNull();
}

describe.skipIf(!native)('native attention', () => {
  it.each([
    ['self', [[2, 3, 9, 8], [2, 3, 9, 8], [2, 3, 9, 8]], {}],
    ['broadcast batch', [[2, 1, 5, 8], [3, 7, 8], [1, 7, 3]], { scale: 0.7 }],
    ['causal, Tq > Tk (leading rows fully masked)', [[2, 6, 4], [2, 4, 4], [2, 4, 5]], { causal: true }],
    ['causal, Tq < Tk', [[1, 3, 4], [1, 7, 4], [1, 7, 2]], { causal: true }],
    ['dropout', [[2, 2, 6, 4], [2, 2, 6, 4], [2, 2, 6, 4]], { dropoutP: 0.2, seed: 99 }],
    ['wide Dv', [[2, 5, 6], [2, 7, 6], [2, 7, 300]], { dropoutP: 0.3, seed: 5 }],
    ['rank 6', [[2, 1, 2, 1, 3, 4], [1, 2, 1, 2, 5, 4], [2, 2, 1, 1, 5, 3]], {}],
    ['Dh = 1, Tq = 1', [[4, 1, 1], [4, 3, 1], [4, 3, 2]], {}],
    ['few long heads (split into row blocks)', [[1, 2, 150, 16], [1, 2, 150, 16], [1, 2, 150, 16]], { causal: true, dropoutP: 0.1, seed: 4 }],
    ['many heads (whole heads per block)', [[4, 6, 33, 16], [4, 6, 33, 16], [4, 6, 33, 16]], { dropoutP: 0.1, seed: 77 }],
  ] as const)('%s: forward and backward match the oracle', (_, shapes, o) => check(shapes, o));

  it('an int32 keep-mask broadcast over heads and queries, with a fully masked batch row', () => {
    const mask = ints([2, 1, 1, 7], (i) => (i < 7 ? 0 : i % 3)); // batch 0: every key masked
    check([[2, 2, 5, 8], [2, 2, 7, 8], [2, 2, 7, 3]], { causal: true, dropoutP: 0.5, seed: 3 }, mask);
    const [q, k, v] = hosts([[2, 2, 5, 8], [2, 2, 7, 8], [2, 2, 7, 3]]);
    const r = run(native!, forward({}), [q, k, v, mask]);
    expect(Array.from(r['out']!.slice(0, 2 * 5 * 3)).every((x) => x === 0)).toBe(true);
    expect(Array.from(r['probs']!.slice(0, 2 * 5 * 7)).every((x) => x === 0)).toBe(true);
  });

  it('a float additive mask with −∞ (one row entirely), more batch axes than q, and its gradient', () => {
    const [m] = hosts([[3, 5, 6]], 12);
    const data = Float32Array.from(m!.data, (x, i) => (i % 7 === 0 || (i >= 30 && i < 36) ? NEG : x));
    check([[5, 4], [6, 4], [6, 3]], { dropoutP: 0.1, seed: 8 }, { data, shape: [3, 5, 6] });
    check([[2, 5, 4], [2, 6, 4], [2, 6, 3]], {}, { data: data.slice(0, 6), shape: [6] }); // rank-1 mask over keys
  });

  it.each([
    ['dq only', { dq: true, dk: false, dv: false }],
    ['dk only', { dq: false, dk: true, dv: false }],
    ['dv only', { dq: false, dk: false, dv: true }],
  ] as const)('AttentionGrad with %s', (_, want) => {
    const [q, k, v, dOut] = hosts([[2, 5, 4], [2, 6, 4], [2, 6, 3], [2, 5, 3]]);
    expect(compare(backward({ dropoutP: 0.25, seed: 1 }, want), [q, k, v, dOut])).toBeNull();
  });

  it('empty key and query axes give zeros and empty outputs', () => {
    check([[2, 3, 4], [2, 0, 4], [2, 0, 5]], {});
    check([[2, 0, 4], [2, 3, 4], [2, 3, 5]], {});
    const [q, k, v] = hosts([[2, 3, 4], [2, 0, 4], [2, 0, 5]]);
    expect(Array.from(run(native!, forward({}), [q, k, v])['out']!)).toEqual(new Array(30).fill(0));
  });

  const f = (n: number): Float32Array => new Float32Array(n);
  const o = (...xs: number[]): Int32Array => Int32Array.from(xs);
  const fwd = (q: Float32Array, mask: Float32Array | Int32Array | null, out: Float32Array, offsQ: Int32Array, offsM: Int32Array, dropoutP = 0) =>
    native!.addon.attention(q, f(8), f(8), mask, out, null, offsQ, o(0), o(0), offsM, 2, 2, 4, 4, 2, 1, 0.5, false, dropoutP, 0);
  it.each([
    ['a wrong dtype', () => fwd(new Int32Array(8) as unknown as Float32Array, null, f(8), o(0), o()), 'native Attention: q must be a Float32Array'],
    ['a detached buffer', () => {
      const q = f(8);
      structuredClone(q.buffer, { transfer: [q.buffer as ArrayBuffer] });
      fwd(q, null, f(8), o(0), o());
    }, 'native Attention: q is a detached buffer'],
    ['an output of the wrong size', () => fwd(f(8), null, f(7), o(0), o()), 'native Attention: out has 7 elements, expected 8'],
    ['q too small for its batch offset', () => fwd(f(8), null, f(8), o(4), o()), 'native Attention: q is too small for batch matrix 0'],
    ['a mask too small for its strides', () => fwd(f(8), f(3), f(8), o(0), o(0)), 'native Attention: mask is too small for batch matrix 0'],
    ['a dropout probability of 1', () => fwd(f(8), null, f(8), o(0), o(), 1), 'native Attention: dropoutP must be in [0, 1)'],
    ['a gradient output of the wrong size', () => native!.addon.attentionGrad(f(8), f(8), f(8), f(8), null, f(8), f(9), null, null, o(0), o(0), o(0), o(), 2, 2, 4, 4, 0, 0, 0.5, false, 0, 0),
      'native AttentionGrad: dk has 9 elements, expected 8'],
  ] as const)('rejects %s with an Error naming the op', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

// The fused attention forward on WebGPU against the CPU oracle: broadcast batch axes, int and
// float masks (fully masked rows), causal with Tq ≠ Tk, dropout, wide Dv (several register
// chunks), empty axes, rank 6 and more rows than one dispatch axis holds.
import { describe, expect, it } from 'vitest';
import { AttentionGrad, runOpMulti, scaledDotProductAttention, type AttentionOptions, type Tensor } from '@crossmodal/tensor';
import { testBackend } from '../testing/index.ts';
import { compareForward, hostInputs, onBoth, type HostInput } from '../testing/nn-parity.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;
const tol = { atol: 1e-5, rtol: 1e-4 };
const NEG = Number.NEGATIVE_INFINITY;

const attend = (opts: AttentionOptions) => (q: Tensor, k: Tensor, v: Tensor, mask?: Tensor) => {
  const { out, probs } = scaledDotProductAttention(q, k, v, { ...opts, returnProbs: true, ...(mask ? { mask } : {}) });
  return { out, probs };
};
/** AttentionGrad with every output the mask allows (dmask only for a float mask). */
const grad = (o: { scale?: number; causal?: boolean; dropoutP?: number; seed?: number }, want = { dq: true, dk: true, dv: true }) =>
  (q: Tensor, k: Tensor, v: Tensor, dOut: Tensor, mask?: Tensor) =>
    runOpMulti(AttentionGrad, { q, k, v, dOut, mask }, {
      scale: o.scale ?? 0.4, causal: o.causal ?? false, dropoutP: o.dropoutP ?? 0, seed: o.seed ?? 0, ...want, dmask: mask?.dtype === 'float32',
    });
const ints = (shape: number[], f: (i: number) => number): HostInput =>
  ({ data: Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)), shape });

describe.skipIf(!gpu)('attention kernel on WebGPU', () => {
  it.each([
    ['self', [[2, 3, 9, 8], [2, 3, 9, 8], [2, 3, 9, 8]], {}],
    ['broadcast batch', [[2, 1, 5, 8], [3, 7, 8], [1, 7, 3]], { scale: 0.7 }],
    ['causal, Tq > Tk (leading rows fully masked)', [[2, 6, 4], [2, 4, 4], [2, 4, 5]], { causal: true }],
    ['causal, Tq < Tk', [[1, 3, 4], [1, 7, 4], [1, 7, 2]], { causal: true }],
    ['dropout', [[2, 2, 6, 4], [2, 2, 6, 4], [2, 2, 6, 4]], { dropoutP: 0.2, seed: 99 }],
    ['wide Dv, several chunks', [[2, 5, 6], [2, 7, 6], [2, 7, 300]], { dropoutP: 0.3, seed: 5 }],
    ['rank 6', [[2, 1, 2, 1, 3, 4], [1, 2, 1, 2, 5, 4], [2, 2, 1, 1, 5, 3]], {}],
    ['Dh = 1, Tq = 1', [[4, 1, 1], [4, 3, 1], [4, 3, 2]], {}],
  ] as const)('%s matches the oracle (out and probs)', async (_, shapes, opts) => {
    const inputs = hostInputs(shapes.map((s) => ({ shape: [...s] })));
    expect(await compareForward(gpu!, attend(opts), inputs, tol)).toBeNull();
  });

  it('an int32 keep-mask broadcast over heads and queries, with a fully masked batch row', async () => {
    const [q, k, v] = hostInputs([{ shape: [2, 2, 5, 8] }, { shape: [2, 2, 7, 8] }, { shape: [2, 2, 7, 3] }]);
    const mask = ints([2, 1, 1, 7], (i) => (i < 7 ? 0 : i % 3)); // batch 0: every key masked
    const r = await onBoth(gpu!, attend({}), [q!, k!, v!, mask]);
    expect(Array.from(r.gpu['out']!.data.slice(0, 2 * 5 * 3)).every((x) => x === 0)).toBe(true);
    expect(Array.from(r.gpu['probs']!.data.slice(0, 2 * 5 * 7)).every((x) => x === 0)).toBe(true);
    expect(await compareForward(gpu!, attend({ causal: true, dropoutP: 0.5, seed: 3 }), [q!, k!, v!, mask], tol)).toBeNull();
  });

  it('a float additive mask with −∞ (one row entirely) and a mask with more batch axes than q', async () => {
    const [q, k, v, m] = hostInputs([{ shape: [5, 4] }, { shape: [6, 4] }, { shape: [6, 3] }, { shape: [3, 5, 6] }]);
    const data = Float32Array.from(m!.data, (x, i) => (i % 7 === 0 || (i >= 30 && i < 36) ? NEG : x));
    const r = await onBoth(gpu!, attend({}), [q!, k!, v!, { data, shape: [3, 5, 6] }]);
    expect(r.gpu['out']!.shape).toEqual([3, 5, 3]);
    expect(Array.from(r.gpu['out']!.data.slice(15, 18))).toEqual([0, 0, 0]); // batch 1, row 0: all −∞
    expect(await compareForward(gpu!, attend({ dropoutP: 0.1, seed: 8 }), [q!, k!, v!, { data, shape: [3, 5, 6] }], tol)).toBeNull();
  });

  it.each([
    ['Tk = 0', [[2, 3, 4], [2, 0, 4], [2, 0, 5]]],
    ['Dv = 0', [[2, 3, 4], [2, 5, 4], [2, 5, 0]]],
    ['Dh = 0', [[2, 3, 0], [2, 5, 0], [2, 5, 2]]],
    ['Tq = 0', [[2, 0, 4], [2, 5, 4], [2, 5, 2]]],
    ['empty batch', [[0, 3, 4], [1, 5, 4], [1, 5, 2]]],
  ] as const)('handles %s like the oracle', async (_, shapes) => {
    const inputs = hostInputs(shapes.map((s) => ({ shape: [...s] })));
    // An explicit scale: the default 1/√Dh is infinite for Dh = 0.
    expect(await compareForward(gpu!, attend({ scale: 0.5 }), inputs, tol)).toBeNull();
  });

  it('runs more query rows than one dispatch axis holds', async () => {
    const rows = 65535 * 64 + 5;
    const inputs = hostInputs([{ shape: [rows, 1, 2] }, { shape: [1, 3, 2] }, { shape: [3, 1] }]);
    const fn = (q: Tensor, k: Tensor, v: Tensor) => scaledDotProductAttention(q, k, v).out;
    expect(await compareForward(gpu!, fn, inputs, tol)).toBeNull();
  });

  it.each([
    ['self', [[2, 3, 9, 8], [2, 3, 9, 8], [2, 3, 9, 8], [2, 3, 9, 8]], {}],
    ['broadcast batch', [[2, 1, 5, 8], [3, 7, 8], [1, 7, 3], [2, 3, 5, 3]], { scale: 0.7 }],
    ['causal, Tq > Tk, dropout', [[2, 6, 4], [2, 4, 4], [2, 4, 5], [2, 6, 5]], { causal: true, dropoutP: 0.3, seed: 12 }],
    ['wide Dh and Dv (several chunks)', [[1, 3, 140], [1, 4, 140], [1, 4, 200], [1, 3, 200]], { scale: 0.05, dropoutP: 0.2, seed: 4 }],
    ['rank 6', [[2, 1, 2, 1, 3, 4], [1, 2, 1, 2, 5, 4], [2, 2, 1, 1, 5, 3], [2, 2, 2, 2, 3, 3]], {}],
    ['Tq = 0', [[2, 0, 4], [2, 5, 4], [2, 5, 2], [2, 0, 2]], {}],
    ['Tk = 0', [[2, 3, 4], [2, 0, 4], [2, 0, 2], [2, 3, 2]], {}],
    // Dh and Dv multiples of 4 (≤ 128) take the register-blocked passes: Tq and Tk not multiples of the block.
    ['blocked, odd Tq and Tk, broadcast batch', [[2, 1, 7, 8], [3, 5, 8], [1, 5, 12], [2, 3, 7, 12]], { scale: 0.6 }],
    ['blocked, causal, Tq > Tk, dropout', [[2, 7, 4], [2, 5, 4], [2, 5, 8], [2, 7, 8]], { causal: true, dropoutP: 0.3, seed: 12 }],
    ['blocked, causal, Tq < Tk', [[1, 3, 8], [1, 9, 8], [1, 9, 4], [1, 3, 4]], { causal: true }],
    ['blocked, widest registers (Dh = Dv = 128)', [[1, 5, 128], [1, 6, 128], [1, 6, 128], [1, 5, 128]], { scale: 0.05, dropoutP: 0.2, seed: 4 }],
    ['blocked, rank 6', [[2, 1, 2, 1, 3, 4], [1, 2, 1, 2, 5, 4], [2, 2, 1, 1, 5, 4], [2, 2, 2, 2, 3, 4]], {}],
  ] as const)('AttentionGrad, %s, matches the composite for every subset of outputs', async (_, shapes, opts) => {
    const inputs = hostInputs(shapes.map((s) => ({ shape: [...s] })));
    const only = (name: 'dq' | 'dk' | 'dv') => ({ dq: name === 'dq', dk: name === 'dk', dv: name === 'dv' });
    for (const want of [{ dq: true, dk: true, dv: true }, only('dq'), only('dk'), only('dv')]) {
      expect(await compareForward(gpu!, grad(opts, want), inputs, { atol: 1e-5, rtol: 1e-4 })).toBeNull();
    }
  });

  it('AttentionGrad with masks: dmask of a float mask with −∞ rows, an int keep-mask with a masked batch', async () => {
    const [q, k, v, dOut, m] = hostInputs([{ shape: [2, 5, 4] }, { shape: [2, 6, 4] }, { shape: [2, 6, 3] }, { shape: [3, 2, 5, 3] }, { shape: [3, 1, 5, 6] }]);
    const data = Float32Array.from(m!.data, (x, i) => (i % 7 === 0 || (i >= 30 && i < 36) ? NEG : x));
    const fmask = { data, shape: [3, 1, 5, 6] };
    expect(await compareForward(gpu!, grad({ dropoutP: 0.25, seed: 77 }), [q!, k!, v!, dOut!, fmask])).toBeNull();
    const want = { dq: false, dk: false, dv: false };
    expect(await compareForward(gpu!, grad({ causal: true }, want), [q!, k!, v!, dOut!, fmask])).toBeNull();
    const imask = ints([3, 1, 1, 6], (i) => (i < 6 ? 0 : (i + 1) % 3));
    expect(await compareForward(gpu!, grad({ dropoutP: 0.5, seed: 2 }), [q!, k!, v!, dOut!, imask])).toBeNull();
  });

  it('AttentionGrad with masks on the register-blocked passes (Dv a multiple of 4), every subset of outputs', async () => {
    const [q, k, v, dOut, m] = hostInputs([{ shape: [2, 5, 4] }, { shape: [2, 6, 4] }, { shape: [2, 6, 8] }, { shape: [3, 2, 5, 8] }, { shape: [3, 1, 5, 6] }]);
    const data = Float32Array.from(m!.data, (x, i) => (i % 7 === 0 || (i >= 30 && i < 36) ? NEG : x));
    const fmask = { data, shape: [3, 1, 5, 6] };
    const imask = ints([3, 1, 1, 6], (i) => (i < 6 ? 0 : (i + 1) % 3));
    const none = { dq: false, dk: false, dv: false };
    for (const want of [{ dq: true, dk: true, dv: true }, none, { ...none, dq: true }, { ...none, dk: true }, { ...none, dv: true }]) {
      expect(await compareForward(gpu!, grad({ dropoutP: 0.25, seed: 77 }, want), [q!, k!, v!, dOut!, fmask])).toBeNull();
      expect(await compareForward(gpu!, grad({ causal: true }, want), [q!, k!, v!, dOut!, fmask])).toBeNull();
      if (want !== none) expect(await compareForward(gpu!, grad({ dropoutP: 0.5, seed: 2 }, want), [q!, k!, v!, dOut!, imask])).toBeNull();
    }
  });
});

// Native AdamStep against the CPU oracle, bit for bit: AdamW, Adam with L2 decay, amsgrad with and
// without a previous maximum, maximize, no decay, NaN in the running maximum, many elements across
// threads; and the addon's boundary checks.
import { describe, expect, it } from 'vitest';
import { AdamStep, createCpuBackend, runOpMulti, tensor, type AdamStepAttrs, type Backend } from '@crossmodal/tensor';
import { makeInputs } from '@crossmodal/tensor/testing';
import { testBackend } from '../testing.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;
const cpu = createCpuBackend();
const BASE = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 3 } as const;

/** One AdamStep on `backend`; the outputs read back by name. */
function step(backend: Backend, data: readonly Float32Array[], attrs: AdamStepAttrs): Record<string, Float32Array> {
  const n = data[0]!.length;
  const [param, grad, expAvg, expAvgSq, maxExpAvgSq] = data.map((d) => tensor(d, [n], { backend }));
  const r = runOpMulti(AdamStep, { param: param!, grad: grad!, expAvg: expAvg!, expAvgSq: expAvgSq!, maxExpAvgSq }, attrs);
  const out: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries(r)) {
    if (!t) continue;
    out[k] = t.dataSync() as Float32Array;
    t.dispose();
  }
  for (const t of [param, grad, expAvg, expAvgSq, maxExpAvgSq]) t?.dispose();
  return out;
}

const inputs = (n: number, withMax: boolean, seed = 11): Float32Array[] =>
  makeInputs([{ shape: [n] }, { shape: [n] }, { shape: [n] }, { shape: [n], low: 0, high: 2 }, ...(withMax ? [{ shape: [n], low: 0, high: 2 }] : [])], seed) as Float32Array[];

describe.skipIf(!native)('native AdamStep', () => {
  it.each([
    ['AdamW', 35, { weightDecay: 0.1, decoupled: true, amsgrad: false }, false],
    ['Adam with L2 decay, amsgrad from a previous max, maximize', 33, { weightDecay: 0.05, decoupled: false, amsgrad: true, maximize: true }, true],
    ['amsgrad starting from v (no previous max)', 17, { weightDecay: 0.01, decoupled: true, amsgrad: true }, false],
    ['no weight decay, 100k elements across threads', 100_003, { weightDecay: 0, decoupled: false, amsgrad: false }, false],
    ['a previous max given without amsgrad is ignored', 9, { weightDecay: 0, decoupled: true, amsgrad: false }, true],
  ] as const)('%s: every output equals the oracle bit for bit', (_, n, mode, withMax) => {
    const data = inputs(n, withMax);
    const attrs = { ...BASE, ...mode };
    const want = step(cpu, data, attrs);
    const got = step(native!, data, attrs);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [k, e] of Object.entries(want)) expect(Buffer.from(got[k]!.buffer).equals(Buffer.from(e.buffer)), k).toBe(true);
  });

  it('NaN in the running maximum wins (the Maximum rule), as on the oracle', () => {
    const data = inputs(8, true);
    data[4]![2] = Number.NaN;
    data[3]![5] = Number.NaN;
    const attrs = { ...BASE, weightDecay: 0, decoupled: true, amsgrad: true };
    const got = step(native!, data, attrs);
    const want = step(cpu, data, attrs);
    expect(Array.from(got['maxExpAvgSq']!)).toEqual(Array.from(want['maxExpAvgSq']!));
    expect(Number.isNaN(got['maxExpAvgSq']![2]!) && Number.isNaN(got['out']![5]!)).toBe(true);
  });

  const f = (n: number): Float32Array => new Float32Array(n);
  const sc = (): Float64Array => new Float64Array(8);
  it.each([
    ['a wrong dtype', () => native!.addon.adamStep(f(4), new Int32Array(4) as unknown as Float32Array, f(4), f(4), null, f(4), f(4), f(4), null, sc(), true, false), 'native AdamStep: grad must be a Float32Array'],
    ['a detached buffer', () => {
      const m = f(4);
      structuredClone(m.buffer, { transfer: [m.buffer as ArrayBuffer] });
      native!.addon.adamStep(f(4), f(4), m, f(4), null, f(4), f(4), f(4), null, sc(), true, false);
    }, 'native AdamStep: expAvg is a detached buffer'],
    ['a moment of the wrong size', () => native!.addon.adamStep(f(4), f(4), f(4), f(3), null, f(4), f(4), f(4), null, sc(), true, false), 'native AdamStep: expAvgSq has 3 elements, expected 4'],
    ['too few scalars', () => native!.addon.adamStep(f(4), f(4), f(4), f(4), null, f(4), f(4), f(4), null, new Float64Array(7), true, false), 'native AdamStep: scalars has 7 elements, expected 8'],
  ] as const)('rejects %s with an Error naming the op', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

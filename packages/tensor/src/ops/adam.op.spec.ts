import { describe, expect, it } from 'vitest';
import { adamStep, createCpuBackend, randn, rand, tensor, tidy, zeros, type AdamStepAttrs, type Backend, type Tensor } from '../index.ts';
import { cpuWithoutKernels } from '../testing/index.ts';

const fused = createCpuBackend();
const composite = cpuWithoutKernels('AdamStep');
const BASE = { lr: 0.02, beta1: 0.9, beta2: 0.99, eps: 1e-8 } as const;

/** Runs `steps` updates on `backend` from the same host data; returns every state's final values. */
function run(backend: Backend, attrs: Omit<AdamStepAttrs, 'step'>, steps: number, data: Float32Array[]): number[][] {
  return tidy(() => {
    const on = (d: Float32Array): Tensor => tensor(d, [d.length], { backend });
    let s = { param: on(data[0]!), expAvg: zeros([data[0]!.length], { backend }), expAvgSq: zeros([data[0]!.length], { backend }), maxExpAvgSq: attrs.amsgrad ? zeros([data[0]!.length], { backend }) : undefined };
    for (let t = 1; t <= steps; t++) {
      const r = adamStep({ ...s, grad: on(data[t]!) }, { ...attrs, step: t });
      s = { param: r.param, expAvg: r.expAvg, expAvgSq: r.expAvgSq, maxExpAvgSq: r.maxExpAvgSq };
    }
    return [s.param, s.expAvg, s.expAvgSq, ...(s.maxExpAvgSq ? [s.maxExpAvgSq] : [])].map((x) => Array.from(x.dataSync()));
  });
}

describe('adamStep', () => {
  const cases: [string, Omit<AdamStepAttrs, 'step'>][] = [
    ['Adam', { ...BASE, weightDecay: 0, decoupled: false, amsgrad: false }],
    ['Adam L2', { ...BASE, weightDecay: 0.1, decoupled: false, amsgrad: false }],
    ['AdamW', { ...BASE, weightDecay: 0.1, decoupled: true, amsgrad: false }],
    ['Adam amsgrad', { ...BASE, weightDecay: 0.05, decoupled: false, amsgrad: true }],
    ['AdamW amsgrad maximize', { ...BASE, weightDecay: 0.05, decoupled: true, amsgrad: true, maximize: true }],
  ];
  it.each(cases)('%s: the fused CPU kernel matches the composite over 6 steps (bit for bit)', (_, attrs) => {
    const data = [randn([37]), ...Array.from({ length: 6 }, (_, i) => randn([37]).mul(i % 2 ? 0.1 : 3))].map((t) => t.dataSync() as Float32Array);
    const a = run(fused, attrs, 6, data);
    const b = run(composite, attrs, 6, data);
    expect(a.length).toBe(attrs.amsgrad ? 4 : 3);
    for (let k = 0; k < a.length; k++) {
      for (let i = 0; i < a[k]!.length; i++) expect(Math.abs(a[k]![i]! - b[k]![i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(b[k]![i]!));
    }
    expect(a).toEqual(b);
  });

  it('takes a step of about lr·sign(g) at t = 1 (torch), shrinking p by lr·wd first for AdamW', () => {
    const p = rand([8]).add(1);
    const g = randn([8]);
    const r = adamStep({ param: p, grad: g, expAvg: zeros([8]), expAvgSq: zeros([8]) }, { ...BASE, weightDecay: 0.5, decoupled: true, amsgrad: false, step: 1 });
    const [pv, gv, out] = [p.dataSync(), g.dataSync(), r.param.dataSync()];
    for (let i = 0; i < 8; i++) expect(out[i]).toBeCloseTo(pv[i]! * (1 - 0.02 * 0.5) - 0.02 * Math.sign(gv[i]!), 5);
    expect(r.maxExpAvgSq).toBeUndefined();
  });

  it('starts the running max from v when amsgrad has no maxExpAvgSq input', () => {
    for (const backend of [fused, composite]) {
      const on = (d: number[]): Tensor => tensor(d, [2], { backend });
      const r = adamStep({ param: on([1, 2]), grad: on([0.5, -1]), expAvg: on([0, 0]), expAvgSq: on([0, 0]) }, { ...BASE, weightDecay: 0, decoupled: true, amsgrad: true, step: 1 });
      expect(Array.from(r.maxExpAvgSq!.dataSync())).toEqual(Array.from(r.expAvgSq.dataSync()));
      expect(r.maxExpAvgSq).not.toBe(r.expAvgSq);
    }
  });

  it('rejects mismatched shapes and a bad step, naming them', () => {
    const attrs = { ...BASE, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 };
    expect(() => adamStep({ param: zeros([3]), grad: zeros([4]), expAvg: zeros([3]), expAvgSq: zeros([3]) }, attrs)).toThrow(/AdamStep: grad \[4\] must have the shape of param \[3\]/);
    expect(() => adamStep({ param: zeros([3]), grad: zeros([3]), expAvg: zeros([3]), expAvgSq: zeros([3]) }, { ...attrs, step: 0 })).toThrow(/step must be an integer >= 1, got 0/);
  });
});

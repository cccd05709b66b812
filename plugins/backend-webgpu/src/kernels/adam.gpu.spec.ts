// AdamStep on WebGPU against the CPU oracle: Adam/AdamW, AMSGrad with and without a running-max
// input, maximize, odd sizes, rank 0 and rank 6, empty tensors, and the two-dispatch AMSGrad split.
import { describe, expect, it } from 'vitest';
import { adamScalars, adamStep, type AdamStepAttrs, type Tensor } from '@crossmodal/tensor';
import { allClose } from '@crossmodal/tensor/testing';
import { testBackend, withGpuDevice } from '../testing/index.ts';
import { compareForward, hostInputs } from '../testing/nn-parity.ts';
import { dispatch1d, f32 } from '../program.ts';
import { adamProgram } from '../programs/adam.program.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;
const BASE = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 4 } as const;
const specs = (shape: number[], n: number) =>
  Array.from({ length: n }, (_, i) => ({ shape, low: i >= 3 ? 0 : -2, high: 2 }));

describe.skipIf(!gpu)('adam kernel on WebGPU', () => {
  it.each([
    ['AdamW', [1031], { weightDecay: 0.1, decoupled: true, amsgrad: false }, 4],
    ['Adam L2', [2, 1, 3, 1, 1, 7], { weightDecay: 0.1, decoupled: false, amsgrad: false }, 4],
    ['Adam no decay, rank 0', [], { weightDecay: 0, decoupled: false, amsgrad: false }, 4],
    ['AMSGrad with max input, maximize', [5, 13], { weightDecay: 0.05, decoupled: true, amsgrad: true, maximize: true }, 5],
    ['AMSGrad without max input', [67], { weightDecay: 0.05, decoupled: false, amsgrad: true }, 4],
    ['empty', [0, 4], { weightDecay: 0.1, decoupled: true, amsgrad: true }, 5],
  ] as const)('%s over %j matches the oracle', async (_, shape, attrs, n) => {
    const fn = (param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxExpAvgSq?: Tensor) => {
      const r = adamStep({ param, grad, expAvg, expAvgSq, ...(maxExpAvgSq ? { maxExpAvgSq } : {}) }, { ...BASE, ...attrs });
      return { out: r.param, expAvg: r.expAvg, expAvgSq: r.expAvgSq, maxExpAvgSq: r.maxExpAvgSq };
    };
    expect(await compareForward(gpu!, fn, hostInputs(specs([...shape], n)), { atol: 1e-6, rtol: 1e-5 })).toBeNull();
  });

  it('gives the same values when AMSGrad is split in two dispatches (devices with 8 storage buffers)', async () => {
    const b = gpu!;
    const n = 300;
    const host = hostInputs(specs([n], 5)).map((x) => x.data);
    const attrs: AdamStepAttrs = { ...BASE, weightDecay: 0.1, decoupled: true, amsgrad: true };
    const k = adamScalars(attrs);
    const meta = [n, 6, ...[k.decay, attrs.weightDecay, k.oneMinusBeta1, attrs.beta2, k.oneMinusBeta2, k.bc2Sqrt, attrs.eps, k.stepSize].map(f32)];
    await withGpuDevice(b, async () => {
      const ins = host.map((d) => b.upload(d));
      const one = [0, 1, 2, 3].map(() => b.alloc(n * 4));
      const two = [0, 1, 2, 3].map(() => b.alloc(n * 4));
      b.run(adamProgram({ amsgrad: true, hasMax: true, writes: 'all' }), ins, one, meta, dispatch1d(n));
      b.run(adamProgram({ amsgrad: true, hasMax: true, writes: 'moments' }), ins, two.slice(0, 3), meta, dispatch1d(n));
      b.run(adamProgram({ amsgrad: true, hasMax: true, writes: 'max' }), ins, two.slice(3), meta, dispatch1d(n));
      for (let i = 0; i < 4; i++) {
        const [x, y] = [await b.read(one[i]!, 'float32', n), await b.read(two[i]!, 'float32', n)];
        expect(allClose({ shape: [n], data: x }, { shape: [n], data: y }, { atol: 0, rtol: 0 })).toBeNull();
      }
      for (const s of [...ins, ...one, ...two]) b.release(s);
    });
  });
});

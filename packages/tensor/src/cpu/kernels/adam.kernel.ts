// CPU oracle kernel of AdamStep: one loop over the elements doing the composite's float32 steps in
// order (each product, sum, quotient and root rounded with Math.fround), so it matches the composite bit for bit.
import type { AnyKernel } from '../../backend.ts';
import { defineKernel } from '../../backend.ts';
import { AdamStep, adamScalars } from '../../ops/adam.op.ts';
import { CpuStorage, CPU, type CpuBackend } from '../cpu-storage.ts';

const f = Math.fround;
/** The Maximum kernel's rule: NaN wins. */
const max = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b));

const adamKernel = defineKernel(AdamStep, CPU, (_: CpuBackend, inputs, attrs) => {
  const { param, grad, expAvg, expAvgSq, maxExpAvgSq } = inputs;
  const k = adamScalars(attrs);
  // Scalars enter as float32 scalar tensors in the composite: round them the same way.
  const [decay, wd, b1c, beta2, b2c, bc2, eps, stepSize] = [k.decay, attrs.weightDecay, k.oneMinusBeta1, attrs.beta2, k.oneMinusBeta2, k.bc2Sqrt, attrs.eps, k.stepSize].map(f) as [number, number, number, number, number, number, number, number];
  const applyDecay = attrs.weightDecay !== 0;
  const n = param.size;
  const [p0, g0, m0, v0] = [param, grad, expAvg, expAvgSq].map((t) => t.storage.data);
  const vmax0 = maxExpAvgSq?.storage.data;
  const out = new Float32Array(n);
  const m1 = new Float32Array(n);
  const v1 = new Float32Array(n);
  const vmax1 = attrs.amsgrad ? new Float32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    let p = p0![i]!;
    let g = attrs.maximize === true ? -g0![i]! : g0![i]!;
    if (applyDecay) {
      if (attrs.decoupled) p = f(p * decay);
      else g = f(g + f(p * wd));
    }
    const m = f(m0![i]! + f(f(g - m0![i]!) * b1c));
    const v = f(f(v0![i]! * beta2) + f(f(g * g) * b2c));
    let vhat = v;
    if (vmax1) vmax1[i] = vhat = vmax0 ? max(vmax0[i]!, v) : v;
    const denom = f(f(f(Math.sqrt(vhat)) / bc2) + eps);
    out[i] = p - f(f(m / denom) * stepSize);
    m1[i] = m;
    v1[i] = v;
  }
  return {
    out: new CpuStorage(out),
    expAvg: new CpuStorage(m1),
    expAvgSq: new CpuStorage(v1),
    ...(vmax1 ? { maxExpAvgSq: new CpuStorage(vmax1) } : {}),
  };
});

/** AdamStep on the CPU. */
export const adamKernels: readonly AnyKernel[] = [adamKernel];

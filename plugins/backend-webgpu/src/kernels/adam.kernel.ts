// WebGPU kernel of AdamStep: parameter and moments updated in one dispatch per parameter (AMSGrad
// with a running-max input needs 9 storage buffers; on a device allowing only 8 it takes two).
import { adamScalars, AdamStep, defineKernel } from '@crossmodal/tensor';
import { dispatch1d, f32, type MetaWord } from '../program.ts';
import { adamProgram } from '../programs/adam.program.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

type AdamOut = { out: GpuStorage; expAvg: GpuStorage; expAvgSq: GpuStorage; maxExpAvgSq?: GpuStorage };

const adamKernel = defineKernel(AdamStep, WEBGPU, (b: WebGpuBackend, inputs, attrs): AdamOut => {
  const { param, grad, expAvg, expAvgSq, maxExpAvgSq } = inputs;
  const n = param.size;
  const r: AdamOut = { out: b.alloc(n * 4), expAvg: b.alloc(n * 4), expAvgSq: b.alloc(n * 4), ...(attrs.amsgrad ? { maxExpAvgSq: b.alloc(n * 4) } : {}) };
  if (n === 0) return r;
  const k = adamScalars(attrs);
  const flags = (attrs.maximize === true ? 1 : 0) | (attrs.weightDecay !== 0 ? 2 : 0) | (attrs.decoupled ? 4 : 0);
  const meta: MetaWord[] = [n, flags, ...[k.decay, attrs.weightDecay, k.oneMinusBeta1, attrs.beta2, k.oneMinusBeta2, k.bc2Sqrt, attrs.eps, k.stepSize].map(f32)];
  const hasMax = attrs.amsgrad && maxExpAvgSq !== undefined;
  const ins = [param, grad, expAvg, expAvgSq, ...(hasMax ? [maxExpAvgSq!] : [])].map((t) => t.storage);
  const moments = [r.out, r.expAvg, r.expAvgSq];
  const amsgrad = attrs.amsgrad;
  if (!hasMax || b.device.limits.maxStorageBuffersPerShaderStage >= ins.length + 4) {
    b.run(adamProgram({ amsgrad, hasMax, writes: 'all' }), ins, [...moments, ...(r.maxExpAvgSq ? [r.maxExpAvgSq] : [])], meta, dispatch1d(n));
  } else {
    b.run(adamProgram({ amsgrad, hasMax, writes: 'moments' }), ins, moments, meta, dispatch1d(n));
    b.run(adamProgram({ amsgrad, hasMax, writes: 'max' }), ins, [r.maxExpAvgSq!], meta, dispatch1d(n));
  }
  return r;
});

/** AdamStep on WebGPU. */
export const adamKernels = [adamKernel] as const;

// Native kernel: the fused AdamStep (one pass over the elements, the oracle's float32 steps in order).
import { adamScalars, AdamStep, defineKernel, type AnyKernel } from '@crossmodal/tensor';
import { NATIVE, type NativeBackend, type NativeStorage } from '../native-backend.ts';
import { releaseOnThrow } from './release-on-throw.ts';
import { assertIndexable } from './strides.ts';

const f32 = (s: NativeStorage): Float32Array => s.data as Float32Array;

const adamKernel = defineKernel(AdamStep, NATIVE, (be: NativeBackend, { param, grad, expAvg, expAvgSq, maxExpAvgSq }, attrs, outs) => {
  assertIndexable('AdamStep', param.size);
  const k = adamScalars(attrs);
  const scalars = Float64Array.of(k.decay, attrs.weightDecay, k.oneMinusBeta1, attrs.beta2, k.oneMinusBeta2, k.bc2Sqrt, attrs.eps, k.stepSize);
  const out = be.out(outs.out!);
  const m = be.out(outs.expAvg!);
  const v = be.out(outs.expAvgSq!);
  const vmax = outs.maxExpAvgSq ? be.out(outs.maxExpAvgSq) : undefined;
  releaseOnThrow(be, [out, m, v, vmax], () =>
    be.addon.adamStep(f32(param.storage), f32(grad.storage), f32(expAvg.storage), f32(expAvgSq.storage), maxExpAvgSq ? f32(maxExpAvgSq.storage) : null,
      f32(out), f32(m), f32(v), vmax ? f32(vmax) : null, scalars, attrs.decoupled, attrs.maximize === true));
  return { out, expAvg: m, expAvgSq: v, ...(vmax ? { maxExpAvgSq: vmax } : {}) };
});

export const adamKernels: readonly AnyKernel[] = [adamKernel];

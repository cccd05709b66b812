// Native kernels: LayerNorm (out, mean, rstd) and LayerNormGrad (dx, dweight, dbias as wanted).
import { defineKernel, LayerNorm, LayerNormGrad, type AnyKernel } from '@crossmodal/tensor';
import { NATIVE, type NativeBackend, type NativeStorage } from '../native-backend.ts';
import { releaseOnThrow } from './release-on-throw.ts';
import { assertIndexable } from './strides.ts';

const f32 = (s: NativeStorage): Float32Array => s.data as Float32Array;
const f32Of = (s: NativeStorage | undefined): Float32Array | null => (s ? f32(s) : null);

const layerNormKernel = defineKernel(LayerNorm, NATIVE, (be: NativeBackend, { x, weight, bias }, { eps }) => {
  const d = x.shape.at(-1)!;
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  assertIndexable('LayerNorm', x.size);
  const out = be.alloc('float32', x.size);
  const mean = be.alloc('float32', rows);
  const rstd = be.alloc('float32', rows);
  releaseOnThrow(be, [out, mean, rstd], () =>
    be.addon.layerNorm(f32(x.storage), f32Of(weight?.storage), f32Of(bias?.storage), f32(out), f32(mean), f32(rstd), rows, d, eps));
  return { out, mean, rstd };
});

const layerNormGradKernel = defineKernel(LayerNormGrad, NATIVE, (be: NativeBackend, { dy, x, mean, rstd, weight }, _, outs) => {
  const d = x.shape.at(-1)!;
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  assertIndexable('LayerNormGrad', x.size);
  const r: { dx?: NativeStorage; dweight?: NativeStorage; dbias?: NativeStorage } = {};
  for (const name of ['dx', 'dweight', 'dbias'] as const) if (outs[name]) r[name] = be.out(outs[name]);
  releaseOnThrow(be, [r.dx, r.dweight, r.dbias], () =>
    be.addon.layerNormGrad(f32(dy.storage), f32(x.storage), f32(mean.storage), f32(rstd.storage), f32Of(weight?.storage),
      f32Of(r.dx), f32Of(r.dweight), f32Of(r.dbias), rows, d));
  return r;
});

export const layernormKernels: readonly AnyKernel[] = [layerNormKernel, layerNormGradKernel];

// WebGPU kernels of LayerNorm and its backward: one invocation per row for out/mean/rstd (a
// workgroup per long row under the backend's 'tree' setting) and dx, one per column for
// dweight/dbias (each column loops every row: no atomics, deterministic sums).
import { defineKernel, LayerNorm, LayerNormGrad } from '@crossmodal/tensor';
import { dispatch1d, f32 } from '../program.ts';
import { layerNormProgram } from '../programs/layer-norm.program.ts';
import { layerNormGradRowsProgram } from '../programs/layer-norm-grad-rows.program.ts';
import { layerNormGradColumnsProgram } from '../programs/layer-norm-grad-columns.program.ts';
import { dispatchRows } from '../programs/workgroup-tree.wgsl.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

const layerNormKernel = defineKernel(LayerNorm, WEBGPU, (b: WebGpuBackend, { x, weight, bias }, { eps }) => {
  const d = x.shape.at(-1)!;
  const rows = x.size / Math.max(1, d);
  const stats = x.shape.slice(0, -1).reduce((a, c) => a * c, 1);
  // NOTE: with D = 0 there are rows of nothing: the oracle leaves their mean and rstd at 0.
  if (d === 0) return { out: b.alloc(0), mean: b.fill('float32', stats, 0), rstd: b.fill('float32', stats, 0) };
  const out = b.alloc(x.size * 4);
  const mean = b.alloc(rows * 4);
  const rstd = b.alloc(rows * 4);
  if (rows > 0) {
    const ins = [x.storage, ...(weight ? [weight.storage] : []), ...(bias ? [bias.storage] : [])];
    const tree = b.settings.reductions === 'tree' && d >= b.settings.treeMinLength;
    const program = layerNormProgram({ weight: weight !== undefined, bias: bias !== undefined }, tree);
    b.run(program, ins, [out, mean, rstd], [rows, d, f32(eps)], tree ? dispatchRows(rows) : dispatch1d(rows));
  }
  return { out, mean, rstd };
});

const layerNormGradKernel = defineKernel(LayerNormGrad, WEBGPU, (b: WebGpuBackend, { dy, x, mean, rstd, weight }, want) => {
  const d = x.shape.at(-1)!;
  const rows = d === 0 ? 0 : x.size / d;
  const r: { dx?: GpuStorage; dweight?: GpuStorage; dbias?: GpuStorage } = {};
  if (want.dx) {
    r.dx = b.alloc(x.size * 4);
    if (rows > 0) {
      const ins = [dy.storage, x.storage, mean.storage, rstd.storage, ...(weight ? [weight.storage] : [])];
      b.run(layerNormGradRowsProgram({ weight: weight !== undefined }), ins, [r.dx], [rows, d], dispatch1d(rows));
    }
  }
  if ((want.dweight || want.dbias) && d > 0) {
    const outs: GpuStorage[] = [];
    if (want.dweight) outs.push((r.dweight = b.alloc(d * 4)));
    if (want.dbias) outs.push((r.dbias = b.alloc(d * 4)));
    const ins = [dy.storage, ...(want.dweight ? [x.storage, mean.storage, rstd.storage] : [])];
    b.run(layerNormGradColumnsProgram({ dweight: want.dweight, dbias: want.dbias }), ins, outs, [rows, d], dispatch1d(d));
  } else {
    if (want.dweight) r.dweight = b.alloc(0);
    if (want.dbias) r.dbias = b.alloc(0);
  }
  return r;
});

/** LayerNorm and LayerNormGrad on WebGPU. */
export const layerNormKernels = [layerNormKernel, layerNormGradKernel] as const;

// WebGPU kernel of Dropout: the mask is hashed on the device from (seed, flat index), bit for bit
// the oracle's `dropoutKeeps`, so no mask is uploaded and the backward replays it from the seed.
import { defineKernel, Dropout, dropoutScale } from '@crossmodal/tensor';
import { dispatch1d, f32 } from '../program.ts';
import { dropoutWords } from '../programs/counter-hash.wgsl.ts';
import { dropoutProgram } from '../programs/dropout.program.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

const dropoutKernel = defineKernel(Dropout, WEBGPU, (b: WebGpuBackend, { x }, { p, seed }): GpuStorage => {
  const y = b.alloc(x.size * 4);
  if (x.size === 0) return y;
  // The scale is the oracle's f32-rounded 1/(1 − p); x·scale is then one f32 multiply on both.
  b.run(dropoutProgram(), [x.storage], [y], [x.size, ...dropoutWords(p, seed), f32(dropoutScale(p))], dispatch1d(x.size));
  return y;
});

/** Dropout on WebGPU. */
export const dropoutKernels = [dropoutKernel] as const;

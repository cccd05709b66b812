// WebGPU kernel of GeluGrad (the GELU backward) for both approximations.
import { defineKernel, GeluGrad } from '@crossmodal/tensor';
import { dispatch1d } from '../program.ts';
import { geluGradProgram } from '../programs/gelu-grad.program.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

const geluGradKernel = defineKernel(GeluGrad, WEBGPU, (b: WebGpuBackend, { x, dy }, { approximate }): GpuStorage => {
  const dx = b.alloc(x.size * 4);
  if (x.size === 0) return dx;
  b.run(geluGradProgram(approximate), [x.storage, dy.storage], [dx], [x.size], dispatch1d(x.size));
  return dx;
});

/** GeluGrad on WebGPU. */
export const geluGradKernels = [geluGradKernel] as const;

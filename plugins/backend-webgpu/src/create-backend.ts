// Creates a WebGPU backend: acquires a device and binds every kernel to it.
import { acquireDevice, type DeviceOptions } from './device/acquire.ts';
import { webgpuKernels } from './kernels/index.ts';
import { WebGpuBackend } from './webgpu-backend.ts';

/** A new WebGPU backend on a freshly acquired device (shader-f16, timestamp-query and subgroups when offered). */
export async function createWebGpuBackend(options: DeviceOptions = {}): Promise<WebGpuBackend> {
  const acquired = await acquireDevice({ optionalFeatures: ['shader-f16', 'timestamp-query', 'subgroups'], ...options });
  return new WebGpuBackend(acquired, webgpuKernels);
}

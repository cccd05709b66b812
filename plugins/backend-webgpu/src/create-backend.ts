// Creates a WebGPU backend: acquires a device, resolves the backend's settings against it, and
// binds every kernel to it.
import { acquireDevice } from './device/acquire.ts';
import { webgpuKernels } from './kernels/index.ts';
import { resolveSettings, type WebGpuBackendOptions, type WebGpuSettings } from './settings.ts';
import { WebGpuBackend } from './webgpu-backend.ts';

/**
 * A new WebGPU backend on a freshly acquired device (shader-f16, timestamp-query and subgroups when
 * offered). `f16: true` throws, naming the adapter, when it lacks shader-f16.
 * @example
 * const gpu = await createWebGpuBackend({ f16: true, reductions: 'tree' });
 */
export async function createWebGpuBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const optionalFeatures: GPUFeatureName[] = [...(options.optionalFeatures ?? ['shader-f16', 'timestamp-query', 'subgroups'])];
  // f16 needs the feature enabled on the device, even if the caller's list left it out.
  if (options.f16 && !optionalFeatures.includes('shader-f16')) optionalFeatures.push('shader-f16');
  const acquired = await acquireDevice({ ...options, optionalFeatures });
  let settings: WebGpuSettings;
  try {
    settings = resolveSettings(options, { ...acquired, features: acquired.device.features });
  } catch (error) {
    acquired.device.destroy();
    throw error;
  }
  return new WebGpuBackend(acquired, webgpuKernels, settings);
}

// @crossmodal/backend-webgpu: the WebGPU backend plugin, and its backend for direct use.
export { webgpuBackendPlugin } from './plugin.ts';
export { webgpuBackendProvider } from './provider.ts';
export { createWebGpuBackend } from './create-backend.ts';
export { WebGpuBackend, GpuStorage, WEBGPU } from './webgpu-backend.ts';
export { acquireDevice, describeAdapter, NoAdapterError, type AcquiredDevice, type DeviceOptions } from './device/acquire.ts';
export { probeGpu, type GpuProbe } from './device/probe.ts';
export { resolveSettings, type ReductionStrategy, type WebGpuBackendOptions, type WebGpuSettings } from './settings.ts';
export type { WgslProgram, MetaWord } from './program.ts';

// Test harness for GPU specs: one backend per test file, every case inside a validation error
// scope that must end empty. With no adapter the specs skip with the reason — except in CI, where
// the bootstrap installs lavapipe, so a missing adapter is a failure, never a silent skip.
import { createWebGpuBackend } from '../create-backend.ts';
import type { WebGpuBackend } from '../webgpu-backend.ts';

let shared: Promise<WebGpuBackend | string> | undefined;

/** The process's test backend, or the reason there is none (outside CI only). */
export function testBackend(): Promise<WebGpuBackend | string> {
  shared ??= createWebGpuBackend().catch((error: Error) => {
    if ((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['CI']) throw error;
    return `no WebGPU adapter: ${error.message}`;
  });
  return shared;
}

/**
 * Runs `fn` with the device inside validation and out-of-memory error scopes; throws if either
 * scope caught an error, naming it.
 */
export async function withGpuDevice<T>(backend: WebGpuBackend, fn: () => Promise<T> | T): Promise<T> {
  const { device } = backend;
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  let result: T;
  try {
    result = await fn();
    await backend.sync();
  } finally {
    const oom = await device.popErrorScope();
    const validation = await device.popErrorScope();
    const errors = [validation, oom].filter((e): e is GPUError => e !== null).map((e) => e.message);
    if (errors.length) throw new Error(`withGpuDevice: GPU errors: ${errors.join('; ')}`);
  }
  return result;
}

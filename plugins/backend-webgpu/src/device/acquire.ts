// Device acquisition: navigator.gpu where the platform has it (browsers, Deno with
// --unstable-webgpu), else Dawn's `webgpu` package in Node (behind the adapter in node-gpu.ts).

/** What to ask the adapter for. */
export interface DeviceOptions {
  /** 'high-performance' (default) or 'low-power'. */
  readonly powerPreference?: GPUPowerPreference;
  /** Features to enable when the adapter offers them (`shader-f16`, `timestamp-query`, `subgroups`). */
  readonly optionalFeatures?: readonly GPUFeatureName[];
  /** Features the device must have; missing ones are an error naming them. */
  readonly requiredFeatures?: readonly GPUFeatureName[];
}

/** An acquired device with what we learnt about its adapter. */
export interface AcquiredDevice {
  readonly device: GPUDevice;
  readonly adapter: GPUAdapter;
  /** `vendor architecture description`, as far as the adapter says. */
  readonly adapterName: string;
  /** True for CPU implementations (lavapipe/llvmpipe, SwiftShader, WARP) and fallback adapters. */
  readonly software: boolean;
  /** Where the GPU object came from. */
  readonly source: 'navigator.gpu' | 'node:webgpu';
}

/** Thrown when no adapter can be had: says what was tried and how to get one. */
export class NoAdapterError extends Error {
  override readonly name = 'NoAdapterError';
}

const HOW_TO =
  'On Linux without a GPU, install Mesa\'s lavapipe from Debian bookworm-backports ' +
  '(apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1; tools/bootstrap.sh does this).';

async function gpuObject(): Promise<{ gpu: GPU; source: AcquiredDevice['source'] } | { error: string }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu, source: 'navigator.gpu' };
  if (typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== 'string') {
    return { error: 'navigator.gpu is not available (Deno needs --unstable-webgpu)' };
  }
  try {
    const { nodeGpu } = await import('./node-gpu.ts');
    return { gpu: await nodeGpu(), source: 'node:webgpu' };
  } catch (error) {
    return { error: `the webgpu package could not be loaded: ${(error as Error).message}` };
  }
}

/** Reads what an adapter says about itself into one line, and whether it is a CPU implementation. */
export function describeAdapter(adapter: GPUAdapter): { name: string; software: boolean } {
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const name = [info.vendor, info.architecture, info.description || info.device].filter((s) => s).join(' ') || 'unknown adapter';
  const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true || (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const software = fallback || /llvmpipe|lavapipe|swiftshader|software|microsoft basic render|warp/i.test(name);
  return { name, software };
}

/**
 * Requests an adapter and a device. Optional features are enabled when offered; the device's
 * limits are raised to the adapter's buffer-size limits (training needs big storage buffers).
 */
export async function acquireDevice(options: DeviceOptions = {}): Promise<AcquiredDevice> {
  const found = await gpuObject();
  if ('error' in found) throw new NoAdapterError(`No WebGPU: ${found.error}. ${HOW_TO}`);
  const adapter = await found.gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) throw new NoAdapterError(`No WebGPU adapter from ${found.source}: requestAdapter() returned null. ${HOW_TO}`);
  const missing = (options.requiredFeatures ?? []).filter((f) => !adapter.features.has(f));
  if (missing.length) throw new NoAdapterError(`The WebGPU adapter '${describeAdapter(adapter).name}' lacks required features: ${missing.join(', ')}`);
  const requiredFeatures = [...new Set([...(options.requiredFeatures ?? []), ...(options.optionalFeatures ?? []).filter((f) => adapter.features.has(f))])];
  const { maxStorageBufferBindingSize, maxBufferSize, maxStorageBuffersPerShaderStage, maxComputeWorkgroupStorageSize } = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: { maxStorageBufferBindingSize, maxBufferSize, maxStorageBuffersPerShaderStage, maxComputeWorkgroupStorageSize },
  });
  const { name, software } = describeAdapter(adapter);
  return { device, adapter, adapterName: name, software, source: found.source };
}

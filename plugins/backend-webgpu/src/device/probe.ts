// Probing for WebGPU without creating a device: what the runtime needs to rank backends.
import { describeAdapter, NoAdapterError } from './acquire.ts';

/** What a probe found: an adapter (hardware or software) or the reason there is none. */
export type GpuProbe = { readonly available: true; readonly software: boolean; readonly adapterName: string } | { readonly available: false; readonly reason: string };

/** Requests an adapter the way `acquireDevice` would, and describes it. */
export async function probeGpu(): Promise<GpuProbe> {
  try {
    const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
    let gpu = nav?.gpu;
    if (!gpu) {
      if (typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== 'string') {
        return { available: false, reason: 'navigator.gpu is not available (Deno needs --unstable-webgpu)' };
      }
      const { nodeGpu } = await import('./node-gpu.ts');
      gpu = await nodeGpu();
    }
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new NoAdapterError('requestAdapter() returned null');
    const { name, software } = describeAdapter(adapter);
    return { available: true, software, adapterName: name };
  } catch (error) {
    return { available: false, reason: (error as Error).message };
  }
}

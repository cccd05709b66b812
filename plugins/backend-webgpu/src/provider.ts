// The backend provider the runtime ranks: a hardware adapter is the fastest backend there is; a
// software one (lavapipe, SwiftShader) ranks below the native CPU backend but above the oracle.
import type { BackendProvider } from '@crossmodal/core';
import { createWebGpuBackend } from './create-backend.ts';
import { probeGpu } from './device/probe.ts';
import { parseBackendOptions } from './settings.ts';

/** The `webgpu` backend provider. */
export const webgpuBackendProvider: BackendProvider = {
  name: 'webgpu',
  description: 'WGSL kernels on a WebGPU device (Dawn in Node, navigator.gpu in Deno and browsers)',
  async probe() {
    const p = await probeGpu();
    if (!p.available) {
      return { available: false, kind: 'software-gpu', detail: `no WebGPU adapter: ${p.reason}; on Linux without a GPU install mesa-vulkan-drivers from bookworm-backports (tools/bootstrap.sh)` };
    }
    return { available: true, kind: p.software ? 'software-gpu' : 'hardware-gpu', detail: `${p.software ? 'software' : 'hardware'} adapter ${p.adapterName}` };
  },
  // Options: f16, reductions ('auto' | 'serial' | 'tree'), treeMinLength (see settings.ts).
  create: async (options = {}) => createWebGpuBackend(parseBackendOptions(options)),
};

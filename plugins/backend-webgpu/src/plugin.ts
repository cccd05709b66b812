// The plugin: registers the WebGPU backend provider (the only file that touches the container).
import { BACKENDS, type BackendProvider, type Plugin } from '@crossmodal/core';
import { webgpuBackendProvider } from './provider.ts';

/** `@crossmodal/backend-webgpu`: the `webgpu` backend. */
export const webgpuBackendPlugin: Plugin = {
  name: '@crossmodal/backend-webgpu',
  version: '0.1.0',
  register(container) {
    const provider: BackendProvider = webgpuBackendProvider;
    container.register(BACKENDS, { useValue: provider });
  },
};

// The plugin: registers the native backend provider (the only file that touches the container).
import { BACKENDS, type BackendProvider, type Plugin } from '@crossmodal/core';
import { nativeBackendProvider } from './provider.ts';

/** `@crossmodal/backend-native`: the `native` backend. */
export const nativeBackendPlugin: Plugin = {
  name: '@crossmodal/backend-native',
  version: '0.1.0',
  register(container) {
    const provider: BackendProvider = nativeBackendProvider;
    container.register(BACKENDS, { useValue: provider });
  },
};

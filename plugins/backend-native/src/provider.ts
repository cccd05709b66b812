// The backend provider the runtime ranks: native CPU kernels rank below a hardware GPU and above a
// software WebGPU adapter and the oracle. A missing addon is a probe result, never a throw at import.
import type { BackendProvider } from '@crossmodal/core';
import { loadAddon } from './addon/load.ts';
import { createNativeBackend } from './create-backend.ts';

/** The `native` backend provider; option `threads` (a positive integer) sets the thread count. */
export const nativeBackendProvider: BackendProvider = {
  name: 'native',
  description: 'C++ kernels on the CPU (OpenBLAS matmul, AVX2/FMA where the CPU has it, threaded)',
  probe() {
    const load = loadAddon();
    if (!load.ok) return Promise.resolve({ available: false, kind: 'native-cpu', detail: load.reason });
    const info = load.addon.info();
    return Promise.resolve({ available: true, kind: 'native-cpu', detail: `OpenBLAS (${info.blas.trim()}), ${info.simd}, ${info.threads} threads` });
  },
  create(options = {}) {
    const { threads, ...rest } = options;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) return Promise.reject(new Error(`native backend: unknown option(s) ${unknown.join(', ')}; expected: threads`));
    if (threads !== undefined && typeof threads !== 'number') {
      return Promise.reject(new TypeError(`native backend: option threads must be a positive integer, got ${JSON.stringify(threads)}`));
    }
    return Promise.resolve().then(() => createNativeBackend(threads === undefined ? {} : { threads }));
  },
};

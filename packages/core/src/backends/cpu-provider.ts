// The reference CPU backend (the oracle in @crossmodal/tensor) as a provider: always available,
// the last choice of `auto`, and what every other backend is tested against.
import { createCpuBackend } from '@crossmodal/tensor';
import type { BackendProvider } from '../contracts/backend-provider.ts';

/** Backend `cpu`: the reference CPU backend; probe kind `reference`, always available. */
export const cpuBackendProvider: BackendProvider = {
  name: 'cpu',
  description: 'The reference CPU backend (the oracle every other backend is tested against)',
  probe: () => Promise.resolve({ available: true, kind: 'reference', detail: 'the reference CPU backend' }),
  create: () => Promise.resolve(createCpuBackend()),
};

// Test helpers for GPU specs (import only from *.spec.ts).
export { testBackend, withGpuDevice } from './with-gpu.ts';
export { programKeyViolation } from './program-keys.ts';

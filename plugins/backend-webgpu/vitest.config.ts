// Vitest config for @crossmodal/backend-webgpu: one worker (one GPU device per process), Node.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    // NOTE: a single fork: Dawn's instance must outlive every device in the process, and lavapipe
    // is CPU-bound anyway, so parallel workers only compete for the same two cores.
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});

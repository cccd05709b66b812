// Vitest config for the CLI end-to-end suite: each test spawns the real `crossmodal` binary, so
// timeouts are generous and files run one at a time (the machine has two cores).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});

// Vitest config for @crossmodal/backend-native: Node, one worker (the addon's pool already uses
// every core, so parallel test workers would only compete for them).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});

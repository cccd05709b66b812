// Vitest config for @crossmodal/head-vl: Node environment, specs beside the sources.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});

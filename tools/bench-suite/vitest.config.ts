// Vitest config for @crossmodal/bench-suite: Node environment, specs beside the sources.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});

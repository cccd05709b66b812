// Vitest config for @crossmodal/cli: Node environment, specs beside the sources.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
  },
});

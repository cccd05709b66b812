// Vitest config for the workspace plugin: its specs build temp-dir fixtures and scan the real workspace.
import { defineConfig } from 'vitest/config';

// NOTE: a config file is the one place a default export is required (Vitest loads `default`).
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    // The boundary spec walks the whole repository; give a cold 2-core CI machine room.
    testTimeout: 30_000,
  },
});

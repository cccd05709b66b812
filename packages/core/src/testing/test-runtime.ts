// A runtime for tests: core's built-ins, the toy plugin, and whatever plugins the test adds.
import type { Plugin } from '../plugin.ts';
import { createRuntime, type Runtime } from '../runtime/runtime.ts';
import { toyPlugin } from './toy-plugin.ts';

/**
 * `createRuntime([toyPlugin, ...plugins])`: built-ins, then the toy providers (`toy-vectors`,
 * `toy-classification`, `toy-blobs`, `toy-mlp`), then `plugins` (the toy plugin is not added twice).
 * @example
 * const runtime = createTestRuntime();
 * const model = runtime.models.build({ preset: 'toy-mlp' }, { seed: 0 });
 */
export function createTestRuntime(plugins: readonly Plugin[] = []): Runtime {
  return createRuntime([toyPlugin, ...plugins.filter((p) => p.name !== toyPlugin.name)]);
}

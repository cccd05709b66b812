// Core's own providers, registered first in every runtime as the plugin `@crossmodal/core`:
// the reference CPU backend and the built-in metrics.
import { cpuBackendProvider } from '../backends/cpu-provider.ts';
import { BACKENDS, METRICS } from '../di/tokens.ts';
import { builtinMetrics } from '../metrics/index.ts';
import type { Plugin } from '../plugin.ts';

/** The name core's built-ins are listed under. */
export const CORE_PLUGIN_NAME = '@crossmodal/core';

/** Backend `cpu`; metrics accuracy, top-5, top-k, vqa-accuracy, mean-loss. */
export const corePlugin: Plugin = {
  name: CORE_PLUGIN_NAME,
  version: '0.1.0',
  register(container) {
    container.register(BACKENDS, { useValue: cpuBackendProvider });
    for (const metric of builtinMetrics) container.register(METRICS, { useValue: metric });
  },
};

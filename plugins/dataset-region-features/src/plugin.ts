// The dataset-region-features plugin: the only file that touches the container, and it registers nothing.
import type { Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/**
 * Registers nothing: region features are not a dataset (no examples or labels) and core has no
 * token for feature stores yet. VQA and RefCOCO dataset providers build a store
 * (`loadLxmertStore`, `openMcanStore`) from their config and read regions through it.
 */
export const regionFeaturesPlugin: Plugin = {
  name: '@crossmodal/dataset-region-features',
  version: VERSION,
  register(_container: DependencyContainer): void {},
};

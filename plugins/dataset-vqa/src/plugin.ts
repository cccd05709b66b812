// The dataset-vqa plugin: the only file that touches the container.
import { DATASETS, METRICS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { vqaProvider } from './vqa-provider.ts';
import { vqa2AccuracyMetric } from './vqa-metric.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/**
 * Registers the dataset `vqa` and the metric `vqa2-accuracy`. The dataset's regions come from a
 * store registered under REGION_STORES (plugins/dataset-region-features), built by name through
 * CreateContext.build.
 */
export const vqaPlugin: Plugin = {
  name: '@crossmodal/dataset-vqa',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(DATASETS, { useValue: vqaProvider });
    container.register(METRICS, { useValue: vqa2AccuracyMetric });
  },
};

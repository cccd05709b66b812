// The dataset-vqa plugin: the only file that touches the container.
import { METRICS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { vqa2AccuracyMetric } from './vqa-metric.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/**
 * Registers the metric `vqa2-accuracy`. No dataset yet: a VQA dataset needs region features, and
 * core has no token for a region-feature store; the readers, normaliser, vocabulary and targets are exported.
 */
export const vqaPlugin: Plugin = {
  name: '@crossmodal/dataset-vqa',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(METRICS, { useValue: vqa2AccuracyMetric });
  },
};

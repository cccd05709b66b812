// The head-vl plugin: the only file that touches the container.
import { HEADS, METRICS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { vlClassificationHeadProvider, vqaHeadProvider } from './answer-head.ts';
import { matchingHeadProvider } from './matching-head.ts';
import { referringHeadProvider } from './referring-head.ts';
import { recallAt10Metric, recallAt1Metric, recallAt5Metric, recallAtKMetric } from './retrieval-metric.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/**
 * Registers the heads `vqa`, `vl-classification`, `referring-expression`, `image-text-matching`
 * and the metrics `recall-at-k`, `recall-at-1`, `recall-at-5`, `recall-at-10`.
 */
export const vlHeadsPlugin: Plugin = {
  name: '@crossmodal/head-vl',
  version: VERSION,
  register(container: DependencyContainer): void {
    for (const head of [vqaHeadProvider, vlClassificationHeadProvider, referringHeadProvider, matchingHeadProvider]) {
      container.register(HEADS, { useValue: head });
    }
    for (const metric of [recallAtKMetric, recallAt1Metric, recallAt5Metric, recallAt10Metric]) {
      container.register(METRICS, { useValue: metric });
    }
  },
};

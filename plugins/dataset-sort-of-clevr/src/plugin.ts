// The dataset-sort-of-clevr plugin: the only file that touches the container.
import { DATASETS, METRICS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { sortOfClevrAccuracyMetric } from './accuracy.ts';
import { sortOfClevrProvider } from './sort-of-clevr.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/** Registers the dataset `sort-of-clevr` and the metric `sort-of-clevr-accuracy`. */
export const sortOfClevrPlugin: Plugin = {
  name: '@crossmodal/dataset-sort-of-clevr',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(DATASETS, { useValue: sortOfClevrProvider });
    container.register(METRICS, { useValue: sortOfClevrAccuracyMetric });
  },
};

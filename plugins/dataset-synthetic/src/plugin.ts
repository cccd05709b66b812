// The dataset-synthetic plugin: the only file that touches the container.
import { DATASETS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { blobsProvider } from './blobs.ts';
import { spiralsProvider } from './spirals.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/** Registers the datasets `spirals` and `blobs`. */
export const syntheticDatasetsPlugin: Plugin = {
  name: '@crossmodal/dataset-synthetic',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(DATASETS, { useValue: spiralsProvider });
    container.register(DATASETS, { useValue: blobsProvider });
  },
};

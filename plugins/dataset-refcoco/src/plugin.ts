// The dataset-refcoco plugin: the only file that touches the container.
import { DATASETS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { refcocoProvider } from './refcoco.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/** Registers the dataset `refcoco` (RefCOCO, RefCOCO+ and RefCOCOg through its `dataset` option). */
export const refcocoPlugin: Plugin = {
  name: '@crossmodal/dataset-refcoco',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(DATASETS, { useValue: refcocoProvider });
  },
};

// The dataset-fashion-mnist plugin: the only file that touches the container.
import { DATASETS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { fashionMnistProvider, mnistProvider } from './mnist.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/** Registers the datasets `fashion-mnist` and `mnist`. */
export const fashionMnistPlugin: Plugin = {
  name: '@crossmodal/dataset-fashion-mnist',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(DATASETS, { useValue: fashionMnistProvider });
    container.register(DATASETS, { useValue: mnistProvider });
  },
};

// The dataset-cifar plugin: the only file that touches the container.
import { DATASETS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { cifar100Provider, cifar10Provider } from './cifar.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/** Registers the datasets `cifar10` and `cifar100`. */
export const cifarPlugin: Plugin = {
  name: '@crossmodal/dataset-cifar',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(DATASETS, { useValue: cifar10Provider });
    container.register(DATASETS, { useValue: cifar100Provider });
  },
};

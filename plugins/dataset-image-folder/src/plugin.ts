// The dataset-image-folder plugin: the only file that touches the container.
import { DATASETS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { imageFolderProvider } from './image-folder.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/** Registers the dataset `image-folder`. */
export const imageFolderPlugin: Plugin = {
  name: '@crossmodal/dataset-image-folder',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(DATASETS, { useValue: imageFolderProvider });
  },
};

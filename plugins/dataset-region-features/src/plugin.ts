// The dataset-region-features plugin: the only file that touches the container.
import { REGION_STORES, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { regionStoreProviders } from './store-providers.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/**
 * Registers the region stores `lxmert-tsv`, `mcan-npz` and `lmdb` under REGION_STORES. Region
 * features are not a dataset (no examples or labels): dataset providers (`vqa`, `refcoco`) open the
 * store their `regions` option names through `CreateContext.build` and read regions through it.
 */
export const regionFeaturesPlugin: Plugin = {
  name: '@crossmodal/dataset-region-features',
  version: VERSION,
  register(container: DependencyContainer): void {
    for (const provider of regionStoreProviders) container.register(REGION_STORES, { useValue: provider });
  },
};

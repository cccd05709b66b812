// runtime.createContext: `build` reaches another token's registry by the name a config gives, so a
// dataset provider can open the region store its `regions` option names; errors say where and what.
import { describe, expect, it } from 'vitest';
import type { DatasetProvider } from '../contracts/dataset.ts';
import type { RegionFeatureStore, RegionStoreProvider } from '../contracts/region-store.ts';
import { DATASETS, MODEL_PROVIDERS, REGION_STORES } from '../di/tokens.ts';
import type { Plugin } from '../plugin.ts';
import { createRuntime } from './runtime.ts';

/** A store over one path; `path` is required, as a real format's is. */
const fakeStore: RegionStoreProvider = {
  name: 'fake-tsv',
  create(config): RegionFeatureStore {
    if (typeof config['path'] !== 'string') throw new RangeError(`path is required, got ${JSON.stringify(config['path'])}`);
    const id = `${config['path']}#0`;
    return { format: 'fake-tsv', ids: () => [id], has: (i) => i === id, get: () => Promise.reject(new Error('not read here')) };
  },
};

/** A dataset whose only example is the first id of the store its `regions` option names. */
const needsStore: DatasetProvider = {
  name: 'needs-store',
  async create(config, context) {
    if (!context.build) throw new Error('needs a runtime context');
    const store = await context.build(REGION_STORES, config['regions'] as never, 'regions');
    return { size: 1, info: {}, get: () => ({ first: store.ids().length, seed: context.seed }), firstId: store.ids()[0] } as never;
  },
};

const stores: Plugin = {
  name: '@acme/stores', version: '1.0.0',
  register(c) {
    c.register(REGION_STORES, { useValue: fakeStore });
    c.register(DATASETS, { useValue: needsStore });
  },
};

describe('Runtime.createContext', () => {
  const runtime = createRuntime([stores]);

  it('builds a region store named by a dataset option, with its options, through the runtime', async () => {
    const context = runtime.createContext({ seed: 7, outputDir: '/tmp/run' });
    expect(context.seed).toBe(7);
    expect(context.outputDir).toBe('/tmp/run');
    const dataset = await runtime.datasets.create('needs-store', { regions: { name: 'fake-tsv', path: 'a.tsv' } }, context, 'data.train');
    expect((dataset as unknown as { firstId: string }).firstId).toBe('a.tsv#0');
    expect(await dataset.get(0)).toEqual({ first: 1, seed: 7 });
    const store = await context.build!(REGION_STORES, { name: 'fake-tsv', path: 'b.tsv' }, 'regions');
    expect(store.ids()).toEqual(['b.tsv#0']);
  });

  it('names the config path, the unknown store and the known ones', async () => {
    const context = runtime.createContext({ seed: 0 });
    await expect(runtime.datasets.create('needs-store', { regions: { name: 'fake-tvs', path: 'a.tsv' } }, context, 'data.train')).rejects.toThrow(
      "data.train: dataset 'needs-store' (plugin @acme/stores): regions: Unknown region-store 'fake-tvs'. Did you mean 'fake-tsv'? Known region-stores: fake-tsv.",
    );
  });

  it("prefixes the store provider's own error with the field and the provider", () => {
    const context = runtime.createContext({ seed: 0 });
    expect(() => context.build!(REGION_STORES, 'fake-tsv', 'data.eval.regions')).toThrow(
      "data.eval.regions: region-store 'fake-tsv' (plugin @acme/stores): path is required, got undefined",
    );
  });

  it('refuses a spec that is neither a name nor { name, … }, and tokens without a buildable registry', () => {
    const context = runtime.createContext({ seed: 0 });
    expect(() => context.build!(REGION_STORES, 42 as never, 'regions')).toThrow('regions: expected a region-store name or { name, ...options }, got 42');
    expect(() => context.build!(REGION_STORES, { path: 'a.tsv' } as never, 'regions')).toThrow('regions: expected a region-store name or { name, ...options }, got {"path":"a.tsv"}');
    expect(() => context.build!(MODEL_PROVIDERS as never, 'x', 'model')).toThrow('model: Symbol(crossmodal.model-providers) cannot be built through CreateContext.build');
  });

  it('lists region stores as their own kind, after datasets', () => {
    const kinds = runtime.list().map((r) => `${r.kind}:${r.name}`);
    expect(kinds.slice(kinds.indexOf('dataset:needs-store'), kinds.indexOf('dataset:needs-store') + 2)).toEqual(['dataset:needs-store', 'region-store:fake-tsv']);
  });
});

// The dataset-synthetic plugin in a fresh runtime: both names resolve through the registry.
import { createRuntime, type HostTensor } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syntheticDatasetsPlugin } from './plugin.ts';

describe('syntheticDatasetsPlugin', () => {
  it('registers spirals and blobs under its own name', () => {
    const rows = createRuntime([syntheticDatasetsPlugin]).list().filter((r) => r.plugin === syntheticDatasetsPlugin.name);
    expect(rows.map((r) => `${r.kind} ${r.name}`)).toEqual(['dataset blobs', 'dataset spirals']);
  });

  it('creates each dataset by name with the options a run config gives', async () => {
    const runtime = createRuntime([syntheticDatasetsPlugin]);
    const spirals = await runtime.datasets.create('spirals', { split: 'test', perClass: 10 }, { seed: 1 });
    expect(spirals.size).toBe(30);
    const blobs = await runtime.datasets.create('blobs', { dim: 4, limit: 5 }, { seed: 1 });
    expect([blobs.size, (blobs.get(0) as { features: HostTensor }).features.shape]).toEqual([5, [4]]);
    expect(() => runtime.datasets.create('spirals', { arms: 0 }, { seed: 1 }, 'data.train')).toThrow(
      "data.train: dataset 'spirals' (plugin @crossmodal/dataset-synthetic): spirals: arms must be an integer ≥ 2, got 0",
    );
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([syntheticDatasetsPlugin.name, syntheticDatasetsPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});

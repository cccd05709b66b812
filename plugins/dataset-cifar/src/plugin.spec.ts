// The dataset-cifar plugin in a fresh runtime: both names resolve through the registry.
import { createRuntime, type HostTensor } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures.spec-helper.ts';
import { cifarPlugin } from './plugin.ts';

describe('cifarPlugin', () => {
  it('registers cifar10 and cifar100 under its own name', () => {
    const rows = createRuntime([cifarPlugin]).list().filter((r) => r.plugin === cifarPlugin.name);
    expect(rows.map((r) => `${r.kind} ${r.name}`)).toEqual(['dataset cifar10', 'dataset cifar100']);
  });

  it('creates each dataset by name with the options a run config gives', async () => {
    const runtime = createRuntime([cifarPlugin]);
    const train = await runtime.datasets.create('cifar10', { path: FIXTURES, limit: 5, augment: true }, { seed: 1 });
    expect([train.size, ((await train.get(0)) as { image: HostTensor }).image.shape]).toEqual([5, [3, 32, 32]]);
    const coarse = await runtime.datasets.create('cifar100', { path: FIXTURES, split: 'test', labels: 'coarse' }, { seed: 1 });
    expect([coarse.size, coarse.info.numClasses, ((await coarse.get(0)) as { label: number }).label]).toEqual([2, 20, 10]);
    await expect(runtime.datasets.create('cifar10', {}, { seed: 1 }, 'data.train')).rejects.toThrow(
      "data.train: dataset 'cifar10' (plugin @crossmodal/dataset-cifar): cifar10: path is required",
    );
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([cifarPlugin.name, cifarPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});

// The dataset-fashion-mnist plugin in a fresh runtime: both names resolve through the registry.
import { createRuntime, type HostTensor } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { removeFixtureDirs, writeMnistDir } from './fixtures.spec-helper.ts';
import { fashionMnistPlugin } from './plugin.ts';

afterAll(removeFixtureDirs);

describe('fashionMnistPlugin', () => {
  it('registers fashion-mnist and mnist under its own name', () => {
    const rows = createRuntime([fashionMnistPlugin]).list().filter((r) => r.plugin === fashionMnistPlugin.name);
    expect(rows.map((r) => `${r.kind} ${r.name}`)).toEqual(['dataset fashion-mnist', 'dataset mnist']);
  });

  it('creates each dataset by name with the options a run config gives', async () => {
    const runtime = createRuntime([fashionMnistPlugin]);
    const path = writeMnistDir({ h: 6, w: 6 });
    const train = await runtime.datasets.create('fashion-mnist', { path, limit: 5, augment: true }, { seed: 1 });
    expect([train.size, ((await train.get(0)) as { image: HostTensor }).image.shape]).toEqual([5, [1, 6, 6]]);
    const digits = await runtime.datasets.create('mnist', { path, split: 'test' }, { seed: 1 });
    expect(digits.info.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    await expect(runtime.datasets.create('mnist', {}, { seed: 1 }, 'data.train')).rejects.toThrow(
      "data.train: dataset 'mnist' (plugin @crossmodal/dataset-fashion-mnist): mnist: path is required",
    );
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([fashionMnistPlugin.name, fashionMnistPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});

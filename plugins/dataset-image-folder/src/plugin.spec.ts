// The dataset-image-folder plugin in a fresh runtime: `image-folder` resolves through the registry.
import { createRuntime, type HostTensor } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { removeFixtureDirs, rgbPng, solidJpeg, writeTree } from './fixtures.spec-helper.ts';
import { imageFolderPlugin } from './plugin.ts';

afterAll(removeFixtureDirs);

describe('imageFolderPlugin', () => {
  it('registers image-folder under its own name', () => {
    const rows = createRuntime([imageFolderPlugin]).list().filter((r) => r.plugin === imageFolderPlugin.name);
    expect(rows.map((r) => `${r.kind} ${r.name}`)).toEqual(['dataset image-folder']);
  });

  it('creates the dataset by name with the options a run config gives', async () => {
    const runtime = createRuntime([imageFolderPlugin]);
    const path = writeTree({ 'train/cat/1.png': rgbPng(7, 5, () => [1, 2, 3]), 'train/dog/1.jpg': solidJpeg(6, 9, [9, 9, 9]) });
    const train = await runtime.datasets.create('image-folder', { path, split: 'train', size: 4 }, { seed: 1 });
    expect([train.size, train.info.classNames, ((await train.get(1)) as { image: HostTensor }).image.shape]).toEqual([2, ['cat', 'dog'], [3, 4, 4]]);
    await expect(runtime.datasets.create('image-folder', {}, { seed: 1 }, 'data.train')).rejects.toThrow(
      "data.train: dataset 'image-folder' (plugin @crossmodal/dataset-image-folder): image-folder: path is required",
    );
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([imageFolderPlugin.name, imageFolderPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});

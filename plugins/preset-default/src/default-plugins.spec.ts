// defaultPlugins: one runtime from the whole array, every built-in name listed with its plugin,
// and mlp-spirals learning the spirals dataset through nothing but registry names.
import { createRuntime, type HostTensor } from '@crossmodal/core';
import { AdamW } from '@crossmodal/nn';
import { manualSeed, tensor, tidy } from '@crossmodal/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultPlugins } from './default-plugins.ts';

describe('defaultPlugins', () => {
  it('lists exactly the plugins its package.json depends on, each once', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(defaultPlugins.map((p) => p.name).sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });

  it('makes one runtime in which every built-in name resolves to its plugin', () => {
    const rows = createRuntime(defaultPlugins).list().filter((r) => r.plugin !== '@crossmodal/core');
    expect(rows.map((r) => `${r.kind} ${r.name} ${r.plugin}`)).toEqual([
      'model mlp-spirals @crossmodal/model-mlp',
      'model vit-b16-224 @crossmodal/model-vit',
      'model vit-b16-384 @crossmodal/model-vit',
      'model vit-b32-224 @crossmodal/model-vit',
      'model vit-b32-384 @crossmodal/model-vit',
      'model vit-l16-224 @crossmodal/model-vit',
      'model vit-l16-384 @crossmodal/model-vit',
      'model vit-l32-224 @crossmodal/model-vit',
      'model vit-l32-384 @crossmodal/model-vit',
      'model vit-s16-224 @crossmodal/model-vit',
      'model vit-s16-384 @crossmodal/model-vit',
      'model vit-t16-224 @crossmodal/model-vit',
      'model vit-t16-384 @crossmodal/model-vit',
      'model vit-tiny @crossmodal/model-vit',
      'encoder mlp @crossmodal/model-mlp',
      'encoder vit @crossmodal/model-vit',
      'head classification @crossmodal/head-classification',
      'head image-text-matching @crossmodal/head-vl',
      'head referring-expression @crossmodal/head-vl',
      'head vl-classification @crossmodal/head-vl',
      'head vqa @crossmodal/head-vl',
      'dataset blobs @crossmodal/dataset-synthetic',
      'dataset cifar10 @crossmodal/dataset-cifar',
      'dataset cifar100 @crossmodal/dataset-cifar',
      'dataset fashion-mnist @crossmodal/dataset-fashion-mnist',
      'dataset image-folder @crossmodal/dataset-image-folder',
      'dataset mnist @crossmodal/dataset-fashion-mnist',
      'dataset refcoco @crossmodal/dataset-refcoco',
      'dataset sort-of-clevr @crossmodal/dataset-sort-of-clevr',
      'dataset spirals @crossmodal/dataset-synthetic',
      'dataset vqa @crossmodal/dataset-vqa',
      'region-store lmdb @crossmodal/dataset-region-features',
      'region-store lxmert-tsv @crossmodal/dataset-region-features',
      'region-store mcan-npz @crossmodal/dataset-region-features',
      'logger console @crossmodal/logger-console',
      'logger jsonl @crossmodal/logger-jsonl',
      'metric recall-at-1 @crossmodal/head-vl',
      'metric recall-at-10 @crossmodal/head-vl',
      'metric recall-at-5 @crossmodal/head-vl',
      'metric recall-at-k @crossmodal/head-vl',
      'metric sort-of-clevr-accuracy @crossmodal/dataset-sort-of-clevr',
      'metric vqa2-accuracy @crossmodal/dataset-vqa',
      'backend native @crossmodal/backend-native',
      'backend webgpu @crossmodal/backend-webgpu',
    ]);
  });

  it('trains mlp-spirals on spirals by name: the full-batch loss falls by half in 60 steps', async () => {
    manualSeed(0);
    const runtime = createRuntime(defaultPlugins);
    const model = runtime.models.build({ preset: 'mlp-spirals' }, { seed: 0 });
    const data = await runtime.datasets.create('spirals', {}, { seed: 0 });
    const examples = await Promise.all(Array.from({ length: data.size }, (_, i) => data.get(i)));
    const features = tensor(Float32Array.from(examples.flatMap((e) => [...(e['features'] as HostTensor).data])), [data.size, 2]);
    const label = tensor(examples.map((e) => e['label'] as number), [data.size], { dtype: 'int32' });
    const optimizer = new AdamW(model.parameters(), { lr: 0.01 });
    const losses: number[] = [];
    for (let step = 0; step < 60; step++) {
      losses.push(
        tidy(() => {
          optimizer.zeroGrad();
          const loss = model.forward({ features, label }).loss!;
          loss.backward();
          optimizer.step();
          return loss.item();
        }),
      );
    }
    expect(losses[0]).toBeGreaterThan(0.9); // ≈ ln 3 at initialisation
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 2);
  });
});

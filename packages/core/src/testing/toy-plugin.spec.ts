// The toy providers other packages' tests build on: deterministic blobs, a model that learns them.
import { AdamW } from '@crossmodal/nn';
import { manualSeed, tensor, tidy } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import type { Batch, HostTensor } from '../contracts/batch.ts';
import type { Dataset } from '../contracts/dataset.ts';
import { createTestRuntime } from './test-runtime.ts';
import { toyPlugin } from './toy-plugin.ts';

const ctx = { seed: 7 };

/** Every example of a toy-blobs dataset as one batch. */
function wholeBatch(dataset: Dataset): Batch {
  const features: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < dataset.size; i++) {
    const example = dataset.get(i) as { features: HostTensor; label: number };
    features.push(...example.features.data);
    labels.push(example.label);
  }
  return { features: tensor(features, [dataset.size, features.length / dataset.size]), label: tensor(labels, [labels.length], { dtype: 'int32' }) };
}

describe('toy-blobs', () => {
  const runtime = createTestRuntime();
  const create = (config: Record<string, unknown>) => runtime.datasets.create('toy-blobs', config, ctx) as Dataset;

  it('is deterministic under a seed and differs between splits and seeds', () => {
    const a = create({ size: 12 });
    expect(a.size).toBe(12);
    expect(a.info).toEqual({ numClasses: 3, classNames: ['blob-0', 'blob-1', 'blob-2'], fields: { features: [2], label: [] } });
    expect(create({ size: 12 }).get(5)).toEqual(a.get(5));
    expect(a.get(4)).toMatchObject({ label: 1, features: { shape: [2] } });
    expect(create({ size: 12, split: 'test' }).get(5)).not.toEqual(a.get(5));
    expect(create({ size: 12, seed: 8 }).get(5)).not.toEqual(a.get(5));
  });

  it('honours limit, numClasses and inputDim, and names bad options', () => {
    const d = create({ limit: 5, numClasses: 4, inputDim: 3 });
    expect(d.size).toBe(5);
    expect((d.get(3) as { features: HostTensor }).features.shape).toEqual([3]);
    expect(() => create({ split: 'val' })).toThrow("toy-blobs: split must be 'train' or 'test', got \"val\"");
    expect(() => d.get(5)).toThrow('toy-blobs: index 5 is outside [0, 5)');
  });

  it('is the plugin @crossmodal/core/testing with the toy-mlp preset', () => {
    expect(toyPlugin.name).toBe('@crossmodal/core/testing');
    expect(runtime.list().filter((r) => r.plugin === toyPlugin.name).map((r) => `${r.kind}:${r.name}`)).toEqual([
      'model:toy-mlp', 'encoder:toy-vectors', 'head:toy-classification', 'dataset:toy-blobs',
    ]);
  });
});

describe('toy-mlp', () => {
  it('learns toy-blobs: the loss falls by half in 40 AdamW steps', () => {
    manualSeed(0);
    const runtime = createTestRuntime();
    const batch = wholeBatch(runtime.datasets.create('toy-blobs', { size: 96 }, ctx) as Dataset);
    const model = runtime.models.build({ preset: 'toy-mlp' }, ctx);
    const optimizer = new AdamW(model.parameters(), { lr: 0.02 });
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      losses.push(tidy(() => {
        const loss = model.forward(batch).loss!;
        loss.backward();
        return loss.item();
      }));
      optimizer.step();
      optimizer.zeroGrad();
    }
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    optimizer.disposeState();
    model.dispose();
  });
});

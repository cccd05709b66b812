// The dataset-sort-of-clevr plugin in a fresh runtime: the dataset and the metric resolve by name.
import { createRuntime, type HostTensor } from '@crossmodal/core';
import { DataLoader, disposeBatch } from '@crossmodal/data';
import { createCpuBackend, tensor } from '@crossmodal/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sortOfClevrPlugin } from './plugin.ts';

describe('sortOfClevrPlugin', () => {
  it('registers sort-of-clevr and sort-of-clevr-accuracy under its own name', () => {
    const rows = createRuntime([sortOfClevrPlugin]).list().filter((r) => r.plugin === sortOfClevrPlugin.name);
    expect(rows.map((r) => `${r.kind} ${r.name}`)).toEqual(['dataset sort-of-clevr', 'metric sort-of-clevr-accuracy']);
  });

  it('creates the dataset and the metric with the options a run config gives', async () => {
    const runtime = createRuntime([sortOfClevrPlugin]);
    const train = await runtime.datasets.create('sort-of-clevr', { images: 2, view: 'regions' }, { seed: 1 });
    expect([train.size, ((await train.get(0)) as { regions: HostTensor }).regions.shape]).toEqual([40, [6, 78]]);
    expect(runtime.metrics.create('sort-of-clevr-accuracy', { questions: 'relational' }, { seed: 1 }).name).toBe('accuracy-relational');
    expect(() => runtime.datasets.create('sort-of-clevr', { view: 'patches' }, { seed: 1 }, 'data.train')).toThrow(
      "data.train: dataset 'sort-of-clevr' (plugin @crossmodal/dataset-sort-of-clevr): sort-of-clevr: view must be one of 'pixels', 'regions', 'both', got 'patches'",
    );
  });

  it('batches through a DataLoader into tensors the metric scores per question type', async () => {
    const runtime = createRuntime([sortOfClevrPlugin]);
    const ds = await runtime.datasets.create('sort-of-clevr', { images: 3, view: 'both', distractors: 2 }, { seed: 4 });
    const relational = runtime.metrics.create('sort-of-clevr-accuracy', { questions: 'relational' }, { seed: 4 });
    const shape = runtime.metrics.create('sort-of-clevr-accuracy', { questions: 'shape' }, { seed: 4 });
    const loader = new DataLoader(ds, { batchSize: 16, shuffle: true, seed: 1, backend: createCpuBackend() });
    const shapes = new Set<string>();
    for await (const batch of loader.epoch(0)) {
      const b = batch['label']!.shape[0]!;
      shapes.add(['image', 'regions', 'boxes', 'question', 'label', 'questionSubtype'].map((f) => `${f} ${batch[f]!.shape.join('×')}`).join(', '));
      // A model that answers relational questions right and everything else with answer 0 ('square').
      const [labels, subtypes] = [await batch['label']!.data(), await batch['questionSubtype']!.data()];
      const logits = tensor(Array.from({ length: b }, (_, r) => Array.from({ length: 12 }, (_, c) => (c === (subtypes[r]! >= 3 ? labels[r] : 0) ? 1 : 0))));
      await relational.update({ logits, targets: ['label'] }, batch);
      await shape.update({ logits, targets: ['label'] }, batch);
      disposeBatch(batch);
    }
    expect([...shapes]).toContain('image 16×3×75×75, regions 16×8×78, boxes 16×8×4, question 16×11, label 16, questionSubtype 16');
    expect(relational.compute()).toBe(1);
    const shapeQuestions = Array.from({ length: ds.size }, (_, i) => ds.get(i) as { questionSubtype: number; label: number }).filter((e) => e.questionSubtype === 0);
    expect(shape.compute()).toBe(shapeQuestions.filter((e) => e.label === 0).length / shapeQuestions.length);
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([sortOfClevrPlugin.name, sortOfClevrPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});

// `data.mixup`: its config defaults and errors, and createLoaders mixing the training loader only;
// `data.floatFields` reaching both loaders.
import { disposeBatch, type DataLoader } from '@crossmodal/data';
import { createCpuBackend } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../config/issues.spec-helper.ts';
import { parseRunConfig } from '../config/parse.ts';
import type { RunConfigInput } from '../config/schema.ts';
import { DATASETS } from '../di/tokens.ts';
import type { Plugin } from '../plugin.ts';
import { createTestRuntime } from '../testing/test-runtime.ts';
import { createLoaders } from './build-run.ts';

const base = (data: Record<string, unknown> = {}): RunConfigInput => ({
  seed: 2,
  model: { preset: 'toy-mlp' },
  data: { train: { name: 'toy-blobs', size: 16 }, eval: { name: 'toy-blobs', split: 'test', size: 8 }, batchSize: 8, ...data },
  optimizer: { name: 'sgd', lr: 0.1 },
  train: { epochs: 1 },
});


/** A dataset that says nothing about its classes. */
const unlabelledPlugin: Plugin = {
  name: 'mixup-spec',
  version: '0.0.0',
  register(c) {
    c.register(DATASETS, {
      useValue: { name: 'no-classes', create: () => ({ size: 4, info: {}, get: (i: number) => ({ features: { data: Float32Array.of(i, i), shape: [2] }, label: 0 }) }) },
    });
  },
};

async function firstBatch(loader: DataLoader): Promise<Record<string, number[]>> {
  for await (const batch of loader.epoch(0)) {
    const out = Object.fromEntries(await Promise.all(Object.entries(batch).map(async ([k, t]) => [k, Array.from(await t.data())] as const)));
    disposeBatch(batch);
    return out;
  }
  throw new Error('no batch');
}

describe('data.mixup', () => {
  it("takes DeiT's defaults from `mixup: {}`", () => {
    expect(parseRunConfig(base({ mixup: {} }), 'run.yaml').data.mixup).toEqual({
      mixupAlpha: 0.8, cutmixAlpha: 1, prob: 1, switchProb: 0.5, mode: 'batch', labelSmoothing: 0.1, field: 'image', target: 'label',
    });
  });

  it('names each bad field, its value and what was expected', () => {
    const bad = { mixupAlpha: -0.5, prob: 2, mode: 'mixed', labelSmoothing: 1 };
    expect(issuesOf(() => parseRunConfig(base({ mixup: bad }), 'run.yaml'))).toEqual([
      'run.yaml: data.mixup.mixupAlpha: got -0.5, expected a number ≥ 0 (Beta(α, α); 0 turns Mixup off)',
      'run.yaml: data.mixup.prob: got 2, expected a number in [0, 1]',
      "run.yaml: data.mixup.mode: got \"mixed\", expected one of 'batch', 'pair', 'elem'",
      'run.yaml: data.mixup.labelSmoothing: got 1, expected a number in [0, 1)',
    ]);
    expect(issuesOf(() => parseRunConfig(base({ mixup: { cutmixMinMax: [0.8, 0.2] } }), 'run.yaml'))).toEqual([
      'run.yaml: data.mixup.cutmixMinMax: got [0.8,0.2], expected [min, max] with min < max',
    ]);
    expect(issuesOf(() => parseRunConfig(base({ mixup: { mixupAlpha: 0, cutmixAlpha: 0 } }), 'run.yaml'))).toEqual([
      'run.yaml: data.mixup.cutmixAlpha: got 0, expected a number > 0 here or in mixupAlpha (both 0 mix nothing)',
    ]);
  });

  it('mixes the training batches only, adding <target>Soft with the dataset\'s numClasses', async () => {
    const backend = createCpuBackend();
    const runtime = createTestRuntime();
    const mixed = await createLoaders(runtime, parseRunConfig(base({ shuffle: false, mixup: { field: 'features', cutmixAlpha: 0 } }), 't'), backend, { seed: 2 });
    const plain = await createLoaders(runtime, parseRunConfig(base({ shuffle: false }), 't'), backend, { seed: 2 });
    const [train, reference] = [await firstBatch(mixed.train), await firstBatch(plain.train)];
    expect(train['labelSoft']).toHaveLength(8 * 3); // [B, C] with C = toy-blobs' 3 classes
    expect(train['label']).toEqual(reference['label']);
    expect(train['features']).not.toEqual(reference['features']);
    expect(Object.keys(await firstBatch(mixed.eval!)).sort()).toEqual(['features', 'label']);
  });

  it('names the training dataset when it gives no numClasses', async () => {
    const config = parseRunConfig(base({ train: { name: 'no-classes' }, eval: undefined, batchSize: 2, mixup: { field: 'features', cutmixAlpha: 0 } }), 't');
    await expect(createLoaders(createTestRuntime([unlabelledPlugin]), config, createCpuBackend(), { seed: 0 })).rejects.toThrow(
      "data.mixup: dataset 'no-classes' (data.train) gives no numClasses in its info, and Mixup's soft targets need it",
    );
  });
});

describe('data.floatFields', () => {
  async function labelDtype(loader: DataLoader): Promise<string> {
    for await (const batch of loader.epoch(0)) {
      const dtype = batch['label']!.dtype;
      disposeBatch(batch);
      return dtype;
    }
    throw new Error('no batch');
  }

  it('collates the named integer-valued fields as float32 in training and evaluation', async () => {
    const backend = createCpuBackend();
    const runtime = createTestRuntime();
    const plain = await createLoaders(runtime, parseRunConfig(base(), 't'), backend, { seed: 2 });
    const floats = await createLoaders(runtime, parseRunConfig(base({ floatFields: ['label'] }), 't'), backend, { seed: 2 });
    expect([await labelDtype(plain.train), await labelDtype(plain.eval!)]).toEqual(['int32', 'int32']);
    expect([await labelDtype(floats.train), await labelDtype(floats.eval!)]).toEqual(['float32', 'float32']);
  });

  it('names a field list that is not one', () => {
    expect(issuesOf(() => parseRunConfig(base({ floatFields: 'label' }), 'run.yaml'))).toEqual([
      'run.yaml: data.floatFields: got "label", expected a list of batch fields to collate as float32',
    ]);
    expect(issuesOf(() => parseRunConfig(base({ floatFields: [''] }), 'run.yaml'))).toEqual([
      'run.yaml: data.floatFields[0]: got "", expected a batch field (a non-empty string)',
    ]);
  });
});

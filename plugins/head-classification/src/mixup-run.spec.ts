// A short run through core's pipeline with `data.mixup` on: the classification head trains on the
// loader's soft targets (Mixup and CutMix), its loss is finite and falls, and a resumed run is exact.
import { createPipeline, DATASETS, ENCODERS, memoryRunFiles, parseRunConfig, type Batch, type Encoder, type EncoderOutput, type Plugin, type RunConfigInput, type TrainEvent } from '@crossmodal/core';
import { createTestRuntime } from '@crossmodal/core/testing';
import { Linear, Module } from '@crossmodal/nn';
import { Generator } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { classificationHeadPlugin } from './plugin.ts';

/** image [B, 1, 4, 4] → flatten → Linear → ReLU → one token [B, 1, D]. */
class FlatPixels extends Module implements Encoder {
  readonly modality = 'vision';
  readonly inputs = ['image'];
  readonly proj: Linear;
  constructor(readonly dim: number) {
    super();
    this.proj = new Linear(16, dim);
  }
  forward(batch: Batch): EncoderOutput {
    const image = batch['image']!;
    return { states: this.proj.forward(image.reshape([image.shape[0]!, 16])).relu().unsqueeze(1) };
  }
}

/** 4×4 one-channel images: class c lights row c (of 3), plus N(0, 0.3²) noise; seeded per split. */
const stripes = (size: number, seed: number) => {
  const gen = new Generator(seed);
  const examples = Array.from({ length: size }, (_, i) => {
    const data = Float32Array.from({ length: 16 }, (_, k) => (Math.floor(k / 4) === i % 3 ? 1 : 0) + 0.3 * gen.normal());
    return { image: { data, shape: [1, 4, 4] }, label: i % 3 };
  });
  return { size, info: { numClasses: 3 }, get: (i: number) => examples[i]! };
};

const specPlugin: Plugin = {
  name: 'mixup-run-spec',
  version: '0.0.0',
  register(c) {
    c.register(ENCODERS, { useValue: { name: 'flat-pixels', create: () => new FlatPixels(16) } });
    c.register(DATASETS, { useValue: { name: 'stripes', create: (o: Record<string, unknown>) => stripes(o['size'] as number, o['split'] === 'test' ? 2 : 1) } });
  },
};

const config = (mixup: Record<string, unknown> | undefined): RunConfigInput => ({
  seed: 3,
  backend: 'cpu',
  model: { encoders: { vision: { name: 'flat-pixels' } }, head: { name: 'classification', dim: 16, numClasses: 3 } },
  data: { train: { name: 'stripes', size: 48 }, eval: { name: 'stripes', split: 'test', size: 24 }, batchSize: 8, ...(mixup ? { mixup } : {}) },
  optimizer: { name: 'adamw', lr: 0.02 },
  train: { epochs: 4 },
  metrics: ['accuracy'],
  loggers: [],
  output: { dir: 'unused' },
});

function start(raw: RunConfigInput, options: { resume?: string; files?: ReturnType<typeof memoryRunFiles> } = {}) {
  const pipeline = createPipeline(createTestRuntime([classificationHeadPlugin, specPlugin]), parseRunConfig(raw, 'test'), { files: memoryRunFiles(), ...options });
  const events: TrainEvent[] = [];
  pipeline.events$.subscribe((e) => events.push(e));
  return { pipeline, events };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0) / xs.length;
const lossesOf = (events: readonly TrainEvent[]): number[] => events.flatMap((e) => (e.type === 'batch-end' ? [e.loss] : []));

describe('classification head trained with data.mixup', () => {
  it('trains on mixed batches: a finite loss that falls, unlike the unmixed run, and an unmixed evaluation', async () => {
    const mixed = start(config({}));
    const plain = start(config(undefined));
    const [mixedResult, plainResult] = [await mixed.pipeline.run(), await plain.pipeline.run()];
    const losses = lossesOf(mixed.events);
    expect(losses).toHaveLength(24);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(mean(losses.slice(-6))).toBeLessThan(0.8 * mean(losses.slice(0, 6)));
    expect(losses).not.toEqual(lossesOf(plain.events));
    // Evaluation batches carry no soft targets: accuracy is measured on the labels, and is high on this easy task.
    expect(mixedResult.metrics['accuracy']).toBeGreaterThan(0.9);
    for (const r of [mixedResult, plainResult]) r.model.dispose();
  });

  it.each([
    ['batch', { mode: 'batch' }],
    ['elem with a min/max box', { mode: 'elem', cutmixMinMax: [0.25, 0.75] }],
  ])('resumes mid-epoch (%s) with exactly the uninterrupted losses', async (_, mixup) => {
    const full = start(config(mixup));
    const fullResult = await full.pipeline.run();
    const files = memoryRunFiles();
    const first = start(config(mixup), { files });
    first.pipeline.events$.subscribe((e) => e.type === 'batch-end' && e.step === 9 && first.pipeline.stop('test interrupt'));
    const stopped = await first.pipeline.run();
    const second = start(config(mixup), { files, resume: 'memory:interrupt' });
    const resumed = await second.pipeline.run();
    expect([...lossesOf(first.events), ...lossesOf(second.events)]).toEqual(lossesOf(full.events));
    expect(resumed.metrics['accuracy']).toBe(fullResult.metrics['accuracy']);
    for (const r of [fullResult, stopped, resumed]) r.model.dispose();
  });
});

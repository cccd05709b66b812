import { describe, expect, it } from 'vitest';
import { DataLoader } from '@crossmodal/data';
import { memory } from '@crossmodal/tensor';
import type { TrainEvent } from '../bus/train-events.ts';
import { TrainingBus } from '../bus/training-bus.ts';
import type { Metric } from '../contracts/metric.ts';
import { accuracyMetric, meanLossMetric } from '../metrics/index.ts';
import { ToyBlobs } from '../testing/toy-plugin.ts';
import { Evaluator } from './evaluator.ts';
import { TinyClassifier } from './fixtures.spec-helper.ts';

const ctx = { seed: 0 };

describe('Evaluator', () => {
  it('computes every metric in eval mode, emits eval-end and restores training mode', async () => {
    const model = new TinyClassifier(0.5);
    const bus = new TrainingBus();
    const events: TrainEvent[] = [];
    bus.events$.subscribe((e) => events.push(e));
    const loader = new DataLoader(new ToyBlobs({ size: 10, numClasses: 3, inputDim: 2, seed: 4 }), { batchSize: 4 });
    const modes: boolean[] = [];
    const probe: Metric = { name: 'probe', higherIsBetter: true, update: () => void modes.push(model.drop.training), compute: () => modes.length, reset: () => void (modes.length = 0) };
    const evaluator = new Evaluator({ model, loader, metrics: [accuracyMetric.create({}, ctx), meanLossMetric.create({}, ctx), probe], split: 'val', bus });
    const before = memory().tensors;
    const first = await evaluator.evaluate({ epoch: 2, step: 30 });
    expect(memory().tensors).toBe(before);
    expect(first['probe']).toBe(3); // three batches, dropout off in each
    expect(modes).toEqual([false, false, false]);
    expect(first['accuracy']).toBeGreaterThanOrEqual(0);
    expect(first['loss']).toBeGreaterThan(0);
    expect(model.training).toBe(true);
    expect(events).toEqual([{ type: 'eval-end', epoch: 2, step: 30, split: 'val', metrics: first }]);
    // Deterministic: eval mode, no dropout, metrics reset between passes.
    expect(await evaluator.evaluate()).toEqual(first);
  });

  it('rejects two metrics reporting under one name', () => {
    const loader = new DataLoader(new ToyBlobs({ size: 4, numClasses: 3, inputDim: 2, seed: 4 }), { batchSize: 4 });
    expect(() => new Evaluator({ model: new TinyClassifier(), loader, metrics: [accuracyMetric.create({}, ctx), accuracyMetric.create({}, ctx)] }))
      .toThrow("Evaluator: two metrics report under the name 'accuracy' (metrics: accuracy, accuracy)");
  });
});

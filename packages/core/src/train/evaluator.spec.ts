import { describe, expect, it } from 'vitest';
import { DataLoader } from '@crossmodal/data';
import { ModelEma } from '@crossmodal/nn';
import { manualSeed, memory, noGrad, tidy } from '@crossmodal/tensor';
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
    // The accuracy is the share of argmax hits, counted here by hand over the same batches in eval mode.
    model.eval();
    let hits = 0;
    for await (const batch of loader.epoch(0)) {
      const logits = noGrad(() => model.forward(batch).logits);
      const [rows, labels] = [(await logits.toArray()) as number[][], Array.from(await batch['label']!.data())];
      rows.forEach((row, i) => (hits += row.indexOf(Math.max(...row)) === labels[i] ? 1 : 0));
      logits.dispose();
      for (const t of Object.values(batch)) t.dispose();
    }
    model.train();
    expect(first['accuracy']).toBe(hits / 10);
    expect(first['loss']).toBeGreaterThan(0);
    expect(model.training).toBe(true);
    expect(events).toEqual([{ type: 'eval-end', epoch: 2, step: 30, split: 'val', metrics: first }]);
    // Deterministic: eval mode, no dropout, metrics reset between passes.
    expect(await evaluator.evaluate()).toEqual(first);
  });

  it("scores the weight average under ema/<name> beside the trained weights' metrics, in one eval-end", async () => {
    manualSeed(3);
    const model = new TinyClassifier(0.5);
    const bus = new TrainingBus();
    const events: TrainEvent[] = [];
    bus.events$.subscribe((e) => events.push(e));
    const loader = new DataLoader(new ToyBlobs({ size: 10, numClasses: 3, inputDim: 2, seed: 4 }), { batchSize: 4 });
    const metrics = [accuracyMetric.create({}, ctx), meanLossMetric.create({}, ctx)];
    const plain = new Evaluator({ model, loader, metrics });
    const weights = new ModelEma(model);
    const atInit = await plain.evaluate();
    // The average stays at the initial weights while the model moves on.
    noGrad(() => tidy(() => model.head.fc.weight.assign(model.head.fc.weight.mul(-2))));
    const trained = model.head.fc.weight.dataSync().slice();
    const now = await plain.evaluate();
    expect(now['loss']).not.toBe(atInit['loss']);
    const both = new Evaluator({ model, loader, metrics, split: 'val', bus, ema: { weights, evaluate: 'both' } });
    const before = memory();
    const values = await both.evaluate({ epoch: 1, step: 9 });
    expect(values).toEqual({ accuracy: now['accuracy'], loss: now['loss'], 'ema/accuracy': atInit['accuracy'], 'ema/loss': atInit['loss'] });
    expect(events).toEqual([{ type: 'eval-end', epoch: 1, step: 9, split: 'val', metrics: values }]);
    expect(model.head.fc.weight.dataSync()).toEqual(trained);
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().storages).toBe(before.storages);
    const only = new Evaluator({ model, loader, metrics, ema: { weights, evaluate: 'ema' } });
    expect(await only.evaluate()).toEqual({ 'ema/accuracy': atInit['accuracy'], 'ema/loss': atInit['loss'] });
    weights.dispose();
    model.dispose();
  });

  it('rejects two metrics reporting under one name', () => {
    const loader = new DataLoader(new ToyBlobs({ size: 4, numClasses: 3, inputDim: 2, seed: 4 }), { batchSize: 4 });
    expect(() => new Evaluator({ model: new TinyClassifier(), loader, metrics: [accuracyMetric.create({}, ctx), accuracyMetric.create({}, ctx)] }))
      .toThrow("Evaluator: two metrics report under the name 'accuracy' (metrics: accuracy, accuracy)");
  });
});

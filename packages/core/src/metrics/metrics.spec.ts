// The built-in metrics on small batches with exact expected values.
import { scalar, tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import type { Metric } from '../contracts/metric.ts';
import type { ModelOutput } from '../contracts/model.ts';
import { accuracyMetric, top5Metric, topKMetric } from './classification.ts';
import { meanLossMetric } from './mean-loss.ts';
import { vqaAccuracyMetric } from './vqa-accuracy.ts';

const ctx = { seed: 0 };
const ints = (values: number[]) => tensor(values, [values.length], { dtype: 'int32' });
// [B=4, C=3]: argmaxes 2, 0, 1, 1
const logits = tensor([[0.1, 0.2, 0.9], [3, 1, 2], [0, 5, 1], [1, 2, 1.5]]);
const output = (extra: Partial<ModelOutput> = {}): ModelOutput => ({ logits, targets: ['label'], ...extra });

describe('accuracy', () => {
  it('counts argmax hits over every batch since reset, ignoring negative targets', async () => {
    const metric: Metric = accuracyMetric.create({}, ctx);
    expect(metric.name).toBe('accuracy');
    expect(metric.higherIsBetter).toBe(true);
    await metric.update(output(), { label: ints([2, 1, 1, -1]) }); // hits: yes, no, yes, ignored
    expect(metric.compute()).toBe(2 / 3);
    await metric.update(output(), { label: ints([2, 0, 1, 1]) }); // 4 hits
    expect(metric.compute()).toBe(6 / 7);
    metric.reset();
    expect(metric.compute()).toBeNaN();
  });

  it('reads the field named by its config, else the head target', async () => {
    const metric = accuracyMetric.create({ target: 'y' }, ctx);
    await metric.update(output(), { label: ints([0, 0, 0, 0]), y: ints([2, 0, 1, 1]) });
    expect(metric.compute()).toBe(1);
  });

  it('takes the argmax of score targets shaped like the logits', async () => {
    const metric = accuracyMetric.create({}, ctx);
    await metric.update(output(), { label: tensor([[0, 0, 1], [0, 1, 0], [0, 1, 0], [1, 0, 0]]) });
    expect(metric.compute()).toBe(0.5);
  });

  it('names a missing target field and an out-of-range class', async () => {
    const metric = accuracyMetric.create({}, ctx);
    await expect(metric.update(output(), { y: ints([0, 0, 0, 0]) })).rejects.toThrow(
      "accuracy: the batch has no target field 'label' (batch fields: y); set the metric's target option",
    );
    await expect(metric.update(output(), { label: ints([0, 3, 0, 0]) })).rejects.toThrow('accuracy: target class 3 at row 1 is outside [0, 3)');
    expect(() => accuracyMetric.create({ target: 3 }, ctx)).toThrow('accuracy: target must be a batch field name (a string), got 3');
  });
});

describe('top-k', () => {
  it('top-k with k = 2 counts targets among the two highest logits', async () => {
    const metric = topKMetric.create({ k: 2 }, ctx);
    expect(metric.name).toBe('top-2');
    // ranks of targets: row0 class0 → 2 (miss), row1 class2 → 1 (hit), row2 class2 → 1 (hit), row3 class0 → 2 (miss)
    await metric.update(output(), { label: ints([0, 2, 2, 0]) });
    expect(metric.compute()).toBe(0.5);
  });

  it('top-5 with 3 classes always hits; k = 1 takes the first of equal logits, as argmax', async () => {
    const metric = top5Metric.create({}, ctx);
    expect(metric.name).toBe('top-5');
    await metric.update(output(), { label: ints([0, 1, 2, 0]) });
    expect(metric.compute()).toBe(1);
    const tie = topKMetric.create({ k: 1 }, ctx);
    await tie.update({ logits: tensor([[1, 1]]) }, { label: ints([1]) });
    expect(tie.compute()).toBe(0); // k = 1 is argmax, which takes the first of equal logits
    const first = accuracyMetric.create({}, ctx);
    await first.update({ logits: tensor([[1, 1]]) }, { label: ints([0]) });
    expect(first.compute()).toBe(1);
  });

  it('counts ties against the target, so constant logits do not score top-k hits', async () => {
    // 8 classes, every logit equal: each target has 7 entries at least as large → rank 7, a miss for top-5.
    const top5 = top5Metric.create({}, ctx);
    await top5.update({ logits: tensor([new Array(8).fill(0.5), new Array(8).fill(-2)]) }, { label: ints([0, 7]) });
    expect(top5.compute()).toBe(0);
    // [3, 1, 1, 1, 0]: target class 1 ties with 2 and 3 and is beaten by 0 → rank 3: a hit for top-4, a miss for top-3.
    const row = { logits: tensor([[3, 1, 1, 1, 0]]) };
    const top3 = topKMetric.create({ k: 3 }, ctx);
    await top3.update(row, { label: ints([1]) });
    expect(top3.compute()).toBe(0);
    const top4 = topKMetric.create({ k: 4 }, ctx);
    await top4.update(row, { label: ints([1]) });
    expect(top4.compute()).toBe(1);
  });

  it('rejects a k that is not a positive integer', () => {
    expect(() => topKMetric.create({ k: 0 }, ctx)).toThrow('top-k: k must be a positive integer, got 0');
    expect(() => topKMetric.create({}, ctx)).toThrow('top-k: k must be a positive integer, got undefined');
  });
});

describe('NaN logits', () => {
  const nanLogits = { logits: tensor([[0, 1, 2], [Number.NaN, Number.NaN, Number.NaN]]) };
  const labels = { label: ints([2, 0]) };

  it('accuracy and top-k throw naming the metric, the row and the column instead of scoring a prediction', async () => {
    await expect(accuracyMetric.create({}, ctx).update(nanLogits, labels)).rejects.toThrow('accuracy: logit at row 1, column 0 is NaN');
    await expect(top5Metric.create({}, ctx).update(nanLogits, labels)).rejects.toThrow('top-5: logit at row 1, column 0 is NaN');
    const oneNaN = { logits: tensor([[0, 1, 2, Number.NaN, 0, 0]]) };
    await expect(topKMetric.create({ k: 2 }, ctx).update(oneNaN, { label: ints([2]) })).rejects.toThrow(RangeError);
    await expect(topKMetric.create({ k: 2 }, ctx).update(oneNaN, { label: ints([2]) })).rejects.toThrow('top-2: logit at row 0, column 3 is NaN');
    await expect(accuracyMetric.create({}, ctx).update(oneNaN, { label: ints([2]) })).rejects.toThrow('accuracy: logit at row 0, column 3 is NaN');
  });

  it('vqa-accuracy throws too, and a NaN score target is named as such', async () => {
    const soft = tensor([[0, 0, 1], [1, 0, 0]]);
    await expect(vqaAccuracyMetric.create({}, ctx).update(nanLogits, { targets: soft })).rejects.toThrow('vqa-accuracy: logit at row 1, column 0 is NaN');
    const badScores = { label: tensor([[0, 0, 1], [0, Number.NaN, 0]]) };
    await expect(accuracyMetric.create({}, ctx).update({ logits: tensor([[0, 1, 2], [2, 1, 0]]) }, badScores)).rejects.toThrow(
      'accuracy: score target at row 1, column 1 is NaN',
    );
  });
});

describe('vqa-accuracy', () => {
  it('averages the soft score of each predicted answer', async () => {
    const metric = vqaAccuracyMetric.create({}, ctx);
    expect(metric.name).toBe('vqa-accuracy');
    // VQA scores min(#humans/3, 1); predicted answers 2, 0, 1, 1 → scores 1, 1/3, 0, 2/3 → mean 1/2
    const targets = tensor([[0, 0, 1], [1 / 3, 1, 0], [1, 0, 0], [0, 2 / 3, 1]]);
    await metric.update({ logits, targets: ['answers'] }, { answers: targets });
    expect(metric.compute()).toBeCloseTo(0.5, 6);
  });

  it('defaults to the `targets` field and checks the shape', async () => {
    const metric = vqaAccuracyMetric.create({}, ctx);
    await metric.update({ logits }, { targets: tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 1, 0]]) });
    expect(metric.compute()).toBe(1);
    await expect(metric.update({ logits }, { targets: tensor([[0, 1]]) })).rejects.toThrow('vqa-accuracy: soft targets [1, 2] must match the answer logits [4, 3]');
  });
});

describe('mean-loss', () => {
  it('reports as loss, weighting each batch by its size', async () => {
    const metric = meanLossMetric.create({}, ctx);
    expect(metric.name).toBe('loss');
    expect(metric.higherIsBetter).toBe(false);
    await metric.update({ logits, loss: scalar(2) }, {}); // 4 examples
    await metric.update({ logits: tensor([[0, 1, 2], [1, 1, 1]]), loss: scalar(5) }, {}); // 2 examples
    expect(metric.compute()).toBe((2 * 4 + 5 * 2) / 6);
  });

  it('fails when the model returned no loss', async () => {
    await expect(meanLossMetric.create({}, ctx).update({ logits }, {})).rejects.toThrow('mean-loss: the model returned no loss');
  });
});

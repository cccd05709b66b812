// Per-question-type accuracy on a small batch with exact expected values.
import { tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { sortOfClevrAccuracyMetric, subtypesOf } from './accuracy.ts';

const ctx = { seed: 0 };
const ints = (values: number[]) => tensor(values, [values.length], { dtype: 'int32' });
// [B=6, C=3]: argmaxes 2, 0, 1, 1, 0, 2
const logits = tensor([[0, 0, 1], [3, 1, 2], [0, 5, 1], [1, 2, 1.5], [9, 0, 0], [0, 1, 4]]);
const batch = {
  label: ints([2, 1, 1, 1, 2, 2]), // hits: yes, no, yes, yes, no, yes
  questionSubtype: ints([0, 1, 2, 3, 4, 5]), // rows 0-2 non-relational, 3-5 relational
};

describe('sort-of-clevr-accuracy', () => {
  it('counts argmax hits over the questions of the chosen type only', async () => {
    const score = async (questions?: string) => {
      const metric = sortOfClevrAccuracyMetric.create(questions ? { questions } : {}, ctx);
      await metric.update({ logits, targets: ['label'] }, batch);
      return [metric.name, metric.compute()];
    };
    expect(await score()).toEqual(['accuracy-all', 4 / 6]);
    expect(await score('non-relational')).toEqual(['accuracy-non-relational', 2 / 3]);
    expect(await score('relational')).toEqual(['accuracy-relational', 2 / 3]);
    expect(await score('horizontal')).toEqual(['accuracy-horizontal', 0]);
    expect(await score('count')).toEqual(['accuracy-count', 1]);
  });

  it('refuses a NaN logit, naming the row and column, instead of silently answering class 0', async () => {
    const metric = sortOfClevrAccuracyMetric.create({}, ctx);
    // Row 0's answer is class 0 (its label): a NaN in column 1 must not pass as a hit.
    const bad = tensor([[1, Number.NaN, 0]]);
    await expect(metric.update({ logits: bad }, { label: ints([0]), questionSubtype: ints([0]) })).rejects.toThrow(
      'accuracy-all: logit at row 0, column 1 is NaN',
    );
  });

  it('accumulates over batches until reset, and is NaN with no question of its type', async () => {
    const metric = sortOfClevrAccuracyMetric.create({ questions: 'furthest' }, ctx);
    expect(metric.higherIsBetter).toBe(true);
    await metric.update({ logits }, { ...batch, questionSubtype: ints([0, 0, 0, 0, 0, 0]) });
    expect(metric.compute()).toBeNaN();
    await metric.update({ logits }, batch);
    await metric.update({ logits }, { ...batch, questionSubtype: ints([4, 4, 4, 4, 4, 4]) });
    expect(metric.compute()).toBe(4 / 7); // 0 of 1, then 4 of 6
    metric.reset();
    expect(metric.compute()).toBeNaN();
  });

  it('reads the target and subtype fields its config names', async () => {
    const metric = sortOfClevrAccuracyMetric.create({ target: 'answer', subtypeField: 'kind' }, ctx);
    await metric.update({ logits }, { answer: ints([2, 0, 1, 1, 0, 2]), kind: ints([0, 0, 0, 0, 0, 0]) });
    expect(metric.compute()).toBe(1);
  });

  it('names a bad option, a missing field and mismatched shapes', async () => {
    expect(() => sortOfClevrAccuracyMetric.create({ questions: 'spatial' }, ctx)).toThrow(
      "sort-of-clevr-accuracy: questions must be one of 'all', 'non-relational', 'relational', 'shape', 'horizontal', 'vertical', 'closest', 'furthest', 'count', got 'spatial'",
    );
    expect(() => sortOfClevrAccuracyMetric.create({ k: 2 }, ctx)).toThrow("sort-of-clevr-accuracy: unknown option 'k'");
    const metric = sortOfClevrAccuracyMetric.create({}, ctx);
    await expect(metric.update({ logits }, { label: batch.label })).rejects.toThrow(
      "accuracy-all: the batch has no field 'questionSubtype' (batch fields: label)",
    );
    await expect(metric.update({ logits }, { label: ints([1, 2]), questionSubtype: ints([0, 1]) })).rejects.toThrow(
      'accuracy-all: expected logits [B, C] with label [B] and questionSubtype [B], got [6, 3], [2] and [2]',
    );
  });
});

describe('subtypesOf', () => {
  it('maps each filter to its subtype indices', () => {
    expect([subtypesOf('all'), subtypesOf('non-relational'), subtypesOf('relational'), subtypesOf('closest')]).toEqual([
      [0, 1, 2, 3, 4, 5], [0, 1, 2], [3, 4, 5], [3],
    ]);
  });
});

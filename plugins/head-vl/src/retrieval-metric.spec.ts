// Retrieval recall@k on small score matrices with exact expected values.
import type { ModelOutput } from '@crossmodal/core';
import { tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { recallAt10Metric, recallAt1Metric, recallAt5Metric, recallAtKMetric, recallHits } from './retrieval-metric.ts';

const ctx = { seed: 0 };
// [queries=3, candidates=4]; the correct candidates 0, 2, 3 rank 1st, 2nd and 4th.
const scores = tensor([[0.9, 0.1, 0.2, 0.3], [0.5, 0.1, 0.4, 0.2], [0.4, 0.3, 0.2, 0.1]], [3, 4]);
const output: ModelOutput = { logits: scores };
const ints = (v: number[]) => tensor(v, [v.length], { dtype: 'int32' });

describe('recall@k', () => {
  it('counts queries whose correct candidate is within the top k', async () => {
    const expected: [number, number][] = [[1, 1 / 3], [2, 2 / 3], [3, 2 / 3], [4, 1]];
    for (const [k, want] of expected) {
      const metric = recallAtKMetric.create({ k }, ctx);
      expect(metric.name).toBe(`recall@${k}`);
      await metric.update(output, { label: ints([0, 2, 3]) });
      expect(metric.compute()).toBeCloseTo(want, 12);
    }
  });

  it('registers recall@1/5/10 under fixed names and accumulates over batches until reset', async () => {
    expect([recallAt1Metric, recallAt5Metric, recallAt10Metric].map((p) => p.create({}, ctx).name)).toEqual(['recall@1', 'recall@5', 'recall@10']);
    const metric = recallAt1Metric.create({ target: 'gt' }, ctx);
    expect(metric.higherIsBetter).toBe(true);
    await metric.update(output, { gt: ints([0, 2, 3]) }); // 1 of 3
    await metric.update({ logits: tensor([[0, 1]], [1, 2]) }, { gt: ints([1]) }); // 1 of 1
    expect(metric.compute()).toBe(0.5);
    metric.reset();
    expect(metric.compute()).toBeNaN();
  });

  it('takes a 0/1 matrix of several correct candidates, and skips queries with none or a negative index', async () => {
    const metric = recallAt1Metric.create({}, ctx);
    // Query 0: candidates 1 and 3 correct, best 0.3 ranks below 0.9 → miss; query 1: 0 correct → hit; query 2: none → skipped.
    await metric.update(output, { label: tensor([[0, 1, 0, 1], [1, 0, 0, 0], [0, 0, 0, 0]], [3, 4]) });
    expect(metric.compute()).toBe(0.5);
    expect(recallHits([1, 2, 3, 4, 5, 6], 2, 3, [-1, 2], 1)).toEqual({ hits: 1, queries: 1 });
  });

  it('counts ties against the query, so a constant scorer scores 0', () => {
    expect(recallHits([1, 1, 1, 1], 2, 2, [0, 1], 1)).toEqual({ hits: 0, queries: 2 });
    expect(recallHits([1, 1, 1, 1], 2, 2, [0, 1], 2)).toEqual({ hits: 2, queries: 2 });
  });

  it('names bad scores, targets and config', async () => {
    expect(() => recallHits([0, Number.NaN], 1, 2, [0], 1)).toThrow('recall@1: score of query 0, candidate 1 is NaN');
    expect(() => recallHits([0, 1], 1, 2, [2], 1)).toThrow('recall@1: target 2 of query 0 is not a candidate index in [0, 2)');
    expect(() => recallHits([0, 1], 1, 2, [0, 1, 1], 1)).toThrow('recall@1: targets must hold one index per query (1) or a 1×2 0/1 matrix, got 3 values');
    await expect(recallAt5Metric.create({}, ctx).update({ logits: tensor([1, 2], [2]) }, {})).rejects.toThrow('recall@5: logits must be a score matrix [queries, candidates], got [2]');
    await expect(recallAt5Metric.create({}, ctx).update(output, { y: ints([0]) })).rejects.toThrow(
      "recall@5: the batch has no target field 'label' (batch fields: y); set the metric's target option",
    );
    expect(() => recallAtKMetric.create({}, ctx)).toThrow('recall-at-k: k must be an integer ≥ 1, got undefined');
    expect(() => recallAt5Metric.create({ k: 3 }, ctx)).toThrow("recall-at-5: unknown option 'k' (known: name, target)");
    expect(() => recallAtKMetric.create({ k: 1, target: 3 }, ctx)).toThrow('recall-at-k: target must be a non-empty string, got 3');
  });
});

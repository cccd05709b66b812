// Attention analysis: class-token maps, head fusion, and rollout against a 2-layer example computed by hand.
import { tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { attentionRollout, clsAttention, fuseHeads } from './attention.ts';
import type { HostArray } from './host.ts';

const close = (got: ArrayLike<number>, want: readonly number[], digits = 6): void =>
  expect(Array.from(got, (v) => Number(v.toFixed(digits)))).toEqual(want.map((v) => Number(v.toFixed(digits))));

// N = 3 tokens (class + a 1×2 patch grid), 2 heads, batch 1; every row a distribution.
const layer1: HostArray = {
  shape: [1, 2, 3, 3],
  data: [0.5, 0.25, 0.25, 0.2, 0.6, 0.2, 0, 0.5, 0.5, /* head 1 */ 0.3, 0.3, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.6],
};
const layer2: HostArray = {
  shape: [1, 2, 3, 3],
  data: [0.6, 0.2, 0.2, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4, /* head 1 */ 0.2, 0.4, 0.4, 0.3, 0.4, 0.3, 0.1, 0.1, 0.8],
};

describe('attentionRollout', () => {
  it('matches the hand-computed rollout of a 2-layer example (mean fusion)', () => {
    // Â1 = (mean(heads) + I)/2 = [[.7, .1375, .1625], [.15, .75, .1], [.05, .175, .775]]
    // Â2 = [[.7, .15, .15], [.1, .8, .1], [.1, .1, .8]];  R = Â2 · Â1
    const { rollout, map } = attentionRollout([layer1, layer2], { grid: [1, 2] });
    expect(rollout.shape).toEqual([3, 3]);
    close(rollout.data, [0.52, 0.235, 0.245, 0.195, 0.63125, 0.17375, 0.125, 0.22875, 0.64625]);
    expect(map.shape).toEqual([1, 2]);
    close(map.data, [0.235, 0.245]);
  });

  it('fuses heads by max and renormalises rows after adding the identity', () => {
    // max(heads) + I = [[1.5, .3, .4], [.4, 1.6, .2], [.2, .5, 1.6]], rows / 2.2, 2.2, 2.3
    const { rollout } = attentionRollout([layer1], { headFusion: 'max', grid: [1, 2] });
    close(rollout.data, [1.5 / 2.2, 0.3 / 2.2, 0.4 / 2.2, 0.4 / 2.2, 1.6 / 2.2, 0.2 / 2.2, 0.2 / 2.3, 0.5 / 2.3, 1.6 / 2.3]);
  });

  it('discards the lowest fraction of the fused entries before adding the identity', () => {
    // mean = [[.4, .275, .325], [.3, .5, .2], [.1, .35, .55]]; the 3 lowest (.1, .2, .275) become 0.
    const { rollout } = attentionRollout([layer1], { discardRatio: 1 / 3, grid: [1, 2] });
    close(rollout.data, [1.4 / 1.725, 0, 0.325 / 1.725, 0.3 / 1.8, 1.5 / 1.8, 0, 0, 0.35 / 1.9, 1.55 / 1.9]);
  });

  it('keeps every row a distribution over many layers, and takes tensors', () => {
    const probs = Array.from({ length: 6 }, (_, l) => tensor(Array.from({ length: 2 * 5 * 5 }, (_, i) => ((i * 7 + l) % 5) + 1), [1, 2, 5, 5]).softmax(-1));
    const { rollout, map } = attentionRollout(probs, { headFusion: 'min' });
    for (let i = 0; i < 5; i++) expect(rollout.data.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    expect(map.shape).toEqual([2, 2]);
  });

  it('names the argument, value and expectation on bad input', () => {
    expect(() => attentionRollout([])).toThrow('attentionRollout: probs must be a non-empty array of [B, H, N, N] per layer, got []');
    expect(() => attentionRollout([layer1])).toThrow(
      'attentionRollout: patch count must be a perfect square (pass options.grid for non-square grids, options.prefixTokens for extra tokens), got 2',
    );
    expect(() => attentionRollout([layer1], { grid: [1, 2], discardRatio: 1 })).toThrow(
      'attentionRollout: options.discardRatio must be a number in [0, 1), got 1',
    );
    expect(() => attentionRollout([layer1, { shape: [1, 1, 3, 3], data: new Array(9).fill(0) }], { grid: [1, 2] })).toThrow(
      'attentionRollout: probs[1].shape must be the shape of probs[0] ([1,2,3,3]), got [1, 1, 3, 3]',
    );
    expect(() => attentionRollout([{ shape: [1, 2, 3, 3], data: [1] }])).toThrow(
      'attentionRollout: probs[0].data must be 18 values for shape [1, 2, 3, 3], got [1]',
    );
  });
});

describe('clsAttention', () => {
  it('takes row 0 without the prefix columns, per layer and head, on the grid', () => {
    const maps = clsAttention([layer1, layer2], { grid: [2, 1] });
    expect(maps.shape).toEqual([2, 2, 2, 1]);
    close(maps.data, [0.25, 0.25, 0.3, 0.4, 0.2, 0.2, 0.4, 0.4]);
  });

  it('picks the batch element and skips extra prefix tokens (distillation, registers)', () => {
    // B = 2, H = 1, N = 6: 2 prefix tokens + a 2×2 grid; example 1's class row is 10..15.
    const data = new Array<number>(2 * 36).fill(0);
    for (let k = 0; k < 6; k++) data[36 + k] = 10 + k;
    const maps = clsAttention([{ shape: [2, 1, 6, 6], data }], { batch: 1, prefixTokens: 2 });
    expect(maps.shape).toEqual([1, 1, 2, 2]);
    expect([...maps.data]).toEqual([12, 13, 14, 15]);
    expect(() => clsAttention([{ shape: [2, 1, 6, 6], data }], { batch: 2 })).toThrow(
      'clsAttention: options.batch must be an integer in [0, 1], got 2',
    );
  });
});

describe('fuseHeads', () => {
  it('takes the mean, max or min over the leading axis', () => {
    const x = { shape: [3, 2], data: [0.2, 0.8, 0.6, 0.4, 0.1, 0.3] };
    close(fuseHeads(x, 'mean').data, [0.3, 0.5]);
    close(fuseHeads(x, 'max').data, [0.6, 0.8]);
    close(fuseHeads(x, 'min').data, [0.1, 0.3]);
    expect(fuseHeads(x).shape).toEqual([2]);
    expect(() => fuseHeads(x, 'median' as 'mean')).toThrow(`fuseHeads: fusion must be 'mean', 'max' or 'min', got "median"`);
  });
});

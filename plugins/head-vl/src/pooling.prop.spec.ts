// Laws of masking (fast-check): whatever padding holds (even NaN or ±∞), the poolings and the
// heads built on them give the same output, and no gradient reaches padded positions.
import { readOptions, type HeadInput, type RawOptions } from '@crossmodal/core';
import { manualSeed, tensor, type Tensor } from '@crossmodal/tensor';
import { numRuns } from '@crossmodal/tensor/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VqaHead } from './answer-head.ts';
import { createPooler, POOLING_OPTIONS } from './poolers.ts';
import { ReferringHead } from './referring-head.ts';

const finite = fc.float({ min: -4, max: 4, noNaN: true });
const garbage = fc.oneof(finite, fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY), fc.constant(-1e30));

/** A [B, N, D] stream, its mask (the first position always real), and other values for padding. */
const arbCase = (junk: fc.Arbitrary<number>) =>
  fc.record({ b: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 5 }), d: fc.integer({ min: 2, max: 4 }) }).chain(({ b, n, d }) =>
    fc.record({
      shape: fc.constant([b, n, d] as const),
      states: fc.array(finite, { minLength: b * n * d, maxLength: b * n * d }),
      mask: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: b * n, maxLength: b * n }).map((m) => m.map((v, i) => (i % n === 0 ? 1 : v))),
      junk: fc.array(junk, { minLength: b * n * d, maxLength: b * n * d }),
    }),
  );
type Case = { shape: readonly [number, number, number]; states: number[]; mask: number[]; junk: number[] };

/** The case's states, and a copy whose padded positions hold the junk values instead. */
function statesAndSwapped({ shape: [b, n, d], states, mask, junk }: Case): { real: Tensor; swapped: Tensor; mask: Tensor } {
  const swapped = states.map((v, i) => (mask[Math.floor(i / d)] === 1 ? v : junk[i]!));
  return { real: tensor(states, [b, n, d]), swapped: tensor(swapped, [b, n, d]), mask: tensor(mask, [b, n], { dtype: 'int32' }) };
}

const same = (a: Tensor, b: Tensor): void => expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));

const POOLED: RawOptions[] = [
  { pooling: 'mean' },
  { pooling: 'first' },
  { pooling: 'cls-tanh' },
  { pooling: 'att-flat', glimpses: 2 },
  { pooling: 'att-flat-sum' },
  { pooling: 'product' },
];

describe('masked positions do not contribute', () => {
  for (const config of POOLED) {
    it(`pooling '${String(config['pooling'])}': output unchanged by what padding holds`, () => {
      fc.assert(
        fc.property(arbCase(garbage), (c) => {
          manualSeed(7);
          const d = c.shape[2];
          const full = { ...config, dim: d };
          const pool = createPooler('prop', full, readOptions('prop', full, ['dim', ...POOLING_OPTIONS]), d);
          const { real, swapped, mask } = statesAndSwapped(c);
          // Both streams carry the case, so two-stream poolings see padding in each.
          const input = (s: Tensor): HeadInput => ({ streams: { text: { states: s, mask }, vision: { states: s, mask } } });
          same(pool.forward(input(real)), pool.forward(input(swapped)));
        }),
        { numRuns: numRuns() },
      );
    });
  }

  for (const config of POOLED.filter((c) => ['mean', 'att-flat', 'att-flat-sum'].includes(String(c['pooling'])))) {
    it(`pooling '${String(config['pooling'])}': a padded row pools as its real positions alone`, () => {
      fc.assert(
        fc.property(arbCase(finite), (c) => {
          manualSeed(7);
          const [b, n, d] = c.shape;
          const full = { ...config, dim: d };
          const pool = createPooler('prop', full, readOptions('prop', full, ['dim', ...POOLING_OPTIONS]), d);
          const { real, mask } = statesAndSwapped(c);
          const both = (s: Tensor, m?: Tensor): HeadInput => ({ streams: { text: { states: s, ...(m ? { mask: m } : {}) }, vision: { states: s, ...(m ? { mask: m } : {}) } } });
          const batched = pool.forward(both(real, mask)).toArray() as number[][];
          for (let row = 0; row < b; row++) {
            const keep = [...Array(n).keys()].filter((i) => c.mask[row * n + i] === 1);
            const alone = tensor(keep.flatMap((i) => c.states.slice((row * n + i) * d, (row * n + i + 1) * d)), [1, keep.length, d]);
            const want = pool.forward(both(alone)).dataSync();
            batched[row]!.forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 5));
          }
        }),
        { numRuns: numRuns() },
      );
    });
  }

  it('the VQA head over att-flat-sum sends no gradient to padded positions', () => {
    fc.assert(
      fc.property(arbCase(finite), (c) => {
        manualSeed(3);
        const head = new VqaHead({ dim: c.shape[2], numAnswers: 3, pooling: 'att-flat-sum' });
        const { real, mask } = statesAndSwapped(c);
        const x = real.clone().requireGrad();
        const targets = tensor(Array.from({ length: c.shape[0] * 3 }, (_, i) => (i % 3) / 2), [c.shape[0], 3]);
        head.forward({ streams: { text: { states: x, mask }, vision: { states: x, mask } } }, { targets }).loss!.backward();
        const g = x.grad!.dataSync();
        g.forEach((v, i) => {
          if (c.mask[Math.floor(i / c.shape[2])] === 0) expect(v).toBe(0);
        });
      }),
      { numRuns: numRuns() },
    );
  });

  for (const loss of ['softmax-ce', 'bce'] as const) {
    it(`the referring head ('${loss}'): padded regions score −∞ and the loss ignores what they hold`, () => {
      fc.assert(
        fc.property(arbCase(garbage), (c) => {
          manualSeed(5);
          const [b, n] = c.shape;
          const head = new ReferringHead({ dim: c.shape[2], loss });
          const { real, swapped, mask } = statesAndSwapped(c);
          // Region 0 is always real: the target of softmax-ce, and positive for bce.
          const label = loss === 'softmax-ce' ? tensor(Array(b).fill(0), [b], { dtype: 'int32' }) : tensor(c.mask.map((m, i) => (i % n === 0 ? 1 : 0)), [b, n]);
          const run = (s: Tensor) => head.forward({ streams: { vision: { states: s, mask } } }, { label });
          const [a, z] = [run(real), run(swapped)];
          same(a.logits, z.logits);
          same(a.loss!, z.loss!);
          a.logits.dataSync().forEach((v, i) => (c.mask[i] === 0 ? expect(v).toBe(Number.NEGATIVE_INFINITY) : expect(Number.isFinite(v)).toBe(true)));
        }),
        { numRuns: numRuns() },
      );
    });
  }
});

import { describe, expect, it } from 'vitest';
import { epochOrder, epochSeed, randomSubset } from './shuffle.ts';

describe('epochOrder', () => {
  it('is a permutation of 0..size-1', () => {
    const order = Array.from(epochOrder(100, { seed: 3, epoch: 2 }));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('depends only on (seed, epoch)', () => {
    expect(epochOrder(50, { seed: 9, epoch: 4 })).toEqual(epochOrder(50, { seed: 9, epoch: 4 }));
    expect(epochOrder(50, { seed: 9, epoch: 4 })).not.toEqual(epochOrder(50, { seed: 9, epoch: 5 }));
    expect(epochOrder(50, { seed: 9, epoch: 4 })).not.toEqual(epochOrder(50, { seed: 10, epoch: 4 }));
  });

  it('is the identity without shuffling', () => {
    expect(Array.from(epochOrder(4, { seed: 1, epoch: 3, shuffle: false }))).toEqual([0, 1, 2, 3]);
  });

  it('mixes neighbouring seeds and epochs into distinct generator seeds', () => {
    const seeds = new Set<number>();
    for (let s = 0; s < 20; s++) for (let e = 0; e < 20; e++) seeds.add(epochSeed(s, e));
    expect(seeds.size).toBe(400);
  });

  it('rejects a negative epoch with the value', () => {
    expect(() => epochOrder(3, { seed: 0, epoch: -1 })).toThrow('epoch must be an integer >= 0, got -1');
  });
});

describe('randomSubset', () => {
  it('draws distinct indices in increasing order, all of them when limit = count, the same for a seed', () => {
    const s = Array.from(randomSubset(100, 30, 1));
    expect([new Set(s).size, s.every((v, i) => i === 0 || v > s[i - 1]!), s.every((v) => v >= 0 && v < 100)]).toEqual([30, true, true]);
    expect(Array.from(randomSubset(100, 30, 1))).toEqual(s);
    expect(Array.from(randomSubset(100, 30, 2))).not.toEqual(s);
    expect(Array.from(randomSubset(6, 6, 9))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => randomSubset(5, 6, 0)).toThrow('randomSubset: expected integers 0 <= limit <= count, got limit 6, count 5');
  });
});

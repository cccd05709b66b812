// blobs: shapes, shared centres across splits, determinism, and config errors.
import type { HostTensor } from '@crossmodal/core';
import { describe, expect, it } from 'vitest';
import { makeBlobs } from './blobs.ts';

const ctx = { seed: 3 };

/** Mean feature vector of each class. */
function classMeans(ds: ReturnType<typeof makeBlobs>, classes: number, dim: number): number[][] {
  const sums = Array.from({ length: classes }, () => new Array<number>(dim).fill(0));
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < ds.size; i++) {
    const e = ds.get(i);
    const c = e['label'] as number;
    (e['features'] as HostTensor).data.forEach((v, f) => (sums[c]![f]! += v));
    counts[c]! += 1;
  }
  return sums.map((s, c) => s.map((v) => v / counts[c]!));
}

describe('makeBlobs', () => {
  it('makes classes × perClass examples with [F] features', () => {
    const ds = makeBlobs({ classes: 4, dim: 5, perClass: 3 }, ctx);
    expect(ds.size).toBe(12);
    expect(ds.info.fields).toEqual({ features: [5], label: [] });
    expect((ds.get(11)['features'] as HostTensor).shape).toEqual([5]);
    expect(ds.get(11)['label']).toBe(3);
  });

  it('shares the centres between splits while drawing new points', () => {
    const train = makeBlobs({ dim: 3, perClass: 400, std: 0.5 }, ctx);
    const test = makeBlobs({ dim: 3, perClass: 400, std: 0.5, split: 'test' }, ctx);
    const a = classMeans(train, 3, 3);
    const b = classMeans(test, 3, 3);
    a.forEach((row, c) => row.forEach((v, f) => expect(Math.abs(v - b[c]![f]!)).toBeLessThan(0.15)));
    expect([...(train.get(0)['features'] as HostTensor).data]).not.toEqual([...(test.get(0)['features'] as HostTensor).data]);
  });

  it('puts every point on its centre with std 0, inside the centre box', () => {
    const ds = makeBlobs({ std: 0, centerBox: 2, perClass: 2 }, ctx);
    expect([...(ds.get(0)['features'] as HostTensor).data]).toEqual([...(ds.get(3)['features'] as HostTensor).data]);
    for (const v of (ds.get(1)['features'] as HostTensor).data) expect(Math.abs(v)).toBeLessThanOrEqual(2);
  });

  it('is reproducible for a seed and changes with it', () => {
    const row = (seed: number): number[] => [...(makeBlobs({ seed }, ctx).get(5)['features'] as HostTensor).data];
    expect(row(1)).toEqual(row(1));
    expect(row(1)).not.toEqual(row(2));
  });

  it('names the field and the value in config errors', () => {
    expect(() => makeBlobs({ dim: 0 }, ctx)).toThrow('blobs: dim must be an integer ≥ 1, got 0');
    expect(() => makeBlobs({ std: 'wide' }, ctx)).toThrow("blobs: std must be a number ≥ 0, got 'wide'");
  });
});

// spirals: shapes, interleaving, determinism per seed and split, and config errors.
import type { Example, HostTensor } from '@crossmodal/core';
import { describe, expect, it } from 'vitest';
import { makeSpirals } from './spirals.ts';

const ctx = { seed: 7 };
const point = (e: Example): number[] => [...(e['features'] as HostTensor).data];

describe('makeSpirals', () => {
  it('makes arms × perClass examples with [2] features, interleaving the arms', () => {
    const ds = makeSpirals({ arms: 4, perClass: 5 }, ctx);
    expect(ds.size).toBe(20);
    expect(ds.info).toEqual({
      numClasses: 4,
      classNames: ['arm-0', 'arm-1', 'arm-2', 'arm-3'],
      fields: { features: [2], label: [] },
    });
    expect([0, 1, 2, 3, 4, 5].map((i) => ds.get(i)['label'])).toEqual([0, 1, 2, 3, 0, 1]);
    const f = ds.get(0)['features'] as HostTensor;
    expect(f.shape).toEqual([2]);
    expect(f.data).toBeInstanceOf(Float32Array);
  });

  it('puts point i of an arm at radius (i+1)/perClass: the noise only turns it', () => {
    const ds = makeSpirals({ arms: 3, perClass: 10, noise: 0.5 }, ctx);
    for (const k of [0, 4, 29]) {
      const [x, y] = point(ds.get(k));
      expect(Math.hypot(x!, y!)).toBeCloseTo((Math.floor(k / 3) + 1) / 10, 6);
    }
  });

  it('is the same for the same seed and split, different across seeds and splits', () => {
    const a = makeSpirals({}, ctx);
    expect(point(makeSpirals({}, ctx).get(11))).toEqual(point(a.get(11)));
    expect(point(makeSpirals({ seed: 8 }, ctx).get(11))).not.toEqual(point(a.get(11)));
    expect(point(makeSpirals({ split: 'test' }, ctx).get(11))).not.toEqual(point(a.get(11)));
    expect(makeSpirals({ split: 'test' }, ctx).get(11)['label']).toBe(a.get(11)['label']);
  });

  it('lies exactly on the arm with noise 0', () => {
    const [x, y] = point(makeSpirals({ arms: 2, perClass: 4, noise: 0 }, ctx).get(3)); // arm 1, r = 0.5
    const t = Math.PI + 2;
    expect(x).toBeCloseTo(0.5 * Math.sin(t), 6);
    expect(y).toBeCloseTo(0.5 * Math.cos(t), 6);
  });

  it('keeps only the first `limit` examples and returns copies', () => {
    const ds = makeSpirals({ limit: 7, name: 'spirals' }, ctx);
    expect(ds.size).toBe(7);
    expect(() => ds.get(7)).toThrow('spirals: index must be an integer in [0, 7), got 7');
    const row = ds.get(0)['features'] as HostTensor;
    row.data[0] = 99;
    expect(point(ds.get(0))[0]).not.toBe(99);
  });

  it('names the field, the value and what was expected in config errors', () => {
    expect(() => makeSpirals({ arms: 1 }, ctx)).toThrow('spirals: arms must be an integer ≥ 2, got 1');
    expect(() => makeSpirals({ noise: -1 }, ctx)).toThrow('spirals: noise must be a number ≥ 0, got -1');
    expect(() => makeSpirals({ split: 'val' }, ctx)).toThrow("spirals: split must be one of 'train', 'test', got 'val'");
    expect(() => makeSpirals({ arm: 3 }, ctx)).toThrow(
      "spirals: unknown option 'arm' (known: name, arms, perClass, noise, split, seed, limit)",
    );
    expect(() => makeSpirals({ limit: 0 }, ctx)).toThrow('spirals: limit must be an integer ≥ 1, got 0');
  });
});

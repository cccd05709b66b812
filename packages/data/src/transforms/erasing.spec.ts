import { Generator } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { RandomErasing } from './erasing.ts';
import type { ImageTensor } from './image.ts';

const img = (values: number[], shape: [number, number, number]): ImageTensor => ({ data: Float32Array.from(values), shape });
const values = (t: ImageTensor): number[] => Array.from(t.data);

describe('RandomErasing', () => {
  const ones = (shape: [number, number, number]): ImageTensor => img(Array(shape[0] * shape[1] * shape[2]).fill(1), shape);
  /** The generator after the p draw, as apply sees it when it goes on to draw a box. */
  const afterP = (seed: number): Generator => {
    const g = new Generator(seed);
    g.uniform();
    return g;
  };

  it('paints exactly the box its draws name, with the value, and leaves the input alone', () => {
    const t = new RandomErasing({ p: 1, value: 0 });
    const input = ones([1, 28, 28]);
    for (const seed of [1, 2, 3, 4, 5]) {
      const box = t.box(28, 28, afterP(seed));
      const out = t.apply(input, new Generator(seed));
      expect(values(input).every((v) => v === 1)).toBe(true);
      if (box === undefined) {
        expect(values(out).every((v) => v === 1)).toBe(true);
        continue;
      }
      const [top, left, h, w] = box;
      expect(h * w).toBeGreaterThan(0);
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const inside = y >= top && y < top + h && x >= left && x < left + w;
          expect(out.data[y * 28 + x]).toBe(inside ? 0 : 1);
        }
      }
    }
  });

  it('draws boxes with area fraction in scale and aspect in ratio (up to rounding)', () => {
    const t = new RandomErasing({ p: 1, scale: [0.1, 0.2], ratio: [0.5, 2] });
    const g = new Generator(9);
    let found = 0;
    for (let i = 0; i < 500; i++) {
      const box = t.box(100, 100, g);
      if (box === undefined) continue;
      found++;
      const [top, left, h, w] = box;
      expect(top + h).toBeLessThanOrEqual(100);
      expect(left + w).toBeLessThanOrEqual(100);
      expect((h * w) / 10000).toBeGreaterThan(0.09);
      expect((h * w) / 10000).toBeLessThan(0.22);
      expect(h / w).toBeGreaterThan(0.45);
      expect(h / w).toBeLessThan(2.2);
    }
    expect(found).toBe(500); // every such box fits a 100×100 image at the first draw
  });

  it('erases with probability p, and keeps the image when no draw fits', () => {
    const t = new RandomErasing({ p: 0.25 });
    const g = new Generator(3);
    let erased = 0;
    for (let i = 0; i < 2000; i++) if (values(t.apply(ones([1, 8, 8]), g)).some((v) => v !== 1)) erased++;
    expect(erased / 2000).toBeGreaterThan(0.21);
    expect(erased / 2000).toBeLessThan(0.29);
    // A 1×1 image: every box has h or w ≥ 1 = the image's size, so none fits.
    expect(values(new RandomErasing({ p: 1 }).apply(ones([1, 1, 1]), 4))).toEqual([1]);
    expect(values(new RandomErasing({ p: 0 }).apply(ones([1, 4, 4]), 4)).every((v) => v === 1)).toBe(true);
  });

  it("paints per-channel values, or uniform [0, 1) pixels for 'random'", () => {
    const out = new RandomErasing({ p: 1, scale: [0.3, 0.3], ratio: [1, 1], value: [5, 6, 7] }).apply(ones([3, 10, 10]), 2);
    for (const [ch, v] of [[0, 5], [1, 6], [2, 7]] as const) {
      expect(Array.from(out.data.subarray(ch * 100, ch * 100 + 100)).filter((x) => x === v)).toHaveLength(25); // round(√30) = 5
    }
    const random = new RandomErasing({ p: 1, scale: [0.3, 0.3], ratio: [1, 1], value: 'random' }).apply(ones([1, 10, 10]), 2);
    const painted = values(random).filter((v) => v !== 1);
    expect(painted).toHaveLength(25);
    expect(painted.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(painted).size).toBe(25);
  });

  it('names bad options', () => {
    expect(() => new RandomErasing({ p: 2 })).toThrow('RandomErasing: p must be a number in [0, 1], got 2');
    expect(() => new RandomErasing({ scale: [0.5, 0.2] })).toThrow('RandomErasing: scale must be [lo, hi] with 0 < lo ≤ hi ≤ 1, got [0.5, 0.2]');
    expect(() => new RandomErasing({ ratio: [0, 1] })).toThrow('RandomErasing: ratio must be [lo, hi] with 0 < lo ≤ hi, got [0, 1]');
    expect(() => new RandomErasing({ value: 'noise' as 'random' })).toThrow(`RandomErasing: value must be a finite number, a list of them (one per channel) or 'random', got "noise"`);
    expect(() => new RandomErasing({ p: 1, value: [1, 2] }).apply(ones([3, 4, 4]), 1)).toThrow('RandomErasing: value has 2 entries, expected 1 or one per channel (3)');
  });

  it('refuses a value list of the wrong length for every image, also those the p draw leaves alone', () => {
    // p 0: no image is ever erased, so the check must not wait for an erasing draw.
    for (const seed of [1, 2, 3]) {
      expect(() => new RandomErasing({ p: 0, value: [1, 2] }).apply(ones([3, 4, 4]), seed)).toThrow('RandomErasing: value has 2 entries, expected 1 or one per channel (3)');
    }
    // A list that fits draws as before: one uniform for p, then the box, then nothing more.
    const t = new RandomErasing({ p: 0.5, value: [0.2, 0.4, 0.6] });
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const gen = new Generator(seed);
      const erased = new Generator(seed).uniform() < 0.5;
      const box = erased ? t.box(6, 6, afterP(seed)) : undefined;
      const out = t.apply(ones([3, 6, 6]), gen);
      const reference = new Generator(seed);
      reference.uniform();
      if (erased) t.box(6, 6, reference);
      expect(gen.uniform()).toBe(reference.uniform());
      expect(values(out).filter((v) => v !== 1)).toHaveLength(box ? 3 * box[2] * box[3] : 0);
    }
  });
});

// Regions: one per object with its exact box, optional distractors, and features that are the
// crop's pixels (recomputed here from the RGB bytes).
import { Generator } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { buildRegions, MAX_DISTRACTOR_SIZE, regionFeature, regionFeatureSize, type PixelBox } from './regions.ts';
import { COLOR_RGB, generateScene, IMAGE_SIZE, OBJECT_SIZE, renderChw, renderRgb, type Scene } from './scene.ts';

const setup = (seed: number) => {
  const scene = generateScene(new Generator(seed));
  return { scene, rgb: renderRgb(scene), chw: renderChw(scene) };
};

/** Mean of channel c over pixel rows [y0, y1) and columns [x0, x1), from the RGB bytes. */
function meanOf(rgb: Uint8Array, c: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += rgb[(y * IMAGE_SIZE + x) * 3 + c]!;
  return sum / 255 / ((x1 - x0) * (y1 - y0));
}

describe('regionFeature', () => {
  it('is the mean colour then the 2×2-pixel cell means for a 10-px box and k = 5', () => {
    const { scene, rgb, chw } = setup(1);
    for (const o of scene.objects) {
      const f = regionFeature(chw, [o.x, o.y, o.x + 10, o.y + 10], 5);
      expect(f.length).toBe(regionFeatureSize(5));
      for (let c = 0; c < 3; c++) {
        expect(f[c]).toBeCloseTo(meanOf(rgb, c, o.x, o.y, o.x + 10, o.y + 10), 5);
        for (let cy = 0; cy < 5; cy++) {
          for (let cx = 0; cx < 5; cx++) {
            const x0 = o.x + 2 * cx;
            const y0 = o.y + 2 * cy;
            expect(f[3 + c * 25 + cy * 5 + cx]).toBeCloseTo(meanOf(rgb, c, x0, y0, x0 + 2, y0 + 2), 5);
          }
        }
      }
    }
  });

  it('holds the crop pixels themselves when k equals the box side', () => {
    const { scene, chw } = setup(2);
    const o = scene.objects[0]!;
    const f = regionFeature(chw, [o.x, o.y, o.x + 10, o.y + 10], 10);
    const plane = IMAGE_SIZE * IMAGE_SIZE;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) expect(f[3 + c * 100 + y * 10 + x]).toBe(chw[c * plane + (o.y + y) * IMAGE_SIZE + o.x + x]);
    }
  });

  it('splits sides that k does not divide into cells that tile the crop', () => {
    const { rgb, chw } = setup(3);
    const box: PixelBox = [10, 20, 17, 25]; // 7 wide, 5 high, k = 3: columns 0-1, 2-3, 4-6; rows 0, 1-2, 3-4
    const f = regionFeature(chw, box, 3);
    expect(f[3 + 2 * 9 + 1 * 3 + 2]).toBeCloseTo(meanOf(rgb, 2, 14, 21, 17, 23), 5);
    expect(f[3 + 0 * 9 + 0 * 3 + 0]).toBeCloseTo(meanOf(rgb, 0, 10, 20, 12, 21), 5);
  });

  it('gives a square its exact colour as its mean and a circle a mix with the white background', () => {
    const { scene, chw } = setup(4);
    for (const o of scene.objects) {
      const mean = Array.from(regionFeature(chw, [o.x, o.y, o.x + 10, o.y + 10], 5).subarray(0, 3));
      const colour = COLOR_RGB[o.color]!.map((v) => v / 255);
      // A circle covers 80 of its 100 box pixels; the other 20 are white (1).
      const want = o.shape === 'square' ? colour : colour.map((v) => 0.8 * v + 0.2);
      mean.forEach((m, c) => expect(m).toBeCloseTo(want[c]!, 5));
    }
  });

  it('rejects a box smaller than the crop size', () => {
    const { chw } = setup(5);
    expect(() => regionFeature(chw, [0, 0, 3, 10], 4)).toThrow('sort-of-clevr: box [0,0,3,10] is smaller than cropSize 4');
  });
});

describe('buildRegions', () => {
  const objectBoxes = (scene: Scene) => scene.objects.map((o) => [o.x, o.y, o.x + OBJECT_SIZE, o.y + OBJECT_SIZE].join());

  it('gives each object exactly one region with its box, normalised, and its crop feature', () => {
    const { scene, chw } = setup(6);
    const r = buildRegions(scene, chw, new Generator(1), { distractors: 0, cropSize: 5 });
    expect(r.count).toBe(6);
    expect([...r.objects].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const f = regionFeatureSize(5);
    for (let i = 0; i < r.count; i++) {
      const o = scene.objects[r.objects[i]!]!;
      expect(Array.from(r.boxes.subarray(i * 4, i * 4 + 4))).toEqual([o.x, o.y, o.x + 10, o.y + 10].map((v) => Math.fround(v / 75)));
      expect(r.features.subarray(i * f, (i + 1) * f)).toEqual(regionFeature(chw, [o.x, o.y, o.x + 10, o.y + 10], 5));
    }
    expect(r.pixelBoxes.map((b) => b.join()).sort()).toEqual(objectBoxes(scene).sort());
  });

  it('adds distractors inside the canvas with sides in [cropSize, 30], shuffled among the objects', () => {
    let firstIsObject = 0;
    for (let seed = 0; seed < 40; seed++) {
      const { scene, chw } = setup(seed);
      const r = buildRegions(scene, chw, new Generator(seed), { distractors: 4, cropSize: 3 });
      expect(r.count).toBe(10);
      expect(r.objects.filter((o) => o === -1).length).toBe(4);
      for (const [x1, y1, x2, y2] of r.pixelBoxes) {
        expect([x1 >= 0, y1 >= 0, x2 <= 75, y2 <= 75]).toEqual([true, true, true, true]);
        expect(Math.min(x2 - x1, y2 - y1)).toBeGreaterThanOrEqual(3);
        expect(Math.max(x2 - x1, y2 - y1)).toBeLessThanOrEqual(MAX_DISTRACTOR_SIZE);
      }
      for (const v of r.boxes) expect(v >= 0 && v <= 1).toBe(true);
      if (r.objects[0] !== -1) firstIsObject++;
    }
    // With 6 objects among 10 regions, region 0 is an object about 60% of the time, not always.
    expect(firstIsObject).toBeGreaterThan(10);
    expect(firstIsObject).toBeLessThan(40);
  });
});

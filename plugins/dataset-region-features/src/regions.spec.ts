import { padRegions } from '@crossmodal/data';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPECTED, FIXTURES, maxDiff } from './fixtures.spec-helper.ts';
import type { LxmertRecord } from './lxmert-tsv.ts';
import { loadLxmertStore, readLxmertTsv } from './node-io.ts';
import { lxmertRegions } from './region-store.ts';
import { normalizeBoxes, toRegionFeatures, vilbertLocations, withGlobalRegion } from './regions.ts';

const records = async (name: string): Promise<LxmertRecord[]> => {
  const out: LxmertRecord[] = [];
  for await (const r of readLxmertTsv(join(FIXTURES, name))) out.push(r);
  return out;
};
const size = { width: 200, height: 100 };

describe('normalizeBoxes', () => {
  it('divides x by the width and y by the height', () => {
    expect(Array.from(normalizeBoxes(Float32Array.of(0, 25, 100, 100), size, 'img'))).toEqual([0, 0.25, 0.5, 1]);
  });

  it('clamps values within the tolerance, and refuses (or with outOfRange clamp, clamps) those beyond', () => {
    expect(Array.from(normalizeBoxes(Float32Array.of(-1, 0, 201, 100.5), size, 'img'))).toEqual([0, 0, 1, 1]);
    expect(() => normalizeBoxes(Float32Array.of(0, 0, 10, 10, 0, 0, 10, 150), size, 'a.tsv: image 7')).toThrow(
      "a.tsv: image 7: box 1 y2 = 150 is 150.0% of the image height (100), outside [0, 1] by more than the tolerance 0.01: a wrong image size, or pass outOfRange: 'clamp'",
    );
    expect(Array.from(normalizeBoxes(Float32Array.of(0, 0, 10, 150), size, 'img', { outOfRange: 'clamp' }))).toEqual([0, 0, Math.fround(0.05), 1]);
    expect(() => normalizeBoxes(Float32Array.of(0, 0, 10, 150), size, 'img', { tolerance: 0.6 })).not.toThrow();
    expect(() => normalizeBoxes(Float32Array.of(0, 0, NaN, 1), size, 'img', { outOfRange: 'clamp' })).toThrow('img: box 0 x2 = NaN');
    expect(() => normalizeBoxes(Float32Array.of(50, 0, 10, 10), size, 'img')).toThrow('img: box 0 (50, 0, 10, 10) has x2 < x1 or y2 < y1');
  });
});

describe('ViLBERT locations and global region', () => {
  it("match ViLBERT's reader (numpy) on the generated images", async () => {
    for (const [k, record] of (await records('lxmert-tiny.tsv')).entries()) {
      const want = EXPECTED.tsv[k]!.vilbert;
      if (!want) continue;
      const regions = lxmertRegions(record, 'tiny');
      expect(maxDiff(regions.locations, want.locations)).toBeLessThan(1e-6);
      const global = withGlobalRegion(regions);
      expect(global.count).toBe(record.numBoxes + 1);
      expect(maxDiff(global.locations, want.global_locations)).toBeLessThan(1e-6);
      expect(maxDiff(global.features, want.global_features)).toBeLessThan(1e-5);
      expect(Array.from(global.normalizedBoxes.subarray(0, 4))).toEqual([0, 0, 1, 1]);
    }
    const [big] = await records('lxmert-2048.tsv');
    expect(maxDiff(withGlobalRegion(lxmertRegions(big!, 'big')).features.subarray(0, 8), EXPECTED.tsv2048.vilbert_global_head)).toBeLessThan(1e-5);
  });

  it('computes location (x1, y1, x2, y2, area fraction), and a zero global feature for an image with no regions', () => {
    expect(Array.from(vilbertLocations(Float32Array.of(0, 0.5, 0.5, 1)))).toEqual([0, 0.5, 0.5, 1, 0.25]);
    const empty = toRegionFeatures({ imageId: 'e', imageSize: size, count: 0, dim: 2, features: new Float32Array(0), boxes: new Float32Array(0) }, 'e');
    expect(Array.from(withGlobalRegion(empty).features)).toEqual([0, 0]);
  });

  it('names a shape mismatch and a bad image size', () => {
    const raw = { imageId: 'i', imageSize: size, count: 2, dim: 3, features: new Float32Array(5), boxes: new Float32Array(8) };
    expect(() => toRegionFeatures(raw, 'x.npz')).toThrow('x.npz: features holds 5 values, expected 6 (2 regions × 3)');
    expect(() => toRegionFeatures({ ...raw, features: new Float32Array(6), imageSize: { width: 0, height: 5 } }, 'x.npz')).toThrow('x.npz: image size 0 × 5 must be positive');
  });
});

describe('padRegions', () => {
  const regions = (n: number, confidence?: number[]) => toRegionFeatures({
    imageId: 'p', imageSize: size, count: n, dim: 2,
    features: Float32Array.from({ length: n * 2 }, (_, i) => i), boxes: Float32Array.from({ length: n * 4 }, (_, i) => [0, 0, 100, 50][i % 4]!),
    ...(confidence ? { confidence: Float32Array.from(confidence) } : {}),
  }, 'p');

  it('pads to the max count with zeros and a 0 mask', () => {
    const p = padRegions(regions(2), 4);
    expect([p.count, Array.from(p.mask), Array.from(p.indices), Array.from(p.features)]).toEqual([2, [1, 1, 0, 0], [0, 1, -1, -1], [0, 1, 2, 3, 0, 0, 0, 0]]);
    expect([Array.from(p.boxes.subarray(0, 4)), Array.from(p.locations.subarray(0, 5)), Array.from(p.locations.subarray(10))]).toEqual([[0, 0, 0.5, 0.5], [0, 0, 0.5, 0.5, 0.25], new Array(10).fill(0)]);
  });

  it('keeps the most confident regions, in their order, when over the max; the global region always', () => {
    const p = padRegions(regions(4, [0.2, 0.9, 0.1, 0.5]), 2);
    expect([p.count, Array.from(p.indices), Array.from(p.features)]).toEqual([2, [1, 3], [2, 3, 6, 7]]);
    const g = padRegions(withGlobalRegion(regions(4, [0.2, 0.9, 0.1, 0.5])), 3);
    expect([Array.from(g.indices), Array.from(g.features.subarray(0, 2))]).toEqual([[0, 2, 4], [3, 4]]);
    expect(Array.from(padRegions(regions(3), 2).indices)).toEqual([0, 1]);
    expect(() => padRegions(regions(1), 0)).toThrow('maxRegions must be a positive integer, got 0');
  });
});

describe('loadLxmertStore', () => {
  it('serves each image by id, with the global region when asked, and names an unknown id', async () => {
    const file = join(FIXTURES, 'lxmert-tiny.tsv');
    const store = await loadLxmertStore(file, { globalRegion: true });
    expect([store.format, store.ids(), store.has('empty_image')]).toEqual(['lxmert-tsv', EXPECTED.tsv.map((e) => e.img_id), true]);
    const r = await store.get('COCO_val2014_000000000042');
    expect([r.count, r.dim, r.imageSize, Array.from(r.locations.subarray(0, 5))]).toEqual([4, 8, { width: 640, height: 480 }, [0, 0, 1, 1, 1]]);
    await expect(store.get('nope')).rejects.toThrow(`${file}: no image 'nope' (3 images, e.g. COCO_val2014_000000000042, COCO_val2014_000000000073, empty_image)`);
  });
});

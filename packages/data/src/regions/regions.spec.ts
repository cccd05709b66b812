// padRegions (slots, mask, confidence-ordered truncation) and regionKeyResolver (exact ids, COCO
// stems of LXMERT TSVs and MCAN archives, templates, ambiguity).
import { describe, expect, it } from 'vitest';
import { padRegions, regionExampleFields } from './pad-regions.ts';
import { describeRegionKey, regionKeyResolver } from './region-key.ts';

/** N regions of D = 2 features: region i has features [i, 10 + i], box [i/10, 0, i/10 + 0.1, 1]. */
function regions(n: number, confidence?: number[]) {
  const features = new Float32Array(n * 2);
  const normalizedBoxes = new Float32Array(n * 4);
  const locations = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) {
    features.set([i, 10 + i], i * 2);
    normalizedBoxes.set([i / 10, 0, i / 10 + 0.1, 1], i * 4);
    locations.set([i / 10, 0, i / 10 + 0.1, 1, 0.1], i * 5);
  }
  return { count: n, dim: 2, features, normalizedBoxes, locations, ...(confidence ? { confidence: Float32Array.from(confidence) } : {}) };
}

describe('padRegions', () => {
  it('copies N < N_max regions into the first slots and zeroes the rest, with mask and indices', () => {
    const p = padRegions(regions(2), 4);
    expect(p.count).toBe(2);
    expect(Array.from(p.features)).toEqual([0, 10, 1, 11, 0, 0, 0, 0]);
    expect(Array.from(p.boxes.subarray(4, 8))).toEqual([0.1, 0, 0.2, 1].map(Math.fround));
    expect(Array.from(p.locations.subarray(5, 10))).toEqual([0.1, 0, 0.2, 1, 0.1].map(Math.fround));
    expect(Array.from(p.mask)).toEqual([1, 1, 0, 0]);
    expect(Array.from(p.indices)).toEqual([0, 1, -1, -1]);
  });

  it('keeps the most confident regions over the limit, in their original order', () => {
    const p = padRegions(regions(4, [0.2, 0.9, 0.1, 0.9]), 2);
    expect(Array.from(p.indices)).toEqual([1, 3]);
    expect(Array.from(p.features)).toEqual([1, 11, 3, 13]);
    expect(Array.from(padRegions(regions(4), 3).indices)).toEqual([0, 1, 2]);
  });

  it('gives the example fields regions [N_max, D], boxes [N_max, 4], locations [N_max, 5], regionMask [N_max]', () => {
    const f = regionExampleFields(padRegions(regions(1), 3));
    expect([f.regions.shape, f.boxes.shape, f.locations.shape, f.regionMask.shape]).toEqual([[3, 2], [3, 4], [3, 5], [3]]);
    expect([Array.from(f.regions.data), Array.from(f.regionMask.data)]).toEqual([[0, 10, 0, 0, 0, 0], [1, 0, 0]]);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => padRegions(regions(1), 0)).toThrow('maxRegions must be a positive integer, got 0');
  });
});

describe('regionKeyResolver', () => {
  const lxmert = ['COCO_train2014_000000000009', 'COCO_train2014_000000000025'];
  const mcan = ['COCO_val2014_000000000042.jpg', 'COCO_val2014_000000000074.jpg'];

  it('finds the exact id first, then the COCO stem of an LXMERT TSV or an MCAN archive', () => {
    expect(regionKeyResolver(['9', ...lxmert])(9)).toBe('9');
    expect(regionKeyResolver(lxmert)(9)).toBe('COCO_train2014_000000000009');
    expect(regionKeyResolver(lxmert)('25')).toBe('COCO_train2014_000000000025');
    expect(regionKeyResolver(mcan)(74)).toBe('COCO_val2014_000000000074.jpg');
    expect(regionKeyResolver(mcan)(9)).toBeUndefined();
  });

  it('fills a template, zero-padding {id:0N}', () => {
    expect(regionKeyResolver(mcan, 'COCO_val2014_{id:012}.jpg')(42)).toBe('COCO_val2014_000000000042.jpg');
    expect(regionKeyResolver(lxmert, 'COCO_val2014_{id:012}')(9)).toBeUndefined();
    expect(regionKeyResolver(['img-9'], 'img-{id}')(9)).toBe('img-9');
    expect(() => regionKeyResolver(lxmert, 'COCO_val2014')).toThrow("imageKey: template \"COCO_val2014\" has no {id} or {id:0N} placeholder");
  });

  it('refuses to guess between two COCO keys of one number', () => {
    const resolve = regionKeyResolver(['COCO_train2014_000000000009', 'COCO_val2014_000000000009']);
    expect(() => resolve(9)).toThrow("imageKey: the store holds both 'COCO_train2014_000000000009' and 'COCO_val2014_000000000009' for image 9");
  });

  it('says where it looked', () => {
    expect(describeRegionKey(9)).toBe("'9' or COCO_<split>_000000000009[.jpg]");
    expect(describeRegionKey(9, 'COCO_val2014_{id:012}')).toBe("'COCO_val2014_000000000009' (from imageKey \"COCO_val2014_{id:012}\")");
  });
});

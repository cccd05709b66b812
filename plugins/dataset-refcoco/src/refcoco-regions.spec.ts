// The `refcoco` provider with `regions`: a region store built through the runtime (an in-memory one
// registered under REGION_STORES; the preset's spec reads a real LXMERT TSV), the regions padded with
// the target region by IoU ≥ 0.5 among the kept slots, and errors naming the ref and the image.
import { createRuntime, REGION_STORES, type HostTensor, type Plugin, type RegionFeatures, type RegionStoreProvider } from '@crossmodal/core';
import { describe, expect, it } from 'vitest';
import { ROOT } from './fixtures.spec-helper.ts';
import { refcocoPlugin } from './plugin.ts';

/** Regions in pixels of a 640 × 427 image with D = 2 features [10i, 10i + 1] and the given confidences. */
function regions(imageId: string, boxes: number[][], confidence: number[]): RegionFeatures {
  const flat = Float32Array.from(boxes.flat());
  const normalizedBoxes = flat.map((v, k) => v / (k % 2 === 0 ? 640 : 427));
  const locations = new Float32Array(boxes.length * 5);
  boxes.forEach((_, i) => locations.set([...normalizedBoxes.subarray(i * 4, i * 4 + 4), 0], i * 5));
  return {
    imageId, imageSize: { width: 640, height: 427 }, count: boxes.length, dim: 2, boxes: flat, normalizedBoxes, locations,
    features: Float32Array.from({ length: boxes.length * 2 }, (_, k) => 10 * Math.floor(k / 2) + (k % 2)), confidence: Float32Array.from(confidence),
  };
}

/** How many stores the memory provider made, and how many of them were closed. */
const stores = { opened: 0, closed: 0 };

/** Images 101–103 under LXMERT-style COCO stems. Image 102: box 1 is refs 4's target [200, 100, 500, 250], box 2 overlaps it. */
const memoryStore: RegionStoreProvider = {
  name: 'memory',
  create() {
    const key = (id: number): string => `COCO_train2014_${String(id).padStart(12, '0')}`;
    const byId = new Map<string, RegionFeatures>([
      [key(101), regions(key(101), [[0, 0, 10, 10]], [0.5])],
      [key(102), regions(key(102), [[0, 0, 30, 30], [200, 100, 500, 250], [200, 100, 350, 250]], [0.1, 0.9, 0.8])],
    ]);
    stores.opened++;
    return { format: 'memory', ids: () => [...byId.keys()], has: (id) => byId.has(id), get: async (id) => byId.get(id)!, close: () => void stores.closed++ };
  },
};
const storePlugin: Plugin = { name: '@test/memory-store', version: '0.0.0', register: (c) => c.register(REGION_STORES, { useValue: memoryStore }) };
const runtime = createRuntime([storePlugin, refcocoPlugin]);
const values = (t: unknown): number[] => Array.from((t as HostTensor).data);

describe('refcoco with regions', () => {
  it('adds padded regions and labels the target region among the kept slots', async () => {
    const ds = await runtime.datasets.create('refcoco', { path: ROOT, split: 'testB', limit: 1, regions: 'memory', maxRegions: 4 }, runtime.createContext({ seed: 0 }), 'data.train');
    expect(ds.info.fields).toMatchObject({ regions: [4, 2], boxes: [4, 4], locations: [4, 5], regionMask: [4], targetRegion: [] });
    const ex = await ds.get(0); // ref 4 on image 102, target [200, 100, 500, 250]
    expect([ex['imageId'], ex['targetRegion'], ex['targetHit']]).toEqual([102, 1, 1]);
    expect(values(ex['regionMask'])).toEqual([1, 1, 1, 0]);
    expect(values(ex['regionLabel'])).toEqual([0, 1, 1, 0]);
    expect(values(ex['regions'])).toEqual([0, 1, 10, 11, 20, 21, 0, 0]);
    expect(values(ex['boxes']).slice(4, 8)).toEqual([200 / 640, 100 / 427, 500 / 640, 250 / 427].map(Math.fround));
    // Box 2 covers half of the target (+1 pixel-inclusive IoU 151·151 / 301·151 ≈ 0.50166): a second positive.
    expect(values(ex['regionIou'])[2]).toBeCloseTo((151 * 151) / (301 * 151), 5);
  });

  it('keeps the most confident regions over maxRegions and indexes the target by its kept slot', async () => {
    const ds = await runtime.datasets.create('refcoco', { path: ROOT, split: 'testB', limit: 1, regions: 'memory', maxRegions: 2 }, runtime.createContext({ seed: 0 }));
    const ex = await ds.get(0); // kept: regions 1 and 2 (confidence 0.9, 0.8); the target is slot 0
    expect([ex['targetRegion'], values(ex['regionMask']), values(ex['regions'])]).toEqual([0, [1, 1], [10, 11, 20, 21]]);
  });

  it('names the ref and the image a store lacks, and an unknown store', async () => {
    const context = runtime.createContext({ seed: 0 });
    await expect(runtime.datasets.create('refcoco', { path: ROOT, split: 'testA', regions: 'memory' }, context, 'data.train')).rejects.toThrow(
      "data.train: dataset 'refcoco' (plugin @crossmodal/dataset-refcoco): refcoco: ref 5 (sentence 18, image 103): the memory store has no regions for image 103",
    );
    await expect(runtime.datasets.create('refcoco', { path: ROOT, regions: { name: 'lmdb', path: 'x' } }, context, 'data.train')).rejects.toThrow(
      "regions: Unknown region-store 'lmdb'. Known region-stores: memory.",
    );
  });

  it('closes its region store when closed, and when joining it to the expressions fails', async () => {
    const context = runtime.createContext({ seed: 0 });
    const before = { ...stores };
    const ds = await runtime.datasets.create('refcoco', { path: ROOT, split: 'testB', limit: 1, regions: 'memory' }, context, 'data.train');
    await ds.close!();
    await expect(runtime.datasets.create('refcoco', { path: ROOT, split: 'testA', regions: 'memory' }, context, 'data.train')).rejects.toThrow('has no regions for image 103');
    expect(stores).toEqual({ opened: before.opened + 2, closed: before.closed + 2 });
  });
});

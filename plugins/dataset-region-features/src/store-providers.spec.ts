// The region-store providers built through a runtime, as a dataset's `regions` option builds them:
// each format opens its fixture, options are read strictly, and errors name the field.
import { createRuntime, REGION_STORES } from '@crossmodal/core';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPECTED, FIXTURES } from './fixtures.spec-helper.ts';
import { regionFeaturesPlugin } from './plugin.ts';

const runtime = createRuntime([regionFeaturesPlugin]);
const context = runtime.createContext({ seed: 0 });
const build = (spec: { name: string; [option: string]: unknown }) => context.build!(REGION_STORES, spec, 'regions');
const LMDB = fileURLToPath(new URL('../../../packages/data/src/lmdb/fixtures/vilbert/data.mdb', import.meta.url));

describe('region-store providers', () => {
  it("lxmert-tsv loads the TSV whole and serves each image's rows, with the global region when asked", async () => {
    const store = await build({ name: 'lxmert-tsv', path: join(FIXTURES, 'lxmert-tiny.tsv'), dim: 8 });
    expect([store.format, store.ids()]).toEqual(['lxmert-tsv', EXPECTED.tsv.map((e) => e.img_id)]);
    const r = await store.get('COCO_val2014_000000000042');
    const want = EXPECTED.tsv[0]!;
    expect([r.count, r.dim, Array.from(r.boxes), Array.from(r.features.subarray(0, 8))]).toEqual([want.num_boxes, 8, want.boxes.map(Math.fround), want.features.slice(0, 8)]);
    const withGlobal = await build({ name: 'lxmert-tsv', path: join(FIXTURES, 'lxmert-tiny.tsv'), globalRegion: true, topk: 1 });
    expect(withGlobal.ids()).toEqual(['COCO_val2014_000000000042']);
    expect(Array.from((await withGlobal.get('COCO_val2014_000000000042')).locations.subarray(0, 5))).toEqual([0, 0, 1, 1, 1]);
  });

  it('mcan-npz lists the archives of a directory and reads one when asked', async () => {
    const store = await build({ name: 'mcan-npz', path: join(FIXTURES, 'mcan') });
    expect(store.ids()).toEqual(['COCO_val2014_000000000042', 'COCO_val2014_000000000074']);
    const r = await store.get('COCO_val2014_000000000074');
    const want = EXPECTED.mcan['COCO_val2014_000000000074']!;
    expect([r.count, r.dim, Array.from(r.boxes.subarray(0, 4)), Array.from(r.features.subarray(0, 3))]).toEqual([want.n, want.d, want.bbox.slice(0, 4).map(Math.fround), want.features_head.slice(0, 3)]);
  });

  it('lmdb opens a ViLBERT feature database', async () => {
    const store = await build({ name: 'lmdb', path: LMDB, mode: 'whole' });
    expect(store.ids()).toEqual(['391895', '522418', '184613', '318219', '554625']);
    expect((await store.get('522418')).count).toBe(10);
  });

  it('refuses a misspelt option, naming the known ones, and a missing path', () => {
    expect(() => build({ name: 'lxmert-tsv', path: 'a.tsv', globalRegions: true })).toThrow(
      "regions: region-store 'lxmert-tsv' (plugin @crossmodal/dataset-region-features): lxmert-tsv: unknown option 'globalRegions' (known: name, path, globalRegion, tolerance, outOfRange, topk, dim)",
    );
    expect(() => build({ name: 'mcan-npz' })).toThrow('mcan-npz: path is required (a directory of per-image <image id>.npz archives');
    expect(() => build({ name: 'lmdb', path: LMDB, mode: 'mmap' })).toThrow("lmdb: mode must be one of 'pread', 'whole', got 'mmap'");
    expect(() => build({ name: 'mcan-npz', path: 'x', imageSize: [640, 480] })).toThrow('mcan-npz: imageSize must be { width, height } in pixels (positive integers), got [640,480]');
    expect(() => build({ name: 'lxmert-tsv', path: 'a.tsv', globalRegion: 'yes' })).toThrow('lxmert-tsv: globalRegion must be true or false, got "yes"');
  });

  it('names the file when it cannot be opened', async () => {
    await expect(build({ name: 'lxmert-tsv', path: join(FIXTURES, 'missing.tsv') })).rejects.toThrow(/regions: region-store 'lxmert-tsv' .*missing\.tsv/);
  });
});

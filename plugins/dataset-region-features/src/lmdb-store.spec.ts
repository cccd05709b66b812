// LmdbRegionStore over the ViLBERT-layout fixture of @crossmodal/data's LMDB reader
// (packages/data/src/lmdb/fixtures/make_fixtures.py): ids, features, normalised boxes, locations.
import { openLmdb } from '@crossmodal/data';
import { openLmdbFile } from '@crossmodal/data/node';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LmdbRegionStore } from './lmdb-store.ts';

const fixture = new URL('../../../packages/data/src/lmdb/fixtures/vilbert/data.mdb', import.meta.url);
const db = openLmdb(new Uint8Array(readFileSync(fixture)), { name: 'vilbert/data.mdb' });

describe('LmdbRegionStore', () => {
  const store = new LmdbRegionStore(db);

  it('lists the ids of the keys record and reads each image as regions', async () => {
    expect(store.ids()).toEqual(['391895', '522418', '184613', '318219', '554625']);
    expect(store.has('522418')).toBe(true);
    const r = await store.get('522418'); // image 1: 10 boxes [b, b+1, b+10.5, b+20.25], 639 wide, 481 high
    expect([r.count, r.dim, r.imageSize.width, r.imageSize.height]).toEqual([10, 8, 639, 481]);
    expect(Array.from(r.boxes.subarray(4, 8))).toEqual([1, 2, 11.5, 21.25]);
    expect(r.normalizedBoxes[4]).toBeCloseTo(1 / 639, 7);
    expect(r.normalizedBoxes[7]).toBeCloseTo(21.25 / 481, 7);
    const area = ((11.5 - 1) / 639) * ((21.25 - 2) / 481);
    expect(r.locations[9]).toBeCloseTo(area, 7);
  });

  it('prepends the global region when asked', async () => {
    const g = await new LmdbRegionStore(db, { globalRegion: true }).get('391895');
    expect(g.count).toBe(4);
    expect(Array.from(g.locations.subarray(0, 5))).toEqual([0, 0, 1, 1, 1]);
  });

  it('closes the file it was opened on; a later read names the file', async () => {
    const file = openLmdbFile(fileURLToPath(fixture));
    const onFile = new LmdbRegionStore(file);
    expect((await onFile.get('391895')).count).toBe(3);
    onFile.close();
    await expect(onFile.get('522418')).rejects.toThrow(/data\.mdb: read after close/);
  });

  it('names the store and the id it does not hold', async () => {
    await expect(store.get('000000')).rejects.toThrow("vilbert/data.mdb: no image '000000' in its keys list (5 images)");
  });
});

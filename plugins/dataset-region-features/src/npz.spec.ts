import { ndArrayValues } from '@crossmodal/nn';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPECTED, FIXTURES, maxDiff } from './fixtures.spec-helper.ts';
import { nodeInflateRaw, openMcanStore, readNpzFile } from './node-io.ts';
import { mcanRegions, readNpz } from './npz.ts';

const MCAN = join(FIXTURES, 'mcan');
const ID = 'COCO_val2014_000000000042';

describe('readNpz', () => {
  it("lists and reads np.savez_compressed's deflated arrays and np.savez's stored ones", async () => {
    const npz = await readNpzFile(join(MCAN, `${ID}.npz`));
    expect(npz.keys).toEqual(['x', 'bbox', 'num_bbox', 'image_h', 'image_w', 'info']);
    expect([npz.get('x').shape, npz.get('bbox').dtype, ndArrayValues(npz.get('image_h'))]).toEqual([[8, 3], 'f8', [480]]);
    const stored = await readNpzFile(join(FIXTURES, 'mcan-stored.npz'));
    expect(ndArrayValues(stored.get('x'))).toEqual(ndArrayValues(npz.get('x')));
  });

  it('names the archive and the key of a missing array, an object array, a corrupt or truncated archive', async () => {
    const file = join(MCAN, `${ID}.npz`);
    const npz = await readNpzFile(file);
    expect(() => npz.get('feat')).toThrow(`${file}: no array 'feat' (arrays: x, bbox, num_bbox, image_h, image_w, info)`);
    expect(() => npz.get('info')).toThrow(`${file}: info.npy: dtype '|O' holds pickled Python objects, which are not read`);
    const bytes = new Uint8Array(readFileSync(file));
    expect(() => readNpz(bytes.subarray(0, bytes.length - 30), 'cut.npz', nodeInflateRaw)).toThrow('cut.npz: not a zip archive, or truncated: no end-of-central-directory record');
    expect(() => readNpz(bytes, 'no-inflate.npz').get('x')).toThrow(
      "no-inflate.npz: 'x.npy' is deflated (np.savez_compressed): pass an inflate function (readNpzFile and openMcanStore pass zlib's)",
    );
    // A flipped byte inside the deflated data: zlib or the CRC check refuses it, naming the archive.
    const flipped = bytes.slice();
    flipped[60] = flipped[60]! ^ 0xff;
    expect(() => readNpz(flipped, 'flip.npz', nodeInflateRaw).get('x')).toThrow(/^flip\.npz: /);
  });
});

describe('mcanRegions', () => {
  it('transposes x [D, N] to [N, D] and reads bbox and the image size, as MCAN loads them', async () => {
    for (const [id, want] of Object.entries(EXPECTED.mcan)) {
      const file = join(MCAN, `${id}.npz`);
      const r = mcanRegions(await readNpzFile(file), id, file, { dim: want.d });
      expect([r.count, r.dim, r.imageSize, Array.from(r.features.subarray(0, 16)), Array.from(r.boxes)]).toEqual(
        [want.n, want.d, { width: want.image_w, height: want.image_h }, want.features_head, want.bbox.map(Math.fround)],
      );
      expect(r.features.reduce((a, b) => a + b, 0)).toBe(want.features_sum);
    }
    // The same image from the TSV: identical features.
    const tsv = EXPECTED.tsv[0]!;
    const r = mcanRegions(await readNpzFile(join(FIXTURES, 'mcan-stored.npz')), tsv.img_id, 'stored');
    expect(maxDiff(r.features, tsv.features)).toBe(0);
  });

  it('names a bbox that does not match x, a missing image size and a wrong dim', async () => {
    const file = join(MCAN, `${ID}.npz`);
    const npz = await readNpzFile(file);
    const swapped = { keys: npz.keys, get: (k: string) => (k === 'x' ? { ...npz.get('x'), shape: [3, 8] } : npz.get(k)) };
    expect(() => mcanRegions(swapped, ID, file)).toThrow(`${file}: 'bbox' has shape (3, 4), expected (8, 4) for 'x' of shape (3, 8) [D, N]; 'x' looks [N, D] already, but MCAN saves it [D, N]`);
    const sizeless = { keys: ['x', 'bbox'], get: npz.get };
    expect(() => mcanRegions(sizeless, ID, file)).toThrow(`${file}: no 'image_w'/'image_h' arrays and no imageSize option`);
    expect(mcanRegions(sizeless, ID, file, { imageSize: { width: 640, height: 480 } }).count).toBe(3);
    expect(() => mcanRegions(npz, ID, file, { dim: 2048 })).toThrow(`${file}: 'x' holds 8-d features, expected 2048 (the dim option)`);
  });
});

describe('openMcanStore', () => {
  it('serves a directory of per-image archives by image id, read on demand', async () => {
    const store = await openMcanStore(MCAN, { globalRegion: true });
    expect([store.format, store.ids()]).toEqual(['mcan-npz', Object.keys(EXPECTED.mcan).sort()]);
    const r = await store.get(ID);
    expect([r.count, Array.from(r.locations.subarray(0, 5))]).toEqual([4, [0, 0, 1, 1, 1]]);
    await expect(store.get('COCO_val2014_000000000001')).rejects.toThrow(`${MCAN}: no image 'COCO_val2014_000000000001' (2 images`);
    // A file that breaks after listing is named when read.
    const dir = mkdtempSync(join(tmpdir(), 'mcan-'));
    copyFileSync(join(FIXTURES, 'npy', 'f4-c.npy'), join(dir, 'broken.npz'));
    await expect((await openMcanStore(dir)).get('broken')).rejects.toThrow(`${join(dir, 'broken.npz')}: not a zip archive, or truncated`);
  });
});

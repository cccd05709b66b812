// ViLBERT and MMF feature stores written by their own conversion scripts' layout (fixtures/make_fixtures.py).
import { fileURLToPath } from 'node:url';
import { ndArrayToFloat32, ndArrayValues, type NdArray } from '@crossmodal/nn';
import { describe, expect, it } from 'vitest';
import { rawValue, readLmdbKeys, readRegionFeatures } from './feature-store.ts';
import { openLmdbFile } from './lmdb-node.ts';
import { LmdbError } from './lmdb-layout.ts';

const open = (name: string) => openLmdbFile(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), { mode: 'whole' });

/** make_fixtures.py's feature_value: exact in float32. */
const featureValue = (image: number, box: number, col: number): number => image + box * 0.5 + col * 0.03125;
const expectedFeatures = (image: number, rows: number, cols = 8): number[] =>
  Array.from({ length: rows * cols }, (_, i) => featureValue(image, Math.floor(i / cols), i % cols));
const values = (array: NdArray | undefined): number[] => Array.from(ndArrayToFloat32(array!));

const VILBERT_IDS = ['391895', '522418', '184613', '318219', '554625'];
const VILBERT_BOXES = [3, 10, 1, 36, 5];

describe('ViLBERT feature store', () => {
  const db = open('vilbert');

  it('lists the image ids of the keys record in stored order (not LMDB key order)', () => {
    expect(readLmdbKeys(db)).toEqual(VILBERT_IDS);
    expect(db.size).toBe(6);
  });

  it('returns each record as the pickle convert_to_lmdb.py wrote (protocol 3)', () => {
    const raw = rawValue(db, '391895');
    expect([raw[0], raw[1]]).toEqual([0x80, 3]); // PROTO 3
    expect(raw[raw.length - 1]).toBe(0x2e); // STOP
    expect(rawValue(db, new TextEncoder().encode('391895'))).toEqual(raw);
  });

  it('decodes features, boxes, sizes and the box count of every image', () => {
    VILBERT_IDS.forEach((id, image) => {
      const n = VILBERT_BOXES[image]!;
      const record = readRegionFeatures(db, id);
      expect(record.features.dtype).toBe('f4');
      expect(record.features.shape).toEqual([n, 8]);
      expect(values(record.features)).toEqual(expectedFeatures(image, n));
      expect(record.boxes!.shape).toEqual([n, 4]);
      expect(values(record.boxes)).toEqual(Array.from({ length: n }, (_, b) => [b, b + 1, b + 10.5, b + 20.25]).flat());
      expect([record.numBoxes, record.imageHeight, record.imageWidth]).toEqual([n, 480 + image, 640 - image]);
      expect(record.fields.get('image_id')).toBe(id);
    });
  });

  it('reads the record whose value spilled into an overflow page (36 boxes)', () => {
    expect(db.meta.main.overflowPages).toBe(1);
    expect(readRegionFeatures(db, '318219').features.shape).toEqual([36, 8]);
  });

  it('names the file and the id of a record that is not there', () => {
    expect(() => rawValue(db, '000000')).toThrow(/fixtures\/vilbert\/data\.mdb: no record for image id '000000'; expected one of the ids listed under 'keys'/);
    expect(() => readRegionFeatures(db, '000000')).toThrow(LmdbError);
  });
});

describe('MMF feature store', () => {
  const db = open('mmf');

  it('reads keys, bbox, image_height/width and numpy-integer num_boxes (protocol 4)', () => {
    const keys = readLmdbKeys(db);
    expect(keys).toEqual(['train2014/COCO_train2014_000000000009', 'val2014/COCO_val2014_000000000042']);
    keys.forEach((key, image) => {
      const n = 2 + image;
      const record = readRegionFeatures(db, key);
      expect(values(record.features)).toEqual(expectedFeatures(image, n));
      expect(values(record.boxes)).toEqual(Array.from({ length: n }, (_, b) => [b, b, b + 2, b + 3]).flat());
      expect([record.numBoxes, record.imageHeight, record.imageWidth]).toEqual([n, 300 + image, 400 + image]);
      const objects = record.fields.get('objects') as NdArray;
      expect([objects.dtype, ndArrayValues(objects)]).toEqual(['i8', Array.from({ length: n }, (_, i) => i)]);
      expect(record.fields.get('feature_path')).toBe(key);
    });
  });
});

describe('malformed feature stores', () => {
  const db = open('malformed');

  it('refuses a keys pickle that calls a global, naming the global, before running anything', () => {
    expect(() => readLmdbKeys(db)).toThrow(/malformed\/data\.mdb: keys.*posix\.system/);
  });

  it('refuses a keys record that is not a list', () => {
    expect(() => readLmdbKeys(db, 'not-a-list')).toThrow(/malformed\/data\.mdb: the 'not-a-list' record unpickles to an int; expected a list of image ids/);
  });

  it('names a store without a keys record', () => {
    expect(() => readLmdbKeys(open('tiny'))).toThrow(/tiny\/data\.mdb: no 'keys' record; expected a feature store/);
  });

  it('names the image and the field of a bad record', () => {
    expect(() => readRegionFeatures(db, 'no-features')).toThrow(/image 'no-features': field 'features' is missing; expected a 2-d float array \[regions, dim\]/);
    expect(() => readRegionFeatures(db, 'bad-boxes')).toThrow(/image 'bad-boxes': field 'boxes' is a f4 array of shape \[2, 4\]; expected an array of shape \[3, 4\]/);
    expect(() => readRegionFeatures(db, 'too-many')).toThrow(/image 'too-many': field 'num_boxes' is 4; expected at most the 3 feature rows/);
  });

  it('works over any name + get lookup, e.g. a Map of records', () => {
    const records = new Map([['keys', Uint8Array.from([0x80, 3, 0x5d, 0x71, 0, 0x43, 2, 0x31, 0x32, 0x61, 0x2e])]]); // [b'12']
    const lookup = { name: 'in-memory', get: (key: Uint8Array | string) => records.get(String(key)) };
    expect(readLmdbKeys(lookup)).toEqual(['12']);
    records.set('keys', Uint8Array.from([0x80, 3, 0x5d, 0x71, 0, 0x58, 1, 0, 0, 0, 0x61, 0x71, 1, 0x61, 0x2e])); // ['a'] (str ids)
    expect(readLmdbKeys(lookup)).toEqual(['a']);
    records.set('keys', Uint8Array.from([0x80, 3, 0x5d, 0x71, 0, 0x4b, 1, 0x61, 0x2e])); // [1]
    expect(() => readLmdbKeys(lookup)).toThrow("in-memory: 'keys'[0] is an int; expected bytes or str (an image id)");
    records.set('keys', Uint8Array.from([0x80, 3, 0x5d, 0x71, 0, 0x43, 1, 0xff, 0x61, 0x2e])); // [b'\xff']
    expect(() => readLmdbKeys(lookup)).toThrow("in-memory: 'keys'[0] is not UTF-8 text; expected an image id such as b'391895'");
  });
});

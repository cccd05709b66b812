// ViLBERT / MMF region-feature stores in LMDB: b'keys' holds the pickled list of image ids, each id's value a
// pickled dict of numpy arrays (features, boxes) and sizes. Read with @crossmodal/nn's pickle VM, which runs no
// pickle code: the id list may use no global at all, a record only the numpy globals an array pickles through.
// Writers: vilbert-multi-task script/convert_to_lmdb.py, mmf tools/scripts/features/lmdb_conversion.py.
import { aPickleValue, isNdArray, unpickle, unpickleNumpyDict, type NdArray } from '@crossmodal/nn';
import { LmdbError } from './lmdb-layout.ts';
import type { LmdbDatabase } from './lmdb-reader.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What the feature-store readers need of a database: its name for messages and point lookups. */
export type LmdbLookup = Pick<LmdbDatabase, 'name' | 'get'>;

/**
 * The image ids a feature store lists under its `keys` record, decoded as UTF-8, in stored order.
 * The list is unpickled with an empty allow-list: a pickle that names any global is refused (the error
 * names the global) before anything runs.
 *
 * @param key - the record holding the list; `keys` in both ViLBERT's and MMF's stores.
 * @example
 * const db = openLmdbFile('coco_trainval.lmdb');
 * const ids = readLmdbKeys(db); // ['391895', '522418', …]
 */
export function readLmdbKeys(db: LmdbLookup, key = 'keys'): string[] {
  const bytes = db.get(key);
  if (bytes === undefined) {
    throw new LmdbError(`${db.name}: no '${key}' record; expected a feature store whose '${key}' key holds a pickled list of image ids`);
  }
  const list = unpickle(bytes, { globals: new Map(), name: `${db.name}: ${key}` });
  if (!Array.isArray(list)) throw new LmdbError(`${db.name}: the '${key}' record unpickles to ${aPickleValue(list)}; expected a list of image ids`);
  return list.map((id, i) => {
    if (typeof id === 'string') return id;
    if (id instanceof Uint8Array) {
      try {
        return utf8.decode(id);
      } catch {
        throw new LmdbError(`${db.name}: '${key}'[${i}] is not UTF-8 text; expected an image id such as b'391895'`);
      }
    }
    throw new LmdbError(`${db.name}: '${key}'[${i}] is ${aPickleValue(id)}; expected bytes or str (an image id)`);
  });
}

/**
 * The stored bytes of image `imageId`'s record (a pickle), as {@link LmdbDatabase.get} returns them.
 *
 * @throws LmdbError naming the file and the id when the store has no such record.
 */
export function rawValue(db: LmdbLookup, imageId: string | Uint8Array): Uint8Array {
  const value = db.get(imageId);
  if (value === undefined) {
    const id = typeof imageId === 'string' ? imageId : utf8.decode(imageId);
    throw new LmdbError(`${db.name}: no record for image id '${id}'; expected one of the ids listed under 'keys'`);
  }
  return value;
}

/** One image's record from a feature store, with ViLBERT's and MMF's field names reconciled. */
export interface RegionFeatureRecord {
  /** The id the record was read under. */
  readonly imageId: string;
  /** Region features `features`: [N, D], float (float32 in both writers). */
  readonly features: NdArray;
  /** Region boxes (`boxes` in ViLBERT, `bbox` in MMF): [N, 4] as x1, y1, x2, y2 in pixels; absent if not stored. */
  readonly boxes: NdArray | undefined;
  /** `num_boxes`, else the number of feature rows. */
  readonly numBoxes: number;
  /** `image_h` (ViLBERT) or `image_height` (MMF). */
  readonly imageHeight: number | undefined;
  /** `image_w` (ViLBERT) or `image_width` (MMF). */
  readonly imageWidth: number | undefined;
  /** The whole unpickled dict (numpy arrays as NdArray), for fields not lifted above (`objects`, `cls_prob`…). */
  readonly fields: ReadonlyMap<string, unknown>;
}

/**
 * Reads and checks image `imageId`'s record: a pickled dict whose `features` is a 2-d float array, whose
 * boxes (if any) are [N, 4] with one row per feature row, and whose `num_boxes` (if any) is at most N.
 *
 * @example
 * const record = readRegionFeatures(db, '391895');
 * record.features.shape; // [36, 2048]
 */
export function readRegionFeatures(db: LmdbLookup, imageId: string): RegionFeatureRecord {
  const where = `${db.name}: image '${imageId}'`;
  const fields = unpickleNumpyDict(rawValue(db, imageId), where);
  const features = fields.get('features');
  if (!isNdArray(features) || features.shape.length !== 2 || !features.dtype.startsWith('f')) {
    throw new LmdbError(`${where}: field 'features' is ${describe(features)}; expected a 2-d float array [regions, dim]`);
  }
  const rows = features.shape[0]!;
  const boxName = fields.has('boxes') ? 'boxes' : 'bbox';
  const boxes = fields.get(boxName);
  if (boxes !== undefined && (!isNdArray(boxes) || boxes.shape.length !== 2 || boxes.shape[0] !== rows || boxes.shape[1] !== 4)) {
    throw new LmdbError(`${where}: field '${boxName}' is ${describe(boxes)}; expected an array of shape [${rows}, 4]`);
  }
  const numBoxes = integerField(fields, 'num_boxes', where) ?? rows;
  if (numBoxes > rows) throw new LmdbError(`${where}: field 'num_boxes' is ${numBoxes}; expected at most the ${rows} feature rows`);
  return {
    imageId,
    features,
    boxes,
    numBoxes,
    imageHeight: integerField(fields, 'image_h', where) ?? integerField(fields, 'image_height', where),
    imageWidth: integerField(fields, 'image_w', where) ?? integerField(fields, 'image_width', where),
    fields,
  };
}

/** A non-negative integer field (a Python int or a numpy integer scalar), or undefined when absent. */
function integerField(fields: ReadonlyMap<string, unknown>, name: string, where: string): number | undefined {
  const v = fields.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  throw new LmdbError(`${where}: field '${name}' is ${describe(v)}; expected a non-negative integer`);
}

function describe(v: unknown): string {
  if (isNdArray(v)) return `a ${v.dtype} array of shape [${v.shape.join(', ')}]`;
  if (v === undefined) return 'missing';
  return typeof v === 'number' ? String(v) : aPickleValue(v);
}

// LXMERT's object-feature TSV (airsplay/lxmert src/utils.py, load_obj_tsv): one image per line, ten
// tab-separated fields; the arrays are base64 of little-endian bytes: objects_id/attrs_id int64 [N],
// objects_conf/attrs_conf float32 [N], boxes float32 [N, 4] (x1, y1, x2, y2 in pixels), features
// float32 [N, D] (D inferred, 2048 for the bottom-up detector). Pure: lines in, records out.
import { decodeBase64, encodeBase64 } from './base64.ts';
import { RegionFeatureError } from './errors.ts';
import type { TextLine } from './lines.ts';

/** The fields in file order, as LXMERT's FIELDNAMES. */
export const LXMERT_FIELDS = ['img_id', 'img_h', 'img_w', 'objects_id', 'objects_conf', 'attrs_id', 'attrs_conf', 'num_boxes', 'boxes', 'features'] as const;

/** One line of the TSV: one image's detections. */
export interface LxmertRecord {
  readonly imgId: string;
  /** Image height and width in pixels. */
  readonly imgH: number;
  readonly imgW: number;
  /** N, the number of regions. */
  readonly numBoxes: number;
  /** D, the feature size (features.length / N; the `dim` option when N = 0). */
  readonly dim: number;
  /** Visual Genome object and attribute class ids per region (int64 in the file; they fit int32). */
  readonly objectsId: Int32Array;
  readonly objectsConf: Float32Array;
  readonly attrsId: Int32Array;
  readonly attrsConf: Float32Array;
  /** [N, 4] x1, y1, x2, y2 in pixels. */
  readonly boxes: Float32Array;
  /** [N, D] row-major. */
  readonly features: Float32Array;
}

/** Options of {@link parseLxmertLine} and {@link parseLxmertLines}. */
export interface LxmertParseOptions {
  /** The expected feature size D (2048 for bottom-up features): checked, and used for images with no boxes. */
  dim?: number;
}

/** Where a line is, for messages. */
interface At { readonly file: string; readonly line: number; readonly hint?: string }
const fail = (at: At, field: string | undefined, msg: string): never => {
  throw new RegionFeatureError(`${at.file} line ${at.line}${field ? `: field '${field}'` : ''}: ${msg}${at.hint ?? ''}`);
};

function count(text: string, at: At, field: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) fail(at, field, `expected an integer ≥ ${min}, got ${JSON.stringify(text.slice(0, 40))}`);
  return Number(text);
}

/** Decodes a base64 field into `elements` elements of `size` bytes (`elements` undefined: any multiple). */
function bytesOf(text: string, at: At, field: string, size: number, elements: number | undefined, shape: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(text);
  } catch (e) {
    return fail(at, field, `bad base64: ${(e as Error).message}`);
  }
  const ok = elements === undefined ? bytes.length % size === 0 : bytes.length === elements * size;
  if (!ok) fail(at, field, `decodes to ${bytes.length} bytes, expected ${shape} (from num_boxes)`);
  return bytes;
}

function ids(bytes: Uint8Array, at: At, field: string): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) {
    const v = view.getBigInt64(i * 8, true);
    if (v < -0x80000000n || v > 0x7fffffffn) fail(at, field, `${field}[${i}] = ${v} does not fit int32`);
    out[i] = Number(v);
  }
  return out;
}

// NOTE: typed-array views use the host byte order; the file's is little-endian, as every host here is.
const f32 = (bytes: Uint8Array): Float32Array => new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);

/**
 * Parses one TSV line (without its line ending).
 * @param at - the file and 1-based line number, for messages
 * @example
 * parseLxmertLine(text, { file: 'val2014_obj36.tsv', line: 1 }).boxes; // Float32Array [36 · 4]
 */
export function parseLxmertLine(text: string, at: At, options: LxmertParseOptions = {}): LxmertRecord {
  const fields = text.split('\t');
  if (fields.length !== LXMERT_FIELDS.length) {
    fail(at, undefined, `has ${fields.length} tab-separated fields, expected ${LXMERT_FIELDS.length} (${LXMERT_FIELDS.join(', ')})`);
  }
  const [imgId, h, w, objectsId, objectsConf, attrsId, attrsConf, num, boxes, features] = fields;
  if (!imgId) fail(at, 'img_id', 'empty');
  const n = count(num!, at, 'num_boxes', 0);
  const featureBytes = bytesOf(features!, at, 'features', 4 * Math.max(n, 1), undefined, `${n} × D float32 values`);
  const dim = n > 0 ? featureBytes.length / (4 * n) : (options.dim ?? 0);
  if (n > 0 && featureBytes.length === 0) fail(at, 'features', `empty for ${n} boxes`);
  if (options.dim !== undefined && dim !== options.dim) fail(at, 'features', `holds ${dim} values per box, expected ${options.dim} (the dim option)`);
  return {
    imgId: imgId!, imgH: count(h!, at, 'img_h', 1), imgW: count(w!, at, 'img_w', 1), numBoxes: n, dim,
    objectsId: ids(bytesOf(objectsId!, at, 'objects_id', 8, n, `${n} int64 values`), at, 'objects_id'),
    objectsConf: f32(bytesOf(objectsConf!, at, 'objects_conf', 4, n, `${n} float32 values`)),
    attrsId: ids(bytesOf(attrsId!, at, 'attrs_id', 8, n, `${n} int64 values`), at, 'attrs_id'),
    attrsConf: f32(bytesOf(attrsConf!, at, 'attrs_conf', 4, n, `${n} float32 values`)),
    boxes: f32(bytesOf(boxes!, at, 'boxes', 4, n * 4, `${n} × 4 float32 values`)),
    features: f32(featureBytes),
  };
}

/** Options of {@link parseLxmertLines}. */
export interface LxmertReadOptions extends LxmertParseOptions {
  /** Read only the first `topk` images (LXMERT's topk; undefined or -1: all). */
  topk?: number;
}

/**
 * Parses TSV lines as they come (from the Node adapter's file stream, or any iterable), skipping
 * blank lines as csv.DictReader does, and stopping after `topk` records. A final line the file ends
 * inside is parsed too; if it is malformed, the error adds that the file looks truncated.
 * @param file - the path, for messages
 */
export async function* parseLxmertLines(
  lines: AsyncIterable<TextLine> | Iterable<TextLine>, file: string, options: LxmertReadOptions = {},
): AsyncGenerator<LxmertRecord> {
  const topk = options.topk === undefined || options.topk < 0 ? Infinity : options.topk;
  if (topk === 0) return;
  let read = 0;
  for await (const line of lines) {
    if (line.text.length === 0) continue;
    const hint = line.terminated ? undefined : ' (the file ends inside this line without a line ending: truncated?)';
    yield parseLxmertLine(line.text, { file, line: line.number, ...(hint ? { hint } : {}) }, options);
    if (++read >= topk) return;
  }
}

const le64 = (values: Int32Array): Uint8Array => {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return out;
};
const bytesOfF32 = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * One record as a TSV line (no line ending), field for field what LXMERT's extraction writes.
 * Shapes are checked first, so a bad record cannot produce a file that fails to read back.
 * @example
 * formatLxmertLine(record) + '\r\n';
 */
export function formatLxmertLine(r: LxmertRecord): string {
  const n = r.numBoxes;
  const sizes: [string, number, number][] = [
    ['objects_id', r.objectsId.length, n], ['objects_conf', r.objectsConf.length, n], ['attrs_id', r.attrsId.length, n],
    ['attrs_conf', r.attrsConf.length, n], ['boxes', r.boxes.length, n * 4], ['features', r.features.length, n * r.dim],
  ];
  for (const [field, got, want] of sizes) {
    if (got !== want) throw new RegionFeatureError(`${r.imgId}: field '${field}' holds ${got} values, expected ${want} (num_boxes ${n}, dim ${r.dim})`);
  }
  if (/[\t\r\n]/.test(r.imgId) || r.imgId === '') throw new RegionFeatureError(`img_id ${JSON.stringify(r.imgId)} must be non-empty without tabs or line breaks`);
  return [
    r.imgId, String(r.imgH), String(r.imgW), encodeBase64(le64(r.objectsId)), encodeBase64(bytesOfF32(r.objectsConf)),
    encodeBase64(le64(r.attrsId)), encodeBase64(bytesOfF32(r.attrsConf)), String(n), encodeBase64(bytesOfF32(r.boxes)),
    encodeBase64(bytesOfF32(r.features)),
  ].join('\t');
}

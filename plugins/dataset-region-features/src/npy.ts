// NumPy's .npy format (numpy/lib/format.py): magic "\x93NUMPY", version 1.0 (u16 header length),
// 2.0 or 3.0 (u32; 3.0's header is UTF-8), then a Python dict literal {'descr', 'fortran_order',
// 'shape'} padded with spaces and a newline, then the raw elements. Pure; arrays come back as
// @crossmodal/nn's NdArray (little-endian C order whatever the file's order).
import { ndArrayFromParts, NUMPY_DTYPES, type NdArray } from '@crossmodal/nn';
import { RegionFeatureError } from './errors.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** A parsed .npy header. */
export interface NpyHeader {
  readonly version: 1 | 2 | 3;
  /** numpy's descr, e.g. `<f4`, `|b1`, `>i8`. */
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Where the data starts. */
  readonly dataOffset: number;
}

/**
 * Reads the header of .npy `bytes`. Errors name the file and what is wrong: bad magic, an
 * unsupported version, a header cut short, a malformed dict, a missing or ill-typed key.
 * @param file - names the array in messages (a path, or `archive.npz: x.npy`)
 */
export function readNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const fail = (msg: string): never => {
    throw new RegionFeatureError(`${file}: ${msg}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file: it does not start with "\\x93NUMPY"');
  const major = bytes[6]!;
  if (major < 1 || major > 3 || bytes[7] !== 0) fail(`npy format version ${major}.${bytes[7]} is not supported (1.0, 2.0, 3.0 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major > 1 && bytes.length < 12) fail('truncated inside the header length');
  const start = major === 1 ? 10 : 12;
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + length > bytes.length) fail(`truncated: the header needs ${length} bytes, ${bytes.length - start} are left`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + length));
  let dict: unknown;
  try {
    dict = parseLiteral(text);
  } catch (e) {
    return fail(`malformed header ${JSON.stringify(text.trim())}: ${(e as Error).message}`);
  }
  if (!(dict instanceof Map)) return fail(`header ${JSON.stringify(text.trim())} is not a dict`);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') fail(`header key 'descr' must be a dtype string, got ${JSON.stringify(descr ?? null)} (structured dtypes are not read)`);
  if (typeof fortran !== 'boolean') fail(`header key 'fortran_order' must be True or False, got ${JSON.stringify(fortran ?? null)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`header key 'shape' must be a tuple of sizes, got ${JSON.stringify(shape ?? null)}`);
  return { version: major as 1 | 2 | 3, descr: descr as string, fortranOrder: fortran as boolean, shape: shape as number[], dataOffset: start + length };
}

/**
 * Parses a whole .npy file into an NdArray (dtypes b1, u1–u8, i1–i8, f2, f4, f8; either byte
 * order; C or Fortran order). Object arrays (`|O`, pickled Python objects) are refused, not unpickled.
 * @example
 * parseNpy(bytes, 'feats/000042.npy').shape; // [36, 2048]
 */
export function parseNpy(bytes: Uint8Array, file: string): NdArray {
  const header = readNpyHeader(bytes, file);
  const order = header.descr[0];
  const code = /^[<>|=]/.test(header.descr) ? header.descr.slice(1) : header.descr;
  if (code === 'O') throw new RegionFeatureError(`${file}: dtype '${header.descr}' holds pickled Python objects, which are not read (only numeric arrays are)`);
  const data = bytes.subarray(header.dataOffset);
  const size = NUMPY_DTYPES[code as keyof typeof NUMPY_DTYPES]?.size;
  const need = header.shape.reduce((a, b) => a * b, 1) * (size ?? 0);
  if (size !== undefined && data.length < need) {
    throw new RegionFeatureError(`${file}: truncated: shape (${header.shape.join(', ')}) of ${header.descr} needs ${need} data bytes, the file holds ${data.length}`);
  }
  try {
    return ndArrayFromParts({ dtype: code, bigEndian: order === '>', fortran: header.fortranOrder, shape: header.shape, bytes: data.subarray(0, need) }, file);
  } catch (e) {
    throw new RegionFeatureError((e as Error).message);
  }
}

/**
 * Writes `array` as a version 1.0 .npy file (C order, little-endian; header padded to 64 bytes as numpy does).
 * @example
 * encodeNpy({ dtype: 'f4', shape: [2], bytes }); // what np.save writes for a float32 array of 2
 */
export function encodeNpy(array: NdArray): Uint8Array {
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  const order = NUMPY_DTYPES[array.dtype].size === 1 ? '|' : '<';
  let header = `{'descr': '${order}${array.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + array.bytes.length);
  out.set(MAGIC);
  out.set([1, 0, header.length & 255, header.length >> 8], 6);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(array.bytes, 10 + header.length);
  return out;
}

/**
 * The Python literals a .npy header holds: dict, tuple, list, str, int, True/False/None. Returns
 * dict → Map, tuple/list → array, str → string. Anything else is an error naming its offset.
 */
function parseLiteral(text: string): unknown {
  let at = 0;
  const space = (): void => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const expect = (c: string): void => {
    space();
    if (text[at] !== c) throw new Error(`expected '${c}' at offset ${at}, got ${JSON.stringify(text[at] ?? 'end')}`);
    at++;
  };
  const sequence = (close: string, item: () => void): void => {
    for (space(); text[at] !== close; space()) {
      if (at >= text.length) throw new Error(`unclosed '${close === '}' ? '{' : close === ')' ? '(' : '['}'`);
      item();
      space();
      if (text[at] === ',') at++;
      else if (text[at] !== close) throw new Error(`expected ',' or '${close}' at offset ${at}`);
    }
    at++;
  };
  const value = (): unknown => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const map = new Map<unknown, unknown>();
      sequence('}', () => {
        const key = value();
        expect(':');
        map.set(key, value());
      });
      return map;
    }
    if (c === '(' || c === '[') {
      at++;
      const items: unknown[] = [];
      sequence(c === '(' ? ')' : ']', () => items.push(value()));
      return items;
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, at + 1);
      if (end < 0) throw new Error(`unterminated string at offset ${at}`);
      const s = text.slice(at + 1, end);
      at = end + 1;
      return s;
    }
    const word = /^(True|False|None|-?\d+L?)/.exec(text.slice(at))?.[0];
    if (word === undefined) throw new Error(`unexpected ${JSON.stringify(text.slice(at, at + 10))} at offset ${at}`);
    at += word.length;
    return word === 'True' ? true : word === 'False' ? false : word === 'None' ? null : Number(word.replace('L', ''));
  };
  const result = value();
  space();
  if (at !== text.length) throw new Error(`trailing text at offset ${at}`);
  return result;
}

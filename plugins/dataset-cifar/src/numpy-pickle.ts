// Unpickles a CIFAR python batch without executing pickle code: @crossmodal/nn's pickle VM with an
// allow-list of exactly the globals a pickled dict of numpy arrays goes through. Anything else (say
// os.system) is refused with the global's name and the file, before anything runs.
// numpy's pickling: numpy/core/src/multiarray/methods.c (array_reduce, array_setstate), dtype.__reduce__.
import { isTuple, PickleObject, unpickle, type PickleGlobal } from '@crossmodal/nn';

/** A numpy array rebuilt from a pickle: an integer dtype, its shape and its bytes in C order. */
export interface NdArray {
  /** numpy's type code without byte order: `u1`, `i8`… */
  readonly dtype: string;
  /** Sizes, outermost first. */
  readonly shape: readonly number[];
  /** The elements' bytes in C (row-major) order, little-endian. */
  readonly bytes: Uint8Array;
}

/** Integer dtypes by code: size in bytes and signedness. */
const INT_DTYPES: Readonly<Record<string, { size: number; signed: boolean }>> = {
  u1: { size: 1, signed: false }, i1: { size: 1, signed: true }, u2: { size: 2, signed: false }, i2: { size: 2, signed: true },
  u4: { size: 4, signed: false }, i4: { size: 4, signed: true }, u8: { size: 8, signed: false }, i8: { size: 8, signed: true },
};

/** Placeholders: what REDUCE returns, to be filled by BUILD and turned into an NdArray afterwards. */
const ARRAY = 'numpy.ndarray';
const FROMBUFFER = 'numpy.frombuffer';
const keep = (global: string): PickleGlobal => ({ call: (args) => new PickleObject(global, args) });

/**
 * The allow-list. numpy 1.x writes `numpy.core.*`, numpy 2 `numpy._core.*`; protocols 2–4 pickle an
 * array as `_reconstruct(ndarray, (0,), b'b')` + BUILD(state), protocol 5 as `_frombuffer(buf, dtype,
 * shape, order)`. Python 3 writes bytes at protocol 2 as `_codecs.encode(str, 'latin1')`.
 */
export const CIFAR_PICKLE_GLOBALS: ReadonlyMap<string, PickleGlobal> = new Map<string, PickleGlobal>([
  ['numpy.core.multiarray._reconstruct', keep(ARRAY)],
  ['numpy._core.multiarray._reconstruct', keep(ARRAY)],
  ['numpy.core.numeric._frombuffer', keep(FROMBUFFER)],
  ['numpy._core.numeric._frombuffer', keep(FROMBUFFER)],
  ['numpy.ndarray', {}],
  ['numpy.dtype', keep('numpy.dtype')],
  ['_codecs.encode', { call: ([text, encoding]) => latin1Bytes(text, encoding) }],
]);

function latin1Bytes(textValue: unknown, encoding: unknown): Uint8Array {
  const text = asText(textValue);
  if (text === undefined || asText(encoding) !== 'latin1') {
    throw new RangeError(`expected (str, 'latin1'), Python 3's pickling of bytes, got (${describe(textValue)}, ${JSON.stringify(asText(encoding) ?? describe(encoding))})`);
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 255) throw new RangeError(`character U+${code.toString(16)} at ${i} is not latin1`);
    out[i] = code;
  }
  return out;
}

/** A Python 2 str (a latin1 string here), a Python 3 str or bytes, as text; undefined otherwise. */
export function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return latin1String(v);
  return undefined;
}

/** Raw bytes from a Python 2 str (latin1 string: one char per byte) or Python 3 bytes. */
function asBytes(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return latin1Bytes(v, 'latin1');
  return undefined;
}

function latin1String(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/**
 * Unpickles a CIFAR batch or meta file: a dict whose keys (Python 2 str or Python 3 bytes or str)
 * become strings and whose numpy arrays become {@link NdArray}s; other values stay as the VM gives
 * them (lists as arrays, ints as numbers, str/bytes as strings/`Uint8Array`s).
 * @param file - its path, for messages
 * @example
 * const batch = unpickleCifar(bytes, 'cifar-10-batches-py/data_batch_1');
 * (batch.get('data') as NdArray).shape; // [10000, 3072]
 */
export function unpickleCifar(bytes: Uint8Array, file: string): Map<string, unknown> {
  // encoding 'bytes' (Python's pickle.load(f, encoding='bytes')): Python 2 str stay bytes, so a
  // 30 MB BINSTRING of pixels is sliced, not decoded into a string and encoded back.
  const value = unpickle(bytes, { globals: CIFAR_PICKLE_GLOBALS, name: file, encoding: 'bytes' });
  if (!(value instanceof Map)) throw new RangeError(`${file}: expected a pickled dict, got ${aValue(value)}`);
  const out = new Map<string, unknown>();
  for (const [key, v] of value) {
    const name = asText(key);
    if (name === undefined) throw new RangeError(`${file}: expected str or bytes keys, got ${aValue(key)} key`);
    out.set(name, v instanceof PickleObject ? toNdArray(v, `${file}: ${name}`) : v);
  }
  return out;
}

/** The NdArray a `_reconstruct` + BUILD or a `_frombuffer` stands for. */
function toNdArray(obj: PickleObject, what: string): NdArray {
  if (obj.global === ARRAY) {
    // state = (version, shape, dtype, is_fortran, rawdata); numpy still reads the older 4-tuple without the version.
    const state = isTuple(obj.state) ? (obj.state.length === 4 ? [1, ...obj.state] : obj.state) : undefined;
    if (!state || state.length !== 5) throw new RangeError(`${what}: numpy array state must be a tuple (version, shape, dtype, is_fortran, data)`);
    return fromParts(what, state[1], state[2], state[3] === true, state[4]);
  }
  if (obj.global === FROMBUFFER) {
    const [buffer, dtype, shape, order] = obj.args;
    return fromParts(what, shape, dtype, asText(order) === 'F', buffer);
  }
  throw new RangeError(`${what}: a ${obj.global} object, expected a numpy array`);
}

function fromParts(what: string, shapeValue: unknown, dtypeValue: unknown, fortran: boolean, raw: unknown): NdArray {
  if (!isTuple(shapeValue) || !shapeValue.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw new RangeError(`${what}: numpy array shape must be a tuple of sizes, got ${aValue(shapeValue)}`);
  }
  const shape = shapeValue as readonly number[];
  const { code, bigEndian } = readDtype(what, dtypeValue);
  const bytes = asBytes(raw);
  if (bytes === undefined) throw new RangeError(`${what}: numpy array data must be bytes, got ${aValue(raw)} (an object array?)`);
  const size = INT_DTYPES[code]!.size;
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * size) {
    throw new RangeError(`${what}: numpy array of shape (${shape.join(', ')}) and dtype ${code} needs ${count * size} bytes, the pickle holds ${bytes.length}`);
  }
  let data = bigEndian && size > 1 ? swapBytes(bytes, size) : bytes;
  if (fortran && shape.length > 1) data = fortranToC(data, shape, size);
  return { dtype: code, shape, bytes: data };
}

function readDtype(what: string, dtype: unknown): { code: string; bigEndian: boolean } {
  if (!(dtype instanceof PickleObject) || dtype.global !== 'numpy.dtype') throw new RangeError(`${what}: numpy array dtype must be a numpy.dtype, got ${aValue(dtype)}`);
  const code = asText(dtype.args[0]) ?? '?';
  if (!(code in INT_DTYPES)) throw new RangeError(`${what}: numpy dtype '${code}' is not supported (expected an integer dtype: ${Object.keys(INT_DTYPES).join(', ')})`);
  // state = (version, byteorder, ...): '<' little, '>' big, '|' not applicable, '=' native (little here).
  const order = isTuple(dtype.state) ? asText(dtype.state[1]) : undefined;
  return { code, bigEndian: order === '>' };
}

function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k]!;
  return out;
}

/** Reorders a Fortran-order (first index fastest) array's elements into C order. */
function fortranToC(bytes: Uint8Array, shape: readonly number[], size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const rank = shape.length;
  const fStride = shape.map((_, k) => shape.slice(0, k).reduce((a, b) => a * b, 1));
  const index = new Array<number>(rank).fill(0);
  for (let c = 0; c < bytes.length / size; c++) {
    const f = index.reduce((acc, i, k) => acc + i * fStride[k]!, 0);
    out.set(bytes.subarray(f * size, (f + 1) * size), c * size);
    for (let k = rank - 1; k >= 0 && ++index[k]! === shape[k]; k--) index[k] = 0; // C order: last index fastest
  }
  return out;
}

/** The elements of an integer NdArray as numbers (C order). */
export function ndArrayValues(array: NdArray): number[] {
  const { size, signed } = INT_DTYPES[array.dtype]!;
  const view = new DataView(array.bytes.buffer, array.bytes.byteOffset, array.bytes.byteLength);
  const read = (at: number): number => {
    if (size === 1) return signed ? view.getInt8(at) : view.getUint8(at);
    if (size === 2) return signed ? view.getInt16(at, true) : view.getUint16(at, true);
    if (size === 4) return signed ? view.getInt32(at, true) : view.getUint32(at, true);
    return Number(signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true));
  };
  return Array.from({ length: array.bytes.length / size }, (_, i) => read(i * size));
}

/** A value's Python-side type with its article, for messages: `a list`, `an int`, `None`. */
export function aValue(v: unknown): string {
  const t = describe(v);
  return t === 'None' ? t : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** A short description of a value for messages: its Python-side type. */
export function describe(v: unknown): string {
  if (v === null) return 'None';
  if (v instanceof Map) return 'dict';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PickleObject) return `${v.global} object`;
  if (isTuple(v)) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return typeof v === 'bigint' ? 'int' : typeof v;
}

// Unpickles numpy arrays (and dicts of them: CIFAR batches, MMF feature stores) without executing
// pickle code: the pickle VM with an allow-list of exactly the globals a pickled array goes through.
// Anything else (say os.system) is refused with the global's name and the file, before anything runs.
// numpy's pickling: numpy/core/src/multiarray/methods.c (array_reduce, array_setstate), dtype.__reduce__.
import { isNdArray, ndArrayFromParts, ndArrayValues, type NdArray } from './numpy-array.ts';
import { isTuple, PickleObject, typeName, unpickle, type PickleGlobal } from './torch-pickle.ts';

/** Placeholders: what REDUCE returns, to be filled by BUILD and turned into an NdArray afterwards. */
const ARRAY = 'numpy.ndarray';
const FROMBUFFER = 'numpy.frombuffer';
const keep = (global: string): PickleGlobal => ({ call: (args) => new PickleObject(global, args) });
const scalar: PickleGlobal = { call: ([dtype, raw]) => numpyScalar(dtype, raw) };

/**
 * The allow-list. numpy 1.x writes `numpy.core.*`, numpy 2 `numpy._core.*`; protocols 2–4 pickle an
 * array as `_reconstruct(ndarray, (0,), b'b')` + BUILD(state), protocol 5 as `_frombuffer(buf, dtype,
 * shape, order)`, a numpy scalar (`np.float32(1)`) as `scalar(dtype, bytes)`. Python 3 writes bytes
 * at protocol 2 as `_codecs.encode(str, 'latin1')`, and empty bytes (an empty array's data) as `bytes()`.
 */
export const NUMPY_PICKLE_GLOBALS: ReadonlyMap<string, PickleGlobal> = new Map<string, PickleGlobal>([
  ['numpy.core.multiarray._reconstruct', keep(ARRAY)],
  ['numpy._core.multiarray._reconstruct', keep(ARRAY)],
  ['numpy.core.numeric._frombuffer', keep(FROMBUFFER)],
  ['numpy._core.numeric._frombuffer', keep(FROMBUFFER)],
  ['numpy.core.multiarray.scalar', scalar],
  ['numpy._core.multiarray.scalar', scalar],
  ['numpy.ndarray', {}],
  ['numpy.dtype', keep('numpy.dtype')],
  ['_codecs.encode', { call: ([text, encoding]) => latin1Bytes(text, encoding) }],
  ['__builtin__.bytes', { call: (args) => emptyBytes(args) }],
  ['builtins.bytes', { call: (args) => emptyBytes(args) }],
]);

/** `bytes()`: only the empty call Python's pickler writes for `b''`; anything else is refused. */
function emptyBytes(args: readonly unknown[]): Uint8Array {
  if (args.length !== 0) throw new RangeError(`only bytes() (Python's pickling of b'') is allowed, got ${args.length} arguments`);
  return new Uint8Array(0);
}

function latin1Bytes(textValue: unknown, encoding: unknown): Uint8Array {
  const text = pickleText(textValue);
  if (text === undefined || pickleText(encoding) !== 'latin1') {
    throw new RangeError(`expected (str, 'latin1'), Python 3's pickling of bytes, got (${describePickleValue(textValue)}, ${JSON.stringify(pickleText(encoding) ?? describePickleValue(encoding))})`);
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
export function pickleText(v: unknown): string | undefined {
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

/** Options of {@link unpickleNumpy}. */
export interface UnpickleNumpyOptions {
  /** Extra allow-listed globals (say `collections.OrderedDict`), added to {@link NUMPY_PICKLE_GLOBALS}. */
  globals?: ReadonlyMap<string, PickleGlobal>;
}

/**
 * Unpickles `bytes` and turns every numpy array in it (inside dicts, lists and tuples, at any depth)
 * into an {@link NdArray} in little-endian C order; numpy scalars become numbers. Other values stay
 * as the VM gives them (dict → Map, list → array, str/bytes → string/`Uint8Array`). Python 2 str
 * stay bytes (`encoding='bytes'`), so a 30 MB BINSTRING of pixels is sliced, not decoded.
 * @param file - names the pickle in messages (a path, an LMDB key)
 * @example
 * const value = unpickleNumpy(bytes, 'feats.lmdb: COCO_val2014_000000000042');
 */
export function unpickleNumpy(bytes: Uint8Array, file: string, options: UnpickleNumpyOptions = {}): unknown {
  const globals = options.globals ? new Map([...NUMPY_PICKLE_GLOBALS, ...options.globals]) : NUMPY_PICKLE_GLOBALS;
  return convert(unpickle(bytes, { globals, name: file, encoding: 'bytes' }), file, new Map());
}

/**
 * Unpickles a dict (a CIFAR batch, an MMF feature record) whose keys (Python 2 str or Python 3 bytes
 * or str) become strings; values as {@link unpickleNumpy} gives them.
 * @param file - its path, for messages
 * @example
 * const batch = unpickleNumpyDict(bytes, 'cifar-10-batches-py/data_batch_1');
 * (batch.get('data') as NdArray).shape; // [10000, 3072]
 */
export function unpickleNumpyDict(bytes: Uint8Array, file: string, options: UnpickleNumpyOptions = {}): Map<string, unknown> {
  const value = unpickleNumpy(bytes, file, options);
  if (!(value instanceof Map)) throw new RangeError(`${file}: expected a pickled dict, got ${aPickleValue(value)}`);
  const out = new Map<string, unknown>();
  for (const [key, v] of value) {
    const name = pickleText(key);
    if (name === undefined) throw new RangeError(`${file}: expected str or bytes keys, got ${aPickleValue(key)} key`);
    out.set(name, v);
  }
  return out;
}

/** Replaces numpy placeholders by NdArrays, depth first; `seen` keeps shared (memoised) values shared. */
function convert(v: unknown, what: string, seen: Map<unknown, unknown>): unknown {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
  if (seen.has(v)) return seen.get(v);
  if (v instanceof PickleObject) {
    const out = v.global === ARRAY || v.global === FROMBUFFER ? toNdArray(v, what) : v;
    seen.set(v, out);
    return out;
  }
  if (v instanceof Map) {
    seen.set(v, v);
    for (const [key, item] of v) v.set(key, convert(item, `${what}: ${pickleText(key) ?? String(key)}`, seen));
    return v;
  }
  if (Array.isArray(v)) {
    // Tuples are frozen: rebuilt (and re-frozen) rather than written in place.
    const items = v.map((item, i) => convert(item, `${what}[${i}]`, seen));
    const out = isTuple(v) ? Object.freeze(items) : Object.assign(v, items);
    seen.set(v, out);
    return out;
  }
  return v;
}

/** The NdArray a `_reconstruct` + BUILD or a `_frombuffer` stands for. */
function toNdArray(obj: PickleObject, what: string): NdArray {
  if (obj.global === ARRAY) {
    // state = (version, shape, dtype, is_fortran, rawdata); numpy still reads the older 4-tuple without the version.
    const state = isTuple(obj.state) ? (obj.state.length === 4 ? [1, ...obj.state] : obj.state) : undefined;
    if (!state || state.length !== 5) throw new RangeError(`${what}: numpy array state must be a tuple (version, shape, dtype, is_fortran, data)`);
    return fromParts(what, state[1], state[2], state[3] === true, state[4]);
  }
  const [buffer, dtype, shape, order] = obj.args;
  return fromParts(what, shape, dtype, pickleText(order) === 'F', buffer);
}

function fromParts(what: string, shapeValue: unknown, dtypeValue: unknown, fortran: boolean, raw: unknown): NdArray {
  if (!isTuple(shapeValue) || !shapeValue.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw new RangeError(`${what}: numpy array shape must be a tuple of sizes, got ${aPickleValue(shapeValue)}`);
  }
  const { code, bigEndian } = readDtype(what, dtypeValue);
  const bytes = asBytes(raw);
  if (bytes === undefined) throw new RangeError(`${what}: numpy array data must be bytes, got ${aPickleValue(raw)} (an object array?)`);
  return ndArrayFromParts({ dtype: code, bigEndian, fortran, shape: shapeValue as readonly number[], bytes }, what);
}

function readDtype(what: string, dtype: unknown): { code: string; bigEndian: boolean } {
  if (!(dtype instanceof PickleObject) || dtype.global !== 'numpy.dtype') {
    throw new RangeError(`${what}: numpy array dtype must be a numpy.dtype, got ${aPickleValue(dtype)}`);
  }
  const code = pickleText(dtype.args[0]) ?? '?';
  // state = (version, byteorder, ...): '<' little, '>' big, '|' not applicable, '=' native (little here).
  const order = isTuple(dtype.state) ? pickleText(dtype.state[1]) : undefined;
  return { code, bigEndian: order === '>' };
}

/** `numpy.core.multiarray.scalar(dtype, bytes)`: a 0-d array's single value, as a number. */
function numpyScalar(dtype: unknown, raw: unknown): number {
  const { code, bigEndian } = readDtype('numpy scalar', dtype);
  const bytes = asBytes(raw);
  if (bytes === undefined) throw new RangeError(`numpy scalar data must be bytes, got ${aPickleValue(raw)}`);
  return ndArrayValues(ndArrayFromParts({ dtype: code, bigEndian, fortran: false, shape: [], bytes }, 'numpy scalar'))[0]!;
}

/** A value's Python-side type with its article, for messages: `a list`, `an int`, `None`. */
export function aPickleValue(v: unknown): string {
  const t = describePickleValue(v);
  return t === 'None' || t === 'bytes' ? t : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/**
 * A short description of an unpickled value for messages: its Python-side type. The VM's
 * `typeName`, with Python's names for str, int and float, and numpy arrays recognised.
 */
export function describePickleValue(v: unknown): string {
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (isNdArray(v)) return 'numpy array';
  return typeName(v);
}

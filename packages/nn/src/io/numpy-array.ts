// numpy arrays as plain bytes: the dtype table shared by the pickle reader and the .npy/.npz readers,
// normalisation to little-endian C order, and conversion of the elements to JS numbers. Pure.
import { f16ToF32 } from './half.ts';

/** The numpy dtype codes read here, without byte order: bool, integers and IEEE floats. */
export type NumpyDType = 'b1' | 'u1' | 'i1' | 'u2' | 'i2' | 'u4' | 'i4' | 'u8' | 'i8' | 'f2' | 'f4' | 'f8';

/** Each dtype's element size in bytes and kind. */
export const NUMPY_DTYPES: Readonly<Record<NumpyDType, { readonly size: number; readonly kind: 'bool' | 'uint' | 'int' | 'float' }>> = {
  b1: { size: 1, kind: 'bool' },
  u1: { size: 1, kind: 'uint' }, i1: { size: 1, kind: 'int' }, u2: { size: 2, kind: 'uint' }, i2: { size: 2, kind: 'int' },
  u4: { size: 4, kind: 'uint' }, i4: { size: 4, kind: 'int' }, u8: { size: 8, kind: 'uint' }, i8: { size: 8, kind: 'int' },
  f2: { size: 2, kind: 'float' }, f4: { size: 4, kind: 'float' }, f8: { size: 8, kind: 'float' },
};

/** A numpy array: its dtype, its shape and its bytes in C order, little-endian. */
export interface NdArray {
  /** numpy's type code without byte order: `u1`, `f4`, `b1`… */
  readonly dtype: NumpyDType;
  /** Sizes, outermost first; `[]` for a 0-d array (a scalar). */
  readonly shape: readonly number[];
  /** The elements' bytes in C (row-major) order, little-endian. */
  readonly bytes: Uint8Array;
}

/** An array as a file or a pickle stores it, before normalisation. */
export interface NdArrayParts {
  /** The type code without byte order, as stored (`f4`, `i8`; `?` is read as `b1`). */
  readonly dtype: string;
  /** True when the elements are big-endian (`>` in numpy's descr). */
  readonly bigEndian: boolean;
  /** True when the first index varies fastest (Fortran order). */
  readonly fortran: boolean;
  readonly shape: readonly number[];
  /** Exactly the array's bytes. */
  readonly bytes: Uint8Array;
}

/** True for a dtype code this module reads. */
export const isNumpyDType = (code: string): code is NumpyDType => Object.hasOwn(NUMPY_DTYPES, code);

/** True for an {@link NdArray} (what the numpy readers return), for code that walks unpickled values. */
export const isNdArray = (v: unknown): v is NdArray =>
  typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && (v as { bytes?: unknown }).bytes instanceof Uint8Array;

/**
 * Checks `parts` (a known dtype, as many bytes as the shape needs) and returns the array in
 * little-endian C order: big-endian elements are byte-swapped, Fortran order is transposed.
 * @param what - names the array in messages, e.g. `'feats.npy'` or `'batch: data'`
 * @example
 * ndArrayFromParts({ dtype: 'f4', bigEndian: false, fortran: false, shape: [2], bytes }, 'x.npy').shape; // [2]
 */
export function ndArrayFromParts(parts: NdArrayParts, what: string): NdArray {
  const code = parts.dtype === '?' ? 'b1' : parts.dtype;
  if (!isNumpyDType(code)) {
    throw new RangeError(`${what}: numpy dtype '${parts.dtype}' is not supported (expected one of ${Object.keys(NUMPY_DTYPES).join(', ')})`);
  }
  const { shape } = parts;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new RangeError(`${what}: numpy array shape must be non-negative sizes, got (${shape.join(', ')})`);
  const size = NUMPY_DTYPES[code].size;
  const count = shape.reduce((a, b) => a * b, 1);
  if (parts.bytes.length !== count * size) {
    throw new RangeError(`${what}: numpy array of shape (${shape.join(', ')}) and dtype ${code} needs ${count * size} bytes, got ${parts.bytes.length}`);
  }
  let bytes = parts.bigEndian && size > 1 ? swapBytes(parts.bytes, size) : parts.bytes;
  if (parts.fortran && shape.filter((d) => d > 1).length > 1) bytes = fortranToC(bytes, shape, size);
  return { dtype: code, shape, bytes };
}

function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k]!;
  return out;
}

/** Reorders a Fortran-order (first index fastest) array's elements into C order (last index fastest). */
function fortranToC(bytes: Uint8Array, shape: readonly number[], size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const rank = shape.length;
  const fStride = shape.map((_, k) => shape.slice(0, k).reduce((a, b) => a * b, 1));
  const index = new Array<number>(rank).fill(0);
  let f = 0; // the Fortran offset of `index`, kept up to date as the C index advances
  for (let c = 0; c < bytes.length / size; c++) {
    for (let b = 0; b < size; b++) out[c * size + b] = bytes[f * size + b]!; // no subarray view per element
    for (let k = rank - 1; k >= 0; k--) {
      index[k]!++;
      f += fStride[k]!;
      if (index[k]! < shape[k]!) break;
      f -= index[k]! * fStride[k]!;
      index[k] = 0;
    }
  }
  return out;
}

/** Reads element `i` of `array` as a number (int64 past 2^53 loses precision, as `Number(bigint)` does). */
function reader(array: NdArray): (i: number) => number {
  const view = new DataView(array.bytes.buffer, array.bytes.byteOffset, array.bytes.byteLength);
  switch (array.dtype) {
    case 'b1': return (i) => (view.getUint8(i) !== 0 ? 1 : 0);
    case 'u1': return (i) => view.getUint8(i);
    case 'i1': return (i) => view.getInt8(i);
    case 'u2': return (i) => view.getUint16(i * 2, true);
    case 'i2': return (i) => view.getInt16(i * 2, true);
    case 'u4': return (i) => view.getUint32(i * 4, true);
    case 'i4': return (i) => view.getInt32(i * 4, true);
    case 'u8': return (i) => Number(view.getBigUint64(i * 8, true));
    case 'i8': return (i) => Number(view.getBigInt64(i * 8, true));
    case 'f2': return (i) => f16ToF32(view.getUint16(i * 2, true));
    case 'f4': return (i) => view.getFloat32(i * 4, true);
    case 'f8': return (i) => view.getFloat64(i * 8, true);
  }
}

/** The number of elements of `array`. */
export const ndArraySize = (array: NdArray): number => array.bytes.length / NUMPY_DTYPES[array.dtype].size;

/**
 * The elements of `array` as numbers, in C order: bool as 0/1, half floats widened exactly,
 * 64-bit integers through `Number` (exact up to 2^53).
 * @example
 * ndArrayValues({ dtype: 'i2', shape: [1], bytes: Uint8Array.of(0xfe, 0xff) }); // [-2]
 */
export function ndArrayValues(array: NdArray): number[] {
  const read = reader(array);
  return Array.from({ length: ndArraySize(array) }, (_, i) => read(i));
}

/**
 * The elements of `array` as a fresh Float32Array, in C order (float64 and large integers rounded
 * to float32): what feature tensors are built from.
 * @example
 * ndArrayToFloat32(featuresNpy); // Float32Array of N·2048
 */
export function ndArrayToFloat32(array: NdArray): Float32Array {
  const n = ndArraySize(array);
  if (array.dtype === 'f4') {
    // A copy, so the result is aligned and independent of the file's buffer. NOTE: Uint8Array's own
    // slice, since a Node Buffer's slice() is a view whose .buffer is the whole file. Typed arrays use
    // the host byte order; every platform this runs on (x86, ARM, wasm) is little-endian, as the bytes are.
    return new Float32Array(Uint8Array.prototype.slice.call(array.bytes, 0, n * 4).buffer, 0, n);
  }
  const read = reader(array);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = read(i);
  return out;
}

// Safetensors checkpoints: tensors to bytes and back. Pure (no Node APIs), so Node, Deno and browsers share it.
import { tensor, type Backend, type DType, type Tensor, type TypedArray } from '@crossmodal/tensor';
import { decodeBf16, decodeF16, encodeBf16, encodeF16 } from './half.ts';
import {
  readSafetensorsHeader, SafetensorsError, type SafetensorsDType, type SafetensorsEntry,
} from './safetensors-header.ts';

/** How float32 tensors are stored: as they are, or narrowed to half or bfloat16 (round to nearest even). */
export type SafetensorsFloatDType = 'F32' | 'F16' | 'BF16';

/** Options of {@link encodeSafetensors}. */
export interface EncodeSafetensorsOptions {
  /** Free-form string metadata written as the header's `__metadata__`. */
  metadata?: Readonly<Record<string, string>>;
  /** Storage type of float32 tensors (default `'F32'`); int32 tensors are always written as `I32`. */
  dtype?: SafetensorsFloatDType;
}

/** Options of {@link decodeSafetensors}. */
export interface DecodeSafetensorsOptions {
  /** Where the decoded tensors live; the default backend unless given. */
  backend?: Backend;
}

/** What a safetensors file holds, as tensors. */
export interface DecodedSafetensors {
  /** Tensors by name, in the header's order. */
  tensors: Record<string, Tensor>;
  /** The header's `__metadata__` (empty when absent). */
  metadata: Record<string, string>;
}

/** The file dtypes {@link decodeSafetensors} converts: floats to float32, integers and bools to int32. */
export const DECODABLE_DTYPES: readonly SafetensorsDType[] = ['F32', 'F16', 'BF16', 'F64', 'I32', 'I64', 'U8', 'BOOL'];

const FLOAT_DTYPES: readonly SafetensorsFloatDType[] = ['F32', 'F16', 'BF16'];

// Safetensors is little-endian; on a (rare) big-endian host every element is byte-swapped.
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encodes tensors as a safetensors file: names sorted, tensors contiguous in that order, the JSON
 * header padded with spaces to a multiple of 8 bytes. Reads each tensor with `await t.data()`, so
 * it works from any backend.
 * @example
 * const bytes = await encodeSafetensors({ 'fc.weight': w, 'fc.bias': b }, { metadata: { epoch: '3' }, dtype: 'BF16' });
 */
export async function encodeSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  options: EncodeSafetensorsOptions = {},
): Promise<Uint8Array> {
  const floatDtype = options.dtype ?? 'F32';
  if (!FLOAT_DTYPES.includes(floatDtype)) {
    throw new SafetensorsError(`encodeSafetensors: dtype must be one of ${FLOAT_DTYPES.join(', ')}, got ${JSON.stringify(floatDtype)}`);
  }
  const entries: [string, unknown][] = [];
  if (options.metadata) entries.push(['__metadata__', checkedMetadata(options.metadata)]);
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    if (name === '__metadata__') {
      throw new SafetensorsError(`encodeSafetensors: '__metadata__' is reserved by the format and cannot name a tensor`);
    }
    const { dtype, shape, bytes } = await encodeTensor(name, tensors[name]!, floatDtype);
    entries.push([name, { dtype, shape: [...shape], data_offsets: [offset, offset + bytes.length] }]);
    parts.push(bytes);
    offset += bytes.length;
  }
  const header = encodeHeader(Object.fromEntries(entries));
  const out = new Uint8Array(8 + header.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  let at = 8 + header.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Decodes a whole safetensors file into tensors after validating its header (see
 * {@link readSafetensorsHeader}). Floats become float32 (F16, BF16 exactly; F64 rounded), integers
 * and bools become int32 (I64 values outside int32 throw a RangeError naming the tensor); other
 * dtypes are rejected. Nothing leaks on failure.
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes);
 */
export function decodeSafetensors(bytes: Uint8Array, options: DecodeSafetensorsOptions = {}): DecodedSafetensors {
  const header = readSafetensorsHeader(bytes);
  // Convert everything on the host first: a bad tensor fails before any backend memory is used.
  const hosts = Object.entries(header.tensors).map(([name, entry]) => {
    const [begin, end] = entry.dataOffsets;
    return { name, entry, ...toHost(name, entry, bytes.subarray(header.dataStart + begin, header.dataStart + end)) };
  });
  const out: [string, Tensor][] = [];
  try {
    for (const { name, entry, dtype, data } of hosts) {
      out.push([name, tensor(data, entry.shape, { dtype, backend: options.backend })]);
    }
  } catch (e) {
    for (const [, t] of out) t.dispose();
    throw e;
  }
  return { tensors: Object.fromEntries(out), metadata: { ...header.metadata } };
}

interface EncodedTensor {
  dtype: SafetensorsDType;
  shape: readonly number[];
  bytes: Uint8Array;
}

async function encodeTensor(name: string, t: Tensor, floatDtype: SafetensorsFloatDType): Promise<EncodedTensor> {
  let data: TypedArray;
  try {
    data = await t.data();
  } catch (e) {
    throw new Error(`encodeSafetensors: cannot read tensor '${name}': ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!(data instanceof Float32Array)) return { dtype: 'I32', shape: t.shape, bytes: littleEndian(data, 4) };
  if (floatDtype === 'F16') return { dtype: 'F16', shape: t.shape, bytes: littleEndian(encodeF16(data), 2) };
  if (floatDtype === 'BF16') return { dtype: 'BF16', shape: t.shape, bytes: littleEndian(encodeBf16(data), 2) };
  return { dtype: 'F32', shape: t.shape, bytes: littleEndian(data, 4) };
}

/** The header JSON as UTF-8, padded with spaces to a multiple of 8 bytes (the spec's alignment). */
function encodeHeader(header: Record<string, unknown>): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  return padded;
}

function checkedMetadata(metadata: Readonly<Record<string, string>>): Record<string, string> {
  for (const [key, value] of Object.entries(metadata)) {
    // Callers from plain JS (or configs) can pass numbers; the spec allows strings only.
    if (typeof value !== 'string') {
      throw new SafetensorsError(`encodeSafetensors: metadata value for '${key}' must be a string, got ${typeof value}`);
    }
  }
  return { ...metadata };
}

/** One tensor's bytes → host data of an engine dtype. `raw` is a view into the file. */
function toHost(name: string, entry: SafetensorsEntry, raw: Uint8Array): { dtype: DType; data: TypedArray } {
  switch (entry.dtype) {
    case 'F32':
      return { dtype: 'float32', data: new Float32Array(hostOrder(raw, 4).buffer) };
    case 'F16':
      return { dtype: 'float32', data: decodeF16(new Uint16Array(hostOrder(raw, 2).buffer)) };
    case 'BF16':
      return { dtype: 'float32', data: decodeBf16(new Uint16Array(hostOrder(raw, 2).buffer)) };
    case 'F64': // rounds to the nearest float32; magnitudes past float32's range become ±inf
      return { dtype: 'float32', data: Float32Array.from(new Float64Array(hostOrder(raw, 8).buffer)) };
    case 'I32':
      return { dtype: 'int32', data: new Int32Array(hostOrder(raw, 4).buffer) };
    case 'I64':
      return { dtype: 'int32', data: int64ToInt32(name, raw) };
    case 'U8':
      return { dtype: 'int32', data: Int32Array.from(raw) };
    case 'BOOL':
      return { dtype: 'int32', data: Int32Array.from(raw, (v) => (v !== 0 ? 1 : 0)) };
    default:
      throw new SafetensorsError(
        `safetensors: tensor '${name}' has dtype ${entry.dtype}, which cannot be decoded; supported: ${DECODABLE_DTYPES.join(', ')}`,
      );
  }
}

/** Little-endian int64 → int32, throwing when a value does not fit (indices and ids are small in practice). */
function int64ToInt32(name: string, raw: Uint8Array): Int32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Int32Array(raw.length / 8);
  for (let i = 0; i < out.length; i++) {
    const lo = view.getInt32(8 * i, true);
    const hi = view.getInt32(8 * i + 4, true);
    // It fits exactly when the high word is the sign extension of the low word.
    if (hi !== lo >> 31) {
      const value = view.getBigInt64(8 * i, true);
      throw new RangeError(
        `safetensors: tensor '${name}' (I64) holds ${value} at flat index ${i}, outside the int32 range [-2147483648, 2147483647]`,
      );
    }
    out[i] = lo;
  }
  return out;
}

/** A fresh, aligned copy of `raw` in host byte order (elements of `size` bytes). */
function hostOrder(raw: Uint8Array, size: number): Uint8Array {
  // NOTE: `new Uint8Array(raw)`, not `raw.slice()`: on a Node Buffer, slice() is a view into a shared pool.
  const copy = new Uint8Array(raw);
  return LITTLE_ENDIAN_HOST ? copy : swapBytes(copy, size);
}

/** The bytes of `a` in little-endian order (a view on little-endian hosts, a swapped copy otherwise). */
function littleEndian(a: Float32Array | Int32Array | Uint16Array, size: number): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return LITTLE_ENDIAN_HOST ? bytes : swapBytes(new Uint8Array(bytes), size);
}

/** Reverses the bytes of each `size`-byte element in place. */
function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  return bytes;
}

// Torch storages → host arrays: dtype conversion (f16/bf16/f64 → float32, int64/bool/u8 → int32)
// and strided views materialised row-major. Pure.
import { sizeOf, stridesOf, tensor, type Backend, type DType, type Tensor, type TypedArray } from '@crossmodal/tensor';
import { decodeBf16, decodeF16 } from './half.ts';
import { TorchCheckpointError } from './torch-zip.ts';

/** The element types a torch storage can hold (those this reader converts). */
export type TorchDType = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** A tensor on the host: row-major, contiguous data of an engine dtype. */
export interface HostTensor {
  /** Engine dtype of `data`: floats are float32, integers and bools int32. */
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** `sizeOf(shape)` values, row-major. */
  readonly data: TypedArray;
}

/** A tensor read from a torch checkpoint. */
export interface TorchTensor extends HostTensor {
  /** The dtype the checkpoint stored, before conversion (e.g. `'bfloat16'`). */
  readonly sourceDtype: TorchDType;
  /** The tensor's `requires_grad` flag. */
  readonly requiresGrad: boolean;
  /** True when it was saved as an `nn.Parameter`. */
  readonly isParameter: boolean;
}

/** Bytes per element of each storage type, by the name of torch's legacy storage class. */
export const TORCH_STORAGE_TYPES: Readonly<Record<string, { dtype: TorchDType; bytes: number }>> = {
  FloatStorage: { dtype: 'float32', bytes: 4 },
  HalfStorage: { dtype: 'float16', bytes: 2 },
  BFloat16Storage: { dtype: 'bfloat16', bytes: 2 },
  DoubleStorage: { dtype: 'float64', bytes: 8 },
  LongStorage: { dtype: 'int64', bytes: 8 },
  IntStorage: { dtype: 'int32', bytes: 4 },
  ShortStorage: { dtype: 'int16', bytes: 2 },
  CharStorage: { dtype: 'int8', bytes: 1 },
  ByteStorage: { dtype: 'uint8', bytes: 1 },
  BoolStorage: { dtype: 'bool', bytes: 1 },
};

/** A storage's raw bytes and element type, as the archive holds them. */
export interface RawStorage {
  /** `data/<key>` inside the archive, for error messages. */
  readonly entry: string;
  readonly dtype: TorchDType;
  readonly elementBytes: number;
  /** Elements in the storage. */
  readonly numel: number;
  readonly bytes: Uint8Array;
  /** Byte order of the file (torch writes the saving machine's; `byteorder` records it). */
  readonly littleEndian: boolean;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The view `(offset, shape, strides)` of `storage` as a contiguous host array. `name` (the key the
 * tensor was found under) goes into errors: a view reaching past the storage, an int64 value
 * outside int32.
 */
export function materialise(
  name: string, storage: RawStorage, offset: number, shape: readonly number[], strides: readonly number[],
): { dtype: DType; data: TypedArray } {
  const numel = sizeOf(shape);
  const dtype: DType = isFloat(storage.dtype) ? 'float32' : 'int32';
  if (numel === 0) return { dtype, data: dtype === 'float32' ? new Float32Array(0) : new Int32Array(0) };
  // The covering range [offset, last]: strides are non-negative in torch, so the last element is the far corner.
  const last = offset + shape.reduce((acc, n, i) => acc + (n - 1) * strides[i]!, 0);
  if (last >= storage.numel) {
    throw new TorchCheckpointError(
      `tensor '${name}': the view (offset ${offset}, shape [${shape.join(', ')}], strides [${strides.join(', ')}]) ` +
      `reaches element ${last} of storage '${storage.entry}', which holds ${storage.numel}`,
    );
  }
  const span = decodeRange(name, storage, offset, last + 1 - offset);
  const contiguous = stridesOf(shape);
  if (span.length === numel && shape.every((n, i) => n === 1 || strides[i] === contiguous[i])) return { dtype, data: span };
  return { dtype, data: gather(span, shape, strides) };
}

const isFloat = (d: TorchDType): boolean => d === 'float32' || d === 'float16' || d === 'bfloat16' || d === 'float64';

/** Elements [start, start+count) of the storage, converted to an engine array. */
function decodeRange(name: string, s: RawStorage, start: number, count: number): TypedArray {
  // NOTE: a fresh copy, never a view: the archive's bytes need not be aligned for typed arrays.
  const bytes = new Uint8Array(s.bytes.subarray(start * s.elementBytes, (start + count) * s.elementBytes));
  if (s.elementBytes > 1 && s.littleEndian !== LITTLE_ENDIAN_HOST) {
    for (let i = 0; i < bytes.length; i += s.elementBytes) bytes.subarray(i, i + s.elementBytes).reverse();
  }
  const buf = bytes.buffer;
  switch (s.dtype) {
    case 'float32': return new Float32Array(buf);
    case 'float16': return decodeF16(new Uint16Array(buf));
    case 'bfloat16': return decodeBf16(new Uint16Array(buf));
    case 'float64': return Float32Array.from(new Float64Array(buf)); // rounds to nearest; beyond range → ±inf
    case 'int32': return new Int32Array(buf);
    case 'int16': return Int32Array.from(new Int16Array(buf));
    case 'int8': return Int32Array.from(new Int8Array(buf));
    case 'uint8': return Int32Array.from(bytes);
    case 'bool': return Int32Array.from(bytes, (v) => (v ? 1 : 0));
    case 'int64': return int64ToInt32(name, new BigInt64Array(buf), start);
  }
}

/** int64 → int32, throwing on the first value that does not fit (ids and counters are small in practice). */
function int64ToInt32(name: string, wide: BigInt64Array, start: number): Int32Array {
  const out = new Int32Array(wide.length);
  for (let i = 0; i < wide.length; i++) {
    const v = wide[i]!;
    if (v < -2147483648n || v > 2147483647n) {
      throw new RangeError(`tensor '${name}' (int64) holds ${v} at storage element ${start + i}, outside the int32 range [-2147483648, 2147483647]`);
    }
    out[i] = Number(v);
  }
  return out;
}

/** Row-major copy of a strided view whose first element is `span[0]`. */
function gather(span: TypedArray, shape: readonly number[], strides: readonly number[]): TypedArray {
  const out = span instanceof Float32Array ? new Float32Array(sizeOf(shape)) : new Int32Array(sizeOf(shape));
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = span[src]!;
    // Odometer increment: bump the last axis, carry into earlier ones.
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) {
        src += strides[axis]!;
        break;
      }
      src -= (shape[axis]! - 1) * strides[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

/**
 * Uploads host tensors (e.g. {@link unwrapStateDict}'s result) as engine tensors, by name, ready for
 * `Module.loadStateDict`. Nothing leaks when one fails.
 * @example
 * model.loadStateDict(hostToTensors(unwrapStateDict(decodeTorchCheckpoint(bytes))));
 */
export function hostToTensors(
  host: ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>,
  options: { backend?: Backend } = {},
): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  try {
    for (const [name, t] of host instanceof Map ? host : Object.entries(host)) {
      out[name] = tensor(t.data, t.shape, { dtype: t.dtype, backend: options.backend });
    }
  } catch (e) {
    for (const t of Object.values(out)) t.dispose();
    throw e;
  }
  return out;
}

/** Reads engine tensors back to the host (e.g. a module's `stateDict()` for averaging). */
export async function tensorsToHost(tensors: Readonly<Record<string, Tensor>>): Promise<Map<string, HostTensor>> {
  const out = new Map<string, HostTensor>();
  for (const [name, t] of Object.entries(tensors)) out.set(name, { dtype: t.dtype, shape: [...t.shape], data: await t.data() });
  return out;
}

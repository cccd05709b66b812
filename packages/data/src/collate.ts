// The default collate: stacks each field of a list of examples along a new leading axis B.
import { sizeOf, tensor, type Backend, type Tensor } from '@crossmodal/tensor';
import type { Batch, Example, HostTensor } from './types.ts';

/** What a collate function learns about the examples it stacks. */
export interface CollateContext {
  /** The backend the batch's tensors go on; the engine default when absent. */
  readonly backend?: Backend;
  /** Each example's index in the dataset, for error messages (defaults to 0, 1, 2…). */
  readonly indices?: readonly number[];
  /**
   * Fields given as JS numbers that are float32 whatever their values (a loss weight, a score);
   * every other number field must hold int32 integers and becomes int32 (see {@link collate}).
   */
  readonly floatFields?: readonly string[];
}

/** Turns a list of examples into a batch of tensors. */
export type CollateFn = (examples: readonly Example[], context: CollateContext) => Batch;

/**
 * A batch still on the host: every field stacked along a leading axis B (its `shape` includes B).
 * What `collateHost` gives and a DataLoader's `batchTransform` rewrites before upload.
 */
export type HostBatch = { readonly [field: string]: HostTensor };

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const isInt32 = (v: number): boolean => Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
const fmtShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
const isHost = (v: unknown): v is HostTensor =>
  typeof v === 'object' && v !== null && 'data' in v && 'shape' in v;

/**
 * Stacks every field of `examples` along a new axis B: host arrays of shape S become [B, ...S] with
 * their own dtype; numbers become a [B] tensor, int32 (labels, indices, counts, flags) unless the
 * field is one of `floatFields`, which are float32. A non-integer number in an int32 field is an
 * error, never a silent switch to float32: a field's dtype must not depend on whether one batch's
 * values happen to be whole. (A float scalar can also be given as `{ data: Float32Array.of(v), shape: [] }`.)
 * The fields are those of the first example; every example must have them with the same kind,
 * dtype and shape, else the error names the field, the example index and both shapes.
 * @example
 * const batch = collate([{ x: { data: Float32Array.of(1, 2), shape: [2] }, label: 3 }], {});
 * batch.x.shape;       // [1, 2]
 * batch.label.dtype;   // 'int32'
 */
export function collate(examples: readonly Example[], context: CollateContext = {}): Batch {
  return uploadBatch(collateHost(examples, context), context.backend);
}

/**
 * `collate` without the upload: the same stacking and errors, giving host arrays [B, ...S] (so a
 * batch transform such as `Mixup` can rewrite them before they become tensors).
 * @example
 * const host = collateHost([{ label: 3 }, { label: 5 }], {});
 * host.label;   // { data: Int32Array [3, 5], shape: [2] }
 */
export function collateHost(examples: readonly Example[], context: CollateContext = {}): HostBatch {
  if (examples.length === 0) throw new RangeError('collate: got no examples, expected at least one');
  const indices = context.indices ?? examples.map((_, i) => i);
  const first = examples[0]!;
  const batch: Record<string, HostTensor> = {};
  const floats = new Set(context.floatFields ?? []);
  for (const field of Object.keys(first)) {
    batch[field] = isHost(first[field]) ? stackHost(field, examples, indices) : stackNumbers(field, examples, indices, floats.has(field));
  }
  return batch;
}

/**
 * Every field of a host batch as a tensor on `backend` (the engine default when absent): int32
 * for Int32Array data, float32 otherwise. If one upload fails, the tensors already made are freed.
 */
export function uploadBatch(host: HostBatch, backend?: Backend): Batch {
  const batch: Record<string, Tensor> = {};
  try {
    for (const [field, { data, shape }] of Object.entries(host)) {
      batch[field] = tensor(data, shape, { dtype: data instanceof Int32Array ? 'int32' : 'float32', ...(backend ? { backend } : {}) });
    }
  } catch (err) {
    for (const t of Object.values(batch)) t.dispose();
    throw err;
  }
  return batch;
}

function valueOf(field: string, examples: readonly Example[], indices: readonly number[], i: number): number | HostTensor {
  const v = examples[i]![field];
  if (v === undefined) {
    throw new Error(`collate: example ${indices[i]} has no field '${field}', which example ${indices[0]} (the batch's first) has`);
  }
  return v;
}

function stackNumbers(field: string, examples: readonly Example[], indices: readonly number[], float: boolean): HostTensor {
  const values = examples.map((_, i) => {
    const v = valueOf(field, examples, indices, i);
    if (typeof v !== 'number') {
      throw new TypeError(`collate: field '${field}' of example ${indices[i]} is an array of shape ${fmtShape(v.shape)}, but example ${indices[0]} (the batch's first) has a number`);
    }
    if (!float && !isInt32(v)) {
      throw new TypeError(
        `collate: field '${field}' of example ${indices[i]} is ${v}, expected an int32 integer (a number field is int32: labels, indices, counts); ` +
          `for a float field list '${field}' in floatFields or give it as { data: Float32Array.of(v), shape: [] }`,
      );
    }
    return v;
  });
  return { data: float ? Float32Array.from(values) : Int32Array.from(values), shape: [values.length] };
}

function stackHost(field: string, examples: readonly Example[], indices: readonly number[]): HostTensor {
  const head = examples[0]![field] as HostTensor;
  // The types allow only these two, but a dataset written in JS (or cast) can give a Uint8Array.
  const data: object = head.data;
  if (!(data instanceof Float32Array || data instanceof Int32Array)) {
    throw new TypeError(
      `collate: field '${field}' of example ${indices[0]} is a ${data.constructor.name}, expected a Float32Array (values) or an Int32Array ` +
        '(indices, labels, masks); convert it in the dataset, e.g. Float32Array.from(bytes)',
    );
  }
  const per = sizeOf(head.shape);
  if (head.data.length !== per) {
    throw new RangeError(`collate: field '${field}' of example ${indices[0]} has ${head.data.length} values for shape ${fmtShape(head.shape)} (${per} expected)`);
  }
  const out = head.data instanceof Int32Array ? new Int32Array(per * examples.length) : new Float32Array(per * examples.length);
  examples.forEach((_, i) => {
    const v = valueOf(field, examples, indices, i);
    if (!isHost(v)) {
      throw new TypeError(`collate: field '${field}' of example ${indices[i]} is a number, but example ${indices[0]} (the batch's first) has an array of shape ${fmtShape(head.shape)}`);
    }
    if (v.shape.length !== head.shape.length || v.shape.some((d, k) => d !== head.shape[k]) || v.data.length !== per) {
      throw new RangeError(
        `collate: field '${field}' of example ${indices[i]} has shape ${fmtShape(v.shape)} (${v.data.length} values), ` +
          `but example ${indices[0]} (the batch's first) has ${fmtShape(head.shape)}; pad or resize in the dataset or pass a custom collate`,
      );
    }
    if (v.data.constructor !== out.constructor) {
      throw new TypeError(`collate: field '${field}' of example ${indices[i]} is a ${v.data.constructor.name}, but example ${indices[0]} (the batch's first) is a ${head.data.constructor.name}`);
    }
    out.set(v.data, i * per);
  });
  return { data: out, shape: [examples.length, ...head.shape] };
}

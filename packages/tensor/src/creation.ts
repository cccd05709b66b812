// Creating tensors: from host data, filled, ranges and seeded random values.
import type { Backend } from './backend.ts';
import { dtypeOfArray, type DType, type TypedArray } from './dtype.ts';
import { fmt, sizeOf, assertValidShape, ShapeError, type Shape } from './shape.ts';
import type { Generator } from './random.ts';
import type { NestedArray, Tensor } from './tensor.ts';
import { getBackend, getGenerator, wrapStorage } from './engine.ts';

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type; float32 unless the data says otherwise (an Int32Array). */
  dtype?: DType;
  /** Where the tensor lives; the default backend unless given. */
  backend?: Backend;
  /** Marks the new tensor as a leaf that gradients flow to. */
  requiresGrad?: boolean;
}

/** Options of the random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** The generator to draw from; the process-wide seeded one unless given. */
  generator?: Generator;
}

/**
 * A tensor from host data: nested arrays (shape inferred), or flat data plus a shape.
 * @example
 * const x = tensor([[1, 2], [3, 4]]);            // [2, 2] float32
 * const labels = tensor([0, 2, 1], undefined, { dtype: 'int32' });
 */
export function tensor(data: NestedArray | TypedArray | readonly number[], shape?: readonly number[], options: CreateOptions = {}): Tensor {
  const isTyped = data instanceof Float32Array || data instanceof Int32Array;
  const dtype = options.dtype ?? (isTyped ? dtypeOfArray(data) : 'float32');
  const flat = isTyped ? data : flatten(data);
  const inferred = isTyped ? [flat.length] : inferShape(data);
  const finalShape = shape ?? inferred;
  assertValidShape('tensor', finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values cannot take shape ${fmt(finalShape)} (${sizeOf(finalShape)} elements)`);
  }
  const host = dtype === 'float32' ? Float32Array.from(flat) : Int32Array.from(flat, (v) => checkInt(v));
  return finish(wrapStorage(backendOf(options), backendOf(options).upload(host), finalShape, dtype), options);
}

/** A scalar (shape `[]`). */
export const scalar = (value: number, options: CreateOptions = {}): Tensor => tensor([value], [], options);

/** A tensor of `shape` with every element `value`. */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  assertValidShape('full', shape);
  const dtype = options.dtype ?? 'float32';
  if (dtype === 'int32') checkInt(value);
  const backend = backendOf(options);
  return finish(wrapStorage(backend, backend.fill(dtype, sizeOf(shape), value), shape, dtype), options);
}

/** Zeros of `shape`. */
export const zeros = (shape: Shape, options: CreateOptions = {}): Tensor => full(shape, 0, options);
/** Ones of `shape`. */
export const ones = (shape: Shape, options: CreateOptions = {}): Tensor => full(shape, 1, options);
/** Zeros with the shape, dtype and backend of `t`. */
export const zerosLike = (t: Tensor): Tensor => full(t.shape, 0, { dtype: t.dtype, backend: t.backend });
/** Ones with the shape, dtype and backend of `t`. */
export const onesLike = (t: Tensor): Tensor => full(t.shape, 1, { dtype: t.dtype, backend: t.backend });

/** `start, start+step, …` below `end` (int32 when every argument is an integer). */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0) throw new RangeError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = [start, end, step].every(Number.isInteger);
  const values = Array.from({ length: n }, (_, i) => start + i * step);
  return tensor(values, [n], { dtype: ints ? 'int32' : 'float32', ...options });
}

/**
 * Uniform float32 values in [low, high) from the seeded generator. Each draw takes 24 bits, as
 * PyTorch does for float32, so u < 1 exactly; a value that still rounds up to `high` in float32
 * (possible for ranges other than [0, 1)) is drawn again. When no float32 value lies in the range
 * (low = high included), every value is float32(low).
 */
export function rand(shape: Shape, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const g = options.generator ?? getGenerator();
  const { low = 0, high = 1 } = options;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new RangeError(`rand: expected finite low <= high, got low ${low} and high ${high}`);
  }
  const lowest = Math.fround(low);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    let v = lowest;
    // A few redraws at most in practice; the cap only bounds ranges narrower than a float32 step.
    for (let tries = 0; tries < 64 && lowest < high; tries++) {
      const u = (g.nextU32() >>> 8) * 2 ** -24;
      const w = Math.fround(low + (high - low) * u);
      if (w < high) {
        v = w;
        break;
      }
    }
    data[i] = v;
  }
  return tensor(data, shape, { ...options, dtype: 'float32' });
}

/** Normal values with `mean` and `std` from the seeded generator. */
export function randn(shape: Shape, options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const g = options.generator ?? getGenerator();
  const { mean = 0, std = 1 } = options;
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * g.normal();
  return tensor(data, shape, { ...options, dtype: 'float32' });
}

/** Uniform integers in [low, high) from the seeded generator (int32). */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  if (!(high > low)) throw new RangeError(`randint: high (${high}) must be greater than low (${low})`);
  const g = options.generator ?? getGenerator();
  const data = new Int32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = low + Math.floor(g.uniform() * (high - low));
  return tensor(data, shape, { ...options, dtype: 'int32' });
}

/** A copy of `t` on another backend (needs a synchronous read on the source: the host backends). */
export function toBackend(t: Tensor, backend: Backend): Tensor {
  if (t.backend === backend) return t.clone();
  return wrapStorage(backend, backend.upload(t.dataSync()), t.shape, t.dtype);
}

/** Async copy of `t` to another backend; works from any backend. */
export async function toBackendAsync(t: Tensor, backend: Backend): Promise<Tensor> {
  return wrapStorage(backend, backend.upload(await t.data()), t.shape, t.dtype);
}

const backendOf = (o: CreateOptions): Backend => o.backend ?? getBackend();

function finish(t: Tensor, options: CreateOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

function checkInt(v: number): number {
  if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new RangeError(`tensor: ${v} is not an int32 value`);
  return v;
}

function inferShape(data: NestedArray | readonly number[]): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function flatten(data: NestedArray | readonly number[]): number[] {
  const out: number[] = [];
  const shape = inferShape(data);
  const walk = (x: unknown, depth: number): void => {
    if (Array.isArray(x)) {
      if (x.length !== shape[depth]) throw new ShapeError(`tensor: ragged nested array (axis ${depth} has lengths ${shape[depth]} and ${x.length})`);
      for (const v of x) walk(v, depth + 1);
    } else {
      if (depth !== shape.length) throw new ShapeError(`tensor: ragged nested array (a number at depth ${depth}, expected ${shape.length})`);
      if (typeof x !== 'number') throw new TypeError(`tensor: expected numbers, got ${typeof x}`);
      out.push(x);
    }
  };
  walk(data, 0);
  return out;
}

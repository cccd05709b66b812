// The Backend contract: storage on a device plus a table of kernels, each bound to its op's types.
import type { DType, TypedArray } from './dtype.ts';
import type { AnyOpDef, InputSpec, MapInputs, OpDef } from './op.ts';
import type { Shape } from './shape.ts';

/** What a kernel sees of each input: the backend's storage handle plus its metadata. */
export interface KernelInput<S> {
  /** The backend's handle to the data (contiguous, row-major). */
  readonly storage: S;
  /** The logical shape. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
}

/** What a kernel is told about each output it must produce. */
export interface OutMeta {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
}

/**
 * A device that holds tensor data and runs kernels. Implementations: the reference CPU backend in
 * this package (the oracle), and the backend plugins (WebGPU, native CPU).
 */
export interface Backend<S extends object = object> {
  /** Short id: `cpu`, `webgpu`, `native`. Kernels name the backend they belong to by this id. */
  readonly id: string;
  /** Kernels by op name. Build it with `kernelTable` so duplicates and foreign kernels throw. */
  readonly kernels: ReadonlyMap<string, AnyKernel>;
  /** Copies host data into a new storage. */
  upload(data: TypedArray): S;
  /** A new storage of `size` elements all equal to `value`. */
  fill(dtype: DType, size: number, value: number): S;
  /** Reads a storage back to the host (a copy). */
  read(storage: S, dtype: DType, size: number): Promise<TypedArray>;
  /** Synchronous read, only where the data already lives on the host. */
  readSync?(storage: S, dtype: DType, size: number): TypedArray;
  /** Frees a storage; the engine calls it exactly once, when the last reference goes. */
  release(storage: S): void;
  /** Resolves when all submitted work has finished (a no-op for synchronous backends). */
  sync?(): Promise<void>;
  /** Resolves, with the reason, if the device behind this backend is lost (GPU backends). */
  readonly lost?: Promise<string>;
}

/** A kernel's function: inputs and attrs typed by the op it implements. */
export type KernelFn<In extends InputSpec, A extends object, O extends string, B extends Backend> = (
  backend: B,
  inputs: MapInputs<In, KernelInput<StorageOf<B>>>,
  attrs: A,
  outs: { readonly [K in O]?: OutMeta },
) => [O] extends ['out'] ? StorageOf<B> : { [K in O]?: StorageOf<B> };

/** The storage handle type of a backend. */
export type StorageOf<B> = B extends Backend<infer S> ? S : never;

/** A kernel: the implementation of one op on one backend. */
export interface Kernel<In extends InputSpec, A extends object, O extends string, B extends Backend> {
  readonly op: OpDef<In, A, O>;
  readonly backendId: string;
  readonly run: KernelFn<In, A, O, B>;
}

/** The type-erased kernel the engine calls (method syntax keeps typed kernels assignable). */
export interface AnyKernel {
  readonly op: AnyOpDef;
  readonly backendId: string;
  run(backend: never, inputs: never, attrs: never, outs: never): unknown;
}

/**
 * Binds a kernel function to an op on a backend. The op's input names, attrs and outputs type the
 * function, so a kernel that does not match its op does not compile.
 */
export function defineKernel<In extends InputSpec, A extends object, O extends string, B extends Backend>(
  op: OpDef<In, A, O>,
  backendId: string,
  run: KernelFn<In, A, O, B>,
): Kernel<In, A, O, B> {
  return Object.freeze({ op, backendId, run });
}

/** Indexes kernels by op name; throws on a duplicate op or a kernel written for another backend. */
export function kernelTable(backendId: string, kernels: readonly AnyKernel[]): ReadonlyMap<string, AnyKernel> {
  const table = new Map<string, AnyKernel>();
  for (const k of kernels) {
    if (k.backendId !== backendId) {
      throw new Error(`kernelTable(${backendId}): kernel for ${k.op.name} belongs to backend '${k.backendId}'`);
    }
    if (table.has(k.op.name)) throw new Error(`kernelTable(${backendId}): two kernels for op ${k.op.name}`);
    table.set(k.op.name, k);
  }
  return table;
}

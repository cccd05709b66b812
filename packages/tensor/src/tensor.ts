// Tensor: a handle to reference-counted device storage plus shape, dtype and autograd state.
// Methods are thin sugar over the op functions in ./ops; each op is still declared once there.
import type { Backend } from './backend.ts';
import type { DType, TypedArray } from './dtype.ts';
import type { GradNode } from './autograd.ts';
import { fmt, sizeOf, shapesEqual, type Shape } from './shape.ts';
import { releaseRef, retainRef, stats, type StorageRef } from './storage.ts';
import * as ops from './ops/index.ts';
import { backward, nodeUnref } from './autograd.ts';
import { trackTensor, untrackTensor } from './engine.ts';
import { toBackend } from './creation.ts';

let nextId = 1;

/** Internal construction record; user code makes tensors with `tensor()`, `zeros()` and ops. */
export interface TensorInit {
  readonly ref: StorageRef;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Saved-for-backward handles are counted apart and never join a tidy scope. */
  readonly saved?: boolean;
}

/** Nested arrays of numbers, as `toArray()` returns them. */
export type NestedArray = number | NestedArray[];

/** An n-dimensional array of float32 or int32 on one backend, with optional gradient tracking. */
export class Tensor {
  /** A process-unique id, handy in error messages and debugging. */
  readonly id = nextId++;
  /** The shape; a scalar has shape `[]`. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** The gradient accumulated by `backward()` (leaf tensors only). */
  grad: Tensor | null = null;
  /** @internal the storage reference; null once disposed. */
  _ref: StorageRef | null;
  /** @internal the autograd node that produced this tensor (non-leaf tensors). */
  _node: GradNode | null = null;
  /** @internal for a saved handle of a leaf: the leaf its gradient accumulates into. */
  _gradTarget: Tensor | null = null;
  /** @internal true for handles held by the autograd graph. */
  readonly _saved: boolean;
  private _requiresGrad = false;

  /** A new handle to the same storage as `source` (a view), or an internal construction record. */
  constructor(source: Tensor | TensorInit) {
    if (source instanceof Tensor) {
      this._ref = retainRef(source.liveRef('Tensor'));
      this.shape = source.shape;
      this.dtype = source.dtype;
      this._saved = false;
    } else {
      this._ref = source.ref;
      this.shape = Object.freeze([...source.shape]);
      this.dtype = source.dtype;
      this._saved = source.saved ?? false;
    }
    if (this._saved) stats.savedTensors++;
    else {
      stats.tensors++;
      trackTensor(this);
    }
  }

  /** The backend that holds the data. */
  get backend(): Backend {
    return this.liveRef('backend').backend;
  }
  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }
  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }
  /** True once `dispose()` ran. */
  get isDisposed(): boolean {
    return this._ref === null;
  }
  /** Whether gradients flow to this tensor. Set it on leaves (parameters, inputs to check). */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    if (v && this.dtype !== 'float32') throw new TypeError(`requiresGrad: only float32 tensors can require grad, got ${this.dtype}`);
    if (!v && this._node) throw new Error('requiresGrad: cannot turn off on a non-leaf tensor; use detach()');
    this._requiresGrad = v;
  }
  /** True for tensors that require grad and were not produced by a recorded op. */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** @internal the storage reference, or a clear error if this tensor was disposed. */
  liveRef(what: string): StorageRef {
    if (!this._ref) throw new Error(`${what}: tensor #${this.id} ${fmt(this.shape)} ${this.dtype} was disposed`);
    return this._ref;
  }

  /** Copies the data to the host. */
  async data(): Promise<TypedArray> {
    const ref = this.liveRef('data');
    return ref.backend.read(ref.handle, this.dtype, this.size);
  }
  /** Synchronous copy to the host; only on backends whose data lives on the host (the CPU oracle). */
  dataSync(): TypedArray {
    const ref = this.liveRef('dataSync');
    if (!ref.backend.readSync) throw new Error(`dataSync: backend '${ref.backend.id}' is asynchronous; use await tensor.data()`);
    return ref.backend.readSync(ref.handle, this.dtype, this.size);
  }
  /** The single value of a one-element tensor (synchronous backends). */
  item(): number {
    if (this.size !== 1) throw new ShapeMismatch(`item: tensor has shape ${fmt(this.shape)}, expected exactly one element`);
    return this.dataSync()[0]!;
  }
  /** The data as nested arrays (synchronous backends). */
  toArray(): NestedArray {
    return nest(this.dataSync(), this.shape, 0, 0);
  }

  /** Frees this handle; the storage goes when its last handle (views, saved copies) goes. Idempotent. */
  dispose(): void {
    if (!this._ref) return;
    releaseRef(this._ref);
    this._ref = null;
    if (this._saved) stats.savedTensors--;
    else {
      stats.tensors--;
      untrackTensor(this);
    }
    const node = this._node;
    this._node = null;
    if (node) nodeUnref(node);
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  /** Replaces the data of this leaf in place (same shape, dtype, backend); saved copies keep the old data. */
  assign(value: Tensor): this {
    if (this._node) throw new Error(`assign: tensor #${this.id} is not a leaf; only leaves (parameters) can be assigned`);
    if (!shapesEqual(value.shape, this.shape) || value.dtype !== this.dtype) {
      throw new ShapeMismatch(`assign: value ${fmt(value.shape)} ${value.dtype} does not match ${fmt(this.shape)} ${this.dtype}`);
    }
    const next = value.liveRef('assign');
    const own = this.liveRef('assign');
    if (next.backend !== own.backend) throw new Error(`assign: value is on '${next.backend.id}', target on '${own.backend.id}'`);
    retainRef(next);
    releaseRef(own);
    this._ref = next;
    return this;
  }

  /** Runs reverse-mode autograd from this scalar (or with an explicit output gradient). */
  backward(grad?: Tensor, options: { retainGraph?: boolean } = {}): void {
    backward(this, grad, options);
  }
  /** A new leaf handle to the same data with no gradient history. */
  detach(): Tensor {
    return new Tensor(this);
  }
  /** A copy of the data in a new storage (differentiable). */
  clone(): Tensor {
    return ops.clone(this);
  }
  /** Sets `requiresGrad` and returns this, for chaining. */
  requireGrad(v = true): this {
    this.requiresGrad = v;
    return this;
  }

  // --- arithmetic (broadcasting) -----------------------------------------------------------
  add(b: Tensor | number): Tensor { return ops.add(this, b); }
  sub(b: Tensor | number): Tensor { return ops.sub(this, b); }
  mul(b: Tensor | number): Tensor { return ops.mul(this, b); }
  div(b: Tensor | number): Tensor { return ops.div(this, b); }
  pow(b: Tensor | number): Tensor { return ops.pow(this, b); }
  maximum(b: Tensor | number): Tensor { return ops.maximum(this, b); }
  minimum(b: Tensor | number): Tensor { return ops.minimum(this, b); }
  neg(): Tensor { return ops.neg(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  rsqrt(): Tensor { return ops.rsqrt(this); }
  abs(): Tensor { return ops.abs(this); }
  tanh(): Tensor { return ops.tanh(this); }
  erf(): Tensor { return ops.erf(this); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  relu(): Tensor { return ops.relu(this); }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor { return ops.gelu(this, approximate); }
  // --- comparisons (int32 0/1 results, no gradient) ----------------------------------------
  eq(b: Tensor | number): Tensor { return ops.equal(this, b); }
  gt(b: Tensor | number): Tensor { return ops.greater(this, b); }
  lt(b: Tensor | number): Tensor { return ops.less(this, b); }
  cast(dtype: DType): Tensor { return ops.cast(this, dtype); }
  // --- linear algebra ------------------------------------------------------------------------
  matmul(b: Tensor): Tensor { return ops.matmul(this, b); }
  /** The last two axes swapped. */
  get mT(): Tensor { return ops.transpose(this, -2, -1); }
  // --- reductions ----------------------------------------------------------------------------
  sum(axes?: number | readonly number[], keepDim = false): Tensor { return ops.sum(this, axes, keepDim); }
  mean(axes?: number | readonly number[], keepDim = false): Tensor { return ops.mean(this, axes, keepDim); }
  max(axes?: number | readonly number[], keepDim = false): Tensor { return ops.max(this, axes, keepDim); }
  min(axes?: number | readonly number[], keepDim = false): Tensor { return ops.min(this, axes, keepDim); }
  argmax(axis = -1, keepDim = false): Tensor { return ops.argmax(this, axis, keepDim); }
  argmin(axis = -1, keepDim = false): Tensor { return ops.argmin(this, axis, keepDim); }
  softmax(axis = -1): Tensor { return ops.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return ops.logSoftmax(this, axis); }
  // --- shape ---------------------------------------------------------------------------------
  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  flatten(startAxis = 0, endAxis = -1): Tensor { return ops.flatten(this, startAxis, endAxis); }
  unsqueeze(axis: number): Tensor { return ops.unsqueeze(this, axis); }
  squeeze(axis?: number): Tensor { return ops.squeeze(this, axis); }
  permute(axes: readonly number[]): Tensor { return ops.permute(this, axes); }
  transpose(a: number, b: number): Tensor { return ops.transpose(this, a, b); }
  expand(shape: readonly number[]): Tensor { return ops.expand(this, shape); }
  /** `begin`/`end` per axis (end exclusive, negatives count from the end; omitted axes are whole). */
  slice(begin: readonly number[], end?: readonly number[]): Tensor { return ops.slice(this, begin, end); }
  /** Index-select along `axis` with int32 `indices`. */
  take(indices: Tensor | readonly number[], axis = 0): Tensor { return ops.gather(this, indices, axis); }
  maskedFill(mask: Tensor, value: number): Tensor { return ops.maskedFill(this, mask, value); }
  /** A copy on another backend (synchronous only from a host backend). */
  to(backend: Backend): Tensor { return toBackend(this, backend); }

  /** `Tensor #7 [2, 3] float32 (cpu)` */
  toString(): string {
    return `Tensor #${this.id} ${fmt(this.shape)} ${this.dtype}${this._ref ? ` (${this._ref.backend.id})` : ' (disposed)'}`;
  }
}

/** Thrown for shape mismatches that are not op inference (assign, item). */
class ShapeMismatch extends Error {
  override readonly name = 'ShapeError';
}

function nest(data: TypedArray, shape: Shape, axis: number, offset: number): NestedArray {
  if (axis === shape.length) return data[offset]!;
  const stride = sizeOf(shape.slice(axis + 1));
  const out: NestedArray[] = [];
  for (let i = 0; i < shape[axis]!; i++) out.push(nest(data, shape, axis + 1, offset + i * stride));
  return out;
}

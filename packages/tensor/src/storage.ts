// Reference-counted storage: tensors, views (reshape) and tensors saved for backward share one
// device allocation; it is released exactly once, when the last reference goes.
import type { Backend } from './backend.ts';

/** A counted reference to one backend allocation. */
export interface StorageRef {
  readonly backend: Backend;
  readonly handle: object;
  readonly bytes: number;
  refs: number;
}

/** Live allocation counters, per backend id. */
export interface MemoryStats {
  /** Live tensor handles (user-visible, not counting those saved for backward). */
  tensors: number;
  /** Live tensor handles held by the autograd graph (saved for backward). */
  savedTensors: number;
  /** Live device allocations. */
  storages: number;
  /** Bytes in live device allocations. */
  bytes: number;
  /** The same per backend id. */
  byBackend: Record<string, { storages: number; bytes: number }>;
}

export const stats: MemoryStats = { tensors: 0, savedTensors: 0, storages: 0, bytes: 0, byBackend: {} };

/** Wraps a fresh backend allocation with one reference. */
export function newRef(backend: Backend, handle: object, bytes: number): StorageRef {
  stats.storages++;
  stats.bytes += bytes;
  const b = (stats.byBackend[backend.id] ??= { storages: 0, bytes: 0 });
  b.storages++;
  b.bytes += bytes;
  return { backend, handle, bytes, refs: 1 };
}

/** Takes one more reference. */
export function retainRef(ref: StorageRef): StorageRef {
  if (ref.refs <= 0) throw new Error('internal: retain of a released storage');
  ref.refs++;
  return ref;
}

/** Drops one reference, releasing the allocation when it was the last. */
export function releaseRef(ref: StorageRef): void {
  if (ref.refs <= 0) throw new Error('internal: double release of a storage');
  if (--ref.refs > 0) return;
  stats.storages--;
  stats.bytes -= ref.bytes;
  const b = stats.byBackend[ref.backend.id]!;
  b.storages--;
  b.bytes -= ref.bytes;
  ref.backend.release(ref.handle);
}

// The CPU oracle's storage type and id, apart from the backend so kernels can import them
// without a module cycle.
import type { Backend } from '../backend.ts';
import type { TypedArray } from '../dtype.ts';

/** A CPU storage: the typed array itself. */
export class CpuStorage {
  constructor(readonly data: TypedArray) {}
}

/** The CPU oracle's backend type (kernels are typed against it). */
export type CpuBackend = Backend<CpuStorage>;

/** The id of the reference CPU backend. */
export const CPU = 'cpu';

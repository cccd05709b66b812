// Element types: float32 for values, int32 for indices, labels and masks.

/** The element types a tensor can hold. */
export type DType = 'float32' | 'int32';

/** The typed array that backs a dtype on the host. */
export type TypedArray = Float32Array | Int32Array;

/** The typed array type for a given dtype. */
export type ArrayOf<D extends DType> = D extends 'float32' ? Float32Array : Int32Array;

/** Bytes per element; both dtypes are 4 bytes wide. */
export const BYTES_PER_ELEMENT = 4;

/** A new zero-filled host array of `size` elements for `dtype`. */
export function allocArray(dtype: DType, size: number): TypedArray {
  return dtype === 'float32' ? new Float32Array(size) : new Int32Array(size);
}

/** The dtype of a host typed array. */
export function dtypeOfArray(a: TypedArray): DType {
  return a instanceof Float32Array ? 'float32' : 'int32';
}

/** Throws unless `dtype` is one of `allowed`; `what` names the caller in the message. */
export function assertDtype(what: string, dtype: DType, allowed: readonly DType[]): void {
  if (!allowed.includes(dtype)) {
    throw new TypeError(`${what}: got dtype ${dtype}, expected ${allowed.join(' or ')}`);
  }
}

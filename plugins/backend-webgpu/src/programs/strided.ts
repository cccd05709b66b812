// Strided walks for the layout, reduction and matmul programs: merging axes that are contiguous in
// every operand, so a walk divides by as few axis sizes as possible, and padding to MAX_RANK words.
import { MAX_RANK } from './broadcast.ts';

/** A walk over `shape` with one stride per operand per axis (in elements). */
export interface StridedWalk {
  readonly shape: number[];
  /** strides[o][a]: the stride of operand o along axis a. */
  readonly strides: number[][];
}

/**
 * Drops size-1 axes and merges axis a into a+1 wherever every operand steps over a exactly as far
 * as one full run of a+1 (stride[a] = stride[a+1]·shape[a+1]): the same elements in the same order.
 */
export function collapseAxes(shape: readonly number[], strides: readonly (readonly number[])[]): StridedWalk {
  const out: StridedWalk = { shape: [], strides: strides.map(() => []) };
  for (let a = 0; a < shape.length; a++) {
    const d = shape[a]!;
    if (d === 1) continue;
    const last = out.shape.length - 1;
    const mergeable = last >= 0 && strides.every((s, o) => out.strides[o]![last] === s[a]! * d);
    if (mergeable) {
      out.shape[last] = out.shape[last]! * d;
      strides.forEach((s, o) => (out.strides[o]![last] = s[a]!));
    } else {
      out.shape.push(d);
      strides.forEach((s, o) => out.strides[o]!.push(s[a]!));
    }
  }
  return out;
}

/** `values` padded with zeros to `len` words (throws when it is longer: the rank is too high). */
export function padWords(values: readonly number[], len = MAX_RANK): number[] {
  if (values.length > len) throw new RangeError(`webgpu: rank ${values.length} exceeds the programs' maximum ${len}`);
  return [...values, ...new Array<number>(len - values.length).fill(0)];
}

/** Row-major strides of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

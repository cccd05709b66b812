// Index helpers for CPU kernels: broadcast index maps and strided walks, kept obviously correct.
import { sizeOf, stridesOf, type Shape } from '../shape.ts';

/**
 * For each element of `outShape` (row-major), the flat index of the element of an input of
 * `inShape` that broadcasting reads there.
 */
export function broadcastIndex(outShape: Shape, inShape: Shape): Int32Array {
  const n = sizeOf(outShape);
  const idx = new Int32Array(n);
  const rank = outShape.length;
  const inStrides = stridesOf(inShape);
  // Stride per output axis: 0 where the input is broadcast (missing or size 1).
  const strides = outShape.map((_, i) => {
    const j = i - (rank - inShape.length);
    return j < 0 || inShape[j] === 1 ? 0 : inStrides[j]!;
  });
  const coord = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = offset;
    for (let a = rank - 1; a >= 0; a--) {
      coord[a]!++;
      offset += strides[a]!;
      if (coord[a]! < outShape[a]!) break;
      offset -= strides[a]! * outShape[a]!;
      coord[a] = 0;
    }
  }
  return idx;
}

/** Splits `shape` around `axes` (sorted): sizes of the kept part and the reduced part, with index maps. */
export function reductionPlan(shape: Shape, axes: readonly number[]): { outer: Int32Array; inner: Int32Array } {
  const strides = stridesOf(shape);
  const keptAxes = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const enumerate = (ax: number[]): Int32Array => {
    const dims = ax.map((a) => shape[a]!);
    const out = new Int32Array(sizeOf(dims));
    const coord = new Array<number>(ax.length).fill(0);
    for (let k = 0; k < out.length; k++) {
      let off = 0;
      for (let i = 0; i < ax.length; i++) off += coord[i]! * strides[ax[i]!]!;
      out[k] = off;
      for (let i = ax.length - 1; i >= 0; i--) {
        if (++coord[i]! < dims[i]!) break;
        coord[i] = 0;
      }
    }
    return out;
  };
  return { outer: enumerate(keptAxes), inner: enumerate([...axes]) };
}

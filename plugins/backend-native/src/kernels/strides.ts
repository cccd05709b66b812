// Shape helpers shared by the native kernels: what the C++ side needs to walk broadcast and
// strided inputs without index maps (strides with 0 on broadcast axes, batch offsets).
import { stridesOf, type Shape } from '@crossmodal/tensor';

/** Per output axis, the input's element stride there: 0 where the input is broadcast (missing or size 1). */
export function broadcastStrides(outShape: Shape, inShape: Shape): Int32Array {
  const inStrides = stridesOf(inShape);
  const lead = outShape.length - inShape.length;
  return Int32Array.from(outShape, (_, i) => {
    const j = i - lead;
    return j < 0 || inShape[j] === 1 ? 0 : inStrides[j]!;
  });
}

/** For every batch index of `batch` (row-major), the offset of the matrix an input with batch dims `inBatch` reads, times `matrixSize`. */
export function batchOffsets(batch: Shape, inBatch: Shape, matrixSize: number): Int32Array {
  const strides = broadcastStrides(batch, inBatch);
  const n = batch.reduce((a, b) => a * b, 1);
  const out = new Int32Array(n);
  const coord = new Array<number>(batch.length).fill(0);
  let off = 0;
  for (let t = 0; t < n; t++) {
    out[t] = off * matrixSize;
    for (let a = batch.length - 1; a >= 0; a--) {
      coord[a]!++;
      off += strides[a]!;
      if (coord[a]! < batch[a]!) break;
      off -= strides[a]! * batch[a]!;
      coord[a] = 0;
    }
  }
  return out;
}

/** Throws unless every size fits the addon's 32-bit offsets. */
export function assertIndexable(op: string, ...sizes: number[]): void {
  for (const s of sizes) if (s >= 2 ** 31) throw new RangeError(`native ${op}: ${s} elements exceed the native backend's 2^31 - 1 element limit`);
}

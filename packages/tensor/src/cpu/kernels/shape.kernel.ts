// CPU oracle kernels that cut, join and index: slice, pad, concat, gather, scatterAdd, oneHot.
import { defineKernel } from '../../backend.ts';
import { allocArray, type TypedArray } from '../../dtype.ts';
import { Concat } from '../../ops/concat.op.ts';
import { Gather, ScatterAdd } from '../../ops/gather.op.ts';
import { OneHot } from '../../ops/one-hot.op.ts';
import { Pad } from '../../ops/pad.op.ts';
import { Slice } from '../../ops/slice.op.ts';
import { fmt, sizeOf, stridesOf, type Shape } from '../../shape.ts';
import { CpuStorage, CPU, type CpuBackend } from '../cpu-storage.ts';

/**
 * Copies the box of shape `box` starting at `srcStart` in `src` (of `srcShape`) to the box starting
 * at `dstStart` in `dst` (of `dstShape`). Slice, pad and concat are all this one walk.
 */
function copyBox(src: TypedArray, srcShape: Shape, srcStart: Shape, dst: TypedArray, dstShape: Shape, dstStart: Shape, box: Shape): void {
  const n = sizeOf(box);
  if (n === 0) return;
  const rank = box.length;
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  let si = srcStart.reduce((acc, b, a) => acc + b * ss[a]!, 0);
  let di = dstStart.reduce((acc, b, a) => acc + b * ds[a]!, 0);
  const coord = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    dst[di] = src[si]!;
    // Odometer over the box: step the last axis, carry into earlier ones.
    for (let a = rank - 1; a >= 0; a--) {
      coord[a]!++;
      si += ss[a]!;
      di += ds[a]!;
      if (coord[a]! < box[a]!) break;
      si -= ss[a]! * box[a]!;
      di -= ds[a]! * box[a]!;
      coord[a] = 0;
    }
  }
}

/** Splits `shape` around `axis` into [outer count, axis size, inner count] for row-major walks. */
const around = (shape: Shape, axis: number): [number, number, number] => [
  sizeOf(shape.slice(0, axis)),
  shape[axis]!,
  sizeOf(shape.slice(axis + 1)),
];

/** Reads index `j` and throws the RangeError every indexing kernel shares when it is out of range. */
function indexAt(op: string, idx: TypedArray, j: number, size: number, axis: number, shape: Shape): number {
  const v = idx[j]!;
  if (v < 0 || v >= size) throw new RangeError(`${op}: index ${v} is out of range for axis ${axis} of size ${size} (shape ${fmt(shape)})`);
  return v;
}

/** The CPU kernels of the shape and indexing ops. */
export const shapeKernels = [
  defineKernel(Slice, CPU, (_: CpuBackend, { x }, { begin }, outs) => {
    const o = outs.out!;
    const out = allocArray(o.dtype, o.size);
    copyBox(x.storage.data, x.shape, begin, out, o.shape, o.shape.map(() => 0), o.shape);
    return new CpuStorage(out);
  }),
  defineKernel(Pad, CPU, (_: CpuBackend, { x }, { pads, value }, outs) => {
    const o = outs.out!;
    const out = allocArray(o.dtype, o.size).fill(value);
    copyBox(x.storage.data, x.shape, x.shape.map(() => 0), out, o.shape, pads.map(([b]) => b), x.shape);
    return new CpuStorage(out);
  }),
  defineKernel(Concat, CPU, (_: CpuBackend, { xs }, { axis }, outs) => {
    const o = outs.out!;
    const out = allocArray(o.dtype, o.size);
    let at = 0;
    for (const x of xs) {
      const start = o.shape.map((_d, i) => (i === axis ? at : 0));
      copyBox(x.storage.data, x.shape, x.shape.map(() => 0), out, o.shape, start, x.shape);
      at += x.shape[axis]!;
    }
    return new CpuStorage(out);
  }),
  defineKernel(Gather, CPU, (_: CpuBackend, { x, indices }, { axis }, outs) => {
    const o = outs.out!;
    const out = allocArray(o.dtype, o.size);
    const [outer, n, inner] = around(x.shape, axis);
    const m = indices.size;
    const src = x.storage.data;
    const idx = indices.storage.data;
    // out viewed as [outer, m, inner], x as [outer, n, inner].
    for (let j = 0; j < m; j++) {
      const r = indexAt('Gather', idx, j, n, axis, x.shape);
      for (let p = 0; p < outer; p++) {
        for (let i = 0; i < inner; i++) out[(p * m + j) * inner + i] = src[(p * n + r) * inner + i]!;
      }
    }
    return new CpuStorage(out);
  }),
  defineKernel(ScatterAdd, CPU, (_: CpuBackend, { base, indices, src }, { axis }, outs) => {
    const o = outs.out!;
    const [outer, n, inner] = around(base.shape, axis);
    const m = indices.size;
    const s = src.storage.data;
    const idx = indices.storage.data;
    // Accumulate in double so repeated indices round once, on the final store.
    const acc = Float64Array.from(base.storage.data);
    for (let j = 0; j < m; j++) {
      const r = indexAt('ScatterAdd', idx, j, n, axis, base.shape);
      for (let p = 0; p < outer; p++) {
        for (let i = 0; i < inner; i++) {
          const k = (p * n + r) * inner + i;
          acc[k] = acc[k]! + s[(p * m + j) * inner + i]!;
        }
      }
    }
    const out = allocArray(o.dtype, o.size);
    for (let k = 0; k < out.length; k++) out[k] = acc[k]!;
    return new CpuStorage(out);
  }),
  defineKernel(OneHot, CPU, (_: CpuBackend, { indices }, { depth }, outs) => {
    const out = allocArray('float32', outs.out!.size);
    const idx = indices.storage.data;
    // Out-of-range indices leave their row all zero (TensorFlow's one_hot semantics).
    for (let j = 0; j < idx.length; j++) {
      const v = idx[j]!;
      if (v >= 0 && v < depth) out[j * depth + v] = 1;
    }
    return new CpuStorage(out);
  }),
] as const;

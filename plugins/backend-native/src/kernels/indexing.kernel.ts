// Native kernels: indexing ops (Gather, ScatterAdd, OneHot) along one axis, with the tensor viewed
// as [outer, n, inner]. An out-of-range index throws the oracle's RangeError (the addon reports
// the first bad position before it writes anything).
import { defineKernel, fmt, Gather, OneHot, ScatterAdd, sizeOf, type AnyKernel, type Shape } from '@crossmodal/tensor';
import { NATIVE, type NativeBackend } from '../native-backend.ts';
import { releaseOnThrow } from './release-on-throw.ts';
import { assertIndexable } from './strides.ts';

/** Splits `shape` around `axis` into [outer count, axis size, inner count]. */
const around = (shape: Shape, axis: number): [number, number, number] => [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];

/** Throws the RangeError every indexing kernel shares, if the addon reported a bad index position. */
function checkIndex(op: string, bad: number, indices: Int32Array, size: number, axis: number, shape: Shape): void {
  if (bad >= 0) throw new RangeError(`${op}: index ${indices[bad]} is out of range for axis ${axis} of size ${size} (shape ${fmt(shape)})`);
}

export const indexingKernels: readonly AnyKernel[] = [
  defineKernel(Gather, NATIVE, (be: NativeBackend, { x, indices }, { axis }, outs) => {
    const o = outs.out!;
    assertIndexable('Gather', x.size, o.size);
    const [outer, n, inner] = around(x.shape, axis);
    const idx = indices.storage.data as Int32Array;
    const out = be.out(o);
    releaseOnThrow(be, [out], () => checkIndex('Gather', be.addon.gather(x.storage.data, idx, out.data, outer, n, inner), idx, n, axis, x.shape));
    return out;
  }),
  defineKernel(ScatterAdd, NATIVE, (be: NativeBackend, { base, indices, src }, { axis }, outs) => {
    const o = outs.out!;
    assertIndexable('ScatterAdd', base.size, src.size);
    const [outer, n, inner] = around(base.shape, axis);
    const idx = indices.storage.data as Int32Array;
    const out = be.out(o);
    releaseOnThrow(be, [out], () =>
      checkIndex('ScatterAdd', be.addon.scatterAdd(base.storage.data, idx, src.storage.data, out.data, outer, n, inner), idx, n, axis, base.shape));
    return out;
  }),
  defineKernel(OneHot, NATIVE, (be: NativeBackend, { indices }, { depth }, outs) => {
    const o = outs.out!;
    assertIndexable('OneHot', o.size);
    const out = be.out(o);
    releaseOnThrow(be, [out], () => be.addon.oneHot(indices.storage.data as Int32Array, out.data as Float32Array, depth));
    return out;
  }),
];

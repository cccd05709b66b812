// Native kernels: layout ops (Permute, Expand, Slice, Pad, Concat), each one or more strided box
// copies of 4-byte words (float32 and int32 alike); the C++ side merges axes and picks run copies,
// broadcast fills or tiled transposes.
import { Concat, defineKernel, Expand, Pad, Permute, Slice, stridesOf, type AnyKernel } from '@crossmodal/tensor';
import { NATIVE, type NativeBackend } from '../native-backend.ts';
import { releaseOnThrow } from './release-on-throw.ts';
import { assertIndexable, broadcastStrides } from './strides.ts';

const i32 = (v: readonly number[]): Int32Array => Int32Array.from(v);
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

export const layoutKernels: readonly AnyKernel[] = [
  // Walk the output in order; the input moves by its strides in the permuted order.
  defineKernel(Permute, NATIVE, (be: NativeBackend, { x }, { axes }, outs) => {
    const o = outs.out!;
    assertIndexable('Permute', o.size);
    const out = be.outUninitialized(o); // the copy writes every element
    const xs = stridesOf(x.shape);
    releaseOnThrow(be, [out], () =>
      be.addon.copyStrided(x.storage.data, out.data, i32(o.shape), i32(axes.map((a) => xs[a]!)), i32(stridesOf(o.shape)), 0, 0, 'Permute'));
    return out;
  }),
  defineKernel(Expand, NATIVE, (be: NativeBackend, { x }, _attrs, outs) => {
    const o = outs.out!;
    assertIndexable('Expand', o.size);
    const out = be.outUninitialized(o); // the copy writes every element
    releaseOnThrow(be, [out], () =>
      be.addon.copyStrided(x.storage.data, out.data, i32(o.shape), broadcastStrides(o.shape, x.shape), i32(stridesOf(o.shape)), 0, 0, 'Expand'));
    return out;
  }),
  defineKernel(Slice, NATIVE, (be: NativeBackend, { x }, { begin }, outs) => {
    const o = outs.out!;
    assertIndexable('Slice', x.size);
    const out = be.outUninitialized(o); // the copy writes every element
    const xs = stridesOf(x.shape);
    releaseOnThrow(be, [out], () => be.addon.copyStrided(x.storage.data, out.data, i32(o.shape), i32(xs), i32(stridesOf(o.shape)), dot(begin, xs), 0, 'Slice'));
    return out;
  }),
  // The output starts as +0 words; any other pad value (-0 included) is filled before the interior copy.
  defineKernel(Pad, NATIVE, (be: NativeBackend, { x }, { pads, value }, outs) => {
    const o = outs.out!;
    assertIndexable('Pad', o.size);
    const out = be.out(o);
    if (!Object.is(value, 0)) out.data.fill(value); // -0 too: the allocation holds +0
    const os = stridesOf(o.shape);
    releaseOnThrow(be, [out], () =>
      be.addon.copyStrided(x.storage.data, out.data, i32(x.shape), i32(stridesOf(x.shape)), i32(os), 0, dot(pads.map(([b]) => b), os), 'Pad'));
    return out;
  }),
  // Each input fills its window of the output along `axis`.
  defineKernel(Concat, NATIVE, (be: NativeBackend, { xs }, { axis }, outs) => {
    const o = outs.out!;
    assertIndexable('Concat', o.size);
    const out = be.outUninitialized(o); // the inputs tile the output along axis
    const os = i32(stridesOf(o.shape));
    releaseOnThrow(be, [out], () => {
      let at = 0;
      for (const x of xs) {
        be.addon.copyStrided(x.storage.data, out.data, i32(x.shape), i32(stridesOf(x.shape)), os, 0, at * os[axis]!, 'Concat');
        at += x.shape[axis]!;
      }
    });
    return out;
  }),
];

// Native kernels: reductions (Sum, Max, Min over any axes; ArgMax, ArgMin along one). The C++ side
// simplifies the axes itself (rows, columns, or kept/reduced offset lists), so these only pass shapes.
import { ArgMax, ArgMin, defineKernel, Max, Min, sizeOf, Sum, type AnyKernel, type ReduceAttrs } from '@crossmodal/tensor';
import { NATIVE, type NativeBackend, type NativeStorage } from '../native-backend.ts';
import { releaseOnThrow } from './release-on-throw.ts';
import { assertIndexable } from './strides.ts';

type Input = { readonly storage: NativeStorage; readonly shape: readonly number[]; readonly size: number };
type Out = { readonly size: number; readonly dtype: 'float32' | 'int32'; readonly shape: readonly number[] };

const reduceWith = (name: string, kind: 0 | 1 | 2) => (be: NativeBackend, x: Input, { axes }: ReduceAttrs, o: Out): NativeStorage => {
  assertIndexable(name, x.size);
  const out = be.out(o);
  releaseOnThrow(be, [out], () => be.addon.reduce(x.storage.data, out.data, Int32Array.from(x.shape), Int32Array.from(axes), kind));
  return out;
};

const argWith = (name: string, isMax: boolean) => (be: NativeBackend, x: Input, axis: number, o: Out): NativeStorage => {
  assertIndexable(name, x.size);
  const out = be.out(o);
  releaseOnThrow(be, [out], () =>
    be.addon.argReduce(x.storage.data, out.data as Int32Array, sizeOf(x.shape.slice(0, axis)), x.shape[axis]!, sizeOf(x.shape.slice(axis + 1)), isMax));
  return out;
};

const sum = reduceWith('Sum', 0);
const max = reduceWith('Max', 1);
const min = reduceWith('Min', 2);
const argmax = argWith('ArgMax', true);
const argmin = argWith('ArgMin', false);

export const reduceKernels: readonly AnyKernel[] = [
  defineKernel(Sum, NATIVE, (be: NativeBackend, { x }, attrs, outs) => sum(be, x, attrs, outs.out!)),
  defineKernel(Max, NATIVE, (be: NativeBackend, { x }, attrs, outs) => max(be, x, attrs, outs.out!)),
  defineKernel(Min, NATIVE, (be: NativeBackend, { x }, attrs, outs) => min(be, x, attrs, outs.out!)),
  defineKernel(ArgMax, NATIVE, (be: NativeBackend, { x }, { axis }, outs) => argmax(be, x, axis, outs.out!)),
  defineKernel(ArgMin, NATIVE, (be: NativeBackend, { x }, { axis }, outs) => argmin(be, x, axis, outs.out!)),
];

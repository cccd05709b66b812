// Native kernels: Softmax, LogSoftmax and SoftmaxGrad, one pass per row along the op's axis.
import { defineKernel, LogSoftmax, normalizeAxis, Softmax, SoftmaxGrad, type AnyKernel, type Shape } from '@crossmodal/tensor';
import { NATIVE, type NativeBackend, type NativeStorage } from '../native-backend.ts';
import { releaseOnThrow } from './release-on-throw.ts';
import { assertIndexable } from './strides.ts';

/** [outer, len, inner] around `axis` (a direct runOp may pass a negative axis; a scalar is one row of one). */
function rows(op: string, shape: Shape, at: number): [number, number, number] {
  const size = shape.reduce((a, b) => a * b, 1);
  assertIndexable(op, size);
  if (shape.length === 0) return [1, 1, 1];
  const axis = normalizeAxis(op, at, shape.length);
  const prod = (s: Shape) => s.reduce((a, b) => a * b, 1);
  return [prod(shape.slice(0, axis)), shape[axis]!, prod(shape.slice(axis + 1))];
}

const rowwise = (op: typeof Softmax, log: boolean) =>
  defineKernel(op, NATIVE, (be: NativeBackend, { x }, { axis }): NativeStorage => {
    const dims = rows(op.name, x.shape, axis); // checks the axis and size before anything is allocated
    const out = be.outUninitialized({ dtype: 'float32', size: x.size, shape: x.shape }); // every row is written
    releaseOnThrow(be, [out], () => be.addon.softmax(x.storage.data as Float32Array, out.data as Float32Array, ...dims, log));
    return out;
  });

const softmaxGradKernel = defineKernel(SoftmaxGrad, NATIVE, (be: NativeBackend, { y, dy }, { axis }): NativeStorage => {
  const dims = rows('SoftmaxGrad', y.shape, axis);
  const dx = be.outUninitialized({ dtype: 'float32', size: y.size, shape: y.shape }); // every row is written
  releaseOnThrow(be, [dx], () => be.addon.softmaxGrad(y.storage.data as Float32Array, dy.storage.data as Float32Array, dx.data as Float32Array, ...dims));
  return dx;
});

export const softmaxKernels: readonly AnyKernel[] = [rowwise(Softmax, false), rowwise(LogSoftmax, true), softmaxGradKernel];

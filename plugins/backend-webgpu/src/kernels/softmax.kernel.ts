// WebGPU kernels of the softmax family: Softmax, LogSoftmax and the softmax backward, each one
// invocation per row along the op's axis (the forward: a workgroup per long row under the backend's
// 'tree' setting).
import { defineKernel, LogSoftmax, normalizeAxis, Softmax, SoftmaxGrad, type Shape } from '@crossmodal/tensor';
import { dispatch1d } from '../program.ts';
import { softmaxProgram, type SoftmaxKind } from '../programs/softmax.program.ts';
import { softmaxGradProgram } from '../programs/softmax-grad.program.ts';
import { dispatchRows } from '../programs/workgroup-tree.wgsl.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

/** Rows along `axis`: [rows, len, inner] with rows = outer·inner (a scalar is one row of one). */
function rowMeta(shape: Shape, at: number): [number, number, number] {
  // The user functions normalise the axis; a direct runOp may pass a negative one.
  const axis = normalizeAxis('softmax', at, shape.length);
  const len = shape[axis] ?? 1;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  return [outer * inner, len, Math.max(1, inner)];
}

const rowwise = (op: typeof Softmax, kind: SoftmaxKind) =>
  defineKernel(op, WEBGPU, (b: WebGpuBackend, { x }, { axis }): GpuStorage => {
    const y = b.alloc(x.size * 4);
    if (x.size === 0) return y;
    const meta = rowMeta(x.shape, axis);
    const tree = b.settings.reductions === 'tree' && meta[1] >= b.settings.treeMinLength;
    b.run(softmaxProgram(kind, tree), [x.storage], [y], meta, tree ? dispatchRows(meta[0]) : dispatch1d(meta[0]));
    return y;
  });

const softmaxGradKernel = defineKernel(SoftmaxGrad, WEBGPU, (b: WebGpuBackend, { y, dy }, { axis }): GpuStorage => {
  const dx = b.alloc(y.size * 4);
  if (y.size === 0) return dx;
  const meta = rowMeta(y.shape, axis);
  b.run(softmaxGradProgram(), [y.storage, dy.storage], [dx], meta, dispatch1d(meta[0]));
  return dx;
});

/** Softmax, LogSoftmax and SoftmaxGrad on WebGPU. */
export const softmaxKernels = [rowwise(Softmax, 'softmax'), rowwise(LogSoftmax, 'log-softmax'), softmaxGradKernel] as const;

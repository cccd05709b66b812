// WebGPU kernels that move data: Permute, Expand, Slice and Concat as strided box copies, and Pad.
// (Reshape is an alias op: the engine shares the storage and runs no kernel.)
import { Concat, defineKernel, Expand, Pad, Permute, Slice, type OutMeta } from '@crossmodal/tensor';
import { dispatch1d } from '../program.ts';
import { broadcastStrides } from '../programs/broadcast.ts';
import { copyMeta, layoutCopyProgram, type CopyBox } from '../programs/layout-copy.program.ts';
import { layoutPadProgram, padMeta } from '../programs/layout-pad.program.ts';
import { contiguousStrides } from '../programs/strided.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

/** Records one box copy from `src` into `dst` (nothing for an empty box). */
export function runCopy(b: WebGpuBackend, src: GpuStorage, dst: GpuStorage, box: CopyBox): void {
  const n = box.shape.reduce((a, d) => a * d, 1);
  if (n > 0) b.run(layoutCopyProgram(), [src], [dst], copyMeta(box), dispatch1d(n));
}

/** A new storage for `out` filled by reading `src` at `srcBase + c·srcStrides` for each output coordinate c. */
function gatherInto(b: WebGpuBackend, src: GpuStorage, out: OutMeta, srcBase: number, srcStrides: readonly number[]): GpuStorage {
  const result = b.alloc(out.size * 4);
  runCopy(b, src, result, { shape: out.shape, srcBase, srcStrides, dstBase: 0, dstStrides: contiguousStrides(out.shape) });
  return result;
}

/** The layout kernels. */
export const layoutKernels = [
  // Output axis i walks input axis axes[i].
  defineKernel(Permute, WEBGPU, (b: WebGpuBackend, { x }, { axes }, outs) => {
    const inStrides = contiguousStrides(x.shape);
    return gatherInto(b, x.storage, outs.out!, 0, axes.map((a) => inStrides[a]!));
  }),
  // Broadcast axes read with stride 0.
  defineKernel(Expand, WEBGPU, (b: WebGpuBackend, { x }, _attrs, outs) =>
    gatherInto(b, x.storage, outs.out!, 0, broadcastStrides(outs.out!.shape, x.shape))),
  defineKernel(Slice, WEBGPU, (b: WebGpuBackend, { x }, { begin }, outs) => {
    const inStrides = contiguousStrides(x.shape);
    return gatherInto(b, x.storage, outs.out!, begin.reduce((acc, v, i) => acc + v * inStrides[i]!, 0), inStrides);
  }),
  defineKernel(Pad, WEBGPU, (b: WebGpuBackend, { x }, { pads, value }, outs) => {
    const out = outs.out!;
    const result = b.alloc(out.size * 4);
    const meta = padMeta(x.shape, out.shape, pads.map(([before]) => before), value, x.dtype);
    if (out.size > 0) b.run(layoutPadProgram(), [x.storage], [result], meta, dispatch1d(out.size));
    return result;
  }),
  // One copy per input into its window of the output along `axis`; the windows tile the output.
  defineKernel(Concat, WEBGPU, (b: WebGpuBackend, { xs }, { axis }, outs) => {
    const out = outs.out!;
    const result = b.alloc(out.size * 4);
    const dstStrides = contiguousStrides(out.shape);
    let at = 0;
    for (const x of xs) {
      runCopy(b, x.storage, result, { shape: x.shape, srcBase: 0, srcStrides: contiguousStrides(x.shape), dstBase: at * dstStrides[axis]!, dstStrides });
      at += x.shape[axis]!;
    }
    return result;
  }),
] as const;

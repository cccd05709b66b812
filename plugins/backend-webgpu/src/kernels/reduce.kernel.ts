// WebGPU kernels for the reductions: Sum, Max, Min (NaN propagates), ArgMax, ArgMin (first extreme).
// Small outputs over long reductions split each row into chunks, then combine the partials.
import { ArgMax, ArgMin, defineKernel, Max, Min, Sum, type KernelInput } from '@crossmodal/tensor';
import { dispatch1d } from '../program.ts';
import type { WgslType } from '../programs/elementwise.program.ts';
import { reduceMeta, reduceProgram, type ReduceMode, type ReducePlan } from '../programs/reduce.program.ts';
import { collapseAxes, contiguousStrides } from '../programs/strided.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

/** Splitting pays off once a row has this many elements (below it, one invocation per output is fine). */
const MIN_CHUNK = 256;
/** Aim for at least this many invocations in a split first pass. */
const TARGET_INVOCATIONS = 4096;

/** Kept and reduced axes of `shape` as input strides, each group merged where contiguous. */
export function reducePlan(shape: readonly number[], axes: readonly number[]): ReducePlan {
  const strides = contiguousStrides(shape);
  const group = (keep: boolean) => {
    const ax = shape.map((_, i) => i).filter((i) => axes.includes(i) !== keep);
    return collapseAxes(ax.map((a) => shape[a]!), [ax.map((a) => strides[a]!)]);
  };
  const kept = group(true);
  const red = group(false);
  const empty = red.shape.length === 0;
  return {
    keptShape: kept.shape,
    keptStrides: kept.strides[0]!,
    // Nothing reduced (or only size-1 axes): one element per output, at offset 0 from it.
    redShape: empty ? [1] : red.shape,
    redStrides: empty ? [0] : red.strides[0]!,
  };
}

/** How many chunks each output's reduction is split into (1: no split). */
function chunkCount(mode: ReduceMode, nOut: number, redCount: number): number {
  if (mode === 'argmax' || mode === 'argmin' || redCount < 2 * MIN_CHUNK || nOut >= TARGET_INVOCATIONS) return 1;
  return Math.min(Math.ceil(redCount / MIN_CHUNK), Math.ceil(TARGET_INVOCATIONS / nOut));
}

/** Reduces `x` over `axes` with `mode` into a new storage of `nOut` elements. */
export function runReduce(b: WebGpuBackend, x: KernelInput<GpuStorage>, axes: readonly number[], mode: ReduceMode, nOut: number): GpuStorage {
  const out = b.alloc(nOut * 4);
  if (nOut === 0) return out;
  const plan = reducePlan(x.shape, axes);
  const redCount = plan.redShape.reduce((a, d) => a * d, 1);
  const t: WgslType = x.dtype === 'int32' ? 'i32' : 'f32';
  const program = reduceProgram(mode, t);
  const wanted = chunkCount(mode, nOut, redCount);
  if (wanted <= 1) {
    b.run(program, [x.storage], [out], reduceMeta(plan, nOut, redCount, 1), dispatch1d(nOut));
    return out;
  }
  const chunkLen = Math.ceil(redCount / wanted);
  const chunks = Math.ceil(redCount / chunkLen);
  // Pass 1: partials [nOut, chunks]; pass 2 reduces each row of partials (max of maxes, sum of sums).
  const partial = b.alloc(nOut * chunks * 4);
  b.run(program, [x.storage], [partial], reduceMeta(plan, nOut, chunkLen, chunks), dispatch1d(nOut * chunks));
  const rows: ReducePlan = { keptShape: [nOut], keptStrides: [chunks], redShape: [chunks], redStrides: [1] };
  b.run(program, [partial], [out], reduceMeta(rows, nOut, chunks, 1), dispatch1d(nOut));
  // Queue order: the pass above runs before any later use of the recycled buffer.
  b.release(partial);
  return out;
}

/** The reduction kernels. */
export const reduceKernels = [
  defineKernel(Sum, WEBGPU, (b: WebGpuBackend, { x }, { axes }, outs) => runReduce(b, x, axes, 'sum', outs.out!.size)),
  defineKernel(Max, WEBGPU, (b: WebGpuBackend, { x }, { axes }, outs) => runReduce(b, x, axes, 'max', outs.out!.size)),
  defineKernel(Min, WEBGPU, (b: WebGpuBackend, { x }, { axes }, outs) => runReduce(b, x, axes, 'min', outs.out!.size)),
  defineKernel(ArgMax, WEBGPU, (b: WebGpuBackend, { x }, { axis }, outs) => runReduce(b, x, [axis], 'argmax', outs.out!.size)),
  defineKernel(ArgMin, WEBGPU, (b: WebGpuBackend, { x }, { axis }, outs) => runReduce(b, x, [axis], 'argmin', outs.out!.size)),
] as const;

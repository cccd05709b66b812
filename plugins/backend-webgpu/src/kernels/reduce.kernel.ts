// WebGPU kernels for the reductions: Sum, Max, Min (NaN propagates), ArgMax, ArgMin (first extreme).
// Small outputs over long reductions split each row into chunks, then combine the partials. Rows
// run serially (one invocation each) or, under the backend's 'tree' setting, as workgroup trees.
import { ArgMax, ArgMin, defineKernel, Max, Min, Sum, type KernelInput } from '@crossmodal/tensor';
import { dispatch1d, type WgslProgram } from '../program.ts';
import type { WgslType } from '../programs/elementwise.program.ts';
import { reduceMeta, reduceProgram, type ReduceMode, type ReducePlan } from '../programs/reduce.program.ts';
import { reduceTreeProgram } from '../programs/reduce-tree.program.ts';
import { dispatchRows, TREE_WG } from '../programs/workgroup-tree.wgsl.ts';
import { collapseAxes, contiguousStrides } from '../programs/strided.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

/** Splitting pays off once a row has this many elements (below it, one invocation per output is fine). */
const MIN_CHUNK = 256;
/** Aim for at least this many invocations in a split first pass. */
const TARGET_INVOCATIONS = 4096;
/** Tree passes: a workgroup's share of a split row (16 elements per lane), and enough workgroups to fill a GPU. */
const TREE_CHUNK = 16 * TREE_WG;
const TARGET_WORKGROUPS = 256;

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

/**
 * How many chunks each output's reduction is split into (1: no split), each at least `minChunk`
 * long, so that the first pass has about `target` invocations (serial) or workgroups (tree).
 */
function chunkCount(mode: ReduceMode, nOut: number, redCount: number, minChunk: number, target: number): number {
  if (mode === 'argmax' || mode === 'argmin' || redCount < 2 * minChunk || nOut >= target) return 1;
  return Math.min(Math.ceil(redCount / minChunk), Math.ceil(target / nOut));
}

/** The program of one pass, and whether it is a tree: so when the backend says so and the row is one axis, long enough. */
function pass(b: WebGpuBackend, plan: ReducePlan, redCount: number, mode: ReduceMode, t: WgslType): { program: WgslProgram; tree: boolean } {
  const { reductions, treeMinLength } = b.settings;
  const tree = reductions === 'tree' && plan.redShape.length === 1 && redCount >= treeMinLength;
  return { program: tree ? reduceTreeProgram(mode, t) : reduceProgram(mode, t), tree };
}

/** Workgroups for `n` rows: one workgroup each for a tree, one invocation each otherwise. */
const groupsFor = (tree: boolean, n: number) => (tree ? dispatchRows(n) : dispatch1d(n));

/** Reduces `x` over `axes` with `mode` into a new storage of `nOut` elements. */
export function runReduce(b: WebGpuBackend, x: KernelInput<GpuStorage>, axes: readonly number[], mode: ReduceMode, nOut: number): GpuStorage {
  const out = b.alloc(nOut * 4);
  if (nOut === 0) return out;
  const plan = reducePlan(x.shape, axes);
  const redCount = plan.redShape.reduce((a, d) => a * d, 1);
  const t: WgslType = x.dtype === 'int32' ? 'i32' : 'f32';
  const { program, tree } = pass(b, plan, redCount, mode, t);
  const wanted = tree ? chunkCount(mode, nOut, redCount, TREE_CHUNK, TARGET_WORKGROUPS) : chunkCount(mode, nOut, redCount, MIN_CHUNK, TARGET_INVOCATIONS);
  if (wanted <= 1) {
    b.run(program, [x.storage], [out], reduceMeta(plan, nOut, redCount, 1), groupsFor(tree, nOut));
    return out;
  }
  const chunkLen = Math.ceil(redCount / wanted);
  const chunks = Math.ceil(redCount / chunkLen);
  // Pass 1: partials [nOut, chunks]; pass 2 reduces each row of partials (max of maxes, sum of sums).
  const partial = b.alloc(nOut * chunks * 4);
  b.run(program, [x.storage], [partial], reduceMeta(plan, nOut, chunkLen, chunks), groupsFor(tree, nOut * chunks));
  const rows: ReducePlan = { keptShape: [nOut], keptStrides: [chunks], redShape: [chunks], redStrides: [1] };
  const second = pass(b, rows, chunks, mode, t);
  b.run(second.program, [partial], [out], reduceMeta(rows, nOut, chunks, 1), groupsFor(second.tree, nOut));
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

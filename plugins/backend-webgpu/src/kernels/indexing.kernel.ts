// WebGPU kernels that index: Gather, ScatterAdd (deterministic, no atomic adds) and OneHot.
// NOTE: the CPU oracle throws a RangeError on an out-of-range index; a shader cannot, so here the
// result is poisoned instead of silently short: Gather fills that index's slice with NaN (int32:
// the most negative int32), ScatterAdd its whole output. Callers that need the error validate on the host.
import { defineKernel, Gather, OneHot, ScatterAdd } from '@crossmodal/tensor';
import { dispatch1d, f32 } from '../program.ts';
import { GATHER_POISON_BITS, indexingGatherProgram } from '../programs/indexing-gather.program.ts';
import { indexingOneHotProgram } from '../programs/indexing-one-hot.program.ts';
import { indexingScatterAddProgram } from '../programs/indexing-scatter-add.program.ts';
import { indexingScatterLinksProgram } from '../programs/indexing-scatter-links.program.ts';
import { WEBGPU, type WebGpuBackend } from '../webgpu-backend.ts';

/** Splits `shape` around `axis` into [outer count, axis size, inner count] (row-major). */
const around = (shape: readonly number[], axis: number): [number, number, number] => [
  shape.slice(0, axis).reduce((a, d) => a * d, 1),
  shape[axis]!,
  shape.slice(axis + 1).reduce((a, d) => a * d, 1),
];

/** The indexing kernels. */
export const indexingKernels = [
  // out viewed as [outer, m, inner], x as [outer, n, inner].
  defineKernel(Gather, WEBGPU, (b: WebGpuBackend, { x, indices }, { axis }, outs) => {
    const size = outs.out!.size;
    const result = b.alloc(size * 4);
    const [, n, inner] = around(x.shape, axis);
    if (size > 0) b.run(indexingGatherProgram(), [x.storage, indices.storage], [result], [size, indices.size, n, inner, GATHER_POISON_BITS[x.dtype]], dispatch1d(size));
    return result;
  }),
  // Deterministic: pass 1 chains equal indices (O(m²) comparisons for m indices), pass 2 sums each
  // output element's chain in index order. Atomic float adds would be O(src) but their rounding
  // would depend on scheduling; for embedding gradients m is the token count, which keeps m² cheap
  // next to the vocab × dim × m of a pass that scans every index for every output element.
  defineKernel(ScatterAdd, WEBGPU, (b: WebGpuBackend, { base, indices, src }, { axis }, outs) => {
    const size = outs.out!.size;
    const result = b.alloc(size * 4);
    if (size === 0) return result;
    const [, n, inner] = around(base.shape, axis);
    const m = indices.size;
    // The chains (n + m words), then the out-of-range flag.
    const links = b.fill('int32', n + m + 1, 0);
    if (m > 0) b.run(indexingScatterLinksProgram(), [indices.storage], [links], [m, n], dispatch1d(m));
    const program = indexingScatterAddProgram(base.dtype === 'int32' ? 'i32' : 'f32');
    b.run(program, [base.storage, src.storage, links], [result], [size, m, n, inner, f32(1)], dispatch1d(size));
    b.release(links);
    return result;
  }),
  defineKernel(OneHot, WEBGPU, (b: WebGpuBackend, { indices }, { depth }, outs) => {
    const size = outs.out!.size;
    const result = b.alloc(size * 4);
    if (size > 0) b.run(indexingOneHotProgram(), [indices.storage], [result], [size, depth], dispatch1d(size));
    return result;
  }),
] as const;

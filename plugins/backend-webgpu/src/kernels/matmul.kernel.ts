// WebGPU kernel for MatMul: op(A)·op(B) over the last two axes with broadcast batch axes, through
// the register-blocked program (a 4×4 output tile per invocation, 8×8 for large products), with
// f16 operands when the backend was created with `f16: true`.
import { defineKernel, MatMul, type KernelInput, type MatMulAttrs, type OutMeta } from '@crossmodal/tensor';
import { dispatch1d } from '../program.ts';
import { broadcastStrides } from '../programs/broadcast.ts';
import { matmulMeta, matmulProgram } from '../programs/matmul.program.ts';
import { collapseAxes } from '../programs/strided.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

/**
 * The 8×8 tile halves the loads per multiply-add of the 4×4 one (on lavapipe each lane's load is a
 * scalarised gather, ~95% of the time): single-threaded there it takes 0.54× the CPU time at 1024³,
 * 0.88× at 512³ and 256³. But lavapipe compiles it in 2–4 s instead of 0.6–0.8 s, so it only pays on
 * large products.
 */
const LARGE_MACS = 2 ** 25;
const LARGE_SIDE = 128;

/** Rows × columns per invocation for an m×n output over k. */
export const matmulTile = (m: number, n: number, k: number): 4 | 8 =>
  m >= LARGE_SIDE && n >= LARGE_SIDE && m * n * k >= LARGE_MACS ? 8 : 4;

/**
 * Records op(a)·op(b) into a new storage for `out`; `tile` overrides the size-based choice (tests
 * use it to run the 8×8 program on small, odd shapes).
 */
export function runMatmul(b: WebGpuBackend, a: KernelInput<GpuStorage>, bIn: KernelInput<GpuStorage>, { transA, transB }: MatMulAttrs, o: OutMeta, tile?: 4 | 8): GpuStorage {
  const result = b.alloc(o.size * 4);
  if (o.size === 0) return result;
  const m = o.shape.at(-2)!;
  const n = o.shape.at(-1)!;
  const k = transA ? a.shape.at(-2)! : a.shape.at(-1)!;
  // Which matrix of a and b each output batch element reads: broadcast strides, in elements.
  const batch = o.shape.slice(0, -2);
  const aStrides = broadcastStrides(batch, a.shape.slice(0, -2)).map((s) => s * m * k);
  const bStrides = broadcastStrides(batch, bIn.shape.slice(0, -2)).map((s) => s * k * n);
  const walk = collapseAxes(batch, [aStrides, bStrides]);
  const t = tile ?? matmulTile(m, n, k);
  const { meta, tiles } = matmulMeta({ m, n, k, batchShape: walk.shape, aBatchStrides: walk.strides[0]!, bBatchStrides: walk.strides[1]! }, t, t);
  // vec4 bindings need every row start 4-aligned: the contiguous axis a multiple of 4.
  const vecA = (transA ? m : k) % 4 === 0;
  const vecB = (transB ? k : n) % 4 === 0;
  const program = matmulProgram({ transA, transB, vecA, vecB, rows: t, cols: t, ...(b.settings.f16 && { f16: true }) });
  b.run(program, [a.storage, bIn.storage], [result], meta, dispatch1d(tiles));
  return result;
}

/** The MatMul kernel. */
export const matmulKernel = defineKernel(MatMul, WEBGPU, (b: WebGpuBackend, { a, b: bIn }, attrs, outs) => runMatmul(b, a, bIn, attrs, outs.out!));

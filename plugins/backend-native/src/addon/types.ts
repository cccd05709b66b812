// The addon's functions as TypeScript sees them. Every kernel takes its inputs and preallocated
// outputs as typed arrays (memory shared with JS, never copied) plus sizes, and checks them all in
// C++ before it touches memory. One interface per kernel family, each owned by that family's file.
import { ELEMENTWISE_EXPORTS, type ElementwiseAddon } from './elementwise.ts';
import { REDUCE_EXPORTS, type ReduceAddon } from './reduce.ts';
import { LAYOUT_EXPORTS, type LayoutAddon } from './layout.ts';
import { INDEXING_EXPORTS, type IndexingAddon } from './indexing.ts';
import { SOFTMAX_EXPORTS, type SoftmaxAddon } from './softmax.ts';
import { LAYERNORM_EXPORTS, type LayerNormAddon } from './layernorm.ts';
import { ATTENTION_EXPORTS, type AttentionAddon } from './attention.ts';
import { ADAM_EXPORTS, type AdamAddon } from './adam.ts';

/** Thread control and build facts. */
export interface CoreAddon {
  setThreads(n: number): void;
  getThreads(): number;
  info(): { blas: string; simd: 'avx2+fma' | 'baseline'; threads: number };
}

/** matmul(a, b, out, offsA, offsB, m, n, k, transA, transB): out[t] = op(a@offsA[t]) · op(b@offsB[t]). */
export interface MatmulAddon {
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, offsA: Int32Array, offsB: Int32Array, m: number, n: number, k: number, transA: boolean, transB: boolean): void;
  /** ms per batched product of OpenBLAS called straight from C++ (the bench's baseline), after one warm-up. */
  sgemmReference(batch: number, m: number, n: number, k: number, reps: number): number;
}

/** Everything the addon exports. Families add their interface here. */
export type NativeAddon = CoreAddon & MatmulAddon & ElementwiseAddon & ReduceAddon & LayoutAddon & IndexingAddon & SoftmaxAddon & LayerNormAddon & AttentionAddon & AdamAddon;

/** The function names every built addon must export (checked at load, so a stale build is named). */
export const REQUIRED_EXPORTS: readonly (keyof NativeAddon)[] = [
  'setThreads',
  'getThreads',
  'info',
  'matmul',
  'sgemmReference',
  ...ELEMENTWISE_EXPORTS,
  ...REDUCE_EXPORTS,
  ...LAYOUT_EXPORTS,
  ...INDEXING_EXPORTS,
  ...SOFTMAX_EXPORTS,
  ...LAYERNORM_EXPORTS,
  ...ATTENTION_EXPORTS,
  ...ADAM_EXPORTS,
];

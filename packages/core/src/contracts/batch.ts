// Examples and batches: what datasets yield and what encoders, heads and metrics read.
import type { Tensor, TypedArray } from '@crossmodal/tensor';

/** A host array with its shape: one field of one example, before batching. */
export interface HostTensor {
  readonly data: TypedArray;
  readonly shape: readonly number[];
}

/** One example: named fields (`image`, `label`, `inputIds`, `boxes`…) as numbers or host arrays. */
export type Example = { readonly [field: string]: number | HostTensor };

/**
 * A batch: every example field stacked along a new leading axis B, as tensors on the run's
 * backend (numbers become a [B] tensor: int32 when every value is an integer, else float32).
 */
export type Batch = { readonly [field: string]: Tensor };

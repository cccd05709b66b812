// The addon functions of the attention family (fused attention forward and backward). Batch
// matrices are addressed by per-batch element offsets (broadcast batch axes repeat an offset); the
// mask by its offsets and its strides along queries and keys (0 where it broadcasts).

/** Functions the attention family adds to the addon. */
export interface AttentionAddon {
  /** out = dropout(softmax(scale·q·kᵀ + mask, causal))·v per batch matrix; probs (pre-dropout) when given. */
  attention(
    q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array | Int32Array | null, out: Float32Array, probs: Float32Array | null,
    offsQ: Int32Array, offsK: Int32Array, offsV: Int32Array, offsM: Int32Array, tq: number, tk: number, dh: number, dv: number,
    maskStrideQ: number, maskStrideK: number, scale: number, causal: boolean, dropoutP: number, seed: number,
  ): void;
  /** The backward, recomputing P: each gradient output is written when given (dmask = dS). */
  attentionGrad(
    q: Float32Array, k: Float32Array, v: Float32Array, dOut: Float32Array, mask: Float32Array | Int32Array | null,
    dq: Float32Array | null, dk: Float32Array | null, dvOut: Float32Array | null, dmask: Float32Array | null,
    offsQ: Int32Array, offsK: Int32Array, offsV: Int32Array, offsM: Int32Array, tq: number, tk: number, dh: number, dv: number,
    maskStrideQ: number, maskStrideK: number, scale: number, causal: boolean, dropoutP: number, seed: number,
  ): void;
}

/** Their names (checked at load so a stale build is named). */
export const ATTENTION_EXPORTS: readonly (keyof AttentionAddon)[] = ['attention', 'attentionGrad'];

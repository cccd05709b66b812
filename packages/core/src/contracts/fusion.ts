// The FusionModule contract: text and vision streams in, fused streams out, with per-stream head
// counts in its config and every attention probability tensor on request.
import type { Module } from '@crossmodal/nn';
import type { Tensor } from '@crossmodal/tensor';
import type { AttentionMaps, EncodedSequence } from './encoder.ts';
import type { NamedProvider } from './provider.ts';

/** What a fusion module returns. */
export interface FusionOutput {
  /** The text stream after fusion ([B, T, Dt]); merged single-stream fusions return the joint sequence here. */
  readonly text: EncodedSequence;
  /** The vision stream after fusion ([B, N, Dv]); absent for single-stream fusions. */
  readonly vision?: EncodedSequence;
  /** A pooled joint representation [B, Dp] when the fusion defines one (e.g. LXMERT's pooled cross output). */
  readonly pooled?: Tensor;
  /** Every attention probability tensor it made, when `returnProbs` was asked for. */
  readonly attention?: AttentionMaps;
}

/** Per-stream head counts, the ablation knob of the co-attention studies. */
export interface StreamHeads {
  /** Heads of text→vision / vision→text co-attention. */
  readonly coAttention?: number;
  /** Heads of the vision stream's self-attention. */
  readonly vision?: number;
  /** Heads of the text stream's self-attention. */
  readonly text?: number;
}

/** A fusion module: (text states, text mask, vision states, vision mask) → fused states. */
export interface FusionModule extends Module {
  /** The head counts it was built with. */
  readonly heads: StreamHeads;
  /** Fuses the two streams. */
  forward(text: EncodedSequence, vision: EncodedSequence, options?: { returnProbs?: boolean }): FusionOutput;
}

/** A named factory of fusion modules. */
export type FusionProvider = NamedProvider<FusionModule>;

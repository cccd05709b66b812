// The Encoder contract: one modality's input to a sequence of hidden states plus a mask.
import type { Module } from '@crossmodal/nn';
import type { Tensor } from '@crossmodal/tensor';
import type { Batch } from './batch.ts';
import type { NamedProvider } from './provider.ts';

/** Hidden states of one stream and which positions are real. */
export interface EncodedSequence {
  /** [B, N, D] hidden states. */
  readonly states: Tensor;
  /** int32 [B, N]: 1 where the position is real, 0 for padding; absent means all real. */
  readonly mask?: Tensor;
  /**
   * How many leading positions are summary tokens rather than content (a ViT's class token: timm's
   * `num_prefix_tokens`); absent means 0. Heads that average the content ('mean' pooling) skip them,
   * as timm's `global_pool='avg'` does; 'first' pooling reads the first of them.
   */
  readonly prefixTokens?: number;
}

/** Attention probabilities by a descriptive name (`layer0`, `layer2.text-to-vision`…), each [B, H, Tq, Tk]. */
export type AttentionMaps = { [name: string]: Tensor };

/** What an encoder returns: its sequence and, on request, every attention probability tensor it made. */
export interface EncoderOutput extends EncodedSequence {
  /** Present when `returnProbs` was asked for. */
  readonly attention?: AttentionMaps;
}

/** An encoder: patches, region features with boxes, or word pieces → a sequence of states. */
export interface Encoder extends Module {
  /** The modality it encodes; also the stream name the model stores its output under. */
  readonly modality: 'vision' | 'text' | (string & {});
  /** D, the width of the states it returns. */
  readonly dim: number;
  /** Batch fields it reads (e.g. `['image']`, `['inputIds', 'attentionMask']`); checked before forward. */
  readonly inputs: readonly string[];
  /** Encodes the fields it reads from the batch. */
  forward(batch: Batch, options?: { returnProbs?: boolean }): EncoderOutput;
}

/** A named factory of encoders. */
export type EncoderProvider = NamedProvider<Encoder>;

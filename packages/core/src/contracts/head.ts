// The Head contract: fused (or encoded) states → task output and loss.
import type { Module } from '@crossmodal/nn';
import type { Tensor } from '@crossmodal/tensor';
import type { Batch } from './batch.ts';
import type { EncodedSequence } from './encoder.ts';
import type { NamedProvider } from './provider.ts';

/** What a head reads: the streams by name (`vision`, `text`) and a pooled vector when there is one. */
export interface HeadInput {
  readonly streams: { readonly [stream: string]: EncodedSequence };
  readonly pooled?: Tensor;
}

/** What a head returns. */
export interface HeadOutput {
  /** Task scores: [B, C] class logits, [B, A] answer logits, [B, N] region scores, [B] alignment… */
  readonly logits: Tensor;
  /** The scalar training loss, when the batch carries targets. */
  readonly loss?: Tensor;
}

/** A task head. */
export interface Head extends Module {
  /** Batch fields holding its targets (e.g. `['label']`); metrics read the same fields. */
  readonly targets: readonly string[];
  /** Scores (and the loss when the batch has targets). */
  forward(input: HeadInput, batch: Batch): HeadOutput;
}

/** A named factory of heads. */
export type HeadProvider = NamedProvider<Head>;

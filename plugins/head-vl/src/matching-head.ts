// The `image-text-matching` head: an alignment score from the pooled vector. `outputs: 2` is
// LXMERT's `seq_relationship` (Linear(d, 2), cross-entropy on matched/unmatched); `outputs: 1` is
// ViLBERT's `vil_logit` (Linear(d, 1), BCE, computed as the cross-entropy of [0, s]). Logits are
// [B, 2] either way, so `accuracy` applies.
import type { Batch, Head, HeadInput, HeadOutput, HeadProvider, RawOptions } from '@crossmodal/core';
import { readOptions } from '@crossmodal/core';
import { Dropout, Linear, Module } from '@crossmodal/nn';
import { concat, crossEntropy, fmt, ShapeError, zeros, type Tensor } from '@crossmodal/tensor';
import { createPooler, POOLING_OPTIONS, type Pooler, type PoolingName } from './poolers.ts';

/** Options of the `image-text-matching` head (plus the pooling options, default `pooled`). */
export interface MatchingHeadConfig {
  /** D, the width of the streams (or of the pooled vector). */
  readonly dim: number;
  /** 2 (default): two logits and cross-entropy; 1: one logit and BCE. */
  readonly outputs?: 1 | 2;
  readonly pooling?: PoolingName;
  /** Dropout on the pooled vector (default 0). */
  readonly dropout?: number;
  /** Batch field with int32 labels [B]: 1 matched, 0 not (default `label`). */
  readonly target?: string;
}

/**
 * The log-odds of a match per pair, [B, 2] logits → [B]: logit(match) − logit(mismatch). With
 * `outputs: 1` that is the single logit itself. Fill a [queries, candidates] score matrix with it
 * for the `recall-at-k` metrics.
 */
export const alignmentScores = (logits: Tensor): Tensor => {
  if (logits.rank !== 2 || logits.shape[1] !== 2) throw new ShapeError(`alignmentScores: logits must be [B, 2] (mismatch, match), got ${fmt(logits.shape)}`);
  const b = logits.shape[0]!;
  return logits.slice([0, 1], [b, 2]).sub(logits.slice([0, 0], [b, 1])).squeeze(1);
};

/**
 * Pooled [B, D] → Linear → logits [B, 2] (mismatch, match). With one output s the logits are
 * [0, s], so softmax gives σ(s) for a match and the cross-entropy equals BCE(s, y).
 * @example
 * const head = new MatchingHead({ dim: 64, pooling: 'product', outputs: 1 });
 * alignmentScores(head.forward({ streams }, {}).logits);   // [B]
 */
export class MatchingHead extends Module implements Head {
  readonly targets: readonly string[];
  readonly pool: Pooler;
  /** On the pooled vector. */
  readonly drop: Dropout;
  /** [pooled] → [outputs] */
  readonly fc: Linear;
  /** 1 or 2. */
  readonly outputs: number;

  /** Validates `config` (errors name the field, the value and what was expected). */
  constructor(config: MatchingHeadConfig | RawOptions) {
    super();
    const raw = { ...config };
    const o = readOptions('image-text-matching', raw, ['dim', 'outputs', 'dropout', 'target', ...POOLING_OPTIONS]);
    const dim = o.int('dim', undefined, 1);
    this.outputs = o.int('outputs', 2, 1);
    if (this.outputs > 2) throw new RangeError(`image-text-matching: outputs must be 1 or 2, got ${this.outputs}`);
    this.pool = createPooler('image-text-matching', raw, o, dim);
    this.drop = new Dropout(o.number('dropout', 0, 0, 0.999));
    this.fc = new Linear(this.pool.outDim, this.outputs);
    this.targets = [o.string('target', 'label')];
  }

  /** Logits [B, 2]; the loss too when the batch has the target field. */
  forward(input: HeadInput, batch: Batch): HeadOutput {
    const scores = this.fc.forward(this.drop.forward(this.pool.forward(input))); // [B, outputs]
    const b = scores.shape[0]!;
    const logits = this.outputs === 2 ? scores : concat([zeros([b, 1], { backend: scores.backend }), scores], 1);
    const target = batch[this.targets[0]!];
    if (!target) return { logits };
    if (target.dtype !== 'int32' || fmt(target.shape) !== fmt([b])) {
      throw new ShapeError(`image-text-matching: target '${this.targets[0]}' must be int32 labels [${b}] (1 matched, 0 not), got ${target.dtype} ${fmt(target.shape)}`);
    }
    // One loss for both: with logits [0, s] the cross-entropy is BCE(s, y) (softmax([0, s]) = (1 − σ(s), σ(s))),
    // and crossEntropy's own check rejects labels outside {0, 1} (−100 is ignored, as everywhere).
    return { logits, loss: crossEntropy(logits, target) };
  }
}

/** The `image-text-matching` head provider. */
export const matchingHeadProvider: HeadProvider = {
  name: 'image-text-matching',
  description: "pooling → Linear(d, 2) with cross-entropy (LXMERT) or Linear(d, 1) with BCE (ViLBERT) on matched/unmatched `label`; logits [B, 2]",
  paper: 'https://arxiv.org/abs/1908.07490',
  create: (config: RawOptions) => new MatchingHead(config),
};

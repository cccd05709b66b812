// The `referring-expression` head: a logit per region (Linear(D, 1) over the vision stream's
// states, ViLBERT's `vision_logit`), padding regions at −∞, and either softmax cross-entropy
// against the target region's index or BCE against a per-region label (ViLBERT's refer tasks).
import type { Batch, Head, HeadInput, HeadOutput, HeadProvider, RawOptions } from '@crossmodal/core';
import { pickStream, readOptions } from '@crossmodal/core';
import { Dropout, Linear, Module } from '@crossmodal/nn';
import { binaryCrossEntropyWithLogits, crossEntropy, fmt, ShapeError, where, type Tensor } from '@crossmodal/tensor';

/**
 * `softmax-ce`: one target region per expression, int32 [B] indices, cross-entropy over the real
 * regions. `bce`: float32 [B, N] per-region labels in [0, 1] (the multi-hot of IoU ≥ 0.5, or
 * ViLBERT's thresholded IoU), BCE summed over real regions and averaged over the batch, which is
 * ViLBERT's `loss.mean() * N` with padding at −10000 contributing ≈ 0.
 */
export type ReferringLoss = 'softmax-ce' | 'bce';

/** Options of the `referring-expression` head. */
export interface ReferringHeadConfig {
  /** D, the width of the vision stream's states. */
  readonly dim: number;
  /** The stream whose positions are the regions (default `vision`). */
  readonly stream?: string;
  /** Default `softmax-ce`. */
  readonly loss?: ReferringLoss;
  /** Batch field of the targets (default `label`). */
  readonly target?: string;
  /** Dropout on the states before the Linear (default 0; ViLBERT 0.1). */
  readonly dropout?: number;
}

/**
 * Region scores [B, N] from the vision states [B, N, D]; padding regions (mask 0) score −∞, so
 * neither the softmax nor an argmax can pick them.
 * @example
 * const head = new ReferringHead({ dim: 64 });
 * head.forward({ streams: { vision: { states, mask } } }, { label }).logits;   // [B, N]
 */
export class ReferringHead extends Module implements Head {
  readonly targets: readonly string[];
  /** On the states. */
  readonly drop: Dropout;
  /** [D] → [1]: ViLBERT's `vision_logit`. */
  readonly fc: Linear;
  /** D */
  readonly dim: number;
  /** The regions' stream. */
  readonly stream: string;
  /** Which loss. */
  readonly loss: ReferringLoss;

  /** Validates `config` (errors name the field, the value and what was expected). */
  constructor(config: ReferringHeadConfig | RawOptions) {
    super();
    const o = readOptions('referring-expression', { ...config }, ['dim', 'stream', 'loss', 'target', 'dropout']);
    this.dim = o.int('dim', undefined, 1);
    this.stream = o.string('stream', 'vision');
    this.loss = o.oneOf('loss', 'softmax-ce', ['softmax-ce', 'bce']);
    this.targets = [o.string('target', 'label')];
    this.drop = new Dropout(o.number('dropout', 0, 0, 0.999));
    this.fc = new Linear(this.dim, 1);
  }

  /** Region logits [B, N]; the loss too when the batch has the target field. */
  forward(input: HeadInput, batch: Batch): HeadOutput {
    const { states, mask } = pickStream('referring-expression', input, this.stream, this.dim);
    const scores = this.fc.forward(this.drop.forward(states)).squeeze(-1); // [B, N]
    const logits = mask ? where(mask, scores, Number.NEGATIVE_INFINITY) : scores;
    const target = batch[this.targets[0]!];
    if (!target) return { logits };
    const field = this.targets[0]!;
    if (this.loss === 'softmax-ce') {
      if (target.dtype !== 'int32' || fmt(target.shape) !== fmt([scores.shape[0]!])) {
        throw new ShapeError(`referring-expression: loss 'softmax-ce' needs target '${field}' as int32 region indices [${scores.shape[0]}], got ${target.dtype} ${fmt(target.shape)}`);
      }
      if (mask) checkTargetsOnRealRegions(field, target, mask, this.loss);
      return { logits, loss: crossEntropy(logits, target) };
    }
    if (target.dtype !== 'float32' || fmt(target.shape) !== fmt(scores.shape)) {
      throw new ShapeError(`referring-expression: loss 'bce' needs target '${field}' as float32 per-region labels ${fmt(scores.shape)}, got ${target.dtype} ${fmt(target.shape)}`);
    }
    if (mask) checkTargetsOnRealRegions(field, target, mask, this.loss);
    // Not the −∞ logits (BCE at −∞ is NaN): padding scores become 0, then get weight 0, so even a
    // NaN in a padded state cannot reach the loss.
    if (!mask) return { logits, loss: binaryCrossEntropyWithLogits(scores, target, { reduction: 'sum' }).div(scores.shape[0]!) };
    const sum = binaryCrossEntropyWithLogits(where(mask, scores, 0), target, { reduction: 'sum', weight: mask.cast('float32') });
    return { logits, loss: sum.div(scores.shape[0]!) };
  }
}

/**
 * A target on a padding region would make the cross-entropy infinite (or be silently weighted
 * out by BCE), so it is an error; checked where the data is on the host.
 */
function checkTargetsOnRealRegions(field: string, target: Tensor, mask: Tensor, loss: ReferringLoss): void {
  if (!target.backend.readSync || !mask.backend.readSync) return;
  const [b, n] = mask.shape as [number, number];
  const real = mask.dataSync();
  const t = target.dataSync();
  for (let row = 0; row < b; row++) {
    for (let r = 0; r < n; r++) {
      const hit = loss === 'softmax-ce' ? t[row] === r : (t[row * n + r] ?? 0) > 0;
      if (hit && real[row * n + r] === 0) {
        throw new RangeError(`referring-expression: target '${field}' marks region ${r} of row ${row}, which the vision mask marks as padding`);
      }
    }
  }
}

/** The `referring-expression` head provider. */
export const referringHeadProvider: HeadProvider = {
  name: 'referring-expression',
  description: "Linear(d, 1) per region of the vision stream, padding at −∞; loss 'softmax-ce' on the target index or 'bce' on per-region labels (ViLBERT)",
  paper: 'https://arxiv.org/abs/1908.02265',
  create: (config: RawOptions) => new ReferringHead(config),
};

// The `classification` head: pool one stream to a vector, Linear to class logits, and
// cross-entropy against the batch's target field when the batch carries it (soft targets first).
import type { Batch, Head, HeadInput, HeadOutput, HeadProvider } from '@crossmodal/core';
import { Dropout, Linear, Module, softTargetCrossEntropy } from '@crossmodal/nn';
import { crossEntropy, fmt, ShapeError, type Tensor } from '@crossmodal/tensor';
import { firstToken, maskedMean, pickStream, readOptions, type RawOptions } from '@crossmodal/core';

/** How the head turns a sequence into one vector. */
export type Pooling = 'first' | 'mean' | 'pooled';

/** Options of the `classification` head. */
export interface ClassificationHeadConfig {
  /** D, the width of the vector it classifies. */
  readonly dim: number;
  /** C, the number of classes. */
  readonly numClasses: number;
  /**
   * `first`: the stream's first token (a CLS token, or the one token of an mlp encoder);
   * `mean`: the mean over real positions (mask-aware), skipping the stream's leading
   * `prefixTokens` (a ViT's class token), as timm's `global_pool='avg'`; `pooled`: the model's pooled vector.
   * Default `first`.
   */
  readonly pooling?: Pooling;
  /** Which stream to read (default: the first the model hands over). */
  readonly stream?: string;
  /** Label smoothing ε of the loss on class indices (default 0); soft targets carry their own. */
  readonly labelSmoothing?: number;
  /** Dropout on the pooled vector (default 0). */
  readonly dropout?: number;
  /** Batch field with the int32 class indices (default `label`). */
  readonly target?: string;
  /**
   * Batch field with float32 soft targets [B, C] (Mixup/CutMix's, label smoothing included);
   * default `<target>Soft`. When the batch has it, the loss is soft-target cross-entropy on it.
   */
  readonly softTarget?: string;
}

const POOLINGS: readonly Pooling[] = ['first', 'mean', 'pooled'];

/**
 * Pooled [B, D] → dropout → Linear → logits [B, C]. The loss: timm's soft-target cross-entropy on
 * `batch[softTarget]` when present (training with Mixup/CutMix: the smoothing is already in those
 * targets, so the head's `labelSmoothing` is not applied again), else cross-entropy with label
 * smoothing on `batch[target]` when present (e.g. evaluation), else none.
 * @example
 * const head = new ClassificationHead({ dim: 64, numClasses: 3 });
 * head.forward({ streams: { vision: { states } } }, { label }).loss;   // scalar
 */
export class ClassificationHead extends Module implements Head {
  readonly targets: readonly string[];
  /** [D] → [C] */
  readonly fc: Linear;
  /** On the pooled vector. */
  readonly drop: Dropout;
  /** D */
  readonly dim: number;
  /** How it pools. */
  readonly pooling: Pooling;
  /** The stream it reads, when fixed by config. */
  readonly stream: string | undefined;
  /** ε of the loss on class indices. */
  readonly labelSmoothing: number;
  /** The batch field of soft targets. */
  readonly softTarget: string;

  /** Validates `config` (errors name the field, the value and what was expected). */
  constructor(config: ClassificationHeadConfig | RawOptions) {
    super();
    const o = readOptions('classification', { ...config }, ['dim', 'numClasses', 'pooling', 'stream', 'labelSmoothing', 'dropout', 'target', 'softTarget']);
    this.dim = o.int('dim', undefined, 1);
    const numClasses = o.int('numClasses', undefined, 2);
    this.pooling = o.oneOf('pooling', 'first', POOLINGS);
    this.stream = o.string('stream', undefined);
    this.labelSmoothing = o.number('labelSmoothing', 0, 0, 1);
    this.drop = new Dropout(o.number('dropout', 0, 0, 0.999));
    this.targets = [o.string('target', 'label')];
    // Not among `targets`: those are what metrics read and what every labelled batch has (eval batches have no soft targets).
    this.softTarget = o.string('softTarget', `${this.targets[0]!}Soft`);
    this.fc = new Linear(this.dim, numClasses);
  }

  /** Logits [B, C]; the loss too when the batch has the target field. */
  forward(input: HeadInput, batch: Batch): HeadOutput {
    const pooled = this.pool(input); // [B, D]
    if (pooled.rank !== 2 || pooled.shape[1] !== this.dim) {
      throw new ShapeError(`classification: pooled vector must be [B, ${this.dim}] (dim), got ${fmt(pooled.shape)}`);
    }
    const logits = this.fc.forward(this.drop.forward(pooled)); // [B, C]
    const soft = batch[this.softTarget];
    if (soft) {
      if (soft.dtype !== 'float32' || fmt(soft.shape) !== fmt(logits.shape)) {
        throw new ShapeError(`classification: soft target '${this.softTarget}' must be float32 [B, numClasses] = ${fmt(logits.shape)}, got ${soft.dtype} ${fmt(soft.shape)}`);
      }
      return { logits, loss: softTargetCrossEntropy(logits, soft) };
    }
    const target = batch[this.targets[0]!];
    if (!target) return { logits };
    return { logits, loss: crossEntropy(logits, target, { labelSmoothing: this.labelSmoothing }) };
  }

  /** The [B, D] vector the chosen pooling gives. */
  private pool(input: HeadInput): Tensor {
    if (this.pooling === 'pooled') {
      if (!input.pooled) throw new Error("classification: pooling 'pooled' needs the model's pooled vector, but it gave none; use pooling 'first' or 'mean'");
      return input.pooled;
    }
    const { name, states, mask } = pickStream('classification', input, this.stream); // [B, N, D], [B, N]
    if (this.pooling === 'first') return firstToken(states); // [B, D]
    // 'mean' averages the content tokens: leading summary tokens (a ViT's class token) are skipped, as timm's global_pool='avg'.
    const skip = prefixTokensOf(name, input.streams[name]!.prefixTokens, states.shape[1]!);
    if (skip === 0) return maskedMean(states, mask); // [B, D]
    const [B, N, D] = states.shape as [number, number, number];
    return maskedMean(states.slice([0, skip, 0], [B, N, D]), mask?.slice([0, skip], [B, N])); // [B, D]
  }
}

/** A stream's `prefixTokens` (absent: 0), checked to leave at least one token to average. */
function prefixTokensOf(stream: string, prefixTokens: number | undefined, tokens: number): number {
  const skip = prefixTokens ?? 0;
  if (!Number.isInteger(skip) || skip < 0 || skip >= tokens) {
    throw new RangeError(`classification: stream '${stream}' has prefixTokens ${skip}, expected an integer in [0, ${tokens}) (it has ${tokens} tokens) for pooling 'mean'`);
  }
  return skip;
}

/** The `classification` head provider. */
export const classificationHeadProvider: HeadProvider = {
  name: 'classification',
  description: "pool a stream ('first' | 'mean' | 'pooled') → Linear → class logits; cross-entropy on `label` (soft-target cross-entropy on `labelSoft` when the batch has it)",
  create: (config: RawOptions) => new ClassificationHead(config),
};

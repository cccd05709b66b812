// The `vqa` and `vl-classification` heads: a pooled vector through the answer MLP of LXMERT's
// `logit_fc` / ViLBERT's SimpleClassifier, then BCE on soft answer scores (vqa) or cross-entropy
// on class indices (vl-classification: NLVR2, visual entailment, Sort-of-CLEVR answers).
import type { Batch, Head, HeadInput, HeadOutput, HeadProvider, OptionReader, RawOptions } from '@crossmodal/core';
import { readOptions } from '@crossmodal/core';
import { Dropout, LayerNorm, Linear, Module } from '@crossmodal/nn';
import { binaryCrossEntropyWithLogits, crossEntropy, fmt, ShapeError, type Tensor } from '@crossmodal/tensor';
import { createPooler, POOLING_OPTIONS, type Pooler, type PoolingName } from './poolers.ts';

/**
 * Linear(in, hidden) → GELU (exact, erf) → LayerNorm(hidden, eps 1e-12) → dropout → Linear(hidden, out).
 * LXMERT's `logit_fc` (no dropout; indices 0, 2, 3 = `fc1`, `norm`, `fc2`) and ViLBERT's
 * SimpleClassifier (dropout 0.5 before the last Linear; `logit_fc.0/2/4`).
 */
export class AnswerMlp extends Module {
  /** [in] → [hidden] */
  readonly fc1: Linear;
  /** BertLayerNorm(hidden, eps = 1e-12) */
  readonly norm: LayerNorm;
  /** Before `fc2`. */
  readonly drop: Dropout;
  /** [hidden] → [out] */
  readonly fc2: Linear;

  constructor(inDim: number, hiddenDim: number, outDim: number, dropout = 0) {
    super();
    this.fc1 = new Linear(inDim, hiddenDim);
    this.norm = new LayerNorm(hiddenDim, { eps: 1e-12 });
    this.drop = new Dropout(dropout);
    this.fc2 = new Linear(hiddenDim, outDim);
  }

  /** [B, in] → [B, out] */
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.drop.forward(this.norm.forward(this.fc1.forward(x).gelu())));
  }
}

/**
 * How the VQA BCE is reduced. `per-example-sum` (default): the mean over B·A elements times A,
 * i.e. the sum over answers averaged over the batch, as LXMERT (`loss * logit.size(1)`) and
 * ViLBERT (`loss.mean() * target.size(1)`); `sum`: over everything, as MCAN; `mean`: PyTorch's default.
 */
export type VqaLossReduction = 'per-example-sum' | 'sum' | 'mean';

const VQA_REDUCTIONS: readonly VqaLossReduction[] = ['per-example-sum', 'sum', 'mean'];
const SHARED = ['dim', 'hiddenDim', 'dropout', 'target', ...POOLING_OPTIONS] as const;

/** Options of the `vqa` head (plus the pooling options, see `createPooler`). */
export interface VqaHeadConfig {
  /** D, the width of the streams (or of the model's pooled vector with pooling `pooled`). */
  readonly dim: number;
  /** A, the size of the answer vocabulary. */
  readonly numAnswers: number;
  /** Default `pooled`. */
  readonly pooling?: PoolingName;
  /** The MLP's hidden width (default 2 × the pooled width, as LXMERT and ViLBERT). */
  readonly hiddenDim?: number;
  /** Dropout before the last Linear (default 0, LXMERT; ViLBERT uses 0.5). */
  readonly dropout?: number;
  /** Batch field with float32 soft scores [B, A] (default `targets`, what @crossmodal/dataset-vqa yields). */
  readonly target?: string;
  /** Default `per-example-sum`. */
  readonly lossReduction?: VqaLossReduction;
}

/** The pooler and MLP both answer heads share. */
abstract class PooledMlpHead extends Module implements Head {
  readonly targets: readonly string[];
  readonly pool: Pooler;
  readonly mlp: AnswerMlp;

  protected constructor(readonly owner: string, config: RawOptions, o: OptionReader, out: number, targetField: string) {
    super();
    const dim = o.int('dim', undefined, 1);
    this.pool = createPooler(owner, config, o, dim);
    this.mlp = new AnswerMlp(this.pool.outDim, o.int('hiddenDim', 2 * this.pool.outDim, 1), out, o.number('dropout', 0, 0, 0.999));
    this.targets = [o.string('target', targetField)];
  }

  /** The loss on `target`, which the batch carries. */
  protected abstract lossOf(logits: Tensor, target: Tensor): Tensor;

  forward(input: HeadInput, batch: Batch): HeadOutput {
    const logits = this.mlp.forward(this.pool.forward(input)); // [B, A] or [B, C]
    const target = batch[this.targets[0]!];
    return target ? { logits, loss: this.lossOf(logits, target) } : { logits };
  }
}

/**
 * `vqa`: pooled [B, D] → AnswerMlp → answer logits [B, A]; BCE-with-logits against soft scores.
 * @example
 * const head = new VqaHead({ dim: 64, numAnswers: 3129, pooling: 'cls-tanh', stream: 'text' });
 * head.forward({ streams: { text, vision } }, { targets }).loss;   // scalar
 */
export class VqaHead extends PooledMlpHead {
  /** How the BCE is reduced. */
  readonly lossReduction: VqaLossReduction;

  /** Validates `config` (errors name the field, the value and what was expected). */
  constructor(config: VqaHeadConfig | RawOptions) {
    const raw = { ...config };
    const o = readOptions('vqa', raw, [...SHARED, 'numAnswers', 'lossReduction']);
    super('vqa', raw, o, o.int('numAnswers', undefined, 1), 'targets');
    this.lossReduction = o.oneOf('lossReduction', 'per-example-sum', VQA_REDUCTIONS);
  }

  protected lossOf(logits: Tensor, target: Tensor): Tensor {
    if (target.dtype !== 'float32' || fmt(target.shape) !== fmt(logits.shape)) {
      throw new ShapeError(`vqa: target '${this.targets[0]}' must be float32 soft scores ${fmt(logits.shape)} ([B, numAnswers]), got ${target.dtype} ${fmt(target.shape)}`);
    }
    if (this.lossReduction === 'mean') return binaryCrossEntropyWithLogits(logits, target);
    const sum = binaryCrossEntropyWithLogits(logits, target, { reduction: 'sum' });
    return this.lossReduction === 'sum' ? sum : sum.div(logits.shape[0]!);
  }
}

/** Options of the `vl-classification` head (plus the pooling options). */
export interface VlClassificationHeadConfig {
  readonly dim: number;
  /** C ≥ 2. */
  readonly numClasses: number;
  readonly pooling?: PoolingName;
  readonly hiddenDim?: number;
  readonly dropout?: number;
  /** Batch field with int32 class indices [B] (default `label`). */
  readonly target?: string;
  /** Label smoothing ε (default 0). */
  readonly labelSmoothing?: number;
}

/**
 * `vl-classification`: the VQA head's pooling and MLP with cross-entropy on class indices, as
 * ViLBERT's NLVR2/SNLI-VE heads (SimpleClassifier + CE). For a plain Linear over `first`/`mean`/
 * `pooled`, the `classification` head of @crossmodal/head-classification already fits.
 */
export class VlClassificationHead extends PooledMlpHead {
  /** ε of the loss. */
  readonly labelSmoothing: number;

  /** Validates `config` (errors name the field, the value and what was expected). */
  constructor(config: VlClassificationHeadConfig | RawOptions) {
    const raw = { ...config };
    const o = readOptions('vl-classification', raw, [...SHARED, 'numClasses', 'labelSmoothing']);
    super('vl-classification', raw, o, o.int('numClasses', undefined, 2), 'label');
    this.labelSmoothing = o.number('labelSmoothing', 0, 0, 1);
  }

  protected lossOf(logits: Tensor, target: Tensor): Tensor {
    if (target.dtype !== 'int32') throw new TypeError(`vl-classification: target '${this.targets[0]}' must hold int32 class indices [B], got ${target.dtype} ${fmt(target.shape)}`);
    return crossEntropy(logits, target, { labelSmoothing: this.labelSmoothing });
  }
}

/** The `vqa` head provider. */
export const vqaHeadProvider: HeadProvider = {
  name: 'vqa',
  description: 'pooling → Linear(d, 2d) → GELU → LayerNorm → Linear(2d, numAnswers); BCE on soft scores `targets` × numAnswers (LXMERT/ViLBERT)',
  paper: 'https://arxiv.org/abs/1908.07490',
  create: (config: RawOptions) => new VqaHead(config),
};

/** The `vl-classification` head provider. */
export const vlClassificationHeadProvider: HeadProvider = {
  name: 'vl-classification',
  description: 'pooling → the VQA answer MLP → numClasses logits; cross-entropy on `label` (ViLBERT NLVR2/VE)',
  paper: 'https://arxiv.org/abs/1908.02265',
  create: (config: RawOptions) => new VlClassificationHead(config),
};

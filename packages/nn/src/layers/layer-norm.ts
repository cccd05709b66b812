// LayerNorm over the last axis with a learned scale and shift (torch.nn.LayerNorm's names).
import { fmt, layerNorm, ones, ShapeError, zeros, type Tensor } from '@crossmodal/tensor';
import { Module } from '../module.ts';
import { Parameter } from '../parameter.ts';

/** Options of `LayerNorm`. */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5 as PyTorch; BERT uses 1e-12, ViT 1e-6). */
  eps?: number;
  /** Learn `weight` (ones) and `bias` (zeros) (default true). */
  elementwiseAffine?: boolean;
}

/**
 * Normalises the last axis to zero mean and unit variance, then scales and shifts:
 * `[..., D] → [..., D]`.
 * @example
 * new LayerNorm(16, { eps: 1e-6 }).forward(randn([2, 5, 16]));   // [2, 5, 16]
 */
export class LayerNorm extends Module {
  /** [D] or null */
  readonly weight: Parameter | null;
  /** [D] or null */
  readonly bias: Parameter | null;
  /** Added to the variance. */
  readonly eps: number;

  constructor(
    /** The normalised (last) axis' size D. */
    readonly dim: number,
    { eps = 1e-5, elementwiseAffine = true }: LayerNormOptions = {},
  ) {
    super();
    if (!(Number.isInteger(dim) && dim > 0)) throw new RangeError(`LayerNorm: dim must be a positive integer, got ${dim}`);
    this.eps = eps;
    this.weight = elementwiseAffine ? new Parameter(ones([dim])) : null;
    this.bias = elementwiseAffine ? new Parameter(zeros([dim])) : null;
  }

  /** [..., D] → [..., D] */
  forward(x: Tensor): Tensor {
    if (x.shape.at(-1) !== this.dim) throw new ShapeError(`LayerNorm(${this.dim}): input ${fmt(x.shape)} must end in ${this.dim}`);
    return layerNorm(x, this.weight ?? undefined, this.bias ?? undefined, this.eps);
  }
}

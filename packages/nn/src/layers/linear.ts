// Linear: y = x·Wᵀ + b with W stored [out, in] as PyTorch does, so checkpoints map one to one.
import { add, fmt, matmul, ShapeError, zeros, type Tensor } from '@crossmodal/tensor';
import { Module } from '../module.ts';
import { Parameter } from '../parameter.ts';
import { kaimingUniform_, uniform_ } from '../init.ts';

/** Options of `Linear`. */
export interface LinearOptions {
  /** Add a learned bias (default true). */
  bias?: boolean;
}

/**
 * A fully connected layer over the last axis: `[..., inFeatures] → [..., outFeatures]`.
 * Initialised as torch.nn.Linear: W ~ U(−1/√in, 1/√in) (kaiming uniform, a = √5), b likewise.
 * @example
 * const fc = new Linear(16, 4);
 * fc.forward(randn([2, 5, 16]));   // [2, 5, 4]
 */
export class Linear extends Module {
  /** [out, in] */
  readonly weight: Parameter;
  /** [out], or null without bias. */
  readonly bias: Parameter | null;

  constructor(
    /** Input width. */
    readonly inFeatures: number,
    /** Output width. */
    readonly outFeatures: number,
    { bias = true }: LinearOptions = {},
  ) {
    super();
    if (!(Number.isInteger(inFeatures) && inFeatures > 0 && Number.isInteger(outFeatures) && outFeatures > 0)) {
      throw new RangeError(`Linear: features must be positive integers, got in=${inFeatures} out=${outFeatures}`);
    }
    this.weight = new Parameter(kaimingUniform_(zeros([outFeatures, inFeatures]), { a: Math.sqrt(5) }));
    const bound = 1 / Math.sqrt(inFeatures);
    this.bias = bias ? new Parameter(uniform_(zeros([outFeatures]), { low: -bound, high: bound })) : null;
  }

  /** [..., in] → [..., out] */
  forward(x: Tensor): Tensor {
    if (x.shape.at(-1) !== this.inFeatures) {
      throw new ShapeError(`Linear(${this.inFeatures} → ${this.outFeatures}): input ${fmt(x.shape)} must end in ${this.inFeatures}`);
    }
    // x·Wᵀ with the transpose as a flag: no copy of W.
    const y = matmul(x, this.weight, { transB: true });
    return this.bias ? add(y, this.bias) : y;
  }
}

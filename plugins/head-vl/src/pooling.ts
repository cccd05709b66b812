// The pooling choices of the vision-language seeds as small modules: each turns what a model hands
// its head (streams of states with masks, maybe a pooled vector) into one vector per example, so
// any head can use ViLBERT's, LXMERT's or MCAN's pooling by name. Masked positions never contribute.
import { firstToken } from '@crossmodal/core';
import { Dropout, Linear, Module, Parameter } from '@crossmodal/nn';
import { ones, softmax, where, zeros, type Tensor } from '@crossmodal/tensor';

/**
 * BERT's pooler, as LXMERT and ViLBERT use it: the first position → Linear(inDim, outDim) → an
 * activation (`tanh` in BERT/LXMERT, `relu` in ViLBERT's BertTextPooler/BertImagePooler).
 * Field `dense` as theirs, so `dense.weight` maps one to one.
 */
export class DensePooler extends Module {
  /** [inDim] → [outDim] */
  readonly dense: Linear;

  constructor(inDim: number, outDim: number, readonly activation: 'tanh' | 'relu') {
    super();
    this.dense = new Linear(inDim, outDim);
  }

  /** [B, N, inDim] → [B, outDim] */
  forward(states: Tensor): Tensor {
    const y = this.dense.forward(firstToken(states));
    return this.activation === 'tanh' ? y.tanh() : y.relu();
  }
}

/**
 * MCAN's attention flattening (AttFlat, https://arxiv.org/abs/1906.10770 §4): an MLP scores each
 * position once per glimpse, padding gets −∞, a softmax over positions weights the states, and the
 * G weighted sums, concatenated, go through Linear(G·D, outDim).
 * MCAN's names: `mlp.fc.linear` = `fc`, `mlp.linear` = `att`, `linear_merge` = `merge`.
 */
export class AttFlat extends Module {
  /** [D] → [mlpDim], then ReLU and dropout (MCAN's FC). */
  readonly fc: Linear;
  /** After `fc`'s ReLU. */
  readonly drop: Dropout;
  /** [mlpDim] → [G]: one score per glimpse. */
  readonly att: Linear;
  /** [G·D] → [outDim] */
  readonly merge: Linear;

  constructor(
    /** D, the width of the states. */
    readonly dim: number,
    mlpDim: number,
    /** G, the number of glimpses. */
    readonly glimpses: number,
    outDim: number,
    dropout = 0,
  ) {
    super();
    this.fc = new Linear(dim, mlpDim);
    this.drop = new Dropout(dropout);
    this.att = new Linear(mlpDim, glimpses);
    this.merge = new Linear(glimpses * dim, outDim);
  }

  /** [B, N, D] with mask [B, N] → [B, outDim] */
  forward(states: Tensor, mask?: Tensor): Tensor {
    let scores = this.att.forward(this.drop.forward(this.fc.forward(states).relu())); // [B, N, G]
    const keep = mask?.unsqueeze(-1); // [B, N, 1]
    // NOTE: MCAN fills −1e9; −∞ gives the same weights (exactly 0) but a fully padded row yields
    // zeros instead of a uniform average of padding, and no gradient reaches padding.
    if (keep) scores = where(keep, scores, Number.NEGATIVE_INFINITY);
    const weights = softmax(scores, 1); // [B, N, G]
    // where, not mul: weight 0 times a padded ±∞/NaN state would be NaN.
    const real = keep ? where(keep, states, 0) : states;
    const glimpses = weights.transpose(1, 2).matmul(real); // [B, G, D]
    return this.merge.forward(glimpses.reshape([states.shape[0]!, this.glimpses * this.dim])); // [B, outDim]
  }
}

/**
 * MCAN's LayerNorm, which differs from torch.nn.LayerNorm: (x − mean) / (std + eps) with the
 * unbiased std (divisor D − 1) and eps outside the square root. Names `weight`/`bias` (MCAN: a_2, b_2).
 */
export class McanLayerNorm extends Module {
  /** [D] */
  readonly weight: Parameter;
  /** [D] */
  readonly bias: Parameter;

  constructor(readonly dim: number, readonly eps = 1e-6) {
    super();
    if (!(Number.isInteger(dim) && dim >= 2)) throw new RangeError(`McanLayerNorm: dim must be an integer ≥ 2 (the std divides by D − 1), got ${dim}`);
    this.weight = new Parameter(ones([dim]));
    this.bias = new Parameter(zeros([dim]));
  }

  /** [..., D] → [..., D] */
  forward(x: Tensor): Tensor {
    const centred = x.sub(x.mean(-1, true));
    const std = centred.mul(centred).sum(-1, true).div(this.dim - 1).sqrt();
    return centred.div(std.add(this.eps)).mul(this.weight).add(this.bias);
  }
}

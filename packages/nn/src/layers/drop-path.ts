// DropPath (stochastic depth, https://arxiv.org/abs/1603.09382): drops a residual branch for whole
// examples while training, as timm's layers/drop.py `DropPath` (scale_by_keep = True).
import { dropout, ones, type Tensor } from '@crossmodal/tensor';
import { Module } from '../module.ts';

/**
 * Zeroes the whole branch output of each example with probability `p` and scales the kept
 * examples by 1/(1−p), so the expected residual update is unchanged; the identity in eval mode
 * or with p = 0. The per-example mask is an inverted-dropout mask over [B, 1, …, 1], drawn from
 * the engine's seeded generator (`manualSeed`), so a seed reproduces the same dropped examples.
 * @example
 * const dropPath = new DropPath(0.1);
 * x = x.add(dropPath.forward(attn.forward(norm1.forward(x))));   // a residual branch
 */
export class DropPath extends Module {
  constructor(
    /** Probability of dropping an example's branch, in [0, 1). */
    readonly p: number,
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`DropPath: p must be in [0, 1), got ${p}`);
  }

  /** [B, …] → [B, …] */
  forward(x: Tensor): Tensor {
    // Identity without an op when inactive: eval mode and p = 0 cost nothing.
    if (!this.training || this.p === 0) return x;
    if (x.rank === 0) throw new RangeError(`DropPath: needs a batch axis, got a scalar ${x}`);
    // One keep/drop draw per example, broadcast over every other axis: [B, 1, …, 1].
    const shape = [x.shape[0]!, ...x.shape.slice(1).map(() => 1)];
    const mask = dropout(ones(shape, { backend: x.backend }), this.p, { training: true }); // 0 or 1/(1−p) per example
    return x.mul(mask);
  }
}

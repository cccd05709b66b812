// Dropout as a module: active in training mode only, so `model.eval()` turns it off everywhere.
import { dropout, type Tensor } from '@crossmodal/tensor';
import { Module } from '../module.ts';

/**
 * Zeroes each element with probability `p` and scales the rest by 1/(1−p) while training; the
 * identity in eval mode. Masks come from the engine's seeded generator (`manualSeed`).
 * @example
 * const drop = new Dropout(0.1);
 * drop.eval().forward(x);   // x itself
 */
export class Dropout extends Module {
  constructor(
    /** Drop probability in [0, 1). */
    readonly p: number,
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${p}`);
  }

  /** [...] → [...] */
  forward(x: Tensor): Tensor {
    // Identity without an op when inactive: eval mode and p = 0 cost nothing.
    if (!this.training || this.p === 0) return x;
    return dropout(x, this.p, { training: true });
  }
}

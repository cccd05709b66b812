// The small transformer that backend plugins train in their parity and leak tests: two pre-norm
// layers with dropout, learned positions, a head on the mean-pooled states; built from seed 0 on any
// backend with host-side initialisation, so every backend starts from the same weights.
import { crossEntropy, manualSeed, randn, setBackend, tensor, tidy, zeros, type Backend, type Tensor } from '@crossmodal/tensor';
import { Module } from '../module.ts';
import { Parameter } from '../parameter.ts';
import { truncNormal_ } from '../init.ts';
import { LayerNorm } from '../layers/layer-norm.ts';
import { Linear } from '../layers/linear.ts';
import { TransformerLayer } from '../layers/transformer-layer.ts';
import { AdamW } from '../optim/adam.ts';

/** Batch, tokens, width, heads and classes of the tiny task. */
export const TINY = { batch: 4, tokens: 5, dim: 16, heads: 2, classes: 5 } as const;

/** A 2-layer pre-norm transformer with learned positions and a head on the mean-pooled states. */
export class TinyClassifier extends Module {
  readonly pos = new Parameter(truncNormal_(zeros([TINY.tokens, TINY.dim])));
  readonly blocks = [0, 1].map(() => new TransformerLayer({ dim: TINY.dim, heads: TINY.heads, mlpDim: 4 * TINY.dim, dropout: 0.1, attnDropout: 0.1, eps: 1e-6 }));
  readonly norm = new LayerNorm(TINY.dim, { eps: 1e-6 });
  readonly head = new Linear(TINY.dim, TINY.classes);

  /** x [B, T, D] → logits [B, CLASSES] */
  forward(x: Tensor): Tensor {
    let h = x.add(this.pos); // [B, T, D]
    for (const block of this.blocks) h = block.forward(h).out;
    return this.head.forward(this.norm.forward(h).mean(1)); // [B, D] → [B, CLASSES]
  }
}

/** A model, its data and its optimizer on one backend. */
export interface TinySetup {
  readonly model: TinyClassifier;
  readonly x: Tensor;
  readonly y: Tensor;
  readonly opt: AdamW;
  /** Disposes the optimizer state, the model and the data. */
  dispose(): void;
}

/** The model, data and AdamW built on `on` from seed 0 (equal on every backend). */
export function tinySetup(on: Backend): TinySetup {
  const prev = setBackend(on);
  try {
    manualSeed(0);
    const x = randn([TINY.batch, TINY.tokens, TINY.dim]);
    const y = tensor([0, 3, 1, 4], [TINY.batch], { dtype: 'int32' });
    const model = new TinyClassifier();
    const opt = new AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });
    return {
      model, x, y, opt,
      dispose: () => {
        opt.disposeState();
        model.dispose();
        x.dispose();
        y.dispose();
      },
    };
  } finally {
    setBackend(prev);
  }
}

/** Forward and backward of one step on the setup's backend (dropout seeds drawn from `seed`); returns the loss. */
export function tinyLossAndGrads({ model, x, y }: TinySetup, seed: number): Tensor {
  const prev = setBackend(x.backend);
  try {
    manualSeed(seed);
    return tidy(() => {
      const l = crossEntropy(model.forward(x), y);
      l.backward();
      return l;
    });
  } finally {
    setBackend(prev);
  }
}

/**
 * ‖a − b‖ / max(‖b‖, 1e-4). NOTE: the floor is for gradients that are 0 in exact arithmetic (k's
 * bias adds q·b to every score of a row, which softmax ignores): both sides return rounding noise of
 * ~1e-9 there, and a plain relative error of noise against noise is meaningless.
 */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [num, den] = [0, 0];
  for (let i = 0; i < b.length; i++) [num, den] = [num + (a[i]! - b[i]!) ** 2, den + b[i]! ** 2];
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-4);
}

// The transformer's position-wise feed-forward block: fc1 → activation → dropout → fc2 → dropout
// (timm's Mlp; names fc1/fc2 as timm, BERT's intermediate.dense/output.dense map onto them).
// BERT has no dropout after the activation (BertIntermediate is dense → act): `actDropout: false`.
import type { Tensor } from '@crossmodal/tensor';
import { Module } from '../module.ts';
import { activationFn, type Activation } from './activation.ts';
import { Dropout } from './dropout.ts';
import { Linear } from './linear.ts';

/** Options of `MLP`. */
export interface MLPOptions {
  /** Default 'gelu' (exact). */
  activation?: Activation;
  /** Dropout after fc2, and after the activation unless `actDropout` is false (default 0). */
  dropout?: number;
  /**
   * Also drop after the activation (default true, timm's Mlp). False for BERT's feed-forward,
   * whose only dropout is on the output (BertOutput: dense → dropout).
   */
  actDropout?: boolean;
  /** Biases in both Linear layers (default true). */
  bias?: boolean;
}

/**
 * Two Linear layers with an activation between: `[..., in] → [..., out]`.
 * @example
 * new MLP(16, 64, 16, { activation: 'gelu' }).forward(randn([2, 5, 16]));   // [2, 5, 16]
 */
export class MLP extends Module {
  /** in → hidden */
  readonly fc1: Linear;
  /** Applied after fc2, and after the activation when `actDropout`. */
  readonly drop: Dropout;
  /** Whether `drop` also applies after the activation. */
  readonly actDropout: boolean;
  /** hidden → out */
  readonly fc2: Linear;
  /** The activation's name. */
  readonly activation: Activation;
  readonly #act: (x: Tensor) => Tensor;

  constructor(inFeatures: number, hidden: number, outFeatures: number, { activation = 'gelu', dropout = 0, bias = true, actDropout = true }: MLPOptions = {}) {
    super();
    this.actDropout = actDropout;
    this.activation = activation;
    this.#act = activationFn(activation);
    this.fc1 = new Linear(inFeatures, hidden, { bias });
    this.drop = new Dropout(dropout);
    this.fc2 = new Linear(hidden, outFeatures, { bias });
  }

  /** [..., in] → [..., out] */
  forward(x: Tensor): Tensor {
    const a = this.#act(this.fc1.forward(x)); // [..., hidden]
    const h = this.actDropout ? this.drop.forward(a) : a;
    return this.drop.forward(this.fc2.forward(h)); // [..., out]
  }
}

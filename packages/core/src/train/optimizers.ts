// Optimizers from a run config's `optimizer` section.
import { Adam, AdamW, SGD, type BaseHyper, type Optimizer } from '@crossmodal/nn';
import type { Tensor } from '@crossmodal/tensor';

/** The `optimizer` section of a run config. */
export interface OptimizerSpec {
  /** adamw (decoupled weight decay), adam (L2) or sgd. */
  readonly name: 'adamw' | 'adam' | 'sgd';
  /** The (peak) learning rate. */
  readonly lr: number;
  /** Weight decay (default 0). */
  readonly weightDecay?: number;
  /** Adam's β1, β2. */
  readonly betas?: readonly [number, number];
  /** Adam's ε. */
  readonly eps?: number;
  /** SGD's momentum. */
  readonly momentum?: number;
  /** SGD's Nesterov momentum. */
  readonly nesterov?: boolean;
}

/**
 * Builds the optimizer a spec names over `params`.
 * @example
 * const optimizer = createOptimizer({ name: 'adamw', lr: 1e-3, weightDecay: 0.05 }, model.parameters());
 */
export function createOptimizer(spec: OptimizerSpec, params: readonly Tensor[]): Optimizer<BaseHyper> {
  const { lr, weightDecay = 0, betas, eps } = spec;
  const adam = { lr, weightDecay, ...(betas ? { betas } : {}), ...(eps !== undefined ? { eps } : {}) };
  switch (spec.name) {
    case 'adamw':
      return new AdamW(params, adam);
    case 'adam':
      return new Adam(params, adam);
    case 'sgd':
      return new SGD(params, { lr, weightDecay, momentum: spec.momentum ?? 0, nesterov: spec.nesterov ?? false });
    default:
      throw new RangeError(`optimizer.name: got ${JSON.stringify((spec as { name: unknown }).name)}, expected one of adamw, adam, sgd`);
  }
}

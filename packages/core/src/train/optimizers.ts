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
  /**
   * Which parameters weight decay applies to: `all` (torch's default, and ours) or `timm`: not to
   * vectors (biases, norm gains and shifts) nor to parameters named `pos_embed`, `cls_token`,
   * `dist_token` or `*position_embeddings` (timm's `param_groups_weight_decay` with a ViT's
   * `no_weight_decay()`), which stops decay from pulling norms and embeddings towards zero.
   */
  readonly decay?: DecayRule;
}

/** {@link OptimizerSpec.decay}. */
export type DecayRule = 'all' | 'timm';

const TIMM_NO_DECAY = /(^|\.)(pos_embed|cls_token|dist_token|[a-z_]*position_embeddings)(\.|$)/;

/**
 * Parameters split by a decay rule: `decay` gets the weight decay, `noDecay` none. A parameter with
 * one dimension or fewer, or a name in timm's ViT no-decay set, is exempt under `timm`.
 * @example
 * splitByDecay(model.namedParameters(), 'timm').noDecay.length; // biases, norms, pos_embed, cls_token
 */
export function splitByDecay(named: readonly (readonly [string, Tensor])[], rule: DecayRule): { decay: Tensor[]; noDecay: Tensor[] } {
  const decay: Tensor[] = [];
  const noDecay: Tensor[] = [];
  for (const [name, p] of named) (rule === 'timm' && (p.shape.length <= 1 || TIMM_NO_DECAY.test(name)) ? noDecay : decay).push(p);
  return { decay, noDecay };
}

/**
 * Builds the optimizer a spec names over `params`.
 * @example
 * const optimizer = createOptimizer({ name: 'adamw', lr: 1e-3, weightDecay: 0.05, decay: 'timm' }, model.namedParameters());
 */
export function createOptimizer(spec: OptimizerSpec, params: readonly Tensor[] | readonly (readonly [string, Tensor])[]): Optimizer<BaseHyper> {
  const { lr, weightDecay = 0, betas, eps, decay = 'all' } = spec;
  const named = params.length > 0 && Array.isArray(params[0]);
  if (decay !== 'all' && !named) throw new RangeError(`optimizer.decay: '${decay}' needs the parameters' names; pass model.namedParameters()`);
  const flat = named ? (params as readonly (readonly [string, Tensor])[]).map(([, p]) => p) : (params as readonly Tensor[]);
  // One group when decay applies to all (the state dict keeps its one-group layout); else two.
  const split = decay === 'all' || weightDecay === 0 ? undefined : splitByDecay(params as readonly (readonly [string, Tensor])[], decay);
  const groups: readonly Tensor[] | { params: readonly Tensor[]; weightDecay?: number }[] =
    split === undefined ? flat : [{ params: split.decay }, { params: split.noDecay, weightDecay: 0 }].filter((g) => g.params.length > 0);
  const adam = { lr, weightDecay, ...(betas ? { betas } : {}), ...(eps !== undefined ? { eps } : {}) };
  switch (spec.name) {
    case 'adamw':
      return new AdamW(groups, adam);
    case 'adam':
      return new Adam(groups, adam);
    case 'sgd':
      return new SGD(groups, { lr, weightDecay, momentum: spec.momentum ?? 0, nesterov: spec.nesterov ?? false });
    default:
      throw new RangeError(`optimizer.name: got ${JSON.stringify((spec as { name: unknown }).name)}, expected one of adamw, adam, sgd`);
  }
}

// Adam (https://arxiv.org/abs/1412.6980) and AdamW (https://arxiv.org/abs/1711.05101), step for
// step as torch.optim.Adam/AdamW. The update is the engine's fused AdamStep op (one kernel per parameter).
import { adamStep, zerosLike, type Tensor } from '@crossmodal/tensor';
import { Optimizer, stripUndefined, type BaseHyper, type ParamState, type ParamsInput } from './optimizer.ts';

/** Adam's hyperparameters (torch's, camelCased). */
export interface AdamHyper extends BaseHyper {
  betas: readonly [number, number];
  eps: number;
  amsgrad: boolean;
}

/** Options of `Adam` / `AdamW`; every field has torch's default. */
export type AdamOptions = Partial<AdamHyper>;

/** The tensors of one Adam update: parameter, first and second moments (and their running max). */
export interface AdamTensors {
  param: Tensor;
  expAvg: Tensor;
  expAvgSq: Tensor;
  /** Only with amsgrad. */
  maxExpAvgSq?: Tensor;
}

/**
 * One Adam/AdamW update at step `step` (1-based), torch's equations:
 * decoupled (AdamW): p ← p·(1 − lr·wd); else (Adam): g ← g + wd·p.
 * m ← m + (g − m)·(1 − β1); v ← β2·v + (1 − β2)·g²; v̂ ← max(v̂, v) with amsgrad;
 * p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps).
 * Pure: returns new tensors, the inputs are untouched. Runs the engine's fused `AdamStep` op, whose
 * composite (on backends without a kernel) is exactly these ops in this order.
 */
export function adamUpdate(s: AdamTensors & { grad: Tensor }, h: AdamHyper & { step: number; decoupled: boolean }): AdamTensors {
  const [beta1, beta2] = h.betas;
  const { lr, eps, weightDecay, amsgrad, step, decoupled } = h;
  return adamStep(s, { lr, beta1, beta2, eps, weightDecay, step, decoupled, amsgrad });
}

const ADAM_DEFAULTS: AdamHyper = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false };

/**
 * Adam with L2 weight decay added to the gradient, as torch.optim.Adam.
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamHyper> {
  /** True for AdamW: weight decay shrinks the parameter instead of adding to the gradient. */
  protected readonly decoupled: boolean = false;
  protected readonly bufferNames = ['expAvg', 'expAvgSq', 'maxExpAvgSq'] as const;

  constructor(params: ParamsInput<AdamHyper>, options: AdamOptions = {}, name = 'Adam', defaults: AdamHyper = ADAM_DEFAULTS) {
    super(name, params, { ...defaults, ...stripUndefined(options) });
  }

  protected override validate(group: AdamHyper): void {
    super.validate(group);
    const [b1, b2] = group.betas;
    if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new RangeError(`${this.name}: betas must be in [0, 1), got [${b1}, ${b2}]`);
    if (!(group.eps >= 0)) throw new RangeError(`${this.name}: eps must be >= 0, got ${group.eps}`);
  }

  protected update(param: Tensor, grad: Tensor, group: AdamHyper, state: ParamState): void {
    const b = state.buffers;
    const r = adamUpdate(
      {
        param,
        grad,
        expAvg: b.get('expAvg') ?? zerosLike(param),
        expAvgSq: b.get('expAvgSq') ?? zerosLike(param),
        ...(group.amsgrad ? { maxExpAvgSq: b.get('maxExpAvgSq') ?? zerosLike(param) } : {}),
      },
      { ...group, step: state.step, decoupled: this.decoupled },
    );
    param.assign(r.param);
    this.setBuffer(state, 'expAvg', r.expAvg);
    this.setBuffer(state, 'expAvgSq', r.expAvgSq);
    if (r.maxExpAvgSq) this.setBuffer(state, 'maxExpAvgSq', r.maxExpAvgSq);
  }
}

/**
 * Adam with decoupled weight decay (p ← p·(1 − lr·wd) before the Adam step), as
 * torch.optim.AdamW; default weightDecay 0.01 as torch.
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.05 });
 */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  constructor(params: ParamsInput<AdamHyper>, options: AdamOptions = {}) {
    super(params, options, 'AdamW', { ...ADAM_DEFAULTS, weightDecay: 0.01 });
  }
}

// SGD with momentum, dampening, Nesterov and L2 weight decay, step for step as torch.optim.SGD.
import type { Tensor } from '@crossmodal/tensor';
import { Optimizer, stripUndefined, type BaseHyper, type ParamState, type ParamsInput } from './optimizer.ts';

/** SGD's hyperparameters (torch.optim.SGD's, camelCased). */
export interface SGDHyper extends BaseHyper {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

/** Options of `SGD`: `lr` is required, the rest default to 0 / false. */
export type SGDOptions = Pick<SGDHyper, 'lr'> & Partial<SGDHyper>;

/** The tensors of one SGD update. */
export interface SGDTensors {
  param: Tensor;
  /** The momentum buffer; absent before the first step with momentum. */
  momentumBuffer?: Tensor;
}

/**
 * One SGD update, torch's equations: g ← grad + wd·p; with momentum, b ← g on the first step,
 * else b ← μ·b + (1 − dampening)·g, and g ← g + μ·b (Nesterov) or g ← b; p ← p − lr·g.
 * Pure: returns the new parameter value and buffer.
 */
export function sgdUpdate(param: Tensor, grad: Tensor, momentumBuffer: Tensor | undefined, h: SGDHyper): SGDTensors {
  let g = h.weightDecay !== 0 ? grad.add(param.mul(h.weightDecay)) : grad;
  let buf: Tensor | undefined;
  if (h.momentum !== 0) {
    buf = momentumBuffer ? momentumBuffer.mul(h.momentum).add(g.mul(1 - h.dampening)) : g.clone();
    g = h.nesterov ? g.add(buf.mul(h.momentum)) : buf;
  }
  return { param: param.sub(g.mul(h.lr)), ...(buf ? { momentumBuffer: buf } : {}) };
}

/**
 * Stochastic gradient descent, as torch.optim.SGD.
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class SGD extends Optimizer<SGDHyper> {
  protected readonly bufferNames = ['momentumBuffer'] as const;

  constructor(params: ParamsInput<SGDHyper>, options: SGDOptions) {
    // stripUndefined: `{ dampening: undefined }` keeps the default 0 instead of turning into NaN.
    super('SGD', params, { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...stripUndefined(options) } as SGDHyper);
  }

  protected override validate(group: SGDHyper): void {
    super.validate(group);
    if (!(group.momentum >= 0 && Number.isFinite(group.momentum))) throw new RangeError(`SGD: momentum must be a finite number >= 0, got ${group.momentum}`);
    // torch accepts any dampening; a NaN or infinite one would poison the momentum buffer.
    if (!(typeof group.dampening === 'number' && Number.isFinite(group.dampening))) {
      throw new RangeError(`SGD: dampening must be a finite number, got ${String(group.dampening)}`);
    }
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new RangeError(`SGD: nesterov needs momentum > 0 and dampening 0, got momentum=${group.momentum} dampening=${group.dampening}`);
    }
  }

  protected update(param: Tensor, grad: Tensor, group: SGDHyper, state: ParamState): void {
    const r = sgdUpdate(param, grad, state.buffers.get('momentumBuffer'), group);
    param.assign(r.param);
    if (r.momentumBuffer) this.setBuffer(state, 'momentumBuffer', r.momentumBuffer);
  }
}

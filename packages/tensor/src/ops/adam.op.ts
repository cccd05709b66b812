// One Adam/AdamW parameter update as a single non-differentiable op (torch.optim.Adam/AdamW), so a
// backend updates parameter and moments in one kernel instead of ~15 elementwise ops.
// Papers: https://arxiv.org/abs/1412.6980 (Adam), https://arxiv.org/abs/1711.05101 (AdamW)
import { assertDtype } from '../dtype.ts';
import { defineOp, type TensorMeta } from '../op.ts';
import { fmt, ShapeError } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOpMulti } from '../engine.ts';
import { add, div, maximum, mul, sub } from './binary.op.ts';
import { clone, neg, sqrt } from './unary.op.ts';

/** Attrs of AdamStep: torch's hyperparameters and the 1-based step count. */
export interface AdamStepAttrs {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** 1-based step number t (the bias corrections are 1 − β^t). */
  readonly step: number;
  /** AdamW: decay shrinks the parameter (p·(1 − lr·wd)); else Adam: wd·p is added to the gradient. */
  readonly decoupled: boolean;
  /** Keep the running max of the second moment and divide by it (needs `maxExpAvgSq` or starts from v). */
  readonly amsgrad: boolean;
  /** Ascend instead of descend (the gradient is negated first). Default false. */
  readonly maximize?: boolean;
}

type AdamInputs = { param: Tensor; grad: Tensor; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };
type AdamMetas = { param: TensorMeta; grad: TensorMeta; expAvg: TensorMeta; expAvgSq: TensorMeta; maxExpAvgSq?: TensorMeta };
type AdamOutput = 'out' | 'expAvg' | 'expAvgSq' | 'maxExpAvgSq';

/** The scalars of one step, computed on the host in double, as the composite and kernels use them. */
export interface AdamScalars {
  /** 1 − lr·wd (AdamW's shrink factor). */
  readonly decay: number;
  /** 1 − β1 (the lerp weight of the first moment). */
  readonly oneMinusBeta1: number;
  /** 1 − β2. */
  readonly oneMinusBeta2: number;
  /** lr / (1 − β1^t). */
  readonly stepSize: number;
  /** √(1 − β2^t). */
  readonly bc2Sqrt: number;
}

/** The host-side scalars of an AdamStep (shared by the composite and every kernel). */
export function adamScalars(a: AdamStepAttrs): AdamScalars {
  return {
    decay: 1 - a.lr * a.weightDecay,
    oneMinusBeta1: 1 - a.beta1,
    oneMinusBeta2: 1 - a.beta2,
    stepSize: a.lr / (1 - a.beta1 ** a.step),
    bc2Sqrt: Math.sqrt(1 - a.beta2 ** a.step),
  };
}

function checkAdam({ param, ...rest }: AdamMetas, { step }: AdamStepAttrs): void {
  assertDtype('AdamStep (param)', param.dtype, ['float32']);
  for (const [name, t] of Object.entries(rest)) {
    if (!t) continue;
    assertDtype(`AdamStep (${name})`, t.dtype, ['float32']);
    if (fmt(t.shape) !== fmt(param.shape)) {
      throw new ShapeError(`AdamStep: ${name} ${fmt(t.shape)} must have the shape of param ${fmt(param.shape)}`);
    }
  }
  if (!(Number.isInteger(step) && step >= 1)) throw new RangeError(`AdamStep: step must be an integer >= 1, got ${step}`);
}

/**
 * One Adam/AdamW update, torch's equations in torch's order (each step rounds to float32):
 * decoupled: p ← p·(1 − lr·wd); else g ← g + wd·p.
 * m ← m + (g − m)·(1 − β1); v ← v·β2 + g·g·(1 − β2); v̂ ← max(v̂, v) with amsgrad;
 * p ← p − m / (√v̂ / √(1 − β2^t) + eps) · lr/(1 − β1^t).
 * Outputs `out` (the new parameter), `expAvg`, `expAvgSq` and, with amsgrad, `maxExpAvgSq`. Not
 * differentiable.
 */
export const AdamStep = defineOp<AdamInputs, AdamStepAttrs, AdamOutput>({
  name: 'AdamStep',
  inputs: ['param', 'grad', 'expAvg', 'expAvgSq', 'maxExpAvgSq'],
  outputs: ['out', 'expAvg', 'expAvgSq', 'maxExpAvgSq'],
  inferShape(inputs, attrs) {
    checkAdam(inputs, attrs);
    const s = inputs.param.shape;
    return { out: s, expAvg: s, expAvgSq: s, ...(attrs.amsgrad ? { maxExpAvgSq: s } : {}) };
  },
  composite: (s, a) => {
    const k = adamScalars(a);
    let param = s.param;
    let grad = a.maximize === true ? neg(s.grad) : s.grad;
    if (a.weightDecay !== 0) {
      if (a.decoupled) param = mul(param, k.decay);
      else grad = add(grad, mul(param, a.weightDecay));
    }
    const expAvg = add(s.expAvg, mul(sub(grad, s.expAvg), k.oneMinusBeta1)); // torch's lerp
    const expAvgSq = add(mul(s.expAvgSq, a.beta2), mul(mul(grad, grad), k.oneMinusBeta2));
    const maxExpAvgSq = a.amsgrad ? (s.maxExpAvgSq ? maximum(s.maxExpAvgSq, expAvgSq) : clone(expAvgSq)) : undefined;
    const denom = add(div(sqrt(maxExpAvgSq ?? expAvgSq), k.bc2Sqrt), a.eps);
    const out = sub(param, mul(div(expAvg, denom), k.stepSize));
    return { out, expAvg, expAvgSq, ...(maxExpAvgSq ? { maxExpAvgSq } : {}) };
  },
});

/** What `adamStep` returns: the new parameter and moments (new tensors; the inputs are untouched). */
export interface AdamStepResult {
  readonly param: Tensor;
  readonly expAvg: Tensor;
  readonly expAvgSq: Tensor;
  /** Only with amsgrad. */
  readonly maxExpAvgSq?: Tensor;
}

/**
 * One fused Adam/AdamW update (see `AdamStep`); pure: returns new tensors.
 * @example
 * const r = adamStep({ param: p, grad: p.grad!, expAvg: m, expAvgSq: v },
 *   { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 1, decoupled: true, amsgrad: false });
 */
export function adamStep(inputs: AdamInputs, attrs: AdamStepAttrs): AdamStepResult {
  const r = runOpMulti(AdamStep, inputs, attrs);
  return { param: r.out!, expAvg: r.expAvg!, expAvgSq: r.expAvgSq!, ...(r.maxExpAvgSq ? { maxExpAvgSq: r.maxExpAvgSq } : {}) };
}

// Softmax and log-softmax along an axis as fused ops (one pass per row on a backend that has a
// kernel), each with its composite in primitives; the softmax backward is its own fusable op.
import { assertDtype } from '../dtype.ts';
import { defineOp, type TensorMeta } from '../op.ts';
import { normalizeAxis } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { reshape } from './reshape.op.ts';
import { runOp, tidy } from '../engine.ts';
import { div, equal, mul, sub } from './binary.op.ts';
import { exp, log } from './unary.op.ts';
import { max, sum } from './reduce.op.ts';
import { where } from './where.op.ts';

/** Attrs of the softmax family: the (normalised) axis the rows run along. */
export interface SoftmaxAttrs {
  readonly axis: number;
}

/** Attrs of LogSoftmax (the same as Softmax's). */
export type LogSoftmaxAttrs = SoftmaxAttrs;

type X = { x: Tensor };

const inferSame = (name: string) => ({ x }: { x: TensorMeta }, { axis }: SoftmaxAttrs) => {
  assertDtype(name, x.dtype, ['float32']);
  normalizeAxis(name, axis, x.shape.length);
  return x.shape;
};

/**
 * The row maximum with −∞ replaced by 0, detached: subtracting it keeps exp ≤ 1 (no overflow),
 * and a row that is entirely −∞ stays −∞ instead of becoming −∞ − (−∞) = NaN.
 */
function safeRowMax(x: Tensor, axis: number): Tensor {
  const m = max(x, axis, true).detach();
  return where(equal(m, Number.NEGATIVE_INFINITY), 0, m);
}

/** A row sum with 0 replaced by 1: only a fully masked row sums to 0, and it must give 0, not 0/0. */
const safeRowSum = (e: Tensor, axis: number): Tensor => {
  const s = sum(e, axis, true);
  return where(equal(s, 0), 1, s);
};

/**
 * Softmax in primitives (max, sub, exp, sum, div), differentiable through them. A row that is
 * entirely −∞ gives zeros (see `softmax`).
 */
export function softmaxComposite(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxis('softmax', axis, x.rank);
  const e = exp(sub(x, safeRowMax(x, a)));
  return div(e, safeRowSum(e, a));
}

/** Log-softmax in primitives (max, sub, exp, sum, log); a row that is entirely −∞ stays −∞. */
export function logSoftmaxComposite(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxis('logSoftmax', axis, x.rank);
  const shifted = sub(x, safeRowMax(x, a));
  return sub(shifted, log(safeRowSum(exp(shifted), a)));
}

/** y = softmax(x) along `axis`; the gradient goes through `SoftmaxGrad`. */
export const Softmax = defineOp<X, SoftmaxAttrs>({
  name: 'Softmax',
  inputs: ['x'],
  inferShape: inferSame('Softmax'),
  grad: (dy, _, { out, attrs }) => ({ x: () => runOp(SoftmaxGrad, { y: out, dy }, attrs) }),
  composite: ({ x }, { axis }) => softmaxComposite(x, axis),
});

/** dx = y·(dy − Σ dy·y) along the axis: the softmax backward, a fusable op with its composite. */
export const SoftmaxGrad = defineOp<{ y: Tensor; dy: Tensor }, SoftmaxAttrs>({
  name: 'SoftmaxGrad',
  inputs: ['y', 'dy'],
  inferShape: ({ y }, attrs) => inferSame('SoftmaxGrad')({ x: y }, attrs),
  composite: ({ y, dy }, { axis }) => mul(y, sub(dy, sum(mul(dy, y), axis, true))),
});

/** y = x − logΣexp(x) along `axis`; dx = dy − softmax(x)·Σdy, with softmax(x) = exp(y). */
export const LogSoftmax = defineOp<X, LogSoftmaxAttrs>({
  name: 'LogSoftmax',
  inputs: ['x'],
  inferShape: inferSame('LogSoftmax'),
  grad: (dy, _, { out, attrs }) => ({ x: () => sub(dy, mul(exp(out), sum(dy, attrs.axis, true))) }),
  composite: ({ x }, { axis }) => logSoftmaxComposite(x, axis),
});

/**
 * Softmax along `axis` (the last by default), numerically stable (the row maximum is subtracted
 * first, so inputs of ±1000 neither overflow nor underflow to NaN). −∞ entries get probability
 * exactly 0.
 *
 * NOTE: a row whose entries are all −∞ gives all zeros, where PyTorch gives NaN: attention over a
 * row of pure padding must not poison the batch. Such a row's gradient is 0.
 * @example
 * softmax(tensor([[1, 2, 3]]));                   // [[0.0900, 0.2447, 0.6652]]
 * softmax(tensor([0, -Infinity]));                // [1, 0]
 */
export const softmax = (x: Tensor, axis = -1): Tensor =>
  // A scalar is one row of one element (PyTorch accepts dim 0 or −1 on a 0-d tensor).
  x.rank === 0 ? tidy(() => reshape(softmax(reshape(x, [1]), 0), [])) : runOp(Softmax, { x }, { axis: normalizeAxis('softmax', axis, x.rank) });

/**
 * log(softmax(x)) along `axis`, computed as x − max − log Σ exp(x − max) (never through log of a
 * rounded probability). −∞ entries stay −∞.
 *
 * NOTE: a row whose entries are all −∞ gives all −∞ (PyTorch gives NaN), consistent with
 * `softmax` giving zeros there.
 */
export const logSoftmax = (x: Tensor, axis = -1): Tensor =>
  x.rank === 0 ? tidy(() => reshape(logSoftmax(reshape(x, [1]), 0), [])) : runOp(LogSoftmax, { x }, { axis: normalizeAxis('logSoftmax', axis, x.rank) });

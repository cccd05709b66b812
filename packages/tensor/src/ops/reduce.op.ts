// Reductions over axes (sum, max, min, argmax, argmin) with keepDim, plus mean and sumTo on top.
import { assertDtype } from '../dtype.ts';
import { defineOp } from '../op.ts';
import { fmt, normalizeAxes, normalizeAxis, reducedShape, type Shape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';
import { div, equal, mul, sub } from './binary.op.ts';
import { cast } from './unary.op.ts';
import { expand } from './expand.op.ts';
import { reshape } from './reshape.op.ts';
import { where } from './where.op.ts';

/** Attrs of a reduction: normalised, sorted axes and whether they stay as size 1. */
export interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepDim: boolean;
}
/** Attrs of argmax/argmin: one axis. */
export interface ArgReduceAttrs {
  readonly axis: number;
  readonly keepDim: boolean;
}

const keptShape = (shape: Shape, axes: readonly number[]): number[] => reducedShape(shape, axes, true);
/** dy of a reduction, broadcast back over the reduced axes to `shape`. */
const spread = (dy: Tensor, shape: Shape, axes: readonly number[]): Tensor => expand(reshape(dy, keptShape(shape, axes)), shape);

/** Sum over axes (int32 sums stay int32). */
export const Sum = defineOp<{ x: Tensor }, ReduceAttrs>({
  name: 'Sum',
  inputs: ['x'],
  inferShape: ({ x }, { axes, keepDim }) => reducedShape(x.shape, axes, keepDim),
  grad: (dy, { x }, { attrs }) => ({ x: () => spread(dy, x.shape, attrs.axes) }),
});

// max/min: the gradient is shared equally among tied extremes (amax semantics), so it is exact
// for the subgradient that PyTorch's amax uses. Where a slice's result is NaN it goes to the slice's
// NaN positions, as PyTorch's evenly_distribute_backward does (x == NaN would match nothing).
const extremeGrad = (dy: Tensor, x: Tensor, out: Tensor, axes: readonly number[]): Tensor => {
  const o = expand(reshape(out, keptShape(x.shape, axes)), x.shape);
  const nanAt = (t: Tensor): Tensor => sub(1, cast(equal(t, t), 'float32'));
  const hit = where(equal(o, o), cast(equal(x, o), 'float32'), nanAt(x));
  const count = expand(reshape(sum(hit, axes, false), keptShape(x.shape, axes)), x.shape);
  return div(mul(spread(dy, x.shape, axes), hit), count);
};

/** Maximum over axes; ties share the gradient. */
export const Max = defineOp<{ x: Tensor }, ReduceAttrs>({
  name: 'Max',
  inputs: ['x'],
  inferShape({ x }, { axes, keepDim }) {
    if (axes.some((a) => x.shape[a] === 0)) throw new RangeError(`Max: cannot reduce an empty axis of ${fmt(x.shape)}`);
    return reducedShape(x.shape, axes, keepDim);
  },
  grad: (dy, { x }, { out, attrs }) => ({ x: () => extremeGrad(dy, x, out, attrs.axes) }),
});

/** Minimum over axes; ties share the gradient. */
export const Min = defineOp<{ x: Tensor }, ReduceAttrs>({
  name: 'Min',
  inputs: ['x'],
  inferShape({ x }, { axes, keepDim }) {
    if (axes.some((a) => x.shape[a] === 0)) throw new RangeError(`Min: cannot reduce an empty axis of ${fmt(x.shape)}`);
    return reducedShape(x.shape, axes, keepDim);
  },
  grad: (dy, { x }, { out, attrs }) => ({ x: () => extremeGrad(dy, x, out, attrs.axes) }),
});

const argInfer = (name: string) => ({ x }: { x: { shape: Shape; dtype: 'float32' | 'int32' } }, { axis, keepDim }: ArgReduceAttrs) => {
  if (x.shape[axis] === 0) throw new RangeError(`${name}: cannot reduce an empty axis of ${fmt(x.shape)}`);
  return { shape: reducedShape(x.shape, [axis], keepDim), dtype: 'int32' as const };
};
/** Index of the first maximum along an axis (int32, no gradient). */
export const ArgMax = defineOp<{ x: Tensor }, ArgReduceAttrs>({ name: 'ArgMax', inputs: ['x'], inferShape: argInfer('ArgMax') });
/** Index of the first minimum along an axis (int32, no gradient). */
export const ArgMin = defineOp<{ x: Tensor }, ArgReduceAttrs>({ name: 'ArgMin', inputs: ['x'], inferShape: argInfer('ArgMin') });

type Axes = number | readonly number[] | undefined;
const attrs = (what: string, x: Tensor, axes: Axes, keepDim: boolean): ReduceAttrs => ({
  axes: normalizeAxes(what, axes, x.rank),
  keepDim,
});

/** Sum over `axes` (all when omitted). */
export const sum = (x: Tensor, axes?: Axes, keepDim = false): Tensor => runOp(Sum, { x }, attrs('sum', x, axes, keepDim));
/** Maximum over `axes` (all when omitted). */
export const max = (x: Tensor, axes?: Axes, keepDim = false): Tensor => runOp(Max, { x }, attrs('max', x, axes, keepDim));
/** Minimum over `axes` (all when omitted). */
export const min = (x: Tensor, axes?: Axes, keepDim = false): Tensor => runOp(Min, { x }, attrs('min', x, axes, keepDim));
/** Mean over `axes` (all when omitted); float32 only. */
export function mean(x: Tensor, axes?: Axes, keepDim = false): Tensor {
  assertDtype('mean', x.dtype, ['float32']);
  const a = attrs('mean', x, axes, keepDim);
  const n = a.axes.reduce((acc, i) => acc * x.shape[i]!, 1);
  const total = runOp(Sum, { x }, a);
  try {
    return div(total, n);
  } finally {
    total.dispose(); // Div's autograd node keeps its own handle
  }
}
/** Index of the maximum along `axis`. */
export const argmax = (x: Tensor, axis = -1, keepDim = false): Tensor =>
  runOp(ArgMax, { x }, { axis: normalizeAxis('argmax', axis, x.rank), keepDim });
/** Index of the minimum along `axis`. */
export const argmin = (x: Tensor, axis = -1, keepDim = false): Tensor =>
  runOp(ArgMin, { x }, { axis: normalizeAxis('argmin', axis, x.rank), keepDim });

/** Sums `x` over broadcast axes so it takes `shape` (the adjoint of broadcasting). */
export function sumTo(x: Tensor, shape: Shape): Tensor {
  const lead = x.rank - shape.length;
  if (lead < 0) throw new RangeError(`sumTo: ${fmt(x.shape)} has fewer axes than ${fmt(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const target = i < lead ? 1 : shape[i - lead]!;
    if (i < lead || (target === 1 && x.shape[i] !== 1)) axes.push(i);
    else if (target !== x.shape[i]) throw new RangeError(`sumTo: ${fmt(x.shape)} does not reduce to ${fmt(shape)}`);
  }
  if (!axes.length) return reshape(x, shape);
  const kept = sum(x, axes, true);
  try {
    return reshape(kept, shape);
  } finally {
    kept.dispose();
  }
}

// Concat joins tensors along an existing axis; stack (unsqueeze + concat) along a new one.
import { defineOp } from '../op.ts';
import { fmt, normalizeAxis, ShapeError } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';
import { slice } from './slice.op.ts';
import { unsqueeze } from './reshape.op.ts';

/** The (normalised) axis along which the inputs are joined. */
export interface ConcatAttrs {
  readonly axis: number;
}

const shapesOf = (xs: readonly { shape: readonly number[] }[]): string => xs.map((x) => fmt(x.shape)).join(', ');

/** The inputs laid end to end along `axis`; every other axis must match. */
export const Concat = defineOp<{ xs: readonly Tensor[] }, ConcatAttrs>({
  name: 'Concat',
  inputs: ['xs'],
  inferShape({ xs }, { axis }) {
    if (xs.length === 0) throw new ShapeError('Concat: needs at least one tensor, got an empty list');
    const first = xs[0]!;
    const rank = first.shape.length;
    if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
      throw new RangeError(`Concat: axis ${axis} is out of range for inputs ${shapesOf(xs)}`);
    }
    const same = xs.every((x) => x.shape.length === rank && x.shape.every((d, i) => i === axis || d === first.shape[i]));
    if (!same) throw new ShapeError(`Concat: shapes ${shapesOf(xs)} must match on every axis but ${axis}`);
    if (xs.some((x) => x.dtype !== first.dtype)) {
      throw new TypeError(`Concat: dtypes ${xs.map((x) => x.dtype).join(', ')} differ (shapes ${shapesOf(xs)})`);
    }
    const out = [...first.shape];
    out[axis] = xs.reduce((n, x) => n + x.shape[axis]!, 0);
    return out;
  },
  // Each input owns a window of the output along `axis`; its gradient is that window of dy.
  grad: (dy, { xs }, { attrs: { axis } }) => ({
    xs: () => {
      let at = 0;
      return xs.map((x) => {
        const begin = dy.shape.map((_, i) => (i === axis ? at : 0));
        at += x.shape[axis]!;
        return slice(dy, begin, dy.shape.map((d, i) => (i === axis ? at : d)));
      });
    },
  }),
});

/**
 * Joins tensors of equal shape except on `axis` (negative counts from the end).
 * @example
 * concat([zeros([2, 3]), ones([2, 1])], 1);   // [2, 4]
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('concat: needs at least one tensor, got an empty list');
  const a = normalizeAxis(`concat (shapes ${shapesOf(xs)})`, axis, xs[0]!.rank);
  return runOp(Concat, { xs }, { axis: a });
}

/**
 * Joins tensors of identical shape along a new axis `axis` (in the output's numbering).
 * @example
 * stack([zeros([2, 3]), ones([2, 3])], 0);   // [2, 2, 3]
 */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('stack: needs at least one tensor, got an empty list');
  const first = xs[0]!;
  if (!xs.every((x) => fmt(x.shape) === fmt(first.shape))) throw new ShapeError(`stack: shapes ${shapesOf(xs)} must all be equal`);
  const a = normalizeAxis(`stack (shapes ${shapesOf(xs)})`, axis, first.rank + 1);
  // The unsqueezed views are intermediates: Concat's autograd node keeps its own handles to them.
  const parts = xs.map((x) => unsqueeze(x, a));
  try {
    return concat(parts, a);
  } finally {
    for (const p of parts) p.dispose();
  }
}

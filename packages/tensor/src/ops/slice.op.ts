// Slice: a box of `x` (per-axis begin/end, end exclusive), copied out; its gradient pads with zeros.
import { defineOp } from '../op.ts';
import { fmt, ShapeError } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';
import { pad } from './pad.op.ts';

/** Normalised slice bounds: one entry per axis, 0 ≤ begin[i] ≤ end[i] ≤ x.shape[i]. */
export interface SliceAttrs {
  readonly begin: readonly number[];
  readonly end: readonly number[];
}

/** The elements `begin[i] <= j < end[i]` on every axis i; attrs are already normalised. */
export const Slice = defineOp<{ x: Tensor }, SliceAttrs>({
  name: 'Slice',
  inputs: ['x'],
  inferShape({ x }, { begin, end }) {
    const rank = x.shape.length;
    const ok =
      begin.length === rank &&
      end.length === rank &&
      x.shape.every((d, i) => Number.isInteger(begin[i]) && Number.isInteger(end[i]) && 0 <= begin[i]! && begin[i]! <= end[i]! && end[i]! <= d);
    if (!ok) {
      throw new ShapeError(`Slice: bounds begin=[${begin.join(', ')}] end=[${end.join(', ')}] are not normalised for x ${fmt(x.shape)} (need 0 <= begin <= end <= dim per axis)`);
    }
    return x.shape.map((_, i) => end[i]! - begin[i]!);
  },
  // The slice is a window of x: the gradient is dy placed back in that window, zeros elsewhere.
  grad: (dy, { x }, { attrs: { begin, end } }) => ({
    x: () => pad(dy, x.shape.map((d, i) => [begin[i]!, d - end[i]!] as const)),
  }),
});

/** Python's slice bound: negatives count from the end, then clamp into [0, dim]. */
const clampBound = (v: number, dim: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);

/**
 * The box `begin[i] <= j < end[i]` of `x` on every axis (a copy). Negative bounds count from the
 * end; out-of-range bounds clamp as in Python (`[5:99]` of 6 elements is `[5:6]`, `end <= begin`
 * gives size 0); axes past `begin.length` are taken whole, and so are axes past `end.length`
 * (from their `begin`).
 * @example
 * const x = arange(12).reshape([3, 4]);
 * slice(x, [1, -2]);          // rows 1..2, last two columns: [2, 2]
 * slice(x, [0, 1], [-1, 3]);  // rows 0..1, columns 1..2: [2, 2]
 */
export function slice(x: Tensor, begin: readonly number[], end?: readonly number[]): Tensor {
  const e = end ?? [];
  if (begin.length > x.rank || e.length > x.rank) {
    throw new RangeError(`slice: begin=[${begin.join(', ')}] end=[${e.join(', ')}] have more entries than x ${fmt(x.shape)} has axes`);
  }
  for (const v of [...begin, ...e]) {
    if (!Number.isInteger(v)) throw new RangeError(`slice: bounds must be integers, got begin=[${begin.join(', ')}] end=[${e.join(', ')}]`);
  }
  const b = x.shape.map((d, i) => clampBound(begin[i] ?? 0, d));
  const en = x.shape.map((d, i) => Math.max(clampBound(e[i] ?? d, d), b[i]!));
  return runOp(Slice, { x }, { begin: b, end: en });
}

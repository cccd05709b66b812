// Pad: `x` surrounded by a constant on each axis; its gradient slices the padding away.
import { defineOp } from '../op.ts';
import { fmt, ShapeError } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';
import { slice } from './slice.op.ts';

/** Normalised padding: one `[before, after]` per axis (non-negative integers) and the fill value. */
export interface PadAttrs {
  readonly pads: readonly (readonly [number, number])[];
  readonly value: number;
}

/** `x` with `pads[i][0]` elements before and `pads[i][1]` after it on axis i, all equal to `value`. */
export const Pad = defineOp<{ x: Tensor }, PadAttrs>({
  name: 'Pad',
  inputs: ['x'],
  inferShape({ x }, { pads }) {
    if (pads.length !== x.shape.length || !pads.every(([b, a]) => isCount(b) && isCount(a))) {
      throw new ShapeError(`Pad: pads ${fmtPads(pads)} do not give one [before, after] of integers >= 0 per axis of x ${fmt(x.shape)}`);
    }
    return x.shape.map((d, i) => pads[i]![0] + d + pads[i]![1]);
  },
  // Only the interior came from x; the padding is a constant.
  grad: (dy, { x }, { attrs: { pads } }) => ({
    x: () => slice(dy, pads.map(([b]) => b), pads.map(([b], i) => b + x.shape[i]!)),
  }),
});

const isCount = (v: number): boolean => Number.isInteger(v) && v >= 0;
const fmtPads = (pads: readonly (readonly [number, number])[]): string => `[${pads.map(([b, a]) => `[${b}, ${a}]`).join(', ')}]`;

/**
 * `x` padded with the constant `value`: `pads[i] = [before, after]` for axis i (non-negative);
 * axes past `pads.length` are not padded.
 * @example
 * const img = zeros([3, 8, 8]);
 * pad(img, [[0, 0], [1, 1], [1, 1]]);   // [3, 10, 10], a one-pixel zero border
 */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  if (pads.length > x.rank) throw new RangeError(`pad: ${pads.length} [before, after] pairs for x ${fmt(x.shape)} of rank ${x.rank}`);
  if (!pads.every(([b, a]) => isCount(b) && isCount(a))) {
    throw new RangeError(`pad: pads ${fmtPads(pads)} must be integers >= 0 (to shrink x, use slice)`);
  }
  if (x.dtype === 'int32' && !Number.isInteger(value)) throw new TypeError(`pad: value ${value} cannot fill an int32 tensor`);
  const full = x.shape.map((_, i): readonly [number, number] => pads[i] ?? [0, 0]);
  return runOp(Pad, { x }, { pads: full, value });
}

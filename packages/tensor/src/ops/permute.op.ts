// Permute (and transpose, its two-axis case): a copy with axes reordered.
import { defineOp } from '../op.ts';
import { fmt, normalizeAxis, ShapeError } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';

/** Reorders axes: output axis i is input axis `axes[i]`. */
export const Permute = defineOp<{ x: Tensor }, { readonly axes: readonly number[] }>({
  name: 'Permute',
  inputs: ['x'],
  inferShape({ x }, { axes }) {
    const ok = axes.length === x.shape.length && [...axes].sort((a, b) => a - b).every((a, i) => a === i);
    if (!ok) throw new ShapeError(`Permute: [${axes.join(', ')}] is not a permutation of the axes of ${fmt(x.shape)}`);
    return axes.map((a) => x.shape[a]!);
  },
  // The inverse permutation undoes it.
  grad: (dy, _, { attrs }) => ({ x: () => permute(dy, inverse(attrs.axes)) }),
});

const inverse = (axes: readonly number[]): number[] => {
  const inv = new Array<number>(axes.length);
  axes.forEach((a, i) => (inv[a] = i));
  return inv;
};

/** Reorders axes (negative axes count from the end). */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  return runOp(Permute, { x }, { axes: axes.map((a) => normalizeAxis('permute', a, x.rank)) });
}

/** Swaps two axes. */
export function transpose(x: Tensor, a: number, b: number): Tensor {
  const axes = [...Array(x.rank).keys()];
  const i = normalizeAxis('transpose', a, x.rank);
  const j = normalizeAxis('transpose', b, x.rank);
  [axes[i], axes[j]] = [axes[j]!, axes[i]!];
  return permute(x, axes);
}

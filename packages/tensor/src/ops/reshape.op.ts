// Reshape and its relatives (flatten, unsqueeze, squeeze): views over the same storage, no copy.
import { defineOp } from '../op.ts';
import { fmt, normalizeAxis, sizeOf, ShapeError, type Shape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';

/** A new shape over the same row-major data; the output shares the input's storage. */
export const Reshape = defineOp<{ x: Tensor }, { readonly shape: Shape }>({
  name: 'Reshape',
  inputs: ['x'],
  alias: true,
  inferShape({ x }, { shape }) {
    if (sizeOf(shape) !== sizeOf(x.shape)) throw new ShapeError(`Reshape: cannot view ${fmt(x.shape)} as ${fmt(shape)}`);
    return shape;
  },
  grad: (dy, { x }) => ({ x: () => reshape(dy, x.shape) }),
});

/** A view with a new shape; one dim may be −1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1);
  const holes = shape.length - known.length;
  if (holes > 1) throw new ShapeError(`reshape: at most one -1 in ${fmt(shape)}`);
  let full = [...shape];
  if (holes === 1) {
    const rest = sizeOf(known);
    if (rest === 0 || x.size % rest !== 0) throw new ShapeError(`reshape: cannot view ${fmt(x.shape)} as ${fmt(shape)}`);
    full = shape.map((d) => (d === -1 ? x.size / rest : d));
  }
  return runOp(Reshape, { x }, { shape: full });
}

/** Merges axes `startAxis..endAxis` (inclusive) into one. */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', startAxis, x.rank);
  const e = normalizeAxis('flatten', endAxis, x.rank);
  if (e < s) throw new RangeError(`flatten: endAxis ${endAxis} comes before startAxis ${startAxis} for rank ${x.rank}`);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Inserts a size-1 axis at `axis` (in the output's numbering). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis('unsqueeze', axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** Removes size-1 axes (all of them, or only `axis`, which must be size 1). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normalizeAxis('squeeze', axis, x.rank);
  if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${axis} of ${fmt(x.shape)} has size ${x.shape[a]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => i !== a));
}

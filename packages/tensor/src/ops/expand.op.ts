// Expand (broadcastTo): materialises a broadcast; its gradient sums back over broadcast axes.
import { defineOp } from '../op.ts';
import { broadcastShapes, fmt, shapesEqual, ShapeError, type Shape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';
import { sumTo } from './reduce.op.ts';

/** Broadcasts `x` to `shape` (NumPy rules: size-1 or missing leading axes stretch). */
export const Expand = defineOp<{ x: Tensor }, { readonly shape: Shape }>({
  name: 'Expand',
  inputs: ['x'],
  inferShape({ x }, { shape }) {
    let b: number[];
    try {
      b = broadcastShapes('Expand', x.shape, shape);
    } catch {
      b = [];
    }
    if (!shapesEqual(b, shape)) throw new ShapeError(`Expand: ${fmt(x.shape)} cannot broadcast to ${fmt(shape)}`);
    return shape;
  },
  grad: (dy, { x }) => ({ x: () => sumTo(dy, x.shape) }),
});

/** `x` broadcast to `shape`; −1 keeps that axis's size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.rank;
  const full = shape.map((d, i) => (d === -1 ? (x.shape[i - lead] ?? 1) : d));
  return runOp(Expand, { x }, { shape: full });
}

/** Alias of `expand`, with NumPy's name. */
export const broadcastTo = expand;

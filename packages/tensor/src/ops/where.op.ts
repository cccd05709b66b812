// where(cond, a, b): a where cond ≠ 0, else b, with the three operands broadcast together.
import { defineOp } from '../op.ts';
import { broadcastShapes, fmt } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';
import { asTensor } from './scalar.ts';
import { full } from '../creation.ts';

/** Selects from `a` where `cond` is non-zero, else from `b`; `cond` may be int32 or float32. */
export const Where = defineOp<{ cond: Tensor; a: Tensor; b: Tensor }>({
  name: 'Where',
  inputs: ['cond', 'a', 'b'],
  inferShape({ cond, a, b }) {
    if (a.dtype !== b.dtype) throw new TypeError(`Where: a ${fmt(a.shape)} ${a.dtype} and b ${fmt(b.shape)} ${b.dtype} differ in dtype`);
    return { shape: broadcastShapes('Where', cond.shape, a.shape, b.shape), dtype: a.dtype };
  },
  grad: (dy, { cond }) => ({ a: () => where(cond, dy, 0), b: () => where(cond, 0, dy) }),
});

/**
 * `a` where `cond` ≠ 0, else `b` (numbers become scalars of the tensor operand's dtype, float32 when
 * both are numbers; those scalars are freed once the op has run, autograd keeping its own handles).
 */
export function where(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  const made: Tensor[] = [];
  const scalar = (x: number, like: Tensor | undefined): Tensor => {
    const t = like ? asTensor(x, like) : full([], x, { backend: cond.backend });
    made.push(t);
    return t;
  };
  try {
    const ta = typeof a === 'number' ? scalar(a, typeof b === 'number' ? undefined : b) : a;
    return runOp(Where, { cond, a: ta, b: typeof b === 'number' ? scalar(b, ta) : b }, {});
  } finally {
    for (const t of made) t.dispose();
  }
}

/** `x` with `value` wherever `mask` is non-zero (PyTorch's masked_fill). */
export const maskedFill = (x: Tensor, mask: Tensor, value: number): Tensor => where(mask, value, x);

// OneHot: int32 class indices to float32 indicator rows (labels for losses, masks from ids).
import { assertDtype } from '../dtype.ts';
import { defineOp } from '../op.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';

/** The number of classes, i.e. the length of each indicator row. */
export interface OneHotAttrs {
  readonly depth: number;
}

/** int32 [...] → float32 [..., depth]; out-of-range indices give all-zero rows. No gradient (indices are ints). */
export const OneHot = defineOp<{ indices: Tensor }, OneHotAttrs>({
  name: 'OneHot',
  inputs: ['indices'],
  inferShape({ indices }, { depth }) {
    assertDtype('OneHot (indices)', indices.dtype, ['int32']);
    if (!Number.isInteger(depth) || depth < 0) throw new RangeError(`OneHot: depth ${depth} must be an integer >= 0`);
    return { shape: [...indices.shape, depth], dtype: 'float32' };
  },
});

/**
 * Indicator rows: out[..., k] = 1 where indices[...] = k, else 0. An index outside [0, depth)
 * (such as an ignore label of −100) gives an all-zero row, as TensorFlow's `one_hot` does; that is
 * what lets a cross-entropy built on it skip ignored positions.
 * @example
 * oneHot(tensor([2, -1, 0], undefined, { dtype: 'int32' }), 3);   // [[0, 0, 1], [0, 0, 0], [1, 0, 0]]
 */
export function oneHot(indices: Tensor, depth: number): Tensor {
  return runOp(OneHot, { indices }, { depth });
}

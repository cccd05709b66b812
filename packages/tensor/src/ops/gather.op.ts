// Gather (index_select, embedding lookup) and its adjoint ScatterAdd, along one axis with int32
// indices of any shape.
import { assertDtype } from '../dtype.ts';
import { defineOp, type TensorMeta } from '../op.ts';
import { fmt, normalizeAxis, shapesEqual, ShapeError, type Shape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { tensor, zerosLike } from '../creation.ts';
import { runOp } from '../engine.ts';

/** The (normalised) axis that indices select along. */
export interface GatherAttrs {
  readonly axis: number;
}

/** x.shape[:axis] + indices.shape + x.shape[axis+1:]: each index is replaced by the slice it selects. */
const gatheredShape = (x: Shape, indices: Shape, axis: number): number[] => [...x.slice(0, axis), ...indices, ...x.slice(axis + 1)];

const checkAxis = (op: string, x: TensorMeta, axis: number): void => {
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) {
    throw new RangeError(`${op}: axis ${axis} is out of range for ${fmt(x.shape)} of rank ${x.shape.length}`);
  }
};

/** out[..., j..., ...] = x[..., indices[j...], ...] along `axis`; the kernel range-checks every index. */
export const Gather = defineOp<{ x: Tensor; indices: Tensor }, GatherAttrs>({
  name: 'Gather',
  inputs: ['x', 'indices'],
  inferShape({ x, indices }, { axis }) {
    assertDtype('Gather (indices)', indices.dtype, ['int32']);
    checkAxis('Gather', x, axis);
    return gatheredShape(x.shape, indices.shape, axis);
  },
  // Each output slice came from one slice of x: the gradient adds dy's slices back there (repeats add up).
  grad: (dy, { x, indices }, { attrs: { axis } }) => ({ x: () => scatterAdd(zerosLike(x), indices, dy, axis) }),
});

/** out = base, then out[..., indices[j...], ...] += src[..., j..., ...] for every j (repeats accumulate). */
export const ScatterAdd = defineOp<{ base: Tensor; indices: Tensor; src: Tensor }, GatherAttrs>({
  name: 'ScatterAdd',
  inputs: ['base', 'indices', 'src'],
  inferShape({ base, indices, src }, { axis }) {
    assertDtype('ScatterAdd (indices)', indices.dtype, ['int32']);
    checkAxis('ScatterAdd', base, axis);
    if (src.dtype !== base.dtype) throw new TypeError(`ScatterAdd: src dtype ${src.dtype} differs from base dtype ${base.dtype}`);
    const want = gatheredShape(base.shape, indices.shape, axis);
    if (!shapesEqual(src.shape, want)) {
      throw new ShapeError(
        `ScatterAdd: src ${fmt(src.shape)} must be ${fmt(want)} for base ${fmt(base.shape)}, indices ${fmt(indices.shape)}, axis ${axis}`,
      );
    }
    return base.shape;
  },
  // out is linear in base (identity) and in src (the transpose of gather).
  grad: (dy, { indices }, { attrs: { axis } }) => ({ base: () => dy, src: () => gather(dy, indices, axis) }),
});

/**
 * Selects slices of `x` along `axis` by int32 `indices` of any shape (index_select, embedding
 * lookup): the output shape is x.shape[:axis] + indices.shape + x.shape[axis+1:]. Every index must
 * lie in [0, x.shape[axis]); negative indices are an error. Backends that read synchronously (the
 * reference, native) throw a RangeError; WebGPU, which cannot stop mid-dispatch, fills the slice of a
 * bad index with NaN (float32) or the most negative int32, so the loss turns NaN and the Trainer stops.
 * @example
 * const table = randn([1000, 64]);
 * gather(table, tensor([[1, 2], [3, 4]], undefined, { dtype: 'int32' }));   // [2, 2, 64]
 * gather(table, [2, 0], 1);                                                 // columns 2 and 0: [1000, 2]
 */
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor {
  const a = normalizeAxis('gather', axis, x.rank);
  if (!isList(indices)) return runOp(Gather, { x, indices }, { axis: a });
  const bad = indices.find((i) => !Number.isInteger(i) || i < 0 || i >= x.shape[a]!);
  if (bad !== undefined) {
    throw new RangeError(`gather: index ${bad} is out of range for axis ${a} of size ${x.shape[a]} (x ${fmt(x.shape)})`);
  }
  const idx = tensor(indices, [indices.length], { dtype: 'int32', backend: x.backend });
  try {
    return runOp(Gather, { x, indices: idx }, { axis: a });
  } finally {
    idx.dispose(); // the autograd node holds its own handle
  }
}

const isList = (v: Tensor | readonly number[]): v is readonly number[] => Array.isArray(v);

/**
 * `base` with the slices of `src` added at `indices` along `axis` (repeated indices accumulate):
 * the adjoint of `gather`, so src.shape = base.shape[:axis] + indices.shape + base.shape[axis+1:].
 * @example
 * scatterAdd(zeros([3]), tensor([0, 0, 2], undefined, { dtype: 'int32' }), tensor([1, 2, 5]));   // [3, 0, 5]
 */
export function scatterAdd(base: Tensor, indices: Tensor, src: Tensor, axis = 0): Tensor {
  return runOp(ScatterAdd, { base, indices, src }, { axis: normalizeAxis('scatterAdd', axis, base.rank) });
}

// Batched matrix product over the last two axes, with broadcast batch axes and transposed
// operands as flags (BLAS-style), so gradients and attention never copy to transpose.
import { assertDtype } from '../dtype.ts';
import { defineOp } from '../op.ts';
import { broadcastShapes, fmt, ShapeError } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOp, tidy } from '../engine.ts';
import { reshape } from './reshape.op.ts';

/** Whether each operand is read transposed (its last two axes swapped). */
export interface MatMulAttrs {
  readonly transA: boolean;
  readonly transB: boolean;
}

/** op(a)·op(b) where op transposes the last two axes when its flag is set. */
export const MatMul = defineOp<{ a: Tensor; b: Tensor }, MatMulAttrs>({
  name: 'MatMul',
  inputs: ['a', 'b'],
  inferShape({ a, b }, { transA, transB }) {
    assertDtype('MatMul', a.dtype, ['float32']);
    assertDtype('MatMul', b.dtype, ['float32']);
    if (a.shape.length < 2 || b.shape.length < 2) throw new ShapeError(`MatMul: operands need rank >= 2, a=${fmt(a.shape)} b=${fmt(b.shape)}`);
    const [m, k] = lastTwo(a.shape, transA);
    const [k2, n] = lastTwo(b.shape, transB);
    if (k !== k2) {
      throw new ShapeError(`MatMul: inner dims differ, a=${fmt(a.shape)}${transA ? 'ᵀ' : ''} b=${fmt(b.shape)}${transB ? 'ᵀ' : ''}`);
    }
    return [...broadcastShapes('MatMul (batch axes)', a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
  },
  // y = op(A)·op(B). With A, B as stored: dA = dy·op(B)ᵀ (transposed back if transA),
  // dB = op(A)ᵀ·dy (transposed back if transB). The engine sums over broadcast batch axes.
  grad: (dy, { a, b }, { attrs: { transA, transB } }) => ({
    a: () => (transA ? mm(b, dy, transB, true) : mm(dy, b, false, !transB)),
    b: () => (transB ? mm(dy, a, true, transA) : mm(a, dy, !transA, false)),
  }),
});

const lastTwo = (s: readonly number[], t: boolean): [number, number] => {
  const r = s[s.length - 2]!;
  const c = s[s.length - 1]!;
  return t ? [c, r] : [r, c];
};

const mm = (a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor => runOp(MatMul, { a, b }, { transA, transB });

/**
 * Matrix product with NumPy semantics: batched over leading axes (broadcast), 1-D operands are
 * promoted to a row (a) or column (b) and that axis is dropped from the result.
 * @example
 * const y = matmul(x, w, { transB: true });   // x·wᵀ, as nn.Linear does, without a copy
 */
export function matmul(a: Tensor, b: Tensor, { transA = false, transB = false }: Partial<MatMulAttrs> = {}): Tensor {
  const aVec = a.rank === 1;
  const bVec = b.rank === 1;
  if (!aVec && !bVec) return mm(a, b, transA, transB);
  // The promoted views and the unreshaped product are intermediates (autograd keeps its own handles).
  return tidy(() => {
    const a2 = aVec ? reshape(a, [1, a.shape[0]!]) : a;
    const b2 = bVec ? reshape(b, [b.shape[0]!, 1]) : b;
    const y = mm(a2, b2, transA && !aVec, transB && !bVec);
    const shape = [...y.shape];
    if (bVec) shape.splice(-1, 1);
    if (aVec) shape.splice(-2, 1);
    return reshape(y, shape);
  });
}

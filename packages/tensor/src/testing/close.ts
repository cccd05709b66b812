// Closeness of tensors (or host arrays) with absolute and relative tolerances, NumPy's rule.
import type { TypedArray } from '../dtype.ts';
import { fmt, shapesEqual, type Shape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';

/**
 * Tolerances: |a − b| ≤ atol + rtol·|b| elementwise, for finite pairs. A non-finite value on either
 * side must match exactly (NaN with NaN, +∞ with +∞, −∞ with −∞): the bound atol + rtol·∞ is ∞ and
 * would otherwise call anything close to an infinity.
 */
export interface CloseOptions {
  atol?: number;
  rtol?: number;
}

type Like = Tensor | { shape: Shape; data: ArrayLike<number> };
const view = (x: Like): { shape: Shape; data: ArrayLike<number> } =>
  'dataSync' in x ? { shape: x.shape, data: (x as Tensor).dataSync() as TypedArray } : x;

/**
 * max |actual − expected| / max |expected|: the error relative to the tensor's scale, how parity with
 * a PyTorch fixture is judged (≤ 1e-4 in the model parity specs). Non-finite values must match
 * exactly and are left out of the scale; Infinity when the shapes differ or they do not match.
 * @example
 * scaledError(logits, golden.logits) < 1e-4;
 */
export function scaledError(actual: Like, expected: Like): number {
  const a = view(actual);
  const e = view(expected);
  if (!shapesEqual(a.shape, e.shape)) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < e.data.length; i++) {
    const x = a.data[i]!;
    const y = e.data[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
      return Number.POSITIVE_INFINITY;
    }
    diff = Math.max(diff, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(y));
  }
  return diff / Math.max(scale, 1e-30);
}

/** Null when close, else a message naming the shapes or the worst element. */
export function allClose(actual: Like, expected: Like, { atol = 1e-5, rtol = 1e-5 }: CloseOptions = {}): string | null {
  const a = view(actual);
  const e = view(expected);
  if (!shapesEqual(a.shape, e.shape)) return `shapes differ: actual ${fmt(a.shape)}, expected ${fmt(e.shape)}`;
  let worst = -1;
  let worstErr = 0;
  let bad = 0;
  for (let i = 0; i < e.data.length; i++) {
    const x = a.data[i]!;
    const y = e.data[i]!;
    const same = x === y || (Number.isNaN(x) && Number.isNaN(y));
    const finite = Number.isFinite(x) && Number.isFinite(y);
    const err = finite ? Math.abs(x - y) : Number.POSITIVE_INFINITY;
    if (!same && !(finite && err <= atol + rtol * Math.abs(y))) {
      bad++;
      if (!(err <= worstErr)) [worst, worstErr] = [i, err];
    }
  }
  if (!bad) return null;
  return `${bad} of ${e.data.length} elements differ (atol ${atol}, rtol ${rtol}); worst at flat index ${worst}: actual ${a.data[worst]}, expected ${e.data[worst]}`;
}

/** Throws with `allClose`'s message when the two are not close. */
export function expectAllClose(actual: Like, expected: Like, options: CloseOptions = {}): void {
  const msg = allClose(actual, expected, options);
  if (msg) throw new Error(`expectAllClose: ${msg}`);
}

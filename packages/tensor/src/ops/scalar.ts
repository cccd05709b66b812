// Promotes a number operand to a scalar tensor on the other operand's backend and dtype.
import type { Tensor } from '../tensor.ts';
import { full } from '../creation.ts';

/** `x` if it is a tensor, else a new scalar tensor like `like` (same backend and dtype) that the caller owns and disposes. */
export function asTensor(x: Tensor | number, like: Tensor): Tensor {
  if (typeof x !== 'number') return x;
  if (like.dtype === 'int32' && !Number.isInteger(x)) {
    throw new TypeError(`scalar ${x} cannot combine with an int32 tensor; cast the tensor to float32 first`);
  }
  return full([], x, { dtype: like.dtype, backend: like.backend });
}

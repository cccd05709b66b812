// PLACEHOLDER (helper A replaces this file)
import type { Tensor } from '../tensor.ts';
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor { throw new Error(`gather ${x} ${indices} ${axis}: not yet`); }
export function scatterAdd(base: Tensor, indices: Tensor, src: Tensor, axis = 0): Tensor { throw new Error(`scatterAdd ${base} ${indices} ${src} ${axis}: not yet`); }

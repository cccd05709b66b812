// PLACEHOLDER (helper B replaces this file)
import type { Tensor } from '../tensor.ts';
export function dropout(x: Tensor, p: number, options: { training?: boolean; seed?: number } = {}): Tensor { throw new Error(`dropout ${x} ${p} ${options}: not yet`); }

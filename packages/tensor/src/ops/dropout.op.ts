// Inverted dropout with a counter-based mask: element i is kept when dropoutKeeps(seed, i, p), so
// every backend draws the same mask for the same seed and the backward replays it exactly.
// Paper: https://jmlr.org/papers/v15/srivastava14a.html
import { assertDtype } from '../dtype.ts';
import { defineOp, type OpDef } from '../op.ts';
import type { Shape } from '../shape.ts';
import { sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import type { Backend } from '../backend.ts';
import { getGenerator, runOp } from '../engine.ts';
import { tensor } from '../creation.ts';
import { dropoutKeeps } from '../random.ts';
import { mul } from './binary.op.ts';

/** Attrs of Dropout: the drop probability and the u32 seed of the mask. */
export interface DropoutAttrs {
  readonly p: number;
  readonly seed: number;
}

/**
 * The scale of kept elements, 1/(1 − p) rounded to float32 once, so that x·scale is one float32
 * multiply on every backend (the product of two float32 values is exact in double).
 */
export const dropoutScale = (p: number): number => Math.fround(1 / (1 - p));

/** The mask scaled by 1/(1 − p) (0 where dropped), as host data: the reference every backend matches. */
export function dropoutMaskData(shape: Shape, p: number, seed: number): Float32Array {
  const scale = dropoutScale(p);
  const mask = new Float32Array(sizeOf(shape));
  for (let i = 0; i < mask.length; i++) mask[i] = dropoutKeeps(seed, i, p) ? scale : 0;
  return mask;
}

function checkP(what: string, p: number): void {
  if (!(p >= 0 && p < 1)) throw new RangeError(`${what}: p must be in [0, 1), got p = ${p}`);
}

/** x·mask/(1 − p) with the mask of (seed, flat index); the gradient is the same op on dy. */
// Annotated: the gradient rule refers to Dropout itself.
export const Dropout: OpDef<{ x: Tensor }, DropoutAttrs> = defineOp<{ x: Tensor }, DropoutAttrs>({
  name: 'Dropout',
  inputs: ['x'],
  inferShape({ x }, { p }) {
    assertDtype('Dropout', x.dtype, ['float32']);
    checkP('Dropout', p);
    return x.shape;
  },
  // y = x·m ⇒ dx = dy·m: the same mask, replayed from the seed.
  grad: (dy, _, { attrs }) => ({ x: () => runOp(Dropout, { x: dy }, attrs) }),
  // The mask is built on the host by the contract hash and uploaded: correct on any backend.
  composite: ({ x }, { p, seed }) => mul(x, maskTensor(x.shape, p, seed, x.backend)),
});

const maskTensor = (shape: Shape, p: number, seed: number, backend: Backend): Tensor =>
  tensor(dropoutMaskData(shape, p, seed), [...shape], { backend });

/** Options of `dropout`. */
export interface DropoutOptions {
  /** False (evaluation) returns x unchanged. Default true. */
  training?: boolean;
  /** u32 seed of the mask; drawn from the global generator (`manualSeed`) when omitted. */
  seed?: number;
}

/**
 * Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1 − p), so
 * the expected value is unchanged. `p` must be in [0, 1). With `p = 0` or `training: false` it
 * returns `x` itself. The same `seed` gives the same mask on every backend.
 * @example
 * const h = dropout(x, 0.1, { training: model.training });
 */
export function dropout(x: Tensor, p: number, { training = true, seed }: DropoutOptions = {}): Tensor {
  checkP('dropout', p);
  if (!training || p === 0) return x;
  return runOp(Dropout, { x }, { p, seed: resolveSeed('dropout', seed) });
}

/** @internal a u32 seed: the one given (checked), else the next draw of the global generator. */
export function resolveSeed(what: string, seed: number | undefined): number {
  if (seed === undefined) return getGenerator().nextU32();
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`${what}: seed must be an integer in [0, 2^32), got ${seed}`);
  }
  return seed;
}

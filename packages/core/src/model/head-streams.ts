// What every head does first: pick a stream of its input by name and pool it to one vector per
// example (the first position, or the mean over real positions). Shared by the classification and
// vision-language heads, so their errors and their padding rules are one.
import { fmt, ShapeError, where, type Tensor } from '@crossmodal/tensor';
import type { EncodedSequence } from '../contracts/encoder.ts';
import type { HeadInput } from '../contracts/head.ts';

/** The states [B, N, D] of one stream and its int32 mask [B, N] (absent: all real), with the stream's name. */
export interface NamedSequence extends EncodedSequence {
  readonly name: string;
}

/**
 * The stream `name` of a head's input (the first stream when `name` is undefined), its states
 * checked to be [B, N, dim] (any width when `dim` is undefined); errors name the owner, the stream
 * and the streams there are.
 * @example
 * const { states, mask } = pickStream('vqa', input, 'text', 768);
 */
export function pickStream(owner: string, input: HeadInput, name: string | undefined, dim?: number): NamedSequence {
  const names = Object.keys(input.streams);
  const chosen = name ?? names[0];
  const seq = chosen === undefined ? undefined : input.streams[chosen];
  if (!seq || chosen === undefined) throw new Error(`${owner}: no stream '${chosen ?? ''}' to read (streams: ${names.join(', ') || 'none'})`);
  const { states, mask } = seq;
  if (states.rank !== 3 || (dim !== undefined && states.shape[2] !== dim)) {
    throw new ShapeError(`${owner}: stream '${chosen}' states must be [B, N, ${dim ?? 'D'}], got ${fmt(states.shape)}`);
  }
  if (mask && fmt(mask.shape) !== fmt(states.shape.slice(0, 2))) {
    throw new ShapeError(`${owner}: stream '${chosen}' mask ${fmt(mask.shape)} must be [B, N] = ${fmt(states.shape.slice(0, 2))}`);
  }
  return { name: chosen, states, ...(mask ? { mask } : {}) };
}

/** [B, N, D] → [B, D]: the first position (a CLS token, or the global region ViLBERT prepends). */
export const firstToken = (states: Tensor): Tensor => states.slice([0, 0], [states.shape[0]!, 1]).squeeze(1);

/**
 * [B, N, D] → [B, D]: the mean over real positions. Padding gets weight 0 and the count excludes
 * it; a row with no real position divides by 1 (gives zeros), not 0.
 */
export function maskedMean(states: Tensor, mask?: Tensor): Tensor {
  if (!mask) return states.mean(1);
  const weights = mask.cast('float32').unsqueeze(-1); // [B, N, 1]
  // where, not mul: padding holding ±∞ or NaN must not turn into 0·∞ = NaN.
  return where(weights, states, 0).sum(1).div(weights.sum(1).maximum(1));
}

// Host-side helpers shared by the built-in metrics: which batch field holds the targets, and
// row-wise argmax/rank over logits read with `await t.data()` (which every backend supports).
import { fmt, type Tensor, type TypedArray } from '@crossmodal/tensor';
import type { Batch } from '../contracts/batch.ts';
import type { ModelOutput } from '../contracts/model.ts';

/** Reads an optional string option, or throws naming the metric, the option and the value. */
export function stringOption(metric: string, config: Readonly<Record<string, unknown>>, option: string): string | undefined {
  const value = config[option];
  if (value !== undefined && typeof value !== 'string') throw new TypeError(`${metric}: ${option} must be a batch field name (a string), got ${JSON.stringify(value)}`);
  return value;
}

/** The batch tensor holding targets: `field` if given, else the head's first target field, else `fallback`. */
export function targetTensor(metric: string, field: string | undefined, output: ModelOutput, batch: Batch, fallback: string): Tensor {
  const name = field ?? output.targets?.[0] ?? fallback;
  const target = batch[name];
  if (!target) throw new Error(`${metric}: the batch has no target field '${name}' (batch fields: ${Object.keys(batch).join(', ') || 'none'}); set the metric's target option`);
  return target;
}

/** Logits [..., C] as host rows: the data, the row count and C. */
export async function logitRows(metric: string, logits: Tensor): Promise<{ data: TypedArray; rows: number; classes: number }> {
  const classes = logits.shape.at(-1);
  if (classes === undefined || classes === 0) throw new Error(`${metric}: logits must be [..., C] with C > 0, got ${fmt(logits.shape)}`);
  return { data: await logits.data(), rows: logits.size / classes, classes };
}

/** Throws naming the metric, the row and the column when entry `c` of row `r` is NaN (a NaN must never pass as a prediction). */
function checkNotNaN(metric: string, what: string, data: TypedArray, r: number, classes: number, c: number): number {
  const value = data[r * classes + c]!;
  if (Number.isNaN(value)) throw new RangeError(`${metric}: ${what} at row ${r}, column ${c} is NaN`);
  return value;
}

/**
 * Index of the largest value of row `r` (the first one on ties, as torch.argmax). Throws a RangeError
 * naming `metric`, the row and the column on a NaN, so a diverged model never reads as predicting class 0.
 */
export function argmaxRow(metric: string, data: TypedArray, r: number, classes: number, what = 'logit'): number {
  let best = 0;
  let bestValue = checkNotNaN(metric, what, data, r, classes, 0);
  for (let c = 1; c < classes; c++) {
    const value = checkNotNaN(metric, what, data, r, classes, c);
    if (value > bestValue) [best, bestValue] = [c, value];
  }
  return best;
}

/**
 * The rank of entry `c` in row `r`: how many other entries are at least as large (0 only when it is
 * strictly the largest). Ties count against the target, so a model that outputs equal logits never
 * scores top-k hits it did not earn. Throws a RangeError naming `metric`, the row and the column on a NaN.
 */
export function rankInRow(metric: string, data: TypedArray, r: number, classes: number, c: number): number {
  const value = checkNotNaN(metric, 'logit', data, r, classes, c);
  let rank = 0;
  for (let j = 0; j < classes; j++) if (checkNotNaN(metric, 'logit', data, r, classes, j) >= value && j !== c) rank++;
  return rank;
}

/** A mean as a fraction: NaN before any example, so an empty split never reports a perfect score. */
export const fraction = (hits: number, total: number): number => (total === 0 ? Number.NaN : hits / total);

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

/** Index of the largest value of row `r` (the first one on ties, as torch.argmax). */
export function argmaxRow(data: TypedArray, r: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (data[r * classes + c]! > data[r * classes + best]!) best = c;
  return best;
}

/** How many entries of row `r` are strictly larger than entry `c` (0 for the top one; ties count in its favour). */
export function rankInRow(data: TypedArray, r: number, classes: number, c: number): number {
  const value = data[r * classes + c]!;
  let above = 0;
  for (let j = 0; j < classes; j++) if (data[r * classes + j]! > value) above++;
  return above;
}

/** A mean as a fraction: NaN before any example, so an empty split never reports a perfect score. */
export const fraction = (hits: number, total: number): number => (total === 0 ? Number.NaN : hits / total);

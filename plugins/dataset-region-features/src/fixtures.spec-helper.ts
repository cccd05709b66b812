// The generated fixtures (fixtures/make_fixtures.py) and what the generator says a reader must get.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The fixtures folder, as a path. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** One TSV image as the generator wrote it (arrays flattened). */
export interface ExpectedImage {
  img_id: string; img_h: number; img_w: number; num_boxes: number;
  objects_id: number[]; objects_conf: number[]; attrs_id: number[]; attrs_conf: number[]; boxes: number[]; features: number[];
  vilbert?: { locations: number[]; global_features: number[]; global_locations: number[] };
}

/** expected.json. */
export interface Expected {
  tsv: ExpectedImage[];
  tsv2048: { img_id: string; features_sum: number; first_row_head: number[]; vilbert_global_head: number[] };
  mcan: Record<string, { features_head: number[]; features_sum: number; bbox: number[]; n: number; d: number; image_h: number; image_w: number }>;
  npy: Record<string, { shape: number[]; values: number[] }>;
}

export const EXPECTED = JSON.parse(readFileSync(`${FIXTURES}expected.json`, 'utf8')) as Expected;

/** Largest absolute difference between two equal-length sequences (Infinity if lengths differ). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

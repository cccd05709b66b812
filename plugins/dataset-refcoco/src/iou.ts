// Target regions of a referring expression: IoU of each region box (a detector's, from a feature
// store) with the ref's box, the best region and the labels ViLBERT's refer task trains on.
// ViLBERT: vilbert-multi-task vilbert/datasets/refer_expression_dataset.py (iou, __getitem__).
import type { Box } from './refer.ts';

/** Region boxes as [N, 4] rows of x1, y1, x2, y2: nested arrays or a flat array with its shape. */
export type RegionBoxes =
  | readonly (readonly number[])[]
  | { readonly data: ArrayLike<number>; readonly shape: readonly number[] };

/** Options of the IoU functions. */
export interface IouOptions {
  /**
   * Pixel-inclusive boxes: width = x2 − x1 + 1, as ViLBERT's `iou` (and Fast R-CNN's) computes;
   * default true, so labels match ViLBERT's. False: continuous coordinates, width = x2 − x1.
   */
  readonly plusOne?: boolean;
}

/** Options of {@link labelRegions}. */
export interface LabelOptions extends IouOptions {
  /** A region is a positive when its IoU with the target is ≥ this; default 0.5. */
  readonly threshold?: number;
}

/** The labels of one expression's regions. */
export interface RegionLabels {
  /** IoU of each region with the target, [N] (ViLBERT's evaluation target). */
  readonly ious: Float32Array;
  /** The index of the best-IoU region (the first on ties), -1 when there are no regions. */
  readonly best: number;
  /** Its IoU (0 without regions). */
  readonly bestIou: number;
  /** Whether any region reaches the threshold: when not, no choice can be right and the expression only costs accuracy. */
  readonly hit: boolean;
  /** IoU where ≥ threshold, else 0, [N]: ViLBERT's training target (`mix_target[mix_target < 0.5] = 0`). */
  readonly soft: Float32Array;
  /** 1 where IoU ≥ threshold, else 0, [N]. */
  readonly multiHot: Float32Array;
  /** How many regions are positives. */
  readonly positives: number;
}

/** The rows of `regions` as flat x1, y1, x2, y2 numbers, each row checked. */
export function regionRows(regions: RegionBoxes, what = 'regions'): Float64Array {
  let flat: Float64Array;
  if (Array.isArray(regions)) {
    const rows = regions as readonly (readonly number[])[];
    flat = new Float64Array(rows.length * 4);
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== 4) throw new RangeError(`${what}[${i}]: got ${JSON.stringify(row)}, expected [x1, y1, x2, y2]`);
      flat.set(row, i * 4);
    });
  } else {
    const { data, shape } = regions as { data: ArrayLike<number>; shape: readonly number[] };
    if (shape.length !== 2 || shape[1] !== 4 || data.length !== shape[0]! * 4) {
      throw new RangeError(`${what}: shape [${shape.join(', ')}] with ${data.length} values, expected [N, 4] (x1, y1, x2, y2 per region)`);
    }
    flat = Float64Array.from(data);
  }
  for (let i = 0; i < flat.length; i += 4) checkBox(flat.subarray(i, i + 4), `${what}[${i / 4}]`);
  return flat;
}

function checkBox(b: ArrayLike<number>, what: string): void {
  const ok = [0, 1, 2, 3].every((k) => Number.isFinite(b[k])) && b[2]! >= b[0]! && b[3]! >= b[1]!;
  if (!ok) throw new RangeError(`${what}: got [${Array.from(b).join(', ')}], expected finite x1, y1, x2, y2 with x2 ≥ x1 and y2 ≥ y1`);
}

/**
 * Intersection over union of two [x1, y1, x2, y2] boxes.
 * @example
 * boxIou([0, 0, 9, 9], [5, 0, 14, 9]); // 50 / 150 with pixel-inclusive widths
 * boxIou([0, 0, 10, 10], [5, 0, 15, 10], { plusOne: false }); // 1/3
 */
export function boxIou(a: Box, b: Box, options: IouOptions = {}): number {
  checkBox(a, 'box a');
  checkBox(b, 'box b');
  return iouAt(Float64Array.from(a), 0, b, options.plusOne ?? true);
}

function iouAt(rows: Float64Array, at: number, t: Box, plusOne: boolean): number {
  const one = plusOne ? 1 : 0;
  const iw = Math.max(0, Math.min(rows[at + 2]!, t[2]) - Math.max(rows[at]!, t[0]) + one);
  const ih = Math.max(0, Math.min(rows[at + 3]!, t[3]) - Math.max(rows[at + 1]!, t[1]) + one);
  const inter = iw * ih;
  const union = (rows[at + 2]! - rows[at]! + one) * (rows[at + 3]! - rows[at + 1]! + one) + (t[2] - t[0] + one) * (t[3] - t[1] + one) - inter;
  // NOTE: two degenerate (zero-area) continuous boxes have union 0: call that no overlap, not NaN.
  return union > 0 ? inter / union : 0;
}

/**
 * IoU of every region with the target box, [N] (ViLBERT's `iou(boxes, [ref_box])` column).
 * @example
 * regionIous([[0, 0, 9, 9], [100, 100, 120, 120]], [0, 0, 9, 9]); // Float64Array [1, 0]
 */
export function regionIous(regions: RegionBoxes, target: Box, options: IouOptions = {}): Float64Array {
  checkBox(target, 'target box');
  return rowIous(regionRows(regions), target, options.plusOne ?? true);
}

function rowIous(rows: Float64Array, target: Box, plusOne: boolean): Float64Array {
  const out = new Float64Array(rows.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = iouAt(rows, i * 4, target, plusOne);
  return out;
}

/**
 * The target regions of an expression among `regions`: the best-IoU index, and a soft and a
 * multi-hot label of every region with IoU ≥ threshold (0.5), as ViLBERT's refer task labels its
 * training examples; `hit` is false when no region reaches the threshold.
 * @example
 * const labels = labelRegions(detections, expression.box);
 * if (!labels.hit) console.warn(`no region covers ref ${expression.refId}`);
 */
export function labelRegions(regions: RegionBoxes, target: Box, options: LabelOptions = {}): RegionLabels {
  return labelRows(regionRows(regions), target, options);
}

/** {@link labelRegions} over rows {@link regionRows} already flattened and checked (no second copy). */
export function labelRows(rows: Float64Array, target: Box, options: LabelOptions = {}): RegionLabels {
  const threshold = options.threshold ?? 0.5;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${threshold}`);
  checkBox(target, 'target box');
  // Compared in float64 before rounding to float32, so an IoU of exactly the threshold is a positive.
  const exact = rowIous(rows, target, options.plusOne ?? true);
  const ious = Float32Array.from(exact);
  const soft = new Float32Array(ious.length);
  const multiHot = new Float32Array(ious.length);
  let best = -1;
  let positives = 0;
  for (let i = 0; i < exact.length; i++) {
    if (best < 0 || exact[i]! > exact[best]!) best = i;
    if (exact[i]! >= threshold) {
      soft[i] = ious[i]!;
      multiHot[i] = 1;
      positives++;
    }
  }
  const bestIou = best < 0 ? 0 : ious[best]!;
  return { ious, best, bestIou, hit: positives > 0, soft, multiHot, positives };
}

/**
 * Whether choosing region `chosen` grounds the expression: its IoU > 0.5, as ViLBERT's evaluation
 * scores (`select_target > 0.5`); `inclusive` counts an IoU of exactly the threshold too.
 * @example
 * groundingCorrect(labels.ious, argmax(scores)); // true or false
 */
export function groundingCorrect(ious: ArrayLike<number>, chosen: number, threshold = 0.5, inclusive = false): boolean {
  if (!Number.isInteger(chosen) || chosen < 0 || chosen >= ious.length) throw new RangeError(`chosen region ${chosen} is out of range: expected 0..${ious.length - 1}`);
  return inclusive ? ious[chosen]! >= threshold : ious[chosen]! > threshold;
}

/** How well a set of region boxes covers the targets: the accuracy no model over these regions can pass. */
export interface RegionCoverage {
  readonly total: number;
  /** Expressions with at least one region at IoU ≥ threshold. */
  readonly covered: number;
  /** Indices (in the order given) of the expressions no region reaches. */
  readonly missed: readonly number[];
  /** covered / total: the upper bound on grounding accuracy (1 for no expressions). */
  readonly upperBound: number;
}

/**
 * Summarises {@link labelRegions} results, so that a feature store whose boxes miss targets is
 * reported rather than silently lowering accuracy.
 * @example
 * const report = regionCoverage(expressions.map((e) => labelRegions(store.boxes(e.imageId), e.box)));
 */
export function regionCoverage(labels: Iterable<Pick<RegionLabels, 'hit'>>): RegionCoverage {
  let total = 0;
  const missed: number[] = [];
  for (const l of labels) {
    if (!l.hit) missed.push(total);
    total++;
  }
  return { total, covered: total - missed.length, missed, upperBound: total ? (total - missed.length) / total : 1 };
}

// One image's regions in the form every format is turned into: features, pixel boxes, boxes
// normalised by the image size (checked to lie in [0, 1]) and ViLBERT's 5-d locations; plus
// ViLBERT's prepended global region. Pure. ViLBERT: facebookresearch/vilbert-multi-task,
// vilbert/datasets/_image_features_reader.py (locations, g_feat, g_location).
// The shape itself (RegionFeatures, ImageSize) is core's contract, so datasets of other plugins read it.
import type { ImageSize, RegionFeatures } from '@crossmodal/core';
import { RegionFeatureError } from './errors.ts';

export type { ImageSize, RegionFeatures } from '@crossmodal/core';

/**
 * How normalised coordinates outside [0, 1] are treated. Detectors clip boxes to the image, but
 * extractors differ by a pixel (x2 = w vs w - 1) and by float rounding, so values within
 * `tolerance` of the range are always clamped into it; further out is a broken box or a wrong
 * image size, an error by default (`outOfRange: 'error'`), or clamped too with `'clamp'`.
 */
export interface BoxCheckOptions {
  /** Slack around [0, 1], as a fraction of the image side (default 0.01: 1%). */
  tolerance?: number;
  /** Beyond the tolerance: `'error'` (default) or `'clamp'`. */
  outOfRange?: 'error' | 'clamp';
}

const COORDS = ['x1', 'y1', 'x2', 'y2'] as const;

/**
 * [N, 4] pixel boxes → [N, 4] normalised boxes (x/w, y/h), checked and clamped as {@link BoxCheckOptions} says.
 * @param what - names the image in messages, e.g. `'val2014_obj36.tsv line 3'`
 * @example
 * normalizeBoxes(Float32Array.of(0, 0, 640, 240), { width: 640, height: 480 }, 'img'); // [0, 0, 1, 0.5]
 */
export function normalizeBoxes(boxes: Float32Array, size: ImageSize, what: string, options: BoxCheckOptions = {}): Float32Array {
  const tolerance = options.tolerance ?? 0.01;
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i++) {
    const v = boxes[i]! / (i % 2 === 0 ? size.width : size.height);
    const bad = !Number.isFinite(v) || v < -tolerance || v > 1 + tolerance;
    if (bad && (options.outOfRange !== 'clamp' || !Number.isFinite(v))) {
      const box = Math.floor(i / 4);
      throw new RangeError(
        `${what}: box ${box} ${COORDS[i % 4]} = ${boxes[i]} is ${(v * 100).toFixed(1)}% of the image ${i % 2 === 0 ? 'width' : 'height'} ` +
        `(${i % 2 === 0 ? size.width : size.height}), outside [0, 1] by more than the tolerance ${tolerance}: a wrong image size, or pass outOfRange: 'clamp'`,
      );
    }
    out[i] = Math.min(1, Math.max(0, v));
  }
  for (let b = 0; b < out.length / 4; b++) {
    if (out[b * 4 + 2]! < out[b * 4]! || out[b * 4 + 3]! < out[b * 4 + 1]!) {
      throw new RangeError(`${what}: box ${b} (${Array.from(boxes.subarray(b * 4, b * 4 + 4)).join(', ')}) has x2 < x1 or y2 < y1`);
    }
  }
  return out;
}

/**
 * ViLBERT's 5-d locations from normalised boxes: (x1, y1, x2, y2, (x2 - x1)(y2 - y1)), the last
 * being the box area over the image area.
 * @example
 * vilbertLocations(Float32Array.of(0, 0, 0.5, 0.5)); // [0, 0, 0.5, 0.5, 0.25]
 */
export function vilbertLocations(normalized: Float32Array): Float32Array {
  const n = normalized.length / 4;
  const out = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) {
    const at = i * 4;
    out.set(normalized.subarray(at, at + 4), i * 5);
    out[i * 5 + 4] = (normalized[at + 2]! - normalized[at]!) * (normalized[at + 3]! - normalized[at + 1]!);
  }
  return out;
}

/** What {@link toRegionFeatures} builds from: a format's decoded arrays (RegionFeatures less what it derives). */
export type RawRegions = Omit<RegionFeatures, 'normalizedBoxes' | 'locations'>;

/**
 * Checks shapes, normalises the boxes and adds the locations.
 * @param what - names the image in messages
 */
export function toRegionFeatures(raw: RawRegions, what: string, options: BoxCheckOptions = {}): RegionFeatures {
  const { count: n, dim } = raw;
  const check = (field: string, got: number, want: number): void => {
    if (got !== want) throw new RegionFeatureError(`${what}: ${field} holds ${got} values, expected ${want} (${n} regions${field === 'features' ? ` × ${dim}` : ''})`);
  };
  check('features', raw.features.length, n * dim);
  check('boxes', raw.boxes.length, n * 4);
  if (raw.confidence) check('confidence', raw.confidence.length, n);
  const { width, height } = raw.imageSize;
  if (!(width > 0 && height > 0)) throw new RegionFeatureError(`${what}: image size ${width} × ${height} must be positive`);
  let normalizedBoxes: Float32Array;
  try {
    normalizedBoxes = normalizeBoxes(raw.boxes, raw.imageSize, what, options);
  } catch (e) {
    throw new RegionFeatureError((e as Error).message);
  }
  return { ...raw, normalizedBoxes, locations: vilbertLocations(normalizedBoxes) };
}

/**
 * ViLBERT's global region: the mean of the N features (summed in float64) with location
 * [0, 0, 1, 1, 1], prepended; N + 1 regions come back. An image with no regions gets a zero
 * feature (ViLBERT would divide by zero).
 * @example
 * withGlobalRegion(regions).count; // regions.count + 1
 */
export function withGlobalRegion(r: RegionFeatures): RegionFeatures {
  const { count: n, dim } = r;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d]! += r.features[i * dim + d]!;
  const features = new Float32Array((n + 1) * dim);
  for (let d = 0; d < dim; d++) features[d] = n > 0 ? mean[d]! / n : 0;
  features.set(r.features, dim);
  const prepend = (head: number[], rest: Float32Array): Float32Array => {
    const out = new Float32Array(head.length + rest.length);
    out.set(head);
    out.set(rest, head.length);
    return out;
  };
  return {
    ...r, count: n + 1, features,
    boxes: prepend([0, 0, r.imageSize.width, r.imageSize.height], r.boxes),
    normalizedBoxes: prepend([0, 0, 1, 1], r.normalizedBoxes),
    locations: prepend([0, 0, 1, 1, 1], r.locations),
    // The whole image is detected with certainty: truncation by confidence keeps it first.
    ...(r.confidence ? { confidence: prepend([Infinity], r.confidence) } : {}),
  };
}

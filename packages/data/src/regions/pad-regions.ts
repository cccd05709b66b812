// Pads (or truncates) one image's detector regions to a fixed count, with a mask, as batches need a
// fixed [B, N_max, D]. Over the limit, the most confident regions are kept. Pure. Typed by shape
// (core's RegionFeatures fits), so datasets of any plugin pad the same way without importing each other.
import type { HostTensor } from '../types.ts';

/** The arrays of one image's N regions that padding reads (core's `RegionFeatures` has them all). */
export interface PaddableRegions {
  /** N. */
  readonly count: number;
  /** D. */
  readonly dim: number;
  /** [N, D] row-major. */
  readonly features: Float32Array;
  /** [N, 4] normalised x1, y1, x2, y2. */
  readonly normalizedBoxes: Float32Array;
  /** [N, 5] ViLBERT locations. */
  readonly locations: Float32Array;
  /** [N] detection confidence, when known: orders truncation. */
  readonly confidence?: Float32Array;
}

/** Fixed-size regions of one image. */
export interface PaddedRegions {
  /** N_max. */
  readonly maxRegions: number;
  /** How many slots hold a region (the rest are zeros). */
  readonly count: number;
  readonly dim: number;
  /** [N_max, D]. */
  readonly features: Float32Array;
  /** [N_max, 4] normalised boxes. */
  readonly boxes: Float32Array;
  /** [N_max, 5] ViLBERT locations. */
  readonly locations: Float32Array;
  /** [N_max] 1 for a region, 0 for padding. */
  readonly mask: Float32Array;
  /** [N_max] the region's index in the input, -1 for padding (maps targets such as RefCOCO's). */
  readonly indices: Int32Array;
}

/**
 * Pads `regions` to `maxRegions` slots. With more regions than that, keeps the `maxRegions` most
 * confident (ties: the earlier one; no confidence: the first ones) in their original order —
 * bottom-up extractors already write regions by descending confidence, so both agree on their
 * files. ViLBERT's global region has infinite confidence: kept.
 * @example
 * padRegions(regions, 36).mask; // 1 for each of the first min(N, 36) slots, 0 after
 */
export function padRegions(regions: PaddableRegions, maxRegions: number): PaddedRegions {
  if (!Number.isInteger(maxRegions) || maxRegions < 1) throw new RangeError(`maxRegions must be a positive integer, got ${maxRegions}`);
  const { count: n, dim, confidence } = regions;
  let keep = Array.from({ length: n }, (_, i) => i);
  if (n > maxRegions) {
    const conf = confidence ?? new Float32Array(n);
    keep = keep.sort((a, b) => conf[b]! - conf[a]! || a - b).slice(0, maxRegions).sort((a, b) => a - b);
  }
  const out = {
    maxRegions, count: keep.length, dim,
    features: new Float32Array(maxRegions * dim), boxes: new Float32Array(maxRegions * 4), locations: new Float32Array(maxRegions * 5),
    mask: new Float32Array(maxRegions), indices: new Int32Array(maxRegions).fill(-1),
  };
  keep.forEach((src, slot) => {
    out.features.set(regions.features.subarray(src * dim, (src + 1) * dim), slot * dim);
    out.boxes.set(regions.normalizedBoxes.subarray(src * 4, src * 4 + 4), slot * 4);
    out.locations.set(regions.locations.subarray(src * 5, src * 5 + 5), slot * 5);
    out.mask[slot] = 1;
    out.indices[slot] = src;
  });
  return out;
}

/** The example fields of padded regions, under the names every region dataset uses. */
export interface RegionExampleFields {
  /** float32 [N_max, D] features. */
  readonly regions: HostTensor;
  /** float32 [N_max, 4] normalised x1, y1, x2, y2. */
  readonly boxes: HostTensor;
  /** float32 [N_max, 5] ViLBERT locations (the normalised box and its area). */
  readonly locations: HostTensor;
  /** float32 [N_max] 1 for a region, 0 for padding. */
  readonly regionMask: HostTensor;
}

/**
 * Padded regions as example fields (`regions`, `boxes`, `locations`, `regionMask`), the names
 * sort-of-clevr's region view and the VQA and RefCOCO datasets share, so one region encoder reads them all.
 * @example
 * Object.assign(example, regionExampleFields(padRegions(await store.get(key), 36)));
 */
export function regionExampleFields(p: PaddedRegions): RegionExampleFields {
  const n = p.maxRegions;
  return {
    regions: { data: p.features, shape: [n, p.dim] },
    boxes: { data: p.boxes, shape: [n, 4] },
    locations: { data: p.locations, shape: [n, 5] },
    regionMask: { data: p.mask, shape: [n] },
  };
}

// Pads (or truncates) one image's regions to a fixed count, with a mask, as batches need a fixed
// [B, N_max, D]. Over the limit, the most confident regions are kept. Pure.
import type { RegionFeatures } from './regions.ts';

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
 * files. ViLBERT's global region (from {@link withGlobalRegion}) has infinite confidence: kept.
 * @example
 * padRegions(regions, 36).mask; // 1 for each of the first min(N, 36) slots, 0 after
 */
export function padRegions(regions: RegionFeatures, maxRegions: number): PaddedRegions {
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

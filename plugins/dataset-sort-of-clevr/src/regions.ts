// Region features for Sort-of-CLEVR: one region per object (its box and a feature vector pooled
// from the rendered pixels of its crop), plus optional distractor boxes anywhere on the canvas, so
// region-based models (ViLBERT, LXMERT, MCAN) see the same task as patch encoders, the way a
// detector's boxes and pooled features would show it.
import type { Generator } from '@crossmodal/tensor';
import { IMAGE_SIZE, OBJECT_SIZE, type Scene } from './scene.ts';

/** A pixel box: columns [x1, x2) and rows [y1, y2). */
export type PixelBox = readonly [x1: number, y1: number, x2: number, y2: number];

/** The regions of one image, in a seeded random order. */
export interface Regions {
  /** N regions. */
  readonly count: number;
  /** [N, 4] boxes [x1, y1, x2, y2] normalised by the image size, in [0, 1]. */
  readonly boxes: Float32Array;
  /** [N, F] features, F = regionFeatureSize(cropSize). */
  readonly features: Float32Array;
  /** [N] colour index of the object each region is, or -1 for a distractor. */
  readonly objects: Int32Array;
  /** The pixel boxes, index-aligned. */
  readonly pixelBoxes: readonly PixelBox[];
}

/** Options of {@link buildRegions}. */
export interface RegionOptions {
  /** Distractor regions added to the six object regions. */
  readonly distractors: number;
  /** k: each crop is average-pooled to k×k cells per channel. */
  readonly cropSize: number;
}

/** Largest distractor side in pixels (3 object sizes: big enough to cover parts of several objects). */
export const MAX_DISTRACTOR_SIZE = 3 * OBJECT_SIZE;

/** F for a crop size k: 3 mean-colour values then the pooled crop [3, k, k]. */
export const regionFeatureSize = (cropSize: number): number => 3 + 3 * cropSize * cropSize;

/**
 * The feature vector of one box of a [3, 75, 75] image: the mean of each channel over the crop,
 * then the crop average-pooled to k×k cells per channel (channel-major). Cell i of a side of
 * length L covers pixels [floor(i·L/k), floor((i+1)·L/k)), so cells tile the crop exactly.
 */
export function regionFeature(chw: Float32Array, box: PixelBox, cropSize: number): Float32Array {
  const [x1, y1, x2, y2] = box;
  const w = x2 - x1;
  const h = y2 - y1;
  if (w < cropSize || h < cropSize) throw new RangeError(`sort-of-clevr: box ${JSON.stringify(box)} is smaller than cropSize ${cropSize}`);
  const plane = IMAGE_SIZE * IMAGE_SIZE;
  const k = cropSize;
  const out = new Float32Array(regionFeatureSize(k));
  for (let c = 0; c < 3; c++) {
    let total = 0;
    for (let cy = 0; cy < k; cy++) {
      const r0 = y1 + Math.floor((cy * h) / k);
      const r1 = y1 + Math.floor(((cy + 1) * h) / k);
      for (let cx = 0; cx < k; cx++) {
        const c0 = x1 + Math.floor((cx * w) / k);
        const c1 = x1 + Math.floor(((cx + 1) * w) / k);
        let sum = 0;
        for (let y = r0; y < r1; y++) for (let x = c0; x < c1; x++) sum += chw[c * plane + y * IMAGE_SIZE + x]!;
        total += sum;
        out[3 + c * k * k + cy * k + cx] = sum / ((r1 - r0) * (c1 - c0));
      }
    }
    out[c] = total / (w * h);
  }
  return out;
}

/** A distractor box: side lengths uniform in [cropSize, MAX_DISTRACTOR_SIZE], position uniform inside the canvas. */
function distractorBox(gen: Generator, cropSize: number): PixelBox {
  const side = (): number => cropSize + Math.floor(gen.uniform() * (MAX_DISTRACTOR_SIZE - cropSize + 1));
  const w = side();
  const h = side();
  const x = Math.floor(gen.uniform() * (IMAGE_SIZE - w + 1));
  const y = Math.floor(gen.uniform() * (IMAGE_SIZE - h + 1));
  return [x, y, x + w, y + h];
}

/**
 * The regions of a rendered scene: the six object boxes and `distractors` random boxes, shuffled
 * by `gen` (a Fisher–Yates permutation) so a region's index says nothing about its object.
 */
export function buildRegions(scene: Scene, chw: Float32Array, gen: Generator, options: RegionOptions): Regions {
  const { distractors, cropSize } = options;
  const entries: { box: PixelBox; object: number }[] = scene.objects.map((o) => ({
    box: [o.x, o.y, o.x + OBJECT_SIZE, o.y + OBJECT_SIZE] as PixelBox,
    object: o.color,
  }));
  for (let d = 0; d < distractors; d++) entries.push({ box: distractorBox(gen, cropSize), object: -1 });
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(gen.uniform() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  const n = entries.length;
  const f = regionFeatureSize(cropSize);
  const boxes = new Float32Array(n * 4); // [N, 4]
  const features = new Float32Array(n * f); // [N, F]
  const objects = new Int32Array(n); // [N]
  entries.forEach(({ box, object }, r) => {
    box.forEach((v, i) => (boxes[r * 4 + i] = v / IMAGE_SIZE));
    features.set(regionFeature(chw, box, cropSize), r * f);
    objects[r] = object;
  });
  return { count: n, boxes, features, objects, pixelBoxes: entries.map((e) => e.box) };
}

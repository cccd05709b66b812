// The split's transform pipeline, timm's `transforms_imagenet_train` / `_eval` with torchvision's
// transforms: train = RandomResizedCrop(size) + RandomHorizontalFlip; eval = Resize(⌊size / cropPct⌋)
// + CenterCrop(size); then the user's Random Erasing, then Normalize. Without a size, images keep
// their size (and must agree).
import {
  CenterCrop, Compose, Normalize, NORMALIZE_PRESETS, RandomHorizontalFlip, RandomResizedCrop, Resize,
  type ChannelStats, type ImageTransform, type Size,
} from '@crossmodal/data';
import type { ImageChannels } from './image-decode.ts';

/** What the pipeline is built from (the provider's options, read and checked). */
export interface PipelineOptions {
  /** Output [height, width] (a number: square); absent: no resize or crop. */
  readonly size?: Size;
  /** Eval only: the Resize before the centre crop (a number: the shorter side); default from `cropPct`. */
  readonly resize?: Size;
  /** Eval only: fraction of the resized image the centre crop keeps (timm's crop_pct, default 0.875). */
  readonly cropPct?: number;
  /** Random crop and flip (the train pipeline) rather than resize and centre crop. */
  readonly augment: boolean;
  /** RandomResizedCrop's area range (default [0.08, 1]). */
  readonly scale?: readonly [number, number];
  /** RandomResizedCrop's aspect-ratio range (default [3/4, 4/3]). */
  readonly ratio?: readonly [number, number];
  /** Probability of the horizontal flip when augmenting (default 0.5). */
  readonly hflip?: number;
  /** Per-channel statistics, or none for pixels in [0, 1]. */
  readonly normalize?: ChannelStats;
  /** User transforms, applied first. */
  readonly before?: readonly ImageTransform[];
  /** User transforms applied after the crop and flip, before Normalize (Random Erasing; see `splitUserTransforms` in @crossmodal/data). */
  readonly after?: readonly ImageTransform[];
}

/** timm's default crop_pct: 224 → Resize(256) → CenterCrop(224). */
export const DEFAULT_CROP_PCT = 0.875;

/**
 * ImageNet's statistics for one channel: the BT.601 luma weights applied to the RGB mean (exact,
 * as luma is linear) and to the RGB std (an upper bound on the luma's std, equal when the
 * channels are perfectly correlated; natural images come close).
 */
export const IMAGENET_GRAY: ChannelStats = (() => {
  const w = [0.299, 0.587, 0.114];
  const dot = (v: readonly number[]): number => +v.reduce((s, x, i) => s + x * w[i]!, 0).toFixed(4);
  return { mean: [dot(NORMALIZE_PRESETS.imagenet.mean)], std: [dot(NORMALIZE_PRESETS.imagenet.std)] };
})();

/** The default statistics: ImageNet's (3 channels) or their luma (1 channel). */
export const defaultStats = (channels: ImageChannels): ChannelStats => (channels === 3 ? NORMALIZE_PRESETS.imagenet : IMAGENET_GRAY);

/**
 * The eval Resize size for `size` at `cropPct`, as timm computes it: ⌊size / cropPct⌋ per side
 * (a number, i.e. the shorter side, when both sides agree; [h, w] otherwise).
 * @example
 * evalResizeSize(224, 0.875); // 256
 * evalResizeSize(384, 0.875); // 438
 */
export function evalResizeSize(size: Size, cropPct: number): Size {
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  // NOTE: the tiny epsilon keeps ⌊x / p⌋ from dropping a pixel when x / p is an integer in exact arithmetic.
  const [rh, rw] = [Math.floor(h / cropPct + 1e-9), Math.floor(w / cropPct + 1e-9)];
  return rh === rw ? rh : [rh, rw];
}

/**
 * The pipeline of one split.
 * @example
 * imageFolderPipeline({ size: 224, augment: false, normalize: NORMALIZE_PRESETS.imagenet }).name;
 * // 'Compose([Resize(size=256, antialias=true), CenterCrop(size=[224, 224]), Normalize(…)])'
 */
export function imageFolderPipeline(o: PipelineOptions): Compose {
  const steps: ImageTransform[] = [...(o.before ?? [])];
  if (o.size !== undefined) {
    if (o.augment) {
      steps.push(new RandomResizedCrop(o.size, { ...(o.scale ? { scale: o.scale } : {}), ...(o.ratio ? { ratio: o.ratio } : {}) }));
    } else {
      steps.push(new Resize(o.resize ?? evalResizeSize(o.size, o.cropPct ?? DEFAULT_CROP_PCT)), new CenterCrop(o.size));
    }
  }
  // Without a size, augmentation is the flip alone: a random crop would change the shape per image.
  if (o.augment && (o.hflip ?? 0.5) > 0) steps.push(new RandomHorizontalFlip(o.hflip ?? 0.5));
  steps.push(...(o.after ?? []));
  if (o.normalize) steps.push(new Normalize(o.normalize));
  return new Compose(steps);
}

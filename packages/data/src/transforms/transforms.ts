// Image transforms with torchvision's names, parameters and random draws: each is an object whose
// `apply` maps a host [C, H, W] image to a new one, drawing from the Generator it is handed.
import type { Generator } from '@crossmodal/tensor';
import { crop, hflip, normalize, pad, PADDING_MODES, resize, type PaddingMode } from './functional.ts';
import { checkImage, randomInt, toGenerator, uniformIn, type ImageTensor, type RandomSource } from './image.ts';

/** A transform of one image. Deterministic ones ignore `rng`; random ones require it. */
export interface ImageTransform {
  /** What it does with its parameters, torchvision style: `RandomCrop(size=[28, 28], padding=[4, 4, 4, 4])`. */
  readonly name: string;
  /** Returns a new image (the input is never changed); random transforms advance `rng`. */
  apply(image: ImageTensor, rng?: RandomSource): ImageTensor;
}

/** A size as torchvision takes it: one number (a square, or Resize's shorter edge) or [height, width]. */
export type Size = number | readonly [number, number];

const fmt = (v: readonly number[]): string => `[${v.join(', ')}]`;

function pair(owner: string, field: string, v: Size): [number, number] {
  const hw: readonly number[] = typeof v === 'number' ? [v, v] : v;
  if (hw.length !== 2 || !hw.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${owner}: ${field} must be a positive integer or [height, width] of positive integers, got ${JSON.stringify(v)}`);
  }
  return [hw[0]!, hw[1]!];
}

/** Python's round(): halves go to the even neighbour (torchvision rounds crop offsets this way). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Bilinear resize to [height, width], or the shorter edge to `size` keeping the aspect ratio. */
export class Resize implements ImageTransform {
  readonly name: string;
  readonly #size: Size;
  readonly #antialias: boolean;

  constructor(size: Size, { antialias = true }: { readonly antialias?: boolean } = {}) {
    pair('Resize', 'size', size);
    this.#size = size;
    this.#antialias = antialias;
    this.name = `Resize(size=${JSON.stringify(size)}, antialias=${antialias})`;
  }

  apply(image: ImageTensor): ImageTensor {
    const [, h, w] = checkImage('Resize', image).shape;
    let target: [number, number];
    if (typeof this.#size === 'number') {
      // torchvision: the shorter edge becomes `size`, the longer one int(size · long / short).
      const long = Math.trunc((this.#size * Math.max(h, w)) / Math.min(h, w));
      target = h <= w ? [this.#size, long] : [long, this.#size];
    } else {
      target = [this.#size[0], this.#size[1]];
    }
    return resize(image, target, { antialias: this.#antialias });
  }
}

/** The centre [height, width] region (padded with 0 where it is larger than the image). */
export class CenterCrop implements ImageTransform {
  readonly name: string;
  readonly #size: [number, number];

  constructor(size: Size) {
    this.#size = pair('CenterCrop', 'size', size);
    this.name = `CenterCrop(size=${fmt(this.#size)})`;
  }

  apply(image: ImageTensor): ImageTensor {
    const [, h, w] = checkImage('CenterCrop', image).shape;
    const [th, tw] = this.#size;
    // Larger crops pad ⌊d/2⌋ before and ⌈d/2⌉ after, as torchvision's center_crop does.
    const top = th > h ? -Math.floor((th - h) / 2) : roundHalfEven((h - th) / 2);
    const left = tw > w ? -Math.floor((tw - w) / 2) : roundHalfEven((w - tw) / 2);
    return crop(image, top, left, th, tw);
  }
}

/** Options of RandomResizedCrop (torchvision's defaults). */
export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's (default [0.08, 1]). */
  readonly scale?: readonly [number, number];
  /** Range of the crop's aspect ratio width / height, drawn log-uniformly (default [3/4, 4/3]). */
  readonly ratio?: readonly [number, number];
  /** Antialias the resize (default true). */
  readonly antialias?: boolean;
}

/**
 * The crop box torchvision's `RandomResizedCrop.get_params` draws: up to 10 tries of area ~
 * U(scale)·H·W and log-ratio ~ U(log ratio); if none fits, the largest centred box whose ratio is
 * clamped into `ratio`. Returns [top, left, height, width].
 */
export function randomResizedCropBox(
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  gen: Generator,
): [number, number, number, number] {
  const area = height * width;
  const [logLo, logHi] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * uniformIn(gen, scale[0], scale[1]);
    const aspect = Math.exp(uniformIn(gen, logLo, logHi));
    const w = roundHalfEven(Math.sqrt(target * aspect));
    const h = roundHalfEven(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = randomInt(gen, 0, height - h + 1);
      return [top, randomInt(gen, 0, width - w + 1), h, w];
    }
  }
  const inRatio = width / height;
  let [h, w] = [height, width];
  if (inRatio < Math.min(...ratio)) h = roundHalfEven(w / Math.min(...ratio));
  else if (inRatio > Math.max(...ratio)) w = roundHalfEven(h * Math.max(...ratio));
  return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
}

/** A random crop of random area and aspect ratio, resized to `size` (the Inception / ViT augmentation). */
export class RandomResizedCrop implements ImageTransform {
  readonly name: string;
  readonly #size: [number, number];
  readonly #scale: readonly [number, number];
  readonly #ratio: readonly [number, number];
  readonly #antialias: boolean;

  constructor(size: Size, { scale = [0.08, 1], ratio = [3 / 4, 4 / 3], antialias = true }: RandomResizedCropOptions = {}) {
    this.#size = pair('RandomResizedCrop', 'size', size);
    const check = (field: string, [lo, hi]: readonly [number, number], min: number): void => {
      if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo > min && lo <= hi)) {
        throw new RangeError(`RandomResizedCrop: ${field} must be [lo, hi] with ${min} < lo ≤ hi, got ${fmt([lo, hi])}`);
      }
    };
    check('scale', scale, 0);
    check('ratio', ratio, 0);
    [this.#scale, this.#ratio, this.#antialias] = [scale, ratio, antialias];
    this.name = `RandomResizedCrop(size=${fmt(this.#size)}, scale=${fmt(scale)}, ratio=${fmt(ratio.map((r) => +r.toFixed(4)))}, antialias=${antialias})`;
  }

  apply(image: ImageTensor, rng?: RandomSource): ImageTensor {
    const [, h, w] = checkImage('RandomResizedCrop', image).shape;
    const gen = toGenerator('RandomResizedCrop', rng);
    const [top, left, ch, cw] = randomResizedCropBox(h, w, this.#scale, this.#ratio, gen);
    return resize(crop(image, top, left, ch, cw), this.#size, { antialias: this.#antialias });
  }
}

/** Options of RandomCrop (torchvision's). */
export interface RandomCropOptions {
  /** Border added first: n on every side, [left/right, top/bottom] or [left, top, right, bottom] (default 0). */
  readonly padding?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Pad an image smaller than `size` up to it (default false: such an image is an error). */
  readonly padIfNeeded?: boolean;
  /** Value of `constant` padding (default 0, in the image's units: apply before Normalize). */
  readonly fill?: number;
  /** How padding fills (default `constant`). */
  readonly paddingMode?: PaddingMode;
}

function ltrb(padding: NonNullable<RandomCropOptions['padding']>): [number, number, number, number] {
  const p: readonly number[] = typeof padding === 'number' ? [padding] : padding;
  const v = p.length === 1 ? [p[0]!, p[0]!, p[0]!, p[0]!] : p.length === 2 ? [p[0]!, p[1]!, p[0]!, p[1]!] : [...p];
  if (v.length !== 4 || !v.every((x) => Number.isInteger(x) && x >= 0)) {
    throw new RangeError(`RandomCrop: padding must be an integer ≥ 0 or 2 or 4 of them, got ${JSON.stringify(padding)}`);
  }
  return v as [number, number, number, number];
}

/**
 * A random [height, width] window after optional padding: with padding 4 and the image's own size,
 * a random shift of up to ±4 pixels (the CIFAR / Fashion-MNIST augmentation). Without a `size`
 * the window is the input's size.
 */
export class RandomCrop implements ImageTransform {
  readonly name: string;
  readonly #size: [number, number] | undefined;
  readonly #padding: [number, number, number, number];
  readonly #options: { readonly padIfNeeded: boolean; readonly fill: number; readonly mode: PaddingMode };

  constructor(size?: Size, { padding = 0, padIfNeeded = false, fill = 0, paddingMode = 'constant' }: RandomCropOptions = {}) {
    this.#size = size === undefined ? undefined : pair('RandomCrop', 'size', size);
    this.#padding = ltrb(padding);
    if (!Number.isFinite(fill)) throw new RangeError(`RandomCrop: fill must be a finite number, got ${fill}`);
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new RangeError(`RandomCrop: paddingMode must be one of ${PADDING_MODES.join(', ')}, got '${paddingMode}'`);
    }
    this.#options = { padIfNeeded, fill, mode: paddingMode };
    const sizeText = this.#size ? fmt(this.#size) : 'input';
    this.name = `RandomCrop(size=${sizeText}, padding=${fmt(this.#padding)}, fill=${fill}, paddingMode=${paddingMode})`;
  }

  apply(image: ImageTensor, rng?: RandomSource): ImageTensor {
    const [, h0, w0] = checkImage('RandomCrop', image).shape;
    const gen = toGenerator('RandomCrop', rng);
    const [th, tw] = this.#size ?? [h0, w0];
    const { fill, mode, padIfNeeded } = this.#options;
    const [pl, pt, pr, pb] = this.#padding;
    // torchvision pads by the whole shortfall on both sides (width first, then height) after `padding`.
    const extraX = padIfNeeded ? Math.max(0, tw - (w0 + pl + pr)) : 0;
    const extraY = padIfNeeded ? Math.max(0, th - (h0 + pt + pb)) : 0;
    const [h, w] = [h0 + pt + pb + 2 * extraY, w0 + pl + pr + 2 * extraX];
    if (h < th || w < tw) {
      throw new RangeError(`RandomCrop: crop size [${th}, ${tw}] is larger than the ${h}×${w} (padded) image; pass padIfNeeded`);
    }
    // torchvision draws nothing when the window is the whole (padded) image.
    const whole = h === th && w === tw;
    const top = whole ? 0 : randomInt(gen, 0, h - th + 1);
    const left = whole ? 0 : randomInt(gen, 0, w - tw + 1);
    // Constant padding then a crop is one crop of the original whose outside is the fill (no copy
    // of the padded image); the other modes pad as torchvision does, in two steps.
    if (mode === 'constant') return crop(image, top - pt - extraY, left - pl - extraX, th, tw, fill);
    let img = pad(image, this.#padding, { fill, mode });
    if (extraX > 0) img = pad(img, [extraX, 0, extraX, 0], { fill, mode });
    if (extraY > 0) img = pad(img, [0, extraY, 0, extraY], { fill, mode });
    return crop(img, top, left, th, tw);
  }
}

/** Mirrors the image left to right with probability p (one uniform draw per call, flipped or not). */
export class RandomHorizontalFlip implements ImageTransform {
  readonly name: string;

  constructor(readonly p = 0.5) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`RandomHorizontalFlip: p must be a number in [0, 1], got ${p}`);
    this.name = `RandomHorizontalFlip(p=${p})`;
  }

  apply(image: ImageTensor, rng?: RandomSource): ImageTensor {
    checkImage('RandomHorizontalFlip', image);
    return toGenerator('RandomHorizontalFlip', rng).uniform() < this.p ? hflip(image) : { data: image.data.slice(), shape: image.shape };
  }
}

/** Per-channel statistics for Normalize. */
export interface ChannelStats {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Well-known per-channel statistics of [0, 1] pixels over each training set: ImageNet's (the
 * torchvision/timm constants), Fashion-MNIST's and MNIST's, CIFAR-10's and CIFAR-100's.
 */
export const NORMALIZE_PRESETS = {
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  'fashion-mnist': { mean: [0.286], std: [0.353] },
  mnist: { mean: [0.1307], std: [0.3081] },
  cifar10: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
  cifar100: { mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762] },
} as const satisfies Record<string, ChannelStats>;

/** A name of {@link NORMALIZE_PRESETS}. */
export type NormalizePreset = keyof typeof NORMALIZE_PRESETS;

/** (x − mean[c]) / std[c] per channel; give the statistics or a preset's name. */
export class Normalize implements ImageTransform {
  readonly name: string;
  readonly mean: readonly number[];
  readonly std: readonly number[];

  constructor(stats: ChannelStats | NormalizePreset) {
    // Object.hasOwn: a name such as 'toString' must not find Object.prototype's member.
    const s: ChannelStats | undefined = typeof stats !== 'string' ? stats : Object.hasOwn(NORMALIZE_PRESETS, stats) ? NORMALIZE_PRESETS[stats] : undefined;
    if (s === undefined) {
      throw new RangeError(`Normalize: unknown preset '${String(stats)}' (known: ${Object.keys(NORMALIZE_PRESETS).join(', ')})`);
    }
    if (s.mean.length === 0 || s.std.length === 0 || !s.std.every((v) => Number.isFinite(v) && v > 0) || !s.mean.every(Number.isFinite)) {
      throw new RangeError(`Normalize: mean must be finite and std finite and > 0 (one value or one per channel), got mean ${fmt(s.mean)}, std ${fmt(s.std)}`);
    }
    [this.mean, this.std] = [s.mean, s.std];
    this.name = `Normalize(mean=${fmt(s.mean)}, std=${fmt(s.std)})`;
  }

  apply(image: ImageTensor): ImageTensor {
    return normalize(image, this.mean, this.std);
  }
}

/** Applies transforms in order, all drawing from one Generator (made once from a seed). */
export class Compose implements ImageTransform {
  readonly name: string;

  constructor(readonly transforms: readonly ImageTransform[]) {
    this.name = `Compose([${transforms.map((t) => t.name).join(', ')}])`;
  }

  apply(image: ImageTensor, rng?: RandomSource): ImageTensor {
    // Only a random member needs the source; deterministic pipelines run without one.
    const gen = rng === undefined ? undefined : toGenerator('Compose', rng);
    let out = checkImage('Compose', image);
    if (this.transforms.length === 0) return { data: image.data.slice(), shape: image.shape };
    for (const t of this.transforms) out = t.apply(out, gen);
    return out;
  }
}

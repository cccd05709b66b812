// Random Erasing (Zhong et al. 2020, https://arxiv.org/abs/1708.04896) with torchvision's box draws:
// a rectangle of random area and aspect painted over, on host [C, H, W] images. It differs from
// torchvision in what 'random' paints (see RandomErasing), because it runs on [0, 1] pixels.
import type { Generator } from '@crossmodal/tensor';
import { checkImage, randomInt, toGenerator, uniformIn, type ImageTensor, type RandomSource } from './image.ts';
import { roundHalfEven, type ImageTransform } from './transforms.ts';

const fmt = (v: readonly number[]): string => `[${v.join(', ')}]`;

/** What {@link RandomErasing} paints: one value, one per channel, or `'random'` (each value uniform in [0, 1), not torchvision's N(0, 1)). */
export type ErasingValue = number | readonly number[] | 'random';

/**
 * Random Erasing (Zhong et al. 2020): with probability `p`, a rectangle of area fraction in `scale`
 * and aspect ratio in `ratio` (drawn log-uniformly) is painted over; up to 10 draws look for one
 * that fits, else the image is kept. The p draw and the box draws (area, aspect, then top and left)
 * are torchvision's `RandomErasing.get_params`. What is painted is not: torchvision erases the
 * normalised tensor, after `Normalize`, while our datasets erase [0, 1] pixels before normalising
 * (so a crop or pad cannot see normalised values, and the paper's random values are pixel values).
 * Hence two differences from torchvision:
 * - `'random'` paints values uniform in [0, 1) (the paper's random pixels), drawn one per value,
 *   channel by channel, after the box's top and left; torchvision draws N(0, 1) values (a normalised
 *   image's scale) before the top and left. Recorded runs depend on these draws, so they stay.
 * - `0` paints black here; after `Normalize`, torchvision's `0` is the dataset mean. For
 *   Fashion-MNIST `[1, H, W]` images black is the background.
 * @example
 * new RandomErasing({ p: 0.25, value: 'random' }).apply(image, gen);
 */
export class RandomErasing implements ImageTransform {
  readonly name: string;
  readonly p: number;
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly value: ErasingValue;

  constructor({ p = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0 }: {
    readonly p?: number; readonly scale?: readonly [number, number]; readonly ratio?: readonly [number, number]; readonly value?: ErasingValue;
  } = {}) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`RandomErasing: p must be a number in [0, 1], got ${p}`);
    if (!(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1)) throw new RangeError(`RandomErasing: scale must be [lo, hi] with 0 < lo ≤ hi ≤ 1, got ${fmt(scale)}`);
    if (!(ratio[0] > 0 && ratio[0] <= ratio[1])) throw new RangeError(`RandomErasing: ratio must be [lo, hi] with 0 < lo ≤ hi, got ${fmt(ratio)}`);
    const valueOk = value === 'random' || (typeof value === 'number' && Number.isFinite(value)) ||
      (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v)));
    if (!valueOk) throw new RangeError(`RandomErasing: value must be a finite number, a list of them (one per channel) or 'random', got ${JSON.stringify(value)}`);
    [this.p, this.scale, this.ratio, this.value] = [p, scale, ratio, value];
    this.name = `RandomErasing(p=${p}, scale=${fmt(scale)}, ratio=${fmt(ratio)}, value=${JSON.stringify(value)})`;
  }

  /** The erased box `[top, left, height, width]` drawn from `gen`, or undefined when none of 10 draws fits (torchvision's get_params, less its value draw). */
  box(height: number, width: number, gen: Generator): [number, number, number, number] | undefined {
    const area = height * width;
    const [logLo, logHi] = [Math.log(this.ratio[0]), Math.log(this.ratio[1])];
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = area * uniformIn(gen, this.scale[0], this.scale[1]);
      const aspect = Math.exp(uniformIn(gen, logLo, logHi));
      const h = roundHalfEven(Math.sqrt(target * aspect));
      const w = roundHalfEven(Math.sqrt(target / aspect));
      if (!(h < height && w < width)) continue;
      return [randomInt(gen, 0, height - h + 1), randomInt(gen, 0, width - w + 1), h, w];
    }
    return undefined;
  }

  apply(image: ImageTensor, rng?: RandomSource): ImageTensor {
    const [c, h, w] = checkImage('RandomErasing', image).shape;
    const value = this.value;
    // Checked before the p draw, so that a wrong list fails on the first image, not the first erased one.
    if (Array.isArray(value) && value.length !== 1 && value.length !== c) {
      throw new RangeError(`RandomErasing: value has ${value.length} entries, expected 1 or one per channel (${c})`);
    }
    const gen = toGenerator('RandomErasing', rng);
    const out = { data: image.data.slice(), shape: image.shape };
    if (gen.uniform() >= this.p) return out;
    const found = this.box(h, w, gen);
    if (found === undefined) return out;
    const [top, left, bh, bw] = found;
    // NOTE: 'random' values are drawn here, after the box, uniform in [0, 1); see the class comment.
    for (let ch = 0; ch < c; ch++) {
      const fill = typeof value === 'number' ? value : Array.isArray(value) ? value[value.length === 1 ? 0 : ch]! : NaN;
      for (let y = top; y < top + bh; y++) {
        const row = (ch * h + y) * w;
        for (let x = left; x < left + bw; x++) out.data[row + x] = value === 'random' ? gen.uniform() : fill;
      }
    }
    return out;
  }
}

// Images as the transforms see them (host Float32Array [C, H, W], so transforms run in the loader
// while the device trains), and the seeded randomness every random transform draws from.
import { fmix32, Generator } from '@crossmodal/tensor';

/** One image on the host: channels-first float32 values, row-major [C, H, W]. */
export interface ImageTensor {
  /** The values, `data[(c·H + y)·W + x]`. */
  readonly data: Float32Array;
  /** [C, H, W]. */
  readonly shape: readonly [number, number, number];
}

/** Where a random transform draws from: a Generator (advanced in place) or a seed for a fresh one. */
export type RandomSource = Generator | number;

/**
 * Checks that `image` is a float32 [C, H, W] image with C·H·W values; the error names `owner`,
 * the shape and the length.
 * @example
 * checkImage('Resize', { data: new Float32Array(4), shape: [1, 2, 2] }); // passes
 */
export function checkImage(owner: string, image: ImageTensor): ImageTensor {
  if (!(image.data instanceof Float32Array)) {
    throw new TypeError(`${owner}: image data must be a Float32Array, got ${(image.data as object)?.constructor?.name ?? typeof image.data}`);
  }
  const { shape } = image;
  if (shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${owner}: image shape must be [C, H, W] with positive integers, got [${shape.join(', ')}]`);
  }
  const [c, h, w] = shape;
  if (image.data.length !== c * h * w) {
    throw new RangeError(`${owner}: image of shape [${c}, ${h}, ${w}] needs ${c * h * w} values, got ${image.data.length}`);
  }
  return image;
}

/** A Generator from a RandomSource: the same object, or a fresh one seeded with the number. */
export function toGenerator(owner: string, rng: RandomSource | undefined): Generator {
  if (rng instanceof Generator) return rng;
  if (typeof rng === 'number' && Number.isInteger(rng)) return new Generator(rng);
  throw new TypeError(`${owner}: is random and needs a Generator or an integer seed, got ${rng === undefined ? 'none' : String(rng)}`);
}

/** An integer uniform in [lo, hi) (torch.randint's range convention). */
export function randomInt(gen: Generator, lo: number, hi: number): number {
  // NOTE: floor(u·n) with 32-bit u; its bias (< n / 2^32) is far below anything measurable.
  return lo + Math.floor(gen.uniform() * (hi - lo));
}

/** A float uniform in [lo, hi). */
export const uniformIn = (gen: Generator, lo: number, hi: number): number => lo + (hi - lo) * gen.uniform();

/**
 * The generator for example `index` in epoch `epoch` under `seed`: a pure function of the three,
 * so a resumed run draws exactly the augmentations the uninterrupted run would have drawn.
 * @example
 * const flipped = new RandomHorizontalFlip().apply(img, exampleGenerator(7, epoch, index));
 */
export function exampleGenerator(seed: number, epoch: number, index: number): Generator {
  // Two Weyl steps (epoch, index), each followed by an avalanche round, so neighbours are unrelated.
  const e = fmix32((fmix32(seed >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0);
  return new Generator(fmix32((e ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0));
}

/**
 * Per-example generators for a dataset that augments in `get(index)`. The epoch is the one set by
 * `setEpoch` (PyTorch's `sampler.set_epoch`); until a loader calls it, each index counts its own
 * reads, so read k of an index uses epoch k (what a loader visiting each index once per epoch
 * gives). NOTE: counting reads is not resumable mid-run: call `setEpoch` for exact resumes.
 */
export class ExampleGenerators {
  #epoch: number | undefined;
  readonly #reads: Uint32Array;

  constructor(
    /** Seed of every stream. */
    readonly seed: number,
    /** Number of examples (indices 0 … size−1). */
    size: number,
  ) {
    this.#reads = new Uint32Array(size);
  }

  /** Fixes the epoch that later `next` calls draw for, until the next `setEpoch`. */
  setEpoch(epoch: number): void {
    if (!(Number.isInteger(epoch) && epoch >= 0)) throw new RangeError(`setEpoch: epoch must be an integer ≥ 0, got ${epoch}`);
    this.#epoch = epoch;
  }

  /** The generator for the next read of example `index`. */
  next(index: number): Generator {
    if (this.#epoch !== undefined) return exampleGenerator(this.seed, this.#epoch, index);
    const read = this.#reads[index]!;
    this.#reads[index] = read + 1;
    return exampleGenerator(this.seed, read, index);
  }
}

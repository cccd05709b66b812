// Mixup and CutMix on host batches, after collation and before upload, as timm's `Mixup` (DeiT's
// regularisers). Mixup: https://arxiv.org/abs/1710.09412 · CutMix: https://arxiv.org/abs/1905.04899
import { fmix32, type Generator } from '@crossmodal/tensor';
import type { HostBatch } from './collate.ts';
import type { BatchTransformContext } from './data-loader.ts';
import { exampleGenerator } from './transforms/image.ts';
import type { HostTensor } from './types.ts';

/** `batch`: one draw for the whole batch (timm's default); `pair`: one per mirrored pair; `elem`: one per element. */
export type MixupMode = 'batch' | 'pair' | 'elem';

/** Options of `Mixup` (timm's `--mixup`, `--cutmix`, `--cutmix-minmax`, `--mixup-prob`, `--mixup-switch-prob`, `--mixup-mode`, `--smoothing`). */
export interface MixupOptions {
  /** C, the number of classes of the soft targets (≥ 2). */
  readonly numClasses: number;
  /** α of Mixup's Beta(α, α) (default 0.8; 0 turns Mixup off). */
  readonly mixupAlpha?: number;
  /** α of CutMix's Beta(α, α) (default 1.0; 0 turns CutMix off). */
  readonly cutmixAlpha?: number;
  /** CutMix box sides as fractions [min, max) of H and W, drawn uniformly instead of from λ; needs cutmixAlpha > 0. */
  readonly cutmixMinMax?: readonly [number, number];
  /** Probability that a batch (or element, or pair) is mixed at all (default 1). */
  readonly prob?: number;
  /** Probability of CutMix rather than Mixup when both alphas are > 0 (default 0.5). */
  readonly switchProb?: number;
  /** Default `batch`. */
  readonly mode?: MixupMode;
  /** ε folded into the soft targets: each one-hot becomes (1 − ε)·onehot + ε/C (default 0.1). */
  readonly labelSmoothing?: number;
  /** The float32 field mixed, [B, ...] ([B, ..., H, W] for CutMix); default `image`. */
  readonly field?: string;
  /** The int32 class-index field [B]; default `label`. It is kept as it is. */
  readonly target?: string;
  /** The float32 [B, C] soft-target field added; default `<target>Soft` (`labelSoft`). */
  readonly softTarget?: string;
  /** Seed of the draws: batch b of epoch e draws from a stream fixed by (seed, e, b). Default 0. */
  readonly seed?: number;
}

/** A CutMix box on the last two axes: rows [y0, y1), columns [x0, x1). */
export interface CutmixBox { readonly y0: number; readonly y1: number; readonly x0: number; readonly x1: number }

/** What one element gets: its own share λ of image and label; with CutMix, the box pasted from its partner. */
export interface MixDraw {
  /** λ: 1 for no mixing; with CutMix, 1 − (box area)/(H·W), the share the element keeps. */
  readonly lam: number;
  /** The region taken from the partner (CutMix only). */
  readonly box?: CutmixBox;
}

/** A source of uniform [0, 1) numbers (a `Generator`, or a fixed sequence in tests). */
export type UniformSource = Pick<Generator, 'uniform'>;

const MODES: readonly MixupMode[] = ['batch', 'pair', 'elem'];
const NO_MIX: MixDraw = { lam: 1 };
// Mixes into the seed so the batch streams differ from the per-example augmentation streams that
// `exampleGenerator(seed, epoch, index)` gives for the same run seed.
const MIXUP_SALT = 0x6d697875; // 'mixu'

const randInt = (gen: UniformSource, lo: number, hi: number): number => lo + Math.floor(gen.uniform() * (hi - lo));
const openUniform = (gen: UniformSource): number => {
  let u = gen.uniform();
  while (u === 0) u = gen.uniform(); // log(0) and 0^(1/a) are excluded
  return u;
};

/**
 * Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 by the boost Γ(a) = Γ(a + 1)·U^(1/a).
 * @example
 * sampleGamma(new Generator(1), 2.5); // one draw, mean 2.5
 */
export function sampleGamma(gen: Pick<Generator, 'uniform' | 'normal'>, shape: number): number {
  if (!(shape > 0 && Number.isFinite(shape))) throw new RangeError(`sampleGamma: shape must be a finite number > 0, got ${shape}`);
  if (shape < 1) return sampleGamma(gen, shape + 1) * Math.pow(openUniform(gen), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let [x, v] = [0, 0];
    do {
      x = gen.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = openUniform(gen);
    // The cheap squeeze accepts ~98% of draws; the log test is the exact acceptance condition.
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(gen: Pick<Generator, 'uniform' | 'normal'>, a: number, b: number): number {
  const x = sampleGamma(gen, a);
  const y = sampleGamma(gen, b);
  // NOTE: for tiny α both draws can underflow to 0; Beta's limit there is a coin with P(1) = a/(a+b).
  return x + y > 0 ? x / (x + y) : gen.uniform() < a / (a + b) ? 1 : 0;
}

/**
 * timm's `rand_bbox` (no margin): a box of sides ⌊H·√(1−λ)⌋, ⌊W·√(1−λ)⌋ centred on a uniform pixel
 * (row drawn first), each side half-extent ⌊side/2⌋, clipped to the image. Correct λ from its area.
 * @example
 * cutmixBox(new Generator(0), 28, 28, 0.7); // { y0, y1, x0, x1 }
 */
export function cutmixBox(gen: UniformSource, height: number, width: number, lam: number): CutmixBox {
  const ratio = Math.sqrt(1 - lam);
  const halfH = Math.floor(Math.trunc(height * ratio) / 2);
  const halfW = Math.floor(Math.trunc(width * ratio) / 2);
  const cy = randInt(gen, 0, height);
  const cx = randInt(gen, 0, width);
  const clip = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);
  return { y0: clip(cy - halfH, height), y1: clip(cy + halfH, height), x0: clip(cx - halfW, width), x1: clip(cx + halfW, width) };
}

/** The side ranges [⌊H·min⌋, ⌊H·max⌋) and [⌊W·min⌋, ⌊W·max⌋) of a min/max box; a RangeError when one is empty. */
function minMaxSides(height: number, width: number, [min, max]: readonly [number, number]): [number, number, number, number] {
  const [loH, hiH, loW, hiW] = [Math.trunc(height * min), Math.trunc(height * max), Math.trunc(width * min), Math.trunc(width * max)];
  if (!(loH < hiH && loW < hiW)) {
    throw new RangeError(`Mixup: cutmixMinMax [${min}, ${max}] gives no box side for a ${height}×${width} image (sides in [${loH}, ${hiH}) × [${loW}, ${hiW}))`);
  }
  return [loH, hiH, loW, hiW];
}

/** timm's `rand_bbox_minmax`: sides uniform in [⌊H·min⌋, ⌊H·max⌋) (and W), placed uniformly inside the image. */
export function cutmixMinMaxBox(gen: UniformSource, height: number, width: number, minMax: readonly [number, number]): CutmixBox {
  const [loH, hiH, loW, hiW] = minMaxSides(height, width, minMax);
  const cutH = randInt(gen, loH, hiH);
  const cutW = randInt(gen, loW, hiW);
  const y0 = randInt(gen, 0, height - cutH);
  const x0 = randInt(gen, 0, width - cutW);
  return { y0, y1: y0 + cutH, x0, x1: x0 + cutW };
}

/**
 * Soft targets [B, C]: row i = λᵢ·smooth(onehot(yᵢ)) + (1 − λᵢ)·smooth(onehot(y_{B−1−i})), where
 * smooth(p) = (1 − ε)·p + ε/C (timm's `mixup_target`). Every row sums to 1.
 * @example
 * mixupTargets(Int32Array.of(0, 1), 2, [0.75, 0.75], 0); // [0.75, 0.25, 0.25, 0.75]
 */
export function mixupTargets(labels: Int32Array, numClasses: number, lams: readonly number[], smoothing: number): Float32Array {
  const b = labels.length;
  const off = smoothing / numClasses;
  const on = 1 - smoothing + off;
  const out = new Float32Array(b * numClasses);
  for (let i = 0; i < b; i++) {
    const lam = lams[i]!;
    const own = labels[i]!;
    const other = labels[b - 1 - i]!;
    for (let c = 0; c < numClasses; c++) out[i * numClasses + c] = lam * (c === own ? on : off) + (1 - lam) * (c === other ? on : off);
  }
  return out;
}

/**
 * Element i mixed with element B−1−i (timm's `x.flip(0)`) of the original `src` [B, ..., H, W]:
 * a box copied from the partner (CutMix) or λ·xᵢ + (1 − λ)·x_partner (Mixup). A new array.
 */
export function mixRows(src: Float32Array, shape: readonly number[], draws: readonly MixDraw[]): Float32Array {
  const b = shape[0]!;
  const per = src.length / b;
  const [h, w] = shape.length >= 3 ? [shape.at(-2)!, shape.at(-1)!] : [1, per];
  const out = new Float32Array(src);
  for (let i = 0; i < b; i++) {
    const { lam, box } = draws[i]!;
    const j = b - 1 - i;
    if (j === i || (lam === 1 && !box)) continue; // an odd batch's middle element is its own partner
    const [dst, from] = [i * per, j * per];
    if (box) {
      for (let plane = 0; plane < per; plane += h * w) {
        for (let y = box.y0; y < box.y1; y++) {
          const row = plane + y * w;
          out.set(src.subarray(from + row + box.x0, from + row + box.x1), dst + row + box.x0);
        }
      }
    } else {
      for (let k = 0; k < per; k++) out[dst + k] = lam * src[dst + k]! + (1 - lam) * src[from + k]!;
    }
  }
  return out;
}

const fraction = (what: string, v: number, closedTop = true): number => {
  if (!(v >= 0 && (closedTop ? v <= 1 : v < 1))) throw new RangeError(`Mixup: ${what} must be a number in [0, 1${closedTop ? ']' : ')'}, got ${v}`);
  return v;
};

/**
 * Mixup/CutMix as a DataLoader `batchTransform`: mixes `field` and adds the soft targets
 * `softTarget`, drawing from a stream fixed by (seed, epoch, batch index), so a resumed run mixes
 * exactly as an uninterrupted one. Partners are the batch reversed (timm: `x.flip(0)`).
 * @example
 * const mixup = new Mixup({ numClasses: 10, seed: 7 });
 * const loader = new DataLoader(trainSet, { batchSize: 128, shuffle: true, batchTransform: (b, c) => mixup.apply(b, c) });
 */
export class Mixup {
  readonly numClasses: number;
  readonly mixupAlpha: number;
  readonly cutmixAlpha: number;
  readonly cutmixMinMax: readonly [number, number] | undefined;
  readonly prob: number;
  readonly switchProb: number;
  readonly mode: MixupMode;
  readonly labelSmoothing: number;
  readonly field: string;
  readonly target: string;
  readonly softTarget: string;
  readonly seed: number;

  /** Validates `options` (errors name the option, the value and what was expected). */
  constructor(options: MixupOptions) {
    const { numClasses, mixupAlpha = 0.8, cutmixAlpha = 1, cutmixMinMax, prob = 1, switchProb = 0.5, mode = 'batch', seed = 0 } = options;
    if (!(Number.isInteger(numClasses) && numClasses >= 2)) throw new RangeError(`Mixup: numClasses must be an integer ≥ 2, got ${numClasses}`);
    for (const [what, v] of [['mixupAlpha', mixupAlpha], ['cutmixAlpha', cutmixAlpha]] as const) {
      if (!(v >= 0 && Number.isFinite(v))) throw new RangeError(`Mixup: ${what} must be a finite number ≥ 0 (0 turns it off), got ${v}`);
    }
    if (mixupAlpha === 0 && cutmixAlpha === 0) throw new RangeError('Mixup: mixupAlpha and cutmixAlpha are both 0, so nothing would mix; set one > 0');
    if (cutmixMinMax !== undefined) {
      const [lo, hi] = cutmixMinMax;
      if (cutmixMinMax.length !== 2 || !(lo! >= 0 && lo! < hi! && hi! <= 1)) throw new RangeError(`Mixup: cutmixMinMax must be [min, max] with 0 ≤ min < max ≤ 1, got [${cutmixMinMax.join(', ')}]`);
      if (cutmixAlpha === 0) throw new RangeError('Mixup: cutmixMinMax needs CutMix on (cutmixAlpha > 0), got cutmixAlpha 0');
    }
    if (!MODES.includes(mode)) throw new RangeError(`Mixup: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got '${mode}'`);
    if (!Number.isInteger(seed)) throw new RangeError(`Mixup: seed must be an integer, got ${seed}`);
    this.numClasses = numClasses;
    this.mixupAlpha = mixupAlpha;
    this.cutmixAlpha = cutmixAlpha;
    this.cutmixMinMax = cutmixMinMax;
    this.mode = mode;
    this.seed = seed;
    this.prob = fraction('prob', prob);
    this.switchProb = fraction('switchProb', switchProb);
    this.labelSmoothing = fraction('labelSmoothing', options.labelSmoothing ?? 0.1, false);
    this.field = options.field ?? 'image';
    this.target = options.target ?? 'label';
    this.softTarget = options.softTarget ?? `${this.target}Soft`;
    const names = [this.field, this.target, this.softTarget];
    if (new Set(names).size !== 3) throw new RangeError(`Mixup: field, target and softTarget must be three different fields, got ${names.map((n) => `'${n}'`).join(', ')}`);
  }

  /** The generator of batch `batch` of epoch `epoch`: a pure function of (seed, epoch, batch). */
  generator(epoch: number, batch: number): Generator {
    return exampleGenerator(fmix32((this.seed ^ MIXUP_SALT) >>> 0), epoch, batch);
  }

  /**
   * The draw of every element of batch `batch` in epoch `epoch` ([B] entries): one shared draw
   * (`batch`), one per element (`elem`), or one per pair i ↔ B−1−i (`pair`; an odd batch's middle
   * element is not mixed). `height`, `width`: the image's last two axes (for CutMix boxes).
   * A `cutmixMinMax` that gives no box for them throws before any draw, whatever the draws would be.
   */
  plan(epoch: number, batch: number, batchSize: number, height: number, width: number): MixDraw[] {
    // NOTE: checked here, not only when a draw picks CutMix, so a bad size fails on the first batch.
    if (this.cutmixMinMax) minMaxSides(height, width, this.cutmixMinMax);
    const gen = this.generator(epoch, batch);
    if (this.mode === 'batch') return Array<MixDraw>(batchSize).fill(this.#draw(gen, height, width));
    const count = this.mode === 'pair' ? Math.floor(batchSize / 2) : batchSize;
    const draws = Array.from({ length: count }, () => this.#draw(gen, height, width));
    if (this.mode === 'elem') return draws;
    return Array.from({ length: batchSize }, (_, i) => draws[i] ?? draws[batchSize - 1 - i] ?? NO_MIX);
  }

  /** The batch with `field` mixed and `softTarget` [B, C] added; every other field unchanged. */
  apply(batch: HostBatch, context: Pick<BatchTransformContext, 'epoch' | 'batch'>): HostBatch {
    const x = this.#field(batch);
    const labels = this.#labels(batch, x.shape[0]!);
    const [h, w] = x.shape.length >= 3 ? [x.shape.at(-2)!, x.shape.at(-1)!] : [0, 0];
    const draws = this.plan(context.epoch, context.batch, x.shape[0]!, h, w);
    return {
      ...batch,
      [this.field]: { data: mixRows(x.data as Float32Array, x.shape, draws), shape: x.shape },
      [this.softTarget]: { data: mixupTargets(labels, this.numClasses, draws.map((d) => d.lam), this.labelSmoothing), shape: [labels.length, this.numClasses] },
    };
  }

  /** One draw, in timm's order: apply? → CutMix or Mixup? → λ ~ Beta(α, α) → box (λ corrected to its area). */
  #draw(gen: Generator, height: number, width: number): MixDraw {
    if (!(gen.uniform() < this.prob)) return NO_MIX;
    const cut = this.mixupAlpha > 0 && this.cutmixAlpha > 0 ? gen.uniform() < this.switchProb : this.cutmixAlpha > 0;
    const alpha = cut ? this.cutmixAlpha : this.mixupAlpha;
    const lam = sampleBeta(gen, alpha, alpha);
    if (!cut) return { lam };
    const box = this.cutmixMinMax ? cutmixMinMaxBox(gen, height, width, this.cutmixMinMax) : cutmixBox(gen, height, width, lam);
    return { lam: 1 - ((box.y1 - box.y0) * (box.x1 - box.x0)) / (height * width), box };
  }

  #field(batch: HostBatch): HostTensor {
    const x = batch[this.field];
    const fields = Object.keys(batch).join(', ');
    if (!x) throw new Error(`Mixup: the batch has no field '${this.field}' to mix (fields: ${fields}); set the field option`);
    if (!(x.data instanceof Float32Array)) throw new TypeError(`Mixup: field '${this.field}' must hold float32 values, got a ${x.data.constructor.name}`);
    if (x.shape.length < 2) throw new RangeError(`Mixup: field '${this.field}' must be [B, ...] per-example arrays, got shape [${x.shape.join(', ')}]`);
    if (this.cutmixAlpha > 0 && x.shape.length < 3) {
      throw new RangeError(`Mixup: CutMix needs field '${this.field}' as [B, ..., H, W], got shape [${x.shape.join(', ')}]; set cutmixAlpha 0 for Mixup alone`);
    }
    if (this.softTarget in batch) throw new Error(`Mixup: the batch already has a field '${this.softTarget}' (the soft targets' name); set the softTarget option`);
    return x;
  }

  #labels(batch: HostBatch, b: number): Int32Array {
    const y = batch[this.target];
    if (!y) throw new Error(`Mixup: the batch has no field '${this.target}' (the class indices; fields: ${Object.keys(batch).join(', ')}); set the target option`);
    if (!(y.data instanceof Int32Array) || y.shape.length !== 1 || y.shape[0] !== b) {
      throw new TypeError(`Mixup: field '${this.target}' must be int32 class indices [${b}], got a ${y.data.constructor.name} of shape [${y.shape.join(', ')}]`);
    }
    const bad = y.data.findIndex((c) => c < 0 || c >= this.numClasses);
    if (bad >= 0) throw new RangeError(`Mixup: label ${y.data[bad]} at batch position ${bad} is outside [0, ${this.numClasses}) (numClasses ${this.numClasses})`);
    return y.data;
  }
}

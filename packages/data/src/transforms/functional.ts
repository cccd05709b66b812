// Deterministic image operations (torchvision.transforms.functional's semantics) that the
// transform classes compose: crop, pad, horizontal flip, bilinear resize and normalize.
import { checkImage, type ImageTensor } from './image.ts';

/** How `pad` fills the border (torchvision's padding modes; see `pad`). */
export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** The padding modes `pad` knows. */
export const PADDING_MODES: readonly PaddingMode[] = ['constant', 'edge', 'reflect', 'symmetric'];

const image = (data: Float32Array, c: number, h: number, w: number): ImageTensor => ({ data, shape: [c, h, w] });

/**
 * The region [top, top+height) × [left, left+width) of `img`; parts outside the image are `fill`
 * (0 as in torchvision's `crop`, so a centre crop larger than the image pads).
 * @example
 * crop(img, 1, 2, 3, 3).shape; // [C, 3, 3]
 */
export function crop(img: ImageTensor, top: number, left: number, height: number, width: number, fill = 0): ImageTensor {
  checkImage('crop', img);
  for (const [name, v] of [['top', top], ['left', left]] as const) {
    if (!Number.isInteger(v)) throw new RangeError(`crop: ${name} must be an integer, got ${v}`);
  }
  for (const [name, v] of [['height', height], ['width', width]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`crop: ${name} must be a positive integer, got ${v}`);
  }
  if (!Number.isFinite(fill)) throw new RangeError(`crop: fill must be a finite number, got ${fill}`);
  const [c, h, w] = img.shape;
  const out = new Float32Array(c * height * width);
  if (fill !== 0) out.fill(fill);
  // Rows and columns of the output that fall inside the source; the rest keeps the fill.
  const x0 = Math.max(0, -left);
  const x1 = Math.min(width, w - left);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < height; y++) {
      const sy = top + y;
      if (sy < 0 || sy >= h || x1 <= x0) continue;
      const src = (ch * h + sy) * w + left;
      out.set(img.data.subarray(src + x0, src + x1), (ch * height + y) * width + x0);
    }
  }
  return image(out, c, height, width);
}

/** Source index for padded index `i` of an axis of length `n` (i may be < 0 or ≥ n). */
function sourceIndex(i: number, n: number, mode: Exclude<PaddingMode, 'constant'>): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'reflect': // d c b | a b c d | c b a: the edge value is not repeated
      return i < 0 ? -i : 2 * (n - 1) - i;
    case 'symmetric': // b a | a b c d | d c: the edge value is repeated
      return i < 0 ? -i - 1 : 2 * n - 1 - i;
  }
}

/**
 * Pads `img` by [left, top, right, bottom] pixels. `constant` fills with `fill`; `edge` repeats the
 * border pixel; `reflect` mirrors without repeating it (so padding must be < that side's size);
 * `symmetric` mirrors repeating it (padding ≤ size).
 * @example
 * pad(img, [4, 4, 4, 4]).shape; // [C, H + 8, W + 8]
 */
export function pad(
  img: ImageTensor,
  padding: readonly [number, number, number, number],
  { fill = 0, mode = 'constant' }: { readonly fill?: number; readonly mode?: PaddingMode } = {},
): ImageTensor {
  checkImage('pad', img);
  const [c, h, w] = img.shape;
  const [left, top, right, bottom] = padding;
  if (!padding.every((p) => Number.isInteger(p) && p >= 0)) {
    throw new RangeError(`pad: padding must be 4 integers ≥ 0 [left, top, right, bottom], got [${padding.join(', ')}]`);
  }
  if (!PADDING_MODES.includes(mode)) throw new RangeError(`pad: mode must be one of ${PADDING_MODES.join(', ')}, got '${mode}'`);
  if (!Number.isFinite(fill)) throw new RangeError(`pad: fill must be a finite number, got ${fill}`);
  if (mode === 'reflect' || mode === 'symmetric') {
    const limit = (n: number): number => (mode === 'reflect' ? n - 1 : n);
    if (Math.max(left, right) > limit(w) || Math.max(top, bottom) > limit(h)) {
      throw new RangeError(
        `pad: ${mode} padding [${padding.join(', ')}] must be at most ${mode === 'reflect' ? 'size − 1' : 'the size'} on each side of a ${h}×${w} image`,
      );
    }
  }
  // A crop reaching outside the image fills the outside.
  if (mode === 'constant') return crop(img, -top, -left, h + top + bottom, w + left + right, fill);
  const H = h + top + bottom;
  const W = w + left + right;
  const cols = Int32Array.from({ length: W }, (_, x) => sourceIndex(x - left, w, mode));
  const out = new Float32Array(c * H * W);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < H; y++) {
      const src = (ch * h + sourceIndex(y - top, h, mode)) * w;
      const dst = (ch * H + y) * W;
      for (let x = 0; x < W; x++) out[dst + x] = img.data[src + cols[x]!]!;
    }
  }
  return image(out, c, H, W);
}

/** `img` mirrored left to right. */
export function hflip(img: ImageTensor): ImageTensor {
  checkImage('hflip', img);
  const [c, h, w] = img.shape;
  const out = new Float32Array(img.data.length);
  for (let row = 0; row < c * h; row++) {
    const base = row * w;
    for (let x = 0; x < w; x++) out[base + x] = img.data[base + w - 1 - x]!;
  }
  return image(out, c, h, w);
}

/** Per-output-index source ranges and weights of one axis (see `resize`). */
interface AxisWeights {
  readonly start: Int32Array; // first source index of each output index
  readonly count: Int32Array; // number of source indices
  readonly weights: Float64Array; // [out, maxCount], normalised to sum 1
  readonly maxCount: number;
}

// Weights depend only on (in, out, antialias): a fixed Resize in a loader recomputes nothing.
// Bounded because RandomResizedCrop's crop sizes vary (at most one entry per in-size per image side).
const weightCache = new Map<string, AxisWeights>();
const WEIGHT_CACHE_SIZE = 256;

function axisWeights(inSize: number, outSize: number, antialias: boolean): AxisWeights {
  const key = `${inSize}/${outSize}/${antialias}`;
  let cached = weightCache.get(key);
  if (cached === undefined) {
    if (weightCache.size >= WEIGHT_CACHE_SIZE) weightCache.clear();
    weightCache.set(key, (cached = computeAxisWeights(inSize, outSize, antialias)));
  }
  return cached;
}

function computeAxisWeights(inSize: number, outSize: number, antialias: boolean): AxisWeights {
  const scale = inSize / outSize;
  // A triangle filter whose support widens with the downscale factor when antialiasing (PIL's
  // and torch's antialias=True); with support 1 it is plain half-pixel bilinear (align_corners=False).
  const support = antialias ? Math.max(scale, 1) : 1;
  const maxCount = Math.ceil(2 * support) + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxCount);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale; // in source pixels, whose centres sit at j + 0.5
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inSize, Math.ceil(center + support));
    let total = 0;
    for (let j = lo; j < hi; j++) {
      const wgt = Math.max(0, 1 - Math.abs((j + 0.5 - center) / support));
      weights[o * maxCount + j - lo] = wgt;
      total += wgt;
    }
    // Normalising the weights that fall inside the image is what clamps the border (torch's clamp).
    for (let j = lo; j < hi; j++) weights[o * maxCount + j - lo]! /= total;
    start[o] = lo;
    count[o] = hi - lo;
  }
  return { start, count, weights, maxCount };
}

/**
 * `img` resized to [height, width] by bilinear interpolation with half-pixel centres
 * (`F.interpolate(mode='bilinear', align_corners=False)`); with `antialias` (the default, as in
 * torchvision ≥ 0.17 and PIL) a downscale averages over the footprint of each output pixel.
 * @example
 * resize(img, [32, 32]).shape; // [C, 32, 32]
 */
export function resize(img: ImageTensor, [height, width]: readonly [number, number], { antialias = true } = {}): ImageTensor {
  checkImage('resize', img);
  if (!([height, width].every((d) => Number.isInteger(d) && d > 0))) {
    throw new RangeError(`resize: size must be two positive integers [height, width], got [${height}, ${width}]`);
  }
  const [c, h, w] = img.shape;
  if (h === height && w === width) return image(img.data.slice(), c, h, w);
  // Separable: rows first into [C, h, width], then columns into [C, height, width].
  const ax = axisWeights(w, width, antialias);
  const mid = new Float32Array(c * h * width);
  for (let row = 0; row < c * h; row++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      const s = row * w + ax.start[x]!;
      for (let k = 0; k < ax.count[x]!; k++) acc += ax.weights[x * ax.maxCount + k]! * img.data[s + k]!;
      mid[row * width + x] = acc;
    }
  }
  const ay = axisWeights(h, height, antialias);
  const out = new Float32Array(c * height * width);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < height; y++) {
      const dst = (ch * height + y) * width;
      for (let k = 0; k < ay.count[y]!; k++) {
        const wgt = ay.weights[y * ay.maxCount + k]!;
        const src = (ch * h + ay.start[y]! + k) * width;
        for (let x = 0; x < width; x++) out[dst + x]! += wgt * mid[src + x]!;
      }
    }
  }
  return image(out, c, height, width);
}

/**
 * (img − mean[c]) / std[c] per channel; a single mean or std applies to every channel.
 * @example
 * normalize(img, [0.2860], [0.3530]); // Fashion-MNIST's statistics
 */
export function normalize(img: ImageTensor, mean: readonly number[], std: readonly number[]): ImageTensor {
  checkImage('normalize', img);
  const [c, h, w] = img.shape;
  for (const [name, v] of [['mean', mean], ['std', std]] as const) {
    if (v.length !== 1 && v.length !== c) {
      const expected = c === 1 ? '1 value (the image has 1 channel)' : `1 or ${c} values (one per channel)`;
      throw new RangeError(`normalize: ${name} must have ${expected}, got ${v.length}`);
    }
  }
  if (!mean.every(Number.isFinite)) throw new RangeError(`normalize: mean must be finite, got [${mean.join(', ')}]`);
  if (!std.every((s) => Number.isFinite(s) && s > 0)) throw new RangeError(`normalize: std must be finite and > 0, got [${std.join(', ')}]`);
  const out = new Float32Array(img.data.length);
  const plane = h * w;
  for (let ch = 0; ch < c; ch++) {
    const m = mean.length === 1 ? mean[0]! : mean[ch]!;
    const s = std.length === 1 ? std[0]! : std[ch]!;
    for (let i = ch * plane; i < (ch + 1) * plane; i++) out[i] = (img.data[i]! - m) / s;
  }
  return image(out, c, h, w);
}

// Resizing a learned position embedding to another patch grid (fine-tuning at 384 from 224, as
// the ViT paper §3.2 does): the grid rows are resampled as an image, the class token row is kept.
// The arithmetic is torch's F.interpolate(align_corners=False) with and without antialias, so the
// result matches timm's resample_abs_pos_embed (pos-embed.parity.spec.ts checks it against torch).
import { fmt, ShapeError, tensor, type Tensor } from '@crossmodal/tensor';

/** Resampling filter: torch's 'bilinear' (triangle) or 'bicubic' (Keys cubic). */
export type PosEmbedInterpolation = 'bilinear' | 'bicubic';

/** Options of {@link resizePosEmbed}. */
export interface ResizePosEmbedOptions {
  /** The old grid [rows, cols] (default: square, from the token count). */
  oldGrid?: readonly [number, number];
  /** Leading tokens that are not on the grid and are kept as they are (default 1: the class token). */
  prefixTokens?: number;
  /** Default 'bicubic' (timm's). */
  mode?: PosEmbedInterpolation;
  /**
   * torch's `antialias`: when shrinking, the filter widens to cover every source row; bicubic
   * then uses a = −0.5 (PIL's) instead of −0.75. Default true, as timm's resample_abs_pos_embed.
   */
  antialias?: boolean;
}

// Keys' cubic convolution kernel with parameter a (torch: −0.75 plain, −0.5 antialiased).
function cubic(x: number, a: number): number {
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

const triangle = (x: number): number => Math.max(0, 1 - Math.abs(x));

/**
 * The [out, in] matrix that resamples one axis as torch's F.interpolate does with
 * `align_corners=False` and an explicit output size (scale = in / out).
 */
export function resampleMatrix(inSize: number, outSize: number, mode: PosEmbedInterpolation, antialias: boolean): Float64Array[] {
  const scale = inSize / outSize;
  const rows = Array.from({ length: outSize }, () => new Float64Array(inSize));
  for (let i = 0; i < outSize; i++) {
    const row = rows[i]!;
    if (antialias) {
      // torch's _upsample_*_aa: a filter of support (taps/2)·max(scale, 1), weights normalised.
      const taps = mode === 'bilinear' ? 2 : 4;
      const support = scale >= 1 ? (taps / 2) * scale : taps / 2;
      const inv = scale >= 1 ? 1 / scale : 1;
      const center = scale * (i + 0.5);
      const lo = Math.max(Math.trunc(center - support + 0.5), 0);
      const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
      let total = 0;
      for (let j = lo; j < hi; j++) {
        const x = (j - center + 0.5) * inv;
        const w = mode === 'bilinear' ? triangle(x) : cubic(x, -0.5);
        row[j] = w;
        total += w;
      }
      if (total !== 0) for (let j = lo; j < hi; j++) row[j]! /= total;
    } else if (mode === 'bilinear') {
      // Negative source positions clamp to 0 (torch's area_pixel_compute_source_index, linear).
      const src = Math.max((i + 0.5) * scale - 0.5, 0);
      const i0 = Math.min(Math.floor(src), inSize - 1);
      const i1 = Math.min(i0 + 1, inSize - 1);
      const l = src - i0;
      row[i0]! += 1 - l;
      row[i1]! += l;
    } else {
      // Four taps at floor(src) − 1 … + 2, indices clamped to the border (torch's upsample_bicubic2d).
      const src = (i + 0.5) * scale - 0.5;
      const i0 = Math.floor(src);
      const t = src - i0;
      const weights = [cubic(t + 1, -0.75), cubic(t, -0.75), cubic(1 - t, -0.75), cubic(2 - t, -0.75)];
      weights.forEach((w, k) => (row[Math.min(Math.max(i0 - 1 + k, 0), inSize - 1)]! += w));
    }
  }
  return rows;
}

/**
 * A position embedding [1, P + gh·gw, D] resized to [1, P + nh·nw, D]: the P prefix rows (the
 * class token) are kept, the grid is resampled along rows then columns. Host arithmetic in
 * float64, for converting weights (not differentiable). Same size in and out returns a copy.
 * @example
 * resizePosEmbed(posEmbed, [24, 24]);   // [1, 197, 768] (14×14 grid) → [1, 577, 768], bicubic
 */
export function resizePosEmbed(posEmbed: Tensor, newGrid: number | readonly [number, number], options: ResizePosEmbedOptions = {}): Tensor {
  const { prefixTokens = 1, mode = 'bicubic', antialias = true } = options;
  if (posEmbed.rank !== 3 || posEmbed.shape[0] !== 1) throw new ShapeError(`resizePosEmbed: expected [1, T, D], got ${fmt(posEmbed.shape)}`);
  if (mode !== 'bilinear' && mode !== 'bicubic') throw new RangeError(`resizePosEmbed: mode must be 'bilinear' or 'bicubic', got '${String(mode)}'`);
  const [, T, D] = posEmbed.shape as [number, number, number];
  const cells = T - prefixTokens;
  const side = Math.round(Math.sqrt(cells));
  const [gh, gw] = options.oldGrid ?? [side, side];
  if (!(Number.isInteger(prefixTokens) && prefixTokens >= 0) || gh * gw !== cells) {
    throw new ShapeError(`resizePosEmbed: ${T} tokens are not ${prefixTokens} prefix token(s) + a ${gh}×${gw} grid; pass oldGrid for a non-square grid`);
  }
  const [nh, nw] = typeof newGrid === 'number' ? [newGrid, newGrid] : newGrid;
  if (![nh, nw].every((n) => Number.isInteger(n) && n >= 1)) throw new RangeError(`resizePosEmbed: newGrid must be positive integers, got ${JSON.stringify(newGrid)}`);
  const src = posEmbed.dataSync();
  const out = new Float32Array((prefixTokens + nh * nw) * D);
  out.set(src.subarray(0, prefixTokens * D));
  const rowsM = resampleMatrix(gh, nh, mode, antialias);
  const colsM = resampleMatrix(gw, nw, mode, antialias);
  // Rows first: tmp[r', c, d] = Σ_r R[r', r] · grid[r, c, d]; then columns likewise.
  const tmp = new Float64Array(nh * gw * D);
  for (let r2 = 0; r2 < nh; r2++) {
    const w = rowsM[r2]!;
    for (let r = 0; r < gh; r++) {
      if (w[r] === 0) continue;
      for (let k = 0; k < gw * D; k++) tmp[r2 * gw * D + k]! += w[r]! * src[(prefixTokens + r * gw) * D + k]!;
    }
  }
  const acc = new Float64Array(D);
  for (let r2 = 0; r2 < nh; r2++) {
    for (let c2 = 0; c2 < nw; c2++) {
      const w = colsM[c2]!;
      acc.fill(0);
      for (let c = 0; c < gw; c++) {
        if (w[c] === 0) continue;
        for (let d = 0; d < D; d++) acc[d]! += w[c]! * tmp[(r2 * gw + c) * D + d]!;
      }
      out.set(acc, (prefixTokens + r2 * nw + c2) * D); // rounded to float32 once
    }
  }
  return tensor(out, [1, prefixTokens + nh * nw, D], { backend: posEmbed.backend });
}

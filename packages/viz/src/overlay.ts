// Heatmap overlays: an attention map [h, w] upsampled bilinearly onto an image [C, H, W] in [0, 1] and alpha-blended.
import { COLORMAPS, applyColormap, finiteRange, type ColormapName } from './colormap.ts';
import { argError, checkInt, checkRange } from './errors.ts';
import { asHost, type ArrayInput } from './host.ts';
import type { RasterImage } from './image.ts';

/**
 * Resizes a row-major [h, w] map to [outH, outW] bilinearly with half-pixel centres and edge clamping,
 * as PyTorch's `F.interpolate(mode='bilinear', align_corners=False)` does.
 * @example
 * resizeBilinear([0, 1], 1, 2, 1, 4); // Float32Array [0, 0.25, 0.75, 1]
 */
export function resizeBilinear(values: ArrayLike<number>, h: number, w: number, outH: number, outW: number): Float32Array {
  for (const [name, v] of [['h', h], ['w', w], ['outH', outH], ['outW', outW]] as const) checkInt('resizeBilinear', name, v, 1);
  if (values.length !== h * w) throw argError('resizeBilinear', 'values', values, `${h * w} values (h × w)`);
  const out = new Float32Array(outH * outW);
  // Source coordinate of output pixel i: (i + 0.5) · in/out − 0.5, clamped at 0 (PyTorch's area_pixel_compute_source_index).
  const axis = (outN: number, inN: number): [Int32Array, Int32Array, Float32Array] => {
    const lo = new Int32Array(outN);
    const hi = new Int32Array(outN);
    const frac = new Float32Array(outN);
    for (let i = 0; i < outN; i++) {
      const src = Math.max(0, ((i + 0.5) * inN) / outN - 0.5);
      lo[i] = Math.min(Math.floor(src), inN - 1);
      hi[i] = Math.min(lo[i]! + 1, inN - 1);
      frac[i] = src - lo[i]!;
    }
    return [lo, hi, frac];
  };
  const [y0, y1, fy] = axis(outH, h);
  const [x0, x1, fx] = axis(outW, w);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const top = values[y0[y]! * w + x0[x]!]! * (1 - fx[x]!) + values[y0[y]! * w + x1[x]!]! * fx[x]!;
      const bottom = values[y1[y]! * w + x0[x]!]! * (1 - fx[x]!) + values[y1[y]! * w + x1[x]!]! * fx[x]!;
      out[y * outW + x] = top * (1 - fy[y]!) + bottom * fy[y]!;
    }
  }
  return out;
}

/**
 * An 8-bit RGB image from a float image [C, H, W] (C = 1 or 3) with values in [0, 1] (clamped), as models see images
 * before normalisation.
 * @example
 * imageFromChw({ shape: [1, 1, 2], data: [0, 1] }).data; // [0, 0, 0, 255, 255, 255]
 */
export function imageFromChw(image: ArrayInput): RasterImage {
  const { shape, data } = asHost('imageFromChw', 'image', image, 3);
  const [c, height, width] = shape as [number, number, number];
  if (c !== 1 && c !== 3) throw argError('imageFromChw', 'image.shape', shape, '[C, H, W] with C = 1 or 3');
  const plane = height * width;
  const out = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) {
      const v = data[(c === 1 ? 0 : k) * plane + i]!;
      out[i * 3 + k] = Math.round(Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v)) * 255);
    }
  }
  return { width, height, channels: 3, data: out };
}

/** Options of {@link overlayHeatmap}. */
export interface OverlayOptions {
  /** Weight of the heatmap in the blend, in [0, 1] (default 0.5): out = (1 − alpha)·image + alpha·colour. */
  readonly alpha?: number;
  /** Colormap of the heatmap (default 'viridis'). */
  readonly colormap?: ColormapName;
  /** 'minmax' (default) stretches the map to the full colormap; 'none' takes its values as already in [0, 1]. */
  readonly normalize?: 'minmax' | 'none';
}

/**
 * Overlays an attention map [h, w] (e.g. class-token attention on the patch grid) on an image [C, H, W] in [0, 1]:
 * the map is upsampled bilinearly to H×W, coloured, and alpha-blended over the image.
 * @example
 * const rgb = overlayHeatmap(image, clsMap, { alpha: 0.6, colormap: 'magma' }); // image: [3, 224, 224], clsMap: [14, 14]
 * const png = encodePng(rgb);
 */
export function overlayHeatmap(image: ArrayInput, attention: ArrayInput, options: OverlayOptions = {}): RasterImage {
  const { alpha = 0.5, colormap = 'viridis', normalize = 'minmax' } = options;
  checkRange('overlayHeatmap', 'options.alpha', alpha, 0, 1);
  if (!COLORMAPS.includes(colormap)) throw argError('overlayHeatmap', 'options.colormap', colormap, `one of ${COLORMAPS.join(', ')}`);
  if (normalize !== 'minmax' && normalize !== 'none') throw argError('overlayHeatmap', 'options.normalize', normalize, "'minmax' or 'none'");
  const base = imageFromChw(image);
  const map = asHost('overlayHeatmap', 'attention', attention, 2);
  const [h, w] = map.shape as [number, number];
  finiteRange('overlayHeatmap', 'attention.data', map.data);
  const up = resizeBilinear(map.data, h, w, base.height, base.width);
  // NOTE: the range comes from the small map, not the upsampled one: bilinear values stay inside it anyway.
  const range = normalize === 'none' ? { min: 0, max: 1 } : {};
  const heat = applyColormap(up, base.width, base.height, { colormap, ...range });
  const out = new Uint8Array(base.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((1 - alpha) * base.data[i]! + alpha * heat.data[i]!);
  return { width: base.width, height: base.height, channels: 3, data: out };
}

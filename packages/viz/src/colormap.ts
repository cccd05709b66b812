// Colormaps (matplotlib's viridis and magma, and gray) as 256-entry lookup tables, and value → colour mapping.
import { MAGMA_HEX, VIRIDIS_HEX } from './colormap-data.ts';
import { argError, checkInt } from './errors.ts';
import type { RasterImage, Rgb } from './image.ts';

/** The colormaps we ship: perceptually uniform viridis and magma (matplotlib), and linear gray. */
export type ColormapName = 'viridis' | 'magma' | 'gray';

/** All colormap names, for CLI option validation. */
export const COLORMAPS: readonly ColormapName[] = ['viridis', 'magma', 'gray'];

const parseHex = (hex: string): Uint8Array => Uint8Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
const LUTS: Record<ColormapName, Uint8Array> = {
  viridis: parseHex(VIRIDIS_HEX),
  magma: parseHex(MAGMA_HEX),
  gray: Uint8Array.from({ length: 768 }, (_, i) => Math.floor(i / 3)),
};

/**
 * The 256-entry lookup table of a colormap: `lut[3 * i + c]`. A copy, so callers may change it.
 * @example
 * colormapLut('gray').subarray(0, 6); // [0, 0, 0, 1, 1, 1]
 */
export function colormapLut(name: ColormapName): Uint8Array {
  const lut = LUTS[name];
  if (!lut) throw argError('colormapLut', 'name', name, `one of ${COLORMAPS.join(', ')}`);
  return lut.slice();
}

/** matplotlib's ListedColormap indexing: t in [0, 1] → entry floor(t·256), clamped to [0, 255]. */
const lutIndex = (t: number): number => Math.max(0, Math.min(255, Math.floor(t * 256)));

/**
 * The colour of `t` in [0, 1] (values outside are clamped, as matplotlib does).
 * @example
 * colorAt('viridis', 0); // [68, 1, 84]   (#440154)
 * colorAt('viridis', 1); // [253, 231, 37] (#fde725)
 */
export function colorAt(name: ColormapName, t: number): Rgb {
  const lut = LUTS[name];
  if (!lut) throw argError('colorAt', 'name', name, `one of ${COLORMAPS.join(', ')}`);
  if (Number.isNaN(t)) throw argError('colorAt', 't', t, 'a number (NaN has no colour)');
  const i = lutIndex(t) * 3;
  return [lut[i]!, lut[i + 1]!, lut[i + 2]!];
}

/** Options of {@link applyColormap}. */
export interface ColormapOptions {
  /** Colormap (default 'viridis'). */
  readonly colormap?: ColormapName;
  /** Value mapped to the first colour (default: the minimum of the values). */
  readonly min?: number;
  /** Value mapped to the last colour (default: the maximum of the values). */
  readonly max?: number;
}

/** Min and max of finite `values`; throws naming the first non-finite entry. */
export function finiteRange(fn: string, arg: string, values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw argError(fn, `${arg}[${i}]`, v, 'finite');
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * Colours a row-major [height, width] array of values into an RGB image. Values are scaled from
 * [min, max] to [0, 1] (a constant array maps to the first colour).
 * @example
 * const img = applyColormap([0, 0.5, 1], 3, 1, { colormap: 'gray' });
 * img.data; // [0, 0, 0, 128, 128, 128, 255, 255, 255]
 */
export function applyColormap(values: ArrayLike<number>, width: number, height: number, options: ColormapOptions = {}): RasterImage {
  const { colormap = 'viridis' } = options;
  checkInt('applyColormap', 'width', width, 1);
  checkInt('applyColormap', 'height', height, 1);
  if (values.length !== width * height) throw argError('applyColormap', 'values', values, `${width * height} values (width × height)`);
  const lut = LUTS[colormap];
  if (!lut) throw argError('applyColormap', 'options.colormap', colormap, `one of ${COLORMAPS.join(', ')}`);
  const [lo, hi] = finiteRange('applyColormap', 'values', values);
  const min = options.min ?? lo;
  const max = options.max ?? hi;
  if (!(max >= min)) throw argError('applyColormap', 'options.max', max, `>= options.min (${min})`);
  const scale = max > min ? 1 / (max - min) : 0;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < values.length; i++) {
    const k = lutIndex((values[i]! - min) * scale) * 3;
    data[3 * i] = lut[k]!;
    data[3 * i + 1] = lut[k + 1]!;
    data[3 * i + 2] = lut[k + 2]!;
  }
  return { width, height, channels: 3, data };
}

// RasterImage: 8-bit pixels, row-major, channels interleaved — what PNGs hold and every drawing function writes.
import { argError, checkInt } from './errors.ts';

/** Channel counts: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
export type Channels = 1 | 2 | 3 | 4;

/** An 8-bit image: `data[(y * width + x) * channels + c]`. */
export interface RasterImage {
  /** Pixels per row. */
  readonly width: number;
  /** Rows. */
  readonly height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  readonly channels: Channels;
  /** `height * width * channels` bytes, row-major, channels interleaved ([H, W, C]). */
  readonly data: Uint8Array;
}

/** An RGB colour, each component in [0, 255]. */
export type Rgb = readonly [number, number, number];

/**
 * Throws unless `image` is a well-formed {@link RasterImage}; `fn` and `arg` name the caller in the message.
 * @example
 * checkImage('encodePng', 'image', { width: 1, height: 1, channels: 3, data: new Uint8Array(3) }); // ok
 */
export function checkImage(fn: string, arg: string, image: RasterImage): void {
  if (typeof image !== 'object' || image === null) throw argError(fn, arg, image, 'a RasterImage {width, height, channels, data}');
  checkInt(fn, `${arg}.width`, image.width, 1);
  checkInt(fn, `${arg}.height`, image.height, 1);
  if (![1, 2, 3, 4].includes(image.channels)) throw argError(fn, `${arg}.channels`, image.channels, '1, 2, 3 or 4');
  const want = image.width * image.height * image.channels;
  if (!(image.data instanceof Uint8Array) || image.data.length !== want) {
    throw argError(fn, `${arg}.data`, image.data, `a Uint8Array of width*height*channels = ${want} bytes`);
  }
}

/**
 * A new image filled with one colour (gray images take the first component).
 * @example
 * const white = createImage(4, 2, 3, [255, 255, 255]); // 4×2 RGB, all 255
 */
export function createImage(width: number, height: number, channels: Channels = 3, fill: Rgb = [0, 0, 0]): RasterImage {
  checkInt('createImage', 'width', width, 1);
  checkInt('createImage', 'height', height, 1);
  if (![1, 2, 3, 4].includes(channels)) throw argError('createImage', 'channels', channels, '1, 2, 3 or 4');
  const data = new Uint8Array(width * height * channels);
  const px = channels === 1 ? [fill[0]] : channels === 2 ? [fill[0], 255] : channels === 3 ? [...fill] : [...fill, 255];
  for (let i = 0; i < data.length; i += channels) for (let c = 0; c < channels; c++) data[i + c] = px[c]!;
  return { width, height, channels, data };
}

/**
 * The image as RGB (gray is repeated, alpha is composited over `background`).
 * @example
 * toRgb({ width: 1, height: 1, channels: 1, data: new Uint8Array([9]) }).data; // [9, 9, 9]
 */
export function toRgb(image: RasterImage, background: Rgb = [255, 255, 255]): RasterImage {
  checkImage('toRgb', 'image', image);
  if (image.channels === 3) return image;
  const n = image.width * image.height;
  const out = new Uint8Array(n * 3);
  const ch = image.channels;
  for (let i = 0; i < n; i++) {
    const alpha = ch === 2 || ch === 4 ? image.data[i * ch + ch - 1]! / 255 : 1;
    for (let c = 0; c < 3; c++) {
      const v = ch <= 2 ? image.data[i * ch]! : image.data[i * ch + c]!;
      out[i * 3 + c] = Math.round(v * alpha + background[c]! * (1 - alpha));
    }
  }
  return { width: image.width, height: image.height, channels: 3, data: out };
}

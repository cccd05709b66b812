// PNG (ISO/IEC 15948) encoder and decoder in pure TypeScript: no native code, runs unchanged on Node and Deno.
import { argError } from '../errors.ts';
import { checkImage, type Channels, type RasterImage } from '../image.ts';
import { crc32 } from './checksum.ts';
import { zlibCompress, type DeflateMode } from './deflate.ts';

/** Per-row filter choice: a fixed PNG filter type, or 'adaptive' (libpng's minimum-sum-of-absolute-differences heuristic). */
export type PngFilter = 'none' | 'sub' | 'up' | 'average' | 'paeth' | 'adaptive';

/** Options of {@link encodePng}. */
export interface PngEncodeOptions {
  /** Row filter (default 'adaptive'). */
  readonly filter?: PngFilter;
  /** DEFLATE mode of the image data (default 'fixed'; 'stored' writes it uncompressed). */
  readonly compression?: DeflateMode;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10] as const;
const FILTERS: readonly PngFilter[] = ['none', 'sub', 'up', 'average', 'paeth'];
/** PNG colour type by channel count: gray 0, gray+alpha 4, RGB 2, RGBA 6. */
const COLOR_TYPE: Record<Channels, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filters one row with type `type` into `out` (without the type byte); `bpp` = bytes per pixel. */
function filterRow(type: number, row: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array): void {
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp]! : 0;
    const b = prev[i]!;
    const c = i >= bpp ? prev[i - bpp]! : 0;
    const predictor = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >>> 1 : paeth(a, b, c);
    out[i] = (row[i]! - predictor) & 0xff;
  }
}

/** The filtered scanlines: each row prefixed by its filter type byte. */
function filterImage(image: RasterImage, filter: PngFilter): Uint8Array {
  const stride = image.width * image.channels;
  const out = new Uint8Array(image.height * (stride + 1));
  let prev: Uint8Array = new Uint8Array(stride);
  const trial = new Uint8Array(stride);
  for (let y = 0; y < image.height; y++) {
    const row = image.data.subarray(y * stride, (y + 1) * stride);
    const dest = out.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    let best = FILTERS.indexOf(filter);
    if (filter === 'adaptive') {
      let bestCost = Infinity;
      for (let t = 0; t < 5; t++) {
        filterRow(t, row, prev, image.channels, trial);
        let cost = 0;
        for (const v of trial) cost += v < 128 ? v : 256 - v; // bytes as signed: small residuals cost little
        if (cost < bestCost) [bestCost, best] = [cost, t];
      }
    }
    out[y * (stride + 1)] = best;
    filterRow(best, row, prev, image.channels, dest);
    prev = row;
  }
  return out;
}

/**
 * One PNG chunk: big-endian length, the 4-letter type, the body and the CRC-32 of type + body.
 * @example
 * pngChunk('IEND', new Uint8Array(0)); // 12 bytes
 */
export function pngChunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 12);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/**
 * Encodes an 8-bit image as PNG (gray, gray+alpha, RGB or RGBA by `image.channels`).
 * @example
 * const png = encodePng(createImage(2, 2, 3, [255, 0, 0])); // a red 2×2 PNG file's bytes
 * decodePng(png).data; // 255, 0, 0 four times
 */
export function encodePng(image: RasterImage, options: PngEncodeOptions = {}): Uint8Array {
  checkImage('encodePng', 'image', image);
  const { filter = 'adaptive', compression = 'fixed' } = options;
  if (filter !== 'adaptive' && !FILTERS.includes(filter)) {
    throw argError('encodePng', 'options.filter', filter, "'none', 'sub', 'up', 'average', 'paeth' or 'adaptive'");
  }
  if (compression !== 'fixed' && compression !== 'stored') throw argError('encodePng', 'options.compression', compression, "'fixed' or 'stored'");
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, image.width);
  view.setUint32(4, image.height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOR_TYPE[image.channels]; // compression, filter method and interlace stay 0
  const parts = [
    Uint8Array.from(SIGNATURE),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlibCompress(filterImage(image, filter), { mode: compression })),
    pngChunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export { decodePng, type PngDecodeOptions, type PngInfo } from './png-decode.ts';

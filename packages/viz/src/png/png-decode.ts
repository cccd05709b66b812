// PNG decoder: every colour type at bit depths 1–16, filters 0–4, palette with tRNS; Adam7 interlacing is refused by name.
import type { Channels, RasterImage } from '../image.ts';
import { crc32 } from './checksum.ts';
import { zlibDecompress } from './inflate.ts';

/** What the IHDR chunk said, besides the decoded pixels. */
export interface PngInfo {
  /** Bits per sample in the file (the decoded image is always 8-bit). */
  readonly bitDepth: number;
  /** PNG colour type: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  readonly colorType: number;
}

/** Samples per pixel by colour type. */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const VALID_DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

/** The largest unpacked image (filter bytes included) decoded: 2^31 − 1 bytes. */
const MAX_RAW_BYTES = 2 ** 31 - 1;
/** Inflated bytes tolerated past the image's rows (libpng warns about extra data, and goes on). */
const EXTRA_DATA_SLACK = 1 << 16;

function fail(message: string): never {
  throw new Error(`decodePng: ${message}`);
}

/** Splits the file into chunks, checking each CRC; returns the header, palette, alpha and joined IDAT data. */
function readChunks(bytes: Uint8Array): { header: Header; palette?: Uint8Array; trns?: Uint8Array; idat: Uint8Array } {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (bytes.length < 8 || sig.some((b, i) => bytes[i] !== b)) fail('bytes do not start with the PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  for (let pos = 8; ; ) {
    if (pos + 12 > bytes.length) fail('file ends before the IEND chunk');
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (pos + 12 + len > bytes.length) fail(`chunk ${type} (${len} bytes) runs past the end of the file`);
    const body = bytes.subarray(pos + 8, pos + 8 + len);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + len)) !== view.getUint32(pos + 8 + len)) fail(`CRC mismatch in chunk ${type}`);
    pos += 12 + len;
    if (type === 'IHDR') {
      if (len !== 13) fail(`IHDR must be 13 bytes, got ${len}`);
      const h = new DataView(body.buffer, body.byteOffset, body.byteLength);
      if (body[12] === 1) fail('interlaced (Adam7) PNGs are not supported; re-save without interlacing');
      if (body[12] !== 0) fail(`unknown interlace method ${body[12]} (expected 0, or 1 for Adam7)`);
      if (body[10] !== 0 || body[11] !== 0) fail(`unknown compression/filter method ${body[10]}/${body[11]}`);
      header = { width: h.getUint32(0), height: h.getUint32(4), bitDepth: body[8]!, colorType: body[9]! };
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') trns = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    // NOTE: an unknown chunk whose name starts with an uppercase letter is critical: we may not ignore it.
    else if (type.charCodeAt(0) < 97) fail(`unknown critical chunk ${type}`);
  }
  if (!header) fail('no IHDR chunk');
  if (idat.length === 0) fail('no IDAT chunk');
  const joined = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of idat) {
    joined.set(c, o);
    o += c.length;
  }
  return { header, ...(palette ? { palette } : {}), ...(trns ? { trns } : {}), idat: joined };
}

/** Undoes the per-row filters in place; returns the raw scanlines without their type bytes. */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number): Uint8Array {
  if (raw.length < height * (stride + 1)) fail(`image data has ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? out.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp]! : 0;
      const b = prev[i]!;
      const c = i >= bpp ? prev[i - bpp]! : 0;
      let predictor: number;
      if (type === 0) predictor = 0;
      else if (type === 1) predictor = a;
      else if (type === 2) predictor = b;
      else if (type === 3) predictor = (a + b) >>> 1;
      else if (type === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else fail(`row ${y} has unknown filter type ${type}`);
      row[i] = (src[i]! + predictor) & 0xff;
    }
  }
  return out;
}

/** Reads sample `k` of row `row` at `depth` bits (16-bit keeps the high byte; 1/2/4-bit unpacked MSB first). */
function sampleAt(row: Uint8Array, k: number, depth: number): number {
  if (depth === 8) return row[k]!;
  if (depth === 16) return row[2 * k]!;
  const perByte = 8 / depth;
  const shift = 8 - depth * ((k % perByte) + 1);
  return (row[Math.floor(k / perByte)]! >>> shift) & ((1 << depth) - 1);
}

/** Options of {@link decodePng}. */
export interface PngDecodeOptions {
  /**
   * 16-bit grayscale to 8 bits: 'high-byte' (default; what the 16-bit colour types always do) or
   * 'saturate', min(sample, 255), as Pillow's convert('L') / convert('RGB') of its mode 'I' does
   * (so 0x00ab → 0xab, 0x1234 → 255): what torchvision's loader sees.
   */
  readonly gray16?: 'high-byte' | 'saturate';
}

/** Converts unfiltered scanlines to 8-bit pixels, expanding the palette and scaling low bit depths to 0..255. */
function toPixels(lines: Uint8Array, h: Header, stride: number, palette?: Uint8Array, trns?: Uint8Array, gray16: PngDecodeOptions['gray16'] = 'high-byte'): RasterImage {
  const samples = SAMPLES[h.colorType]!;
  const isPalette = h.colorType === 3;
  if (isPalette && (!palette || palette.length % 3 !== 0)) fail('palette image without a valid PLTE chunk');
  const channels = (isPalette ? (trns ? 4 : 3) : samples) as Channels;
  const data = new Uint8Array(h.width * h.height * channels);
  const scale = h.bitDepth < 8 && !isPalette ? 255 / ((1 << h.bitDepth) - 1) : 1;
  const saturate = gray16 === 'saturate' && h.colorType === 0 && h.bitDepth === 16;
  for (let y = 0; y < h.height; y++) {
    const row = lines.subarray(y * stride, (y + 1) * stride);
    for (let x = 0; x < h.width; x++) {
      const o = (y * h.width + x) * channels;
      if (isPalette) {
        const index = sampleAt(row, x, h.bitDepth);
        if (index * 3 + 2 >= palette!.length) fail(`pixel (${x}, ${y}) uses palette index ${index} beyond its ${palette!.length / 3} entries`);
        data[o] = palette![index * 3]!;
        data[o + 1] = palette![index * 3 + 1]!;
        data[o + 2] = palette![index * 3 + 2]!;
        if (channels === 4) data[o + 3] = index < trns!.length ? trns![index]! : 255;
      } else if (saturate) {
        data[o] = row[2 * x]! > 0 ? 255 : row[2 * x + 1]!;
      } else {
        for (let c = 0; c < samples; c++) data[o + c] = Math.round(sampleAt(row, x * samples + c, h.bitDepth) * scale);
      }
    }
  }
  return { width: h.width, height: h.height, channels, data };
}

/**
 * Decodes a PNG file into an 8-bit image: gray → 1 channel, gray+alpha → 2, RGB → 3, RGBA → 4, palette → 3 (4 with tRNS).
 * 16-bit samples keep their high byte (16-bit gray saturates instead with `gray16: 'saturate'`);
 * 1/2/4-bit gray is scaled to 0..255. tRNS of gray/RGB images is ignored.
 * @example
 * const image = decodePng(encodePng(createImage(3, 2, 1, [128, 0, 0])));
 * [image.width, image.height, image.channels]; // [3, 2, 1]
 */
export function decodePng(bytes: Uint8Array, options: PngDecodeOptions = {}): RasterImage & PngInfo {
  if (!(bytes instanceof Uint8Array)) throw new RangeError(`decodePng: bytes must be a Uint8Array, got ${typeof bytes}`);
  const gray16 = options.gray16 ?? 'high-byte';
  if (gray16 !== 'high-byte' && gray16 !== 'saturate') throw new RangeError(`decodePng: gray16 must be 'high-byte' or 'saturate', got ${JSON.stringify(gray16)}`);
  const { header: h, palette, trns, idat } = readChunks(bytes);
  if (h.width < 1 || h.height < 1) fail(`image size must be positive, got ${h.width}×${h.height}`);
  if (!(h.colorType in SAMPLES)) fail(`unknown colour type ${h.colorType} (expected 0, 2, 3, 4 or 6)`);
  if (!VALID_DEPTHS[h.colorType]!.includes(h.bitDepth)) {
    fail(`bit depth ${h.bitDepth} is invalid for colour type ${h.colorType} (expected one of ${VALID_DEPTHS[h.colorType]!.join(', ')})`);
  }
  const bitsPerPixel = SAMPLES[h.colorType]! * h.bitDepth;
  const stride = Math.ceil((h.width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3); // filters look one whole pixel back, at least one byte
  const expected = h.height * (stride + 1);
  if (expected > MAX_RAW_BYTES) fail(`${h.width}×${h.height} at ${bitsPerPixel} bits per pixel is ${expected} bytes unpacked, more than the ${MAX_RAW_BYTES} this decoder takes`);
  // Data far past the image's rows is no image: stop inflating there rather than after gigabytes.
  let raw: Uint8Array;
  try {
    raw = zlibDecompress(idat, expected, expected + EXTRA_DATA_SLACK);
  } catch (error) {
    fail(`IDAT: ${error instanceof Error ? error.message : String(error)}`);
  }
  const image = toPixels(unfilter(raw, h.height, stride, bpp), h, stride, palette, trns, gray16);
  return { ...image, bitDepth: h.bitDepth, colorType: h.colorType };
}

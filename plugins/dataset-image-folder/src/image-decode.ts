// PNG and JPEG files to 8-bit channel-major pixels, as torchvision's default loader sees them
// (PIL's `Image.open(f).convert('RGB')`, or `convert('L')` for one channel). The format is told by
// the file's magic bytes, not its extension (some datasets ship PNGs named .jpg).
import { decodePng } from '@crossmodal/viz';
import jpeg from 'jpeg-js';

/** The formats this package decodes. */
export type ImageFormat = 'png' | 'jpeg';

/** Output channel counts: 1 gray, 3 RGB. */
export type ImageChannels = 1 | 3;

/** A decoded image: bytes in channel-major [C, H, W] order, ready to scale to [0, 1]. */
export interface DecodedImage {
  /** Pixels per row. */
  readonly width: number;
  /** Rows. */
  readonly height: number;
  /** Channels of `data` (the requested count, whatever the file held). */
  readonly channels: ImageChannels;
  /** `channels·height·width` bytes, `data[(c·H + y)·W + x]`. */
  readonly data: Uint8Array;
  /** What the file was. */
  readonly format: ImageFormat;
}

/** Interleaved 8-bit pixels with 1–4 channels (gray, gray+alpha, RGB, RGBA), as the decoders return them. */
export interface InterleavedImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Guards jpeg-js against a corrupt header claiming a huge frame (its own default is 100 MP / 512 MB). */
const JPEG_LIMITS = { maxResolutionInMP: 200, maxMemoryUsageInMB: 2048 } as const;

/**
 * The format of `bytes` by its magic number, or undefined when it is neither PNG nor JPEG.
 * @example
 * sniffFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])); // 'jpeg'
 */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** A readable name for the first bytes of a file that is neither format (GIF, WebP, HTML…). */
function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  const head = bytes.subarray(0, 12);
  const ascii = String.fromCharCode(...head).replace(/[^\x20-\x7e]/g, '.');
  const hex = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `it starts with ${hex} ('${ascii}')`;
}

/** Whether a JPEG's last kilobyte holds the end-of-image marker FF D9 (some writers append padding after it). */
function hasJpegEnd(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 2; i >= Math.max(0, bytes.length - 1024); i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  return false;
}

function decodeInterleaved(bytes: Uint8Array, format: ImageFormat): InterleavedImage {
  // 16-bit gray saturates as PIL's convert of its mode 'I' does; the 16-bit colour types keep the high byte.
  if (format === 'png') return decodePng(bytes, { gray16: 'saturate' });
  // NOTE: jpeg-js returns RGB for every JPEG (gray is replicated; Adobe CMYK/YCCK is converted, as
  // PIL's convert('RGB') does); a 4-component JPEG without the Adobe marker is refused by it.
  const out = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, ...JPEG_LIMITS });
  return { width: out.width, height: out.height, channels: 3, data: out.data };
}

/**
 * Interleaved pixels to channel-major bytes with `channels` channels. Alpha is dropped (PIL's
 * `convert('RGB')` keeps the stored colour of a transparent pixel; it does not composite). Gray
 * is replicated into RGB; RGB becomes gray by ITU-R BT.601 luma in PIL's fixed point, so the
 * values equal `convert('L')`'s: L = (19595·R + 38470·G + 7471·B + 2^15) >> 16.
 */
export function toChannelMajor(image: InterleavedImage, channels: ImageChannels): Uint8Array {
  const { width, height, channels: k, data } = image;
  const plane = width * height;
  const out = new Uint8Array(channels * plane);
  const color = k >= 3; // 3 RGB, 4 RGBA; 1 gray, 2 gray+alpha
  for (let p = 0; p < plane; p++) {
    const s = p * k;
    if (!color) {
      const v = data[s]!;
      for (let c = 0; c < channels; c++) out[c * plane + p] = v;
    } else if (channels === 3) {
      out[p] = data[s]!;
      out[plane + p] = data[s + 1]!;
      out[2 * plane + p] = data[s + 2]!;
    } else {
      out[p] = (19595 * data[s]! + 38470 * data[s + 1]! + 7471 * data[s + 2]! + 0x8000) >>> 16;
    }
  }
  return out;
}

/**
 * Decodes a PNG (every colour type, bit depths 1–16, palette with tRNS; as PIL's convert does,
 * 16-bit gray saturates at 255 and 16-bit RGB, gray+alpha and RGBA keep the high byte) or a JPEG (baseline or progressive, any chroma subsampling, gray, Adobe CMYK) into
 * `channels` channel-major bytes. Errors name `file` and the decoder's reason.
 * @example
 * const img = decodeImage(await nodeFiles.read(path), 3, path); // img.data: [3, H, W] bytes
 */
export function decodeImage(bytes: Uint8Array, channels: ImageChannels, file: string): DecodedImage {
  const format = sniffFormat(bytes);
  if (format === undefined) throw new RangeError(`${file}: not a PNG or JPEG file: ${describeStart(bytes)}`);
  let image: InterleavedImage;
  try {
    image = decodeInterleaved(bytes, format);
  } catch (err) {
    let reason = err instanceof Error ? err.message : String(err);
    // jpeg-js's messages for a cut-off file ('marker was not found') do not say so; the missing end marker does.
    if (format === 'jpeg' && !hasJpegEnd(bytes)) reason += ' (no end-of-image marker: the file looks truncated)';
    throw new RangeError(`${file}: cannot decode this ${format.toUpperCase()} file: ${reason}`, { cause: err });
  }
  if (!(image.width > 0 && image.height > 0)) throw new RangeError(`${file}: the ${format.toUpperCase()} file has no pixels (${image.width}×${image.height})`);
  return { width: image.width, height: image.height, channels, data: toChannelMajor(image, channels), format };
}

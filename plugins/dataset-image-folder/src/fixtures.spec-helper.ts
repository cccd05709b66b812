// Image files and folder trees written by the specs: PNGs of any colour type and bit depth (a
// minimal writer over viz's zlib and CRC), JPEGs from jpeg-js's encoder, in fresh temporary directories.
import { pngChunk as chunk, zlibCompress } from '@crossmodal/viz';
import jpeg from 'jpeg-js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const written: string[] = [];

/** Removes every directory `writeTree` made (call from `afterAll`). */
export function removeFixtureDirs(): void {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (relative path → bytes) under a new temporary directory; returns its path. */
export function writeTree(files: Readonly<Record<string, Uint8Array>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-folder-spec-'));
  written.push(dir);
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

/** A PNG's header fields and its samples, row-major and interleaved, at `bitDepth` bits each. */
export interface RawPng {
  readonly width: number;
  readonly height: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  readonly colorType: 0 | 2 | 3 | 4 | 6;
  readonly bitDepth: 1 | 2 | 4 | 8 | 16;
  readonly samples: ArrayLike<number>;
  /** PLTE: r, g, b per entry. */
  readonly palette?: readonly number[];
  /** tRNS: alpha per palette entry. */
  readonly trns?: readonly number[];
  /** Sets the Adam7 flag in IHDR (the data stays non-interlaced: enough for the refusal). */
  readonly interlaced?: boolean;
  /** Row filter: 0 None (default) or 1 Sub (each byte minus the byte one whole pixel back). */
  readonly filter?: 0 | 1;
}

const SAMPLES = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

/** Encodes `png` with filter 0 (or `filter`) on every row: samples packed MSB first below 8 bits, big-endian at 16. */
export function encodeRawPng(png: RawPng): Uint8Array {
  const { width, height, colorType, bitDepth, samples } = png;
  const perRow = width * SAMPLES[colorType];
  const stride = Math.ceil((perRow * bitDepth) / 8);
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let k = 0; k < perRow; k++) {
      const v = samples[y * perRow + k]!;
      if (bitDepth === 16) [row[2 * k], row[2 * k + 1]] = [v >>> 8, v & 0xff];
      else if (bitDepth === 8) row[k] = v;
      else row[Math.floor((k * bitDepth) / 8)]! |= v << (8 - bitDepth - ((k * bitDepth) % 8));
    }
    if (png.filter === 1) {
      const bpp = Math.max(1, (SAMPLES[colorType] * bitDepth) >> 3);
      raw[y * (stride + 1)] = 1;
      for (let i = stride - 1; i >= bpp; i--) row[i] = (row[i]! - row[i - bpp]!) & 0xff; // right to left: reads unfiltered bytes
    }
  }
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([bitDepth, colorType, 0, 0, png.interlaced ? 1 : 0], 8);
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(png.palette ? [chunk('PLTE', Uint8Array.from(png.palette))] : []),
    ...(png.trns ? [chunk('tRNS', Uint8Array.from(png.trns))] : []),
    chunk('IDAT', zlibCompress(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** An 8-bit RGB PNG of `width`×`height` whose pixel (x, y) is `rgb(x, y)`. */
export function rgbPng(width: number, height: number, rgb: (x: number, y: number) => readonly number[]): Uint8Array {
  const samples = Array.from({ length: width * height }, (_, p) => rgb(p % width, Math.floor(p / width)).slice(0, 3)).flat();
  return encodeRawPng({ width, height, colorType: 2, bitDepth: 8, samples });
}

/** A solid-colour baseline JPEG from jpeg-js's encoder (4:4:4 YCbCr). */
export function solidJpeg(width: number, height: number, rgb: readonly [number, number, number], quality = 95): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], p * 4);
  return new Uint8Array(jpeg.encode({ width, height, data }, quality).data);
}

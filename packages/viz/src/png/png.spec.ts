// PNG encoder/decoder: round trips for every channel count and filter, files written by Python, and error messages.
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createImage, type Channels, type RasterImage } from '../image.ts';
import { crc32 } from './checksum.ts';
import { decodePng, encodePng, type PngFilter } from './png.ts';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));

function pattern(width: number, height: number, channels: Channels): RasterImage {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + ((i / 7) | 0) * 11) & 0xff;
  return { width, height, channels, data };
}

describe('encodePng', () => {
  it.each([1, 2, 3, 4] as const)('round-trips a %i-channel image with every filter and both compressions', (channels) => {
    const image = pattern(13, 9, channels);
    for (const filter of ['none', 'sub', 'up', 'average', 'paeth', 'adaptive'] as PngFilter[]) {
      for (const compression of ['fixed', 'stored'] as const) {
        const decoded = decodePng(encodePng(image, { filter, compression }));
        expect([decoded.width, decoded.height, decoded.channels, decoded.bitDepth]).toEqual([13, 9, channels, 8]);
        expect(decoded.data).toEqual(image.data);
      }
    }
  });

  it('writes the signature, an IHDR with the size and colour type, and valid chunk CRCs', () => {
    const png = encodePng(createImage(300, 2, 4));
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const view = new DataView(png.buffer);
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
    expect([view.getUint32(16), view.getUint32(20), png[24], png[25]]).toEqual([300, 2, 8, 6]);
    expect(view.getUint32(29)).toBe(crc32(png.subarray(12, 29)));
    expect(String.fromCharCode(...png.subarray(png.length - 8, png.length - 4))).toBe('IEND');
  });

  it('compresses a flat image to a small file', () => {
    expect(encodePng(createImage(224, 224, 3, [10, 20, 30])).length).toBeLessThan(2000);
  });

  it('names the argument, value and expectation on bad input', () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) })).toThrow(
      'encodePng: image.data must be a Uint8Array of width*height*channels = 12 bytes, got Uint8Array(11)',
    );
    expect(() => encodePng({ width: 0, height: 2, channels: 3, data: new Uint8Array(0) })).toThrow(
      'encodePng: image.width must be a positive integer, got 0',
    );
    expect(() => encodePng(createImage(1, 1), { filter: 'best' as PngFilter })).toThrow(/options.filter must be 'none'.*got "best"/);
  });
});

describe('decodePng', () => {
  const expected = JSON.parse(readFileSync(new URL('../../fixtures/python-png.expected.json', import.meta.url), 'utf8')) as Record<
    string,
    { width: number; height: number; channels: number; data: number[] }
  >;

  it.each([
    ['python-rgb.png', 8, 2], // dynamic Huffman, filters 0-4
    ['python-palette4.png', 4, 3], // 4-bit palette + tRNS
    ['python-gray16.png', 16, 0], // 16-bit gray, stored blocks
  ])('decodes %s written by Python (zlib + struct) to the pixels Python wrote', (name, bitDepth, colorType) => {
    const image = decodePng(fixture(name));
    const want = expected[name]!;
    expect([image.width, image.height, image.channels, image.bitDepth, image.colorType]).toEqual([
      want.width, want.height, want.channels, bitDepth, colorType,
    ]);
    expect([...image.data]).toEqual(want.data);
  });

  it('reports a bad signature, a CRC mismatch and a truncated file', () => {
    const png = encodePng(createImage(2, 2));
    expect(() => decodePng(png.subarray(1))).toThrow('decodePng: bytes do not start with the PNG signature');
    const corrupt = png.slice();
    corrupt[20]! ^= 1;
    expect(() => decodePng(corrupt)).toThrow('decodePng: CRC mismatch in chunk IHDR');
    expect(() => decodePng(png.subarray(0, png.length - 12))).toThrow('decodePng: file ends before the IEND chunk');
  });

  /** A PNG from raw chunks: signature, IHDR body, the IDAT payload, IEND. */
  function build(ihdr: Uint8Array, idat: Uint8Array): Uint8Array {
    const chunk = (type: string, body: Uint8Array): Uint8Array => {
      const out = new Uint8Array(12 + body.length);
      const view = new DataView(out.buffer);
      view.setUint32(0, body.length);
      out.set([...type].map((c) => c.charCodeAt(0)), 4);
      out.set(body, 8);
      view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
      return out;
    };
    const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  }
  /** IHDR of a w×h 8-bit grey image with the given interlace byte. */
  const grey = (w: number, h: number, interlace = 0): Uint8Array => {
    const b = new Uint8Array(13);
    new DataView(b.buffer).setUint32(0, w);
    new DataView(b.buffer).setUint32(4, h);
    b.set([8, 0, 0, 0, interlace], 8);
    return b;
  };

  it('names a short IHDR and an unknown interlace method for what they are', () => {
    const rows = deflateSync(Uint8Array.from([0, 9]));
    expect(decodePng(build(grey(1, 1), rows)).data).toEqual(Uint8Array.from([9]));
    expect(() => decodePng(build(grey(1, 1).subarray(0, 12), rows))).toThrow('decodePng: IHDR must be 13 bytes, got 12');
    expect(() => decodePng(build(grey(1, 1, 2), rows))).toThrow('decodePng: unknown interlace method 2 (expected 0, or 1 for Adam7)');
  });

  it("reads 16-bit grey by its high byte, or saturating as Pillow's convert does", () => {
    const ihdr = grey(3, 1);
    ihdr[8] = 16; // bit depth
    const png = build(ihdr, deflateSync(Uint8Array.from([0, 0x00, 0x00, 0x12, 0x34, 0x00, 0xab])));
    expect([...decodePng(png).data]).toEqual([0, 0x12, 0]);
    expect([...decodePng(png, { gray16: 'saturate' }).data]).toEqual([0, 255, 0xab]);
    expect(() => decodePng(png, { gray16: 'clip' as 'saturate' })).toThrow(`decodePng: gray16 must be 'high-byte' or 'saturate', got "clip"`);
  });

  it('stops inflating image data far past its rows (a zip bomb), and takes a little extra as libpng does', () => {
    const bomb = deflateSync(new Uint8Array(1 << 22)); // 4 MiB of zeros in about 4 KiB, for a 1×1 image
    expect(() => decodePng(build(grey(1, 1), bomb))).toThrow(/^decodePng: IDAT: inflate: the data inflates past 65538 bytes/);
    expect(decodePng(build(grey(1, 1), deflateSync(Uint8Array.from([0, 9, 1, 2, 3])))).data).toEqual(Uint8Array.from([9]));
    expect(() => decodePng(build(grey(100_000, 100_000), bomb))).toThrow(/more than the 2147483647 this decoder takes/);
  });

  it('refuses interlaced files by name', () => {
    const png = encodePng(createImage(2, 2)).slice();
    png[28] = 1; // IHDR interlace byte
    new DataView(png.buffer).setUint32(29, crc32(png.subarray(12, 29)));
    expect(() => decodePng(png)).toThrow('decodePng: interlaced (Adam7) PNGs are not supported; re-save without interlacing');
  });
});

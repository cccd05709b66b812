// Decoding: every PNG mode exactly, JPEGs against PIL's pixels within the decoders' difference,
// channel conversion, and errors that name the file and the decoder's reason.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeRawPng, solidJpeg } from './fixtures.spec-helper.ts';
import { decodeImage, sniffFormat, toChannelMajor } from './image-decode.ts';

const planes = (d: { data: Uint8Array; width: number; height: number; channels: number }): number[][] =>
  Array.from({ length: d.channels }, (_, c) => Array.from(d.data.subarray(c * d.width * d.height, (c + 1) * d.width * d.height)));

// 3×2 RGB pixels (non-square), row-major.
const RGB = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30], [200, 100, 50], [255, 255, 255]] as const;
const channel = (c: number): number[] => RGB.map((p) => p[c]!);

describe('sniffFormat', () => {
  it('tells PNG and JPEG by their magic bytes, and nothing else', () => {
    expect(sniffFormat(encodeRawPng({ width: 1, height: 1, colorType: 0, bitDepth: 8, samples: [0] }))).toBe('png');
    expect(sniffFormat(solidJpeg(2, 2, [0, 0, 0]))).toBe('jpeg');
    expect(sniffFormat(new TextEncoder().encode('GIF89a'))).toBeUndefined();
  });
});

describe('decodeImage (PNG)', () => {
  it('decodes 8-bit RGB exactly into channel-major planes', () => {
    const png = encodeRawPng({ width: 3, height: 2, colorType: 2, bitDepth: 8, samples: RGB.flat() });
    const img = decodeImage(png, 3, 'rgb.png');
    expect([img.width, img.height, img.channels, img.format]).toEqual([3, 2, 3, 'png']);
    expect(planes(img)).toEqual([channel(0), channel(1), channel(2)]);
  });

  it('converts RGB to one channel with BT.601 luma, equal to PIL convert("L")', () => {
    const png = encodeRawPng({ width: 3, height: 2, colorType: 2, bitDepth: 8, samples: RGB.flat() });
    // PIL 9.4: Image.new('RGB', (6, 1)) with these pixels, .convert('L').getdata()
    expect(planes(decodeImage(png, 1, 'rgb.png'))).toEqual([[76, 150, 29, 18, 124, 255]]);
  });

  it('replicates gray into RGB and keeps it as is for one channel', () => {
    const gray = [0, 1, 127, 128, 254, 255];
    const png = encodeRawPng({ width: 2, height: 3, colorType: 0, bitDepth: 8, samples: gray });
    expect(planes(decodeImage(png, 3, 'g.png'))).toEqual([gray, gray, gray]);
    expect(planes(decodeImage(png, 1, 'g.png'))).toEqual([gray]);
  });

  it('drops alpha, keeping the stored colour of transparent pixels (PIL convert)', () => {
    const rgba = RGB.map((p, i) => [...p, [0, 255, 128, 0, 1, 255][i]!]).flat();
    const png = encodeRawPng({ width: 3, height: 2, colorType: 6, bitDepth: 8, samples: rgba });
    expect(planes(decodeImage(png, 3, 'a.png'))).toEqual([channel(0), channel(1), channel(2)]);
    const ga = encodeRawPng({ width: 2, height: 1, colorType: 4, bitDepth: 8, samples: [40, 0, 200, 255] });
    expect(planes(decodeImage(ga, 3, 'ga.png'))).toEqual([[40, 200], [40, 200], [40, 200]]);
  });

  it('reads 16-bit RGB, gray+alpha and RGBA samples by their high byte, like PIL', () => {
    const rgb16 = [0xffff, 0x0000, 0x8000, 0x7fff, 0x0100, 0x00ff];
    const png = encodeRawPng({ width: 2, height: 1, colorType: 2, bitDepth: 16, samples: rgb16 });
    // PIL 9.4: Image.open(...).convert('RGB') gives (255, 0, 128), (127, 1, 0); the same below.
    expect(planes(decodeImage(png, 3, 'c16.png'))).toEqual([[255, 127], [0, 1], [128, 0]]);
    const ga16 = encodeRawPng({ width: 2, height: 1, colorType: 4, bitDepth: 16, samples: [0x1234, 0xffff, 0x00ff, 0] });
    expect(planes(decodeImage(ga16, 3, 'ga16.png'))).toEqual([[0x12, 0], [0x12, 0], [0x12, 0]]);
    const rgba16 = encodeRawPng({ width: 2, height: 1, colorType: 6, bitDepth: 16, samples: [0x1234, 0x00ff, 0x0100, 0xffff, 1, 2, 3, 4] });
    expect(planes(decodeImage(rgba16, 3, 'rgba16.png'))).toEqual([[0x12, 0], [0, 0], [1, 0]]);
  });

  it('saturates 16-bit gray at 255, as PIL converts its 16-bit mode I to L or RGB', () => {
    // PIL 9.4: [0, 0x12, 0xff, 0x100, 0x1234, 0xfedc] saved as a 16-bit gray PNG opens as mode 'I';
    // convert('L') gives [0, 18, 255, 255, 255, 255], convert('RGB') that value in each channel.
    const samples = [0, 0x12, 0xff, 0x100, 0x1234, 0xfedc];
    const want = [0, 18, 255, 255, 255, 255];
    for (const filter of [0, 1] as const) {
      const g16 = encodeRawPng({ width: 3, height: 2, colorType: 0, bitDepth: 16, samples, filter });
      expect(planes(decodeImage(g16, 1, 'g16.png'))).toEqual([want]);
      expect(planes(decodeImage(g16, 3, 'g16.png'))).toEqual([want, want, want]);
    }
  });

  it('expands palettes (with tRNS, whose alpha is dropped) and scales 1-bit gray to 0/255', () => {
    const palette = [9, 8, 7, 250, 128, 3, 0, 64, 255];
    const png = encodeRawPng({ width: 4, height: 1, colorType: 3, bitDepth: 2, samples: [2, 0, 1, 2], palette, trns: [0, 255] });
    expect(planes(decodeImage(png, 3, 'p.png'))).toEqual([[0, 9, 250, 0], [64, 8, 128, 64], [255, 7, 3, 255]]);
    const bits = encodeRawPng({ width: 5, height: 1, colorType: 0, bitDepth: 1, samples: [1, 0, 1, 1, 0] });
    expect(planes(decodeImage(bits, 1, 'b.png'))).toEqual([[255, 0, 255, 255, 0]]);
  });
});

describe('decodeImage (JPEG)', () => {
  const fixtures = JSON.parse(readFileSync(new URL('../fixtures/pil-decoded.json', import.meta.url), 'utf8')) as Record<
    string,
    { mode: string; width: number; height: number; rgb: number[] }
  >;
  /** Max and mean |ours − PIL| over every RGB value of a committed fixture. */
  const againstPil = (name: string): { max: number; mean: number; size: [number, number] } => {
    const img = decodeImage(new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url))), 3, name);
    const ref = fixtures[name]!;
    const plane = img.width * img.height;
    let [max, sum] = [0, 0];
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(img.data[c * plane + p]! - ref.rgb[p * 3 + c]!);
        [max, sum] = [Math.max(max, d), sum + d];
      }
    }
    return { max, mean: sum / (3 * plane), size: [img.width, img.height] };
  };

  it('decodes a solid-colour baseline JPEG to its colour within 2 levels', () => {
    const img = decodeImage(solidJpeg(13, 7, [200, 120, 40]), 3, 'solid.jpg');
    expect([img.width, img.height, img.format]).toEqual([13, 7, 'jpeg']);
    const [r, g, b] = planes(img);
    for (const [plane, want] of [[r!, 200], [g!, 120], [b!, 40]] as const) {
      expect(Math.max(...plane.map((v) => Math.abs(v - want)))).toBeLessThanOrEqual(2);
    }
  });

  it('matches PIL on grayscale and Adobe CMYK JPEGs within 1 level', () => {
    for (const name of ['gray.jpg', 'cmyk.jpg']) {
      const { max, size } = againstPil(name);
      expect([name, size]).toEqual([name, [fixtures[name]!.width, fixtures[name]!.height]]);
      expect(max, name).toBeLessThanOrEqual(1);
    }
    expect([fixtures['gray.jpg']!.mode, fixtures['cmyk.jpg']!.mode]).toEqual(['L', 'CMYK']);
  });

  // NOTE: jpeg-js replicates subsampled chroma (nearest) where libjpeg interpolates ("fancy
  // upsampling"), so on these steep colour gradients pixels differ by up to ~16 levels.
  it('matches PIL on progressive and baseline 4:2:0 JPEGs within the chroma-upsampling difference', () => {
    for (const name of ['progressive-420.jpg', 'baseline-420.jpg']) {
      const { max, mean, size } = againstPil(name);
      expect(size).toEqual([fixtures[name]!.width, fixtures[name]!.height]);
      expect(mean, name).toBeLessThan(7);
      expect(max, name).toBeLessThanOrEqual(20);
    }
  });

  it('gives one channel equal to the gray JPEG itself', () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/gray.jpg', import.meta.url)));
    const [gray] = planes(decodeImage(bytes, 1, 'gray.jpg'));
    const [red] = planes(decodeImage(bytes, 3, 'gray.jpg'));
    expect(gray).toEqual(red);
  });
});

describe('decodeImage errors', () => {
  const png = encodeRawPng({ width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [1, 2, 3, 4] });

  it('names the file and the PNG decoder reason', () => {
    const bad = png.slice();
    bad[bad.length - 20]! ^= 0xff; // inside IDAT: its CRC no longer matches
    expect(() => decodeImage(bad, 3, '/d/cat/1.png')).toThrow('/d/cat/1.png: cannot decode this PNG file: decodePng: CRC mismatch in chunk IDAT');
    const interlaced = encodeRawPng({ width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [1, 2, 3, 4], interlaced: true });
    expect(() => decodeImage(interlaced, 3, 'i.png')).toThrow('i.png: cannot decode this PNG file: decodePng: interlaced (Adam7) PNGs are not supported');
  });

  it('names a truncated JPEG and says it looks truncated', () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/progressive-420.jpg', import.meta.url)));
    expect(() => decodeImage(bytes.subarray(0, 400), 3, 'cut.jpg')).toThrow(
      /^cut\.jpg: cannot decode this JPEG file: .+ \(no end-of-image marker: the file looks truncated\)$/,
    );
  });

  it('refuses a file that is neither PNG nor JPEG, showing how it starts', () => {
    expect(() => decodeImage(new TextEncoder().encode('GIF89a\x01\x00'), 3, 'x.jpg')).toThrow(
      "x.jpg: not a PNG or JPEG file: it starts with 47 49 46 38 39 61 01 00 ('GIF89a..')",
    );
    expect(() => decodeImage(new Uint8Array(0), 3, 'empty.png')).toThrow('empty.png: not a PNG or JPEG file: the file is empty');
  });
});

describe('toChannelMajor', () => {
  it('reorders interleaved RGBA into three planes', () => {
    const data = Uint8Array.from([1, 2, 3, 9, 4, 5, 6, 9]);
    expect(Array.from(toChannelMajor({ width: 2, height: 1, channels: 4, data }, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

// Drawing, the bitmap font and grid sheets: exact pixels for small cases.
import { describe, expect, it } from 'vitest';
import { blit, drawLine, drawText, upscale } from './draw.ts';
import { GLYPH_HEIGHT, glyph, textWidth } from './font.ts';
import { gridSheet } from './grid.ts';
import { createImage, toRgb, type RasterImage } from './image.ts';
import { decodePng, encodePng } from './png/png.ts';

/** The image as rows of '#' (not background) and '.' for readable pixel assertions. */
const ascii = (im: RasterImage): string[] =>
  Array.from({ length: im.height }, (_, y) =>
    Array.from({ length: im.width }, (_, x) => (im.data[(y * im.width + x) * im.channels] === 0 ? '#' : '.')).join(''),
  );

describe('bitmap font', () => {
  it('draws a digit pixel for pixel, and measures text', () => {
    const im = createImage(5, 7, 1, [255, 255, 255]);
    drawText(im, '1', 0, 0, [0, 0, 0]);
    expect(ascii(im)).toEqual(['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.']);
    expect(textWidth('10', 2)).toBe(22);
    expect(textWidth('')).toBe(0);
    expect(glyph('a')).toEqual(glyph('A'));
    expect(glyph('~')).toEqual(glyph('?'));
  });

  it('scales each font pixel into a block', () => {
    const im = createImage(10, 14, 3, [255, 255, 255]);
    drawText(im, '-', 0, 0, [0, 0, 0], 2);
    expect(ascii(im).filter((r) => r.includes('#'))).toEqual(['##########', '##########']);
  });
});

describe('drawLine and upscale', () => {
  it('draws Bresenham lines and clips them', () => {
    const im = createImage(4, 3, 1, [255, 255, 255]);
    drawLine(im, 0, 0, 3, 2, [0, 0, 0]);
    drawLine(im, -5, -5, -1, -1, [0, 0, 0]);
    expect(ascii(im)).toEqual(['#...', '.##.', '...#']);
  });

  it('makes each pixel a factor×factor block', () => {
    const im = { width: 2, height: 1, channels: 1 as const, data: Uint8Array.of(0, 255) };
    expect(ascii(upscale(im, 2))).toEqual(['##..', '##..']);
  });
});

describe('gridSheet', () => {
  it('tiles images row-major with padding, converting gray to RGB', () => {
    const black = createImage(2, 2, 1, [0, 0, 0]);
    const sheet = gridSheet([black, black, black], { columns: 2, padding: 1 });
    expect([sheet.width, sheet.height, sheet.channels]).toEqual([7, 7, 3]);
    expect(ascii(sheet)).toEqual(['.......', '.##.##.', '.##.##.', '.......', '.##....', '.##....', '.......']);
  });

  it('adds a caption row under each tile, and the result survives a PNG round trip', () => {
    const tiles = [createImage(20, 10, 3, [0, 0, 0]), createImage(20, 10, 3, [0, 0, 0])];
    const sheet = gridSheet(tiles, { captions: ['L0', 'L1'], padding: 2 });
    expect([sheet.width, sheet.height]).toEqual([2 + 2 * 22, 2 + 10 + GLYPH_HEIGHT + 2 + 2]);
    const caption = ascii(sheet).slice(13, 13 + GLYPH_HEIGHT);
    expect(caption.some((r) => r.slice(2, 22).includes('#'))).toBe(true);
    expect(decodePng(encodePng(sheet)).data).toEqual(sheet.data);
  });

  it('names the argument, value and expectation on bad input', () => {
    const im = createImage(1, 1);
    expect(() => gridSheet([])).toThrow('gridSheet: images must be a non-empty array of images, got []');
    expect(() => gridSheet([im], { captions: ['a', 'b'] })).toThrow('gridSheet: options.captions must be one caption per image (1), got ["a", "b"]');
    expect(() => gridSheet([im, { ...im, channels: 5 as 3 }])).toThrow('gridSheet: images[1].channels must be 1, 2, 3 or 4, got 5');
  });
});

describe('blit and toRgb', () => {
  it('composites alpha over the background and copies gray sources as RGB', () => {
    const rgba = { width: 1, height: 1, channels: 4 as const, data: Uint8Array.of(0, 0, 0, 51) };
    expect([...toRgb(rgba).data]).toEqual([204, 204, 204]); // 0.2·0 + 0.8·255
    const dest = createImage(2, 1, 3, [9, 9, 9]);
    blit(dest, { width: 1, height: 1, channels: 1, data: Uint8Array.of(77) }, 1, 0);
    expect([...dest.data]).toEqual([9, 9, 9, 77, 77, 77]);
  });
});

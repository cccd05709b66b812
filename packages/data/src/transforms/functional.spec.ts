import { describe, expect, it } from 'vitest';
import { crop, hflip, normalize, pad, resize } from './functional.ts';
import type { ImageTensor } from './image.ts';

const img = (values: number[], shape: [number, number, number]): ImageTensor => ({ data: Float32Array.from(values), shape });
const arange = (shape: [number, number, number]): ImageTensor => img(Array.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => i), shape);
const close = (actual: ImageTensor, expected: number[], shape: readonly number[]): void => {
  expect(actual.shape).toEqual(shape);
  expect(actual.data).toBeInstanceOf(Float32Array);
  expect(actual.data.length).toBe(expected.length);
  actual.data.forEach((v, i) => expect(v, `value ${i}`).toBeCloseTo(expected[i]!, 5));
};

describe('crop', () => {
  it('takes the window of every channel', () => {
    close(crop(arange([2, 3, 3]), 1, 1, 2, 2), [4, 5, 7, 8, 13, 14, 16, 17], [2, 2, 2]);
  });

  it('fills the part outside the image with 0', () => {
    close(crop(arange([1, 3, 3]), -1, 2, 2, 2), [0, 0, 2, 0], [1, 2, 2]);
    close(crop(arange([1, 2, 2]), 5, 5, 1, 1), [0], [1, 1, 1]);
  });

  it('names a bad size or offset', () => {
    expect(() => crop(arange([1, 3, 3]), 0, 0, 0, 2)).toThrow('crop: height must be a positive integer, got 0');
    expect(() => crop(arange([1, 3, 3]), 0.5, 0, 1, 1)).toThrow('crop: top must be an integer, got 0.5');
  });

  it('names a fill that is not finite (it would paint NaN or ±Infinity)', () => {
    for (const fill of [NaN, Infinity]) expect(() => crop(arange([1, 2, 2]), -1, -1, 3, 3, fill)).toThrow(`crop: fill must be a finite number, got ${fill}`);
  });
});

describe('pad', () => {
  const row = img([1, 2, 3], [1, 1, 3]);

  it('pads each mode as numpy / torchvision do', () => {
    close(pad(row, [2, 0, 2, 0]), [0, 0, 1, 2, 3, 0, 0], [1, 1, 7]);
    close(pad(row, [2, 0, 2, 0], { fill: 9 }), [9, 9, 1, 2, 3, 9, 9], [1, 1, 7]);
    close(pad(row, [2, 0, 2, 0], { mode: 'edge' }), [1, 1, 1, 2, 3, 3, 3], [1, 1, 7]);
    close(pad(row, [2, 0, 2, 0], { mode: 'reflect' }), [3, 2, 1, 2, 3, 2, 1], [1, 1, 7]);
    close(pad(row, [2, 0, 2, 0], { mode: 'symmetric' }), [2, 1, 1, 2, 3, 3, 2], [1, 1, 7]);
  });

  it('pads left, top, right and bottom separately', () => {
    close(pad(img([1, 2, 3, 4], [1, 2, 2]), [1, 1, 0, 0], { fill: 5 }), [5, 5, 5, 5, 1, 2, 5, 3, 4], [1, 3, 3]);
    close(pad(img([1, 2, 3, 4], [1, 2, 2]), [0, 0, 1, 1], { mode: 'edge' }), [1, 2, 2, 3, 4, 4, 3, 4, 4], [1, 3, 3]);
  });

  it('refuses reflect padding as wide as the image and bad widths', () => {
    expect(() => pad(row, [3, 0, 0, 0], { mode: 'reflect' })).toThrow('pad: reflect padding [3, 0, 0, 0] must be at most size − 1 on each side of a 1×3 image');
    expect(() => pad(row, [0, 1, 0, 0], { mode: 'reflect' })).toThrow('1×3 image');
    expect(() => pad(row, [-1, 0, 0, 0])).toThrow('pad: padding must be 4 integers ≥ 0 [left, top, right, bottom], got [-1, 0, 0, 0]');
    expect(() => pad(row, [1, 0, 0, 0], { fill: NaN })).toThrow('pad: fill must be a finite number, got NaN');
    expect(() => pad(row, [1, 0, 0, 0], { fill: -Infinity, mode: 'edge' })).toThrow('pad: fill must be a finite number, got -Infinity');
  });
});

describe('hflip', () => {
  it('mirrors every row of every channel', () => {
    close(hflip(img([1, 2, 3, 4, 5, 6], [2, 1, 3])), [3, 2, 1, 6, 5, 4], [2, 1, 3]);
  });
});

describe('resize', () => {
  // Expected values from torch 1.13: F.interpolate(x, size, mode='bilinear', align_corners=False, antialias=…).
  it('downscales with antialiasing by default', () => {
    close(resize(arange([1, 4, 4]), [2, 2]), [25 / 7, 36 / 7, 69 / 7, 80 / 7], [1, 2, 2]);
    close(resize(arange([1, 1, 6]), [1, 4]), [0.375, 16 / 9, 29 / 9, 4.625], [1, 1, 4]);
  });

  it('samples between neighbours without antialiasing', () => {
    close(resize(arange([1, 4, 4]), [2, 2], { antialias: false }), [2.5, 4.5, 10.5, 12.5], [1, 2, 2]);
  });

  it('upscales with half-pixel centres and clamped borders', () => {
    close(resize(arange([1, 2, 2]), [3, 3]), [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3], [1, 3, 3]);
    close(resize(img([1, 3], [1, 1, 2]), [1, 4]), [1, 1.5, 2.5, 3], [1, 1, 4]);
  });

  it('resizes each channel on its own and keeps a constant image constant', () => {
    const twoChannels = img([...Array(6).fill(2), ...Array(6).fill(-1)], [2, 2, 3]);
    close(resize(twoChannels, [5, 4]), [...Array(20).fill(2), ...Array(20).fill(-1)], [2, 5, 4]);
  });

  it('returns a copy at the same size', () => {
    const a = arange([1, 2, 2]);
    const b = resize(a, [2, 2]);
    expect(b.data).not.toBe(a.data);
    close(b, [0, 1, 2, 3], [1, 2, 2]);
  });

  it('names a bad size and a bad image', () => {
    expect(() => resize(arange([1, 2, 2]), [0, 2])).toThrow('resize: size must be two positive integers [height, width], got [0, 2]');
    expect(() => resize(img([1, 2, 3], [1, 2, 2]), [1, 1])).toThrow('resize: image of shape [1, 2, 2] needs 4 values, got 3');
    expect(() => resize({ data: new Float64Array(4) as unknown as Float32Array, shape: [1, 2, 2] }, [1, 1])).toThrow(
      'resize: image data must be a Float32Array, got Float64Array',
    );
  });
});

describe('normalize', () => {
  it('subtracts the mean and divides by the std of each channel', () => {
    close(normalize(img([0.5, 1, 0.2, 0.4], [2, 1, 2]), [0.5, 0.2], [0.5, 0.1]), [0, 1, 0, 2], [2, 1, 2]);
  });

  it('applies one mean and std to every channel', () => {
    close(normalize(img([1, 3, 5, 7], [2, 1, 2]), [1], [2]), [0, 1, 2, 3], [2, 1, 2]);
  });

  it('names a channel-count mismatch and a zero std', () => {
    expect(() => normalize(arange([3, 1, 1]), [0, 0], [1])).toThrow('normalize: mean must have 1 or 3 values (one per channel), got 2');
    expect(() => normalize(arange([1, 1, 1]), [0], [0])).toThrow('normalize: std must be finite and > 0, got [0]');
    expect(() => normalize(arange([2, 1, 1]), [0, NaN], [1])).toThrow('normalize: mean must be finite, got [0, NaN]');
    expect(() => normalize(arange([1, 1, 1]), [Infinity], [1])).toThrow('normalize: mean must be finite, got [Infinity]');
  });
});

// Colormaps: matplotlib's endpoint and midpoint colours, value scaling, and errors.
import { describe, expect, it } from 'vitest';
import { applyColormap, colorAt, colormapLut } from './colormap.ts';

describe('colorAt', () => {
  it('gives matplotlib’s endpoint and midpoint colours', () => {
    expect(colorAt('viridis', 0)).toEqual([0x44, 0x01, 0x54]); // #440154
    expect(colorAt('viridis', 1)).toEqual([0xfd, 0xe7, 0x25]); // #fde725
    expect(colorAt('viridis', 0.5)).toEqual([0x21, 0x91, 0x8c]); // matplotlib viridis(128) = (0.128, 0.567, 0.551)
    expect(colorAt('magma', 0)).toEqual([0x00, 0x00, 0x04]);
    expect(colorAt('magma', 1)).toEqual([0xfc, 0xfd, 0xbf]);
    expect(colorAt('gray', 0)).toEqual([0, 0, 0]);
    expect(colorAt('gray', 1)).toEqual([255, 255, 255]);
  });

  it('clamps values outside [0, 1] and refuses NaN and unknown names', () => {
    expect(colorAt('magma', -3)).toEqual(colorAt('magma', 0));
    expect(colorAt('magma', 7)).toEqual(colorAt('magma', 1));
    expect(() => colorAt('viridis', Number.NaN)).toThrow('colorAt: t must be a number (NaN has no colour), got NaN');
    expect(() => colorAt('jet' as 'gray', 0)).toThrow('colorAt: name must be one of viridis, magma, gray, got "jet"');
  });
});

describe('colormapLut', () => {
  it('has 256 RGB entries, monotone in lightness for gray', () => {
    const lut = colormapLut('viridis');
    expect(lut.length).toBe(768);
    expect(colormapLut('gray').subarray(3 * 200, 3 * 201)).toEqual(Uint8Array.of(200, 200, 200));
    lut[0] = 1; // a copy: the shared table is untouched
    expect(colorAt('viridis', 0)[0]).toBe(0x44);
  });
});

describe('applyColormap', () => {
  it('stretches values from their min..max, or from the range given', () => {
    expect([...applyColormap([0, 0.5, 1], 3, 1, { colormap: 'gray' }).data]).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255]);
    expect([...applyColormap([10, 20], 2, 1, { colormap: 'gray' }).data]).toEqual([0, 0, 0, 255, 255, 255]);
    expect([...applyColormap([0.5], 1, 1, { colormap: 'gray', min: 0, max: 1 }).data]).toEqual([128, 128, 128]);
    expect([...applyColormap([3, 3], 2, 1, { colormap: 'gray' }).data]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('names the argument, value and expectation on bad input', () => {
    expect(() => applyColormap([1, 2, 3], 2, 1)).toThrow('applyColormap: values must be 2 values (width × height), got [1, 2, 3]');
    expect(() => applyColormap([1, Number.POSITIVE_INFINITY], 2, 1)).toThrow('applyColormap: values[1] must be finite, got Infinity');
    expect(() => applyColormap([1, 2], 2, 1, { min: 1, max: 0 })).toThrow('applyColormap: options.max must be >= options.min (1), got 0');
  });
});

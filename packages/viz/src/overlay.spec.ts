// Heatmap overlays: bilinear resize as PyTorch computes it, CHW → RGB, and the alpha blend.
import { tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { colorAt } from './colormap.ts';
import { imageFromChw, overlayHeatmap, resizeBilinear } from './overlay.ts';

describe('resizeBilinear', () => {
  it('matches torch F.interpolate(mode="bilinear", align_corners=False)', () => {
    // Values printed by PyTorch 1.13 for these inputs.
    expect([...resizeBilinear([0, 1, 2, 3], 2, 2, 4, 4)]).toEqual([0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
    const row = [...resizeBilinear([0, 1, 5], 1, 3, 2, 7)].map((v) => Number(v.toFixed(4)));
    expect(row).toEqual([0, 0.1429, 0.5714, 1, 2.7143, 4.4286, 5, 0, 0.1429, 0.5714, 1, 2.7143, 4.4286, 5]);
    expect(() => resizeBilinear([1, 2], 1, 2, 0, 3)).toThrow('resizeBilinear: outH must be a positive integer, got 0');
  });
});

describe('imageFromChw', () => {
  it('converts [C, H, W] in [0, 1] to 8-bit RGB, clamping, and repeats gray', () => {
    const rgb = imageFromChw(tensor([0, 1, 0.5, 2, /* G */ 0, 0, 0, 0, /* B */ 1, 1, 1, -1], [3, 2, 2]));
    expect([rgb.width, rgb.height]).toEqual([2, 2]);
    expect([...rgb.data]).toEqual([0, 0, 255, 255, 0, 255, 128, 0, 255, 255, 0, 0]);
    expect([...imageFromChw({ shape: [1, 1, 1], data: [0.2] }).data]).toEqual([51, 51, 51]);
    expect(() => imageFromChw({ shape: [2, 1, 1], data: [0, 0] })).toThrow('imageFromChw: image.shape must be [C, H, W] with C = 1 or 3, got [2, 1, 1]');
  });
});

describe('overlayHeatmap', () => {
  const image = { shape: [3, 4, 4], data: new Array(48).fill(0.4) }; // flat gray 0.4 → 102
  const hot = { shape: [2, 2], data: [0, 0, 0, 1] }; // only the bottom-right patch

  it('shows the image at alpha 0 and the colormapped, upsampled map at alpha 1', () => {
    expect(new Set(overlayHeatmap(image, hot, { alpha: 0 }).data)).toEqual(new Set([102]));
    const heat = overlayHeatmap(image, hot, { alpha: 1, colormap: 'magma' });
    const px = (x: number, y: number): number[] => [...heat.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3)];
    expect(px(3, 3)).toEqual([...colorAt('magma', 1)]);
    expect(px(0, 0)).toEqual([...colorAt('magma', 0)]);
    expect(px(2, 2)).toEqual([...colorAt('magma', 0.5625)]); // bilinear: 0.75 · 0.75
  });

  it('blends (1 − alpha)·image + alpha·colour', () => {
    const out = overlayHeatmap(image, hot, { alpha: 0.25, colormap: 'gray', normalize: 'none' });
    expect([...out.data.subarray(0, 3)]).toEqual([77, 77, 77]); // 0.75·102 + 0.25·0
    expect([...out.data.subarray(45, 48)]).toEqual([140, 140, 140]); // 0.75·102 + 0.25·255 = 140.25
  });

  it('names the argument, value and expectation on bad input', () => {
    expect(() => overlayHeatmap(image, hot, { alpha: 2 })).toThrow('overlayHeatmap: options.alpha must be a number in [0, 1], got 2');
    expect(() => overlayHeatmap(image, { shape: [4], data: [0, 0, 0, 1] })).toThrow('overlayHeatmap: attention.shape must be rank 2, got [4]');
    expect(() => overlayHeatmap(image, { shape: [1, 1], data: [Number.NaN] })).toThrow('overlayHeatmap: attention.data[0] must be finite, got NaN');
  });
});

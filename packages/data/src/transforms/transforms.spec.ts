import { Generator } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { crop, pad } from './functional.ts';
import type { ImageTensor } from './image.ts';
import { transformFromSpec } from './from-config.ts';
import {
  CenterCrop, Compose, Normalize, NORMALIZE_PRESETS, RandomCrop, RandomHorizontalFlip, RandomResizedCrop, Resize,
  randomResizedCropBox, roundHalfEven,
} from './transforms.ts';

const img = (values: number[], shape: [number, number, number]): ImageTensor => ({ data: Float32Array.from(values), shape });
const arange = (shape: [number, number, number]): ImageTensor => img(Array.from({ length: shape[0] * shape[1] * shape[2] }, (_, i) => i), shape);
const values = (t: ImageTensor): number[] => Array.from(t.data);
/** The generator's next draw, without advancing it: tells how many draws a transform took. */
const peek = (g: Generator): number => {
  const copy = new Generator();
  copy.setState(g.getState());
  return copy.uniform();
};

describe('roundHalfEven', () => {
  it('rounds halves to the even neighbour like Python', () => {
    expect([0.5, 1.5, 2.5, 2.4, 2.6, 3].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3, 3]);
  });
});

describe('Resize', () => {
  it('matches the shorter edge to one number, truncating the longer one', () => {
    expect(new Resize(2).apply(arange([1, 4, 6])).shape).toEqual([1, 2, 3]);
    expect(new Resize(3).apply(arange([1, 4, 6])).shape).toEqual([1, 3, 4]);
    expect(new Resize(3).apply(arange([2, 6, 4])).shape).toEqual([2, 4, 3]);
  });

  it('takes [height, width] as given', () => {
    expect(new Resize([5, 7]).apply(arange([3, 4, 4])).shape).toEqual([3, 5, 7]);
    expect(values(new Resize([2, 2], { antialias: false }).apply(arange([1, 4, 4])))).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('names a bad size', () => {
    expect(() => new Resize([2, 0])).toThrow('Resize: size must be a positive integer or [height, width] of positive integers, got [2,0]');
  });
});

describe('CenterCrop', () => {
  it('takes the centre, rounding an odd margin as torchvision does', () => {
    expect(values(new CenterCrop(2).apply(arange([1, 4, 4])))).toEqual([5, 6, 9, 10]);
    expect(values(new CenterCrop(2).apply(arange([1, 3, 3])))).toEqual([0, 1, 3, 4]); // round(0.5) = 0
  });

  it('pads with 0 when the crop is larger than the image', () => {
    expect(values(new CenterCrop(4).apply(img([1, 2, 3, 4], [1, 2, 2])))).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });
});

describe('RandomCrop', () => {
  const tiny = img([1, 2, 3, 4], [1, 2, 2]);

  it('draws top then left uniformly from the padded image', () => {
    const seed = 42;
    const g = new Generator(seed);
    const top = Math.floor(g.uniform() * 3);
    const left = Math.floor(g.uniform() * 3);
    const expected = crop(pad(tiny, [1, 1, 1, 1]), top, left, 2, 2);
    expect(values(new RandomCrop(2, { padding: 1 }).apply(tiny, seed))).toEqual(values(expected));
  });

  it('reaches every shift of ±padding and nothing else', () => {
    const padded = pad(tiny, [1, 1, 1, 1]);
    const windows = new Map<string, string>();
    for (let top = 0; top < 3; top++) for (let left = 0; left < 3; left++) windows.set(values(crop(padded, top, left, 2, 2)).join(), `${top},${left}`);
    const seen = new Set<string>();
    const t = new RandomCrop(undefined, { padding: 1 });
    for (let seed = 0; seed < 200; seed++) {
      const out = t.apply(tiny, seed);
      expect(out.shape).toEqual([1, 2, 2]);
      seen.add(windows.get(values(out).join())!);
    }
    expect([...seen].sort()).toEqual([...windows.values()].sort());
  });

  it('expands 1, 2 or 4 padding numbers to left, top, right, bottom', () => {
    expect(new RandomCrop(2, { padding: [1, 2] }).name).toBe('RandomCrop(size=[2, 2], padding=[1, 2, 1, 2], fill=0, paddingMode=constant)');
    expect(new RandomCrop(2, { padding: [1, 2, 3, 4] }).name).toContain('padding=[1, 2, 3, 4]');
    expect(() => new RandomCrop(2, { padding: [1, 2, 3] as unknown as [number, number] })).toThrow(
      'RandomCrop: padding must be an integer ≥ 0 or 2 or 4 of them, got [1,2,3]',
    );
  });

  it('pads with the fill and mode it is given', () => {
    const t = new RandomCrop([1, 4], { padding: [1, 0, 1, 0], paddingMode: 'reflect' });
    // Reflect-padded rows are [2, 1, 2, 1] and [4, 3, 4, 3]; a 1×4 window is one of them.
    const rows = new Set(Array.from({ length: 40 }, (_, s) => values(t.apply(tiny, s)).join()));
    expect([...rows].sort()).toEqual(['2,1,2,1', '4,3,4,3']);
    expect(values(new RandomCrop([4, 4], { padding: 1, fill: 7 }).apply(tiny, 3))).toEqual([7, 7, 7, 7, 7, 1, 2, 7, 7, 3, 4, 7, 7, 7, 7, 7]);
  });

  it('pads a small image up to the size only with padIfNeeded', () => {
    const out = new RandomCrop([4, 2], { padIfNeeded: true }).apply(tiny, 1);
    expect(out.shape).toEqual([1, 4, 2]);
    expect(values(out).filter((v) => v !== 0).sort()).toEqual([1, 2, 3, 4]);
    expect(() => new RandomCrop([4, 2]).apply(tiny, 1)).toThrow('RandomCrop: crop size [4, 2] is larger than the 2×2 (padded) image; pass padIfNeeded');
  });

  it('draws nothing and copies when the window is the whole image', () => {
    const g = new Generator(9);
    const next = peek(g);
    const out = new RandomCrop(2).apply(tiny, g);
    expect([values(out), out.data === tiny.data, peek(g)]).toEqual([[1, 2, 3, 4], false, next]);
  });

  it('asks for a generator when given none', () => {
    expect(() => new RandomCrop(2, { padding: 1 }).apply(tiny)).toThrow('RandomCrop: is random and needs a Generator or an integer seed, got none');
  });
});

describe('RandomHorizontalFlip', () => {
  const row = img([1, 2, 3], [1, 1, 3]);

  it('always flips with p = 1 and never with p = 0, one draw per call either way', () => {
    for (const [p, expected] of [[1, [3, 2, 1]], [0, [1, 2, 3]]] as const) {
      const g = new Generator(5);
      const twin = new Generator(5);
      twin.uniform();
      expect(values(new RandomHorizontalFlip(p).apply(row, g))).toEqual(expected);
      expect(g.getState()).toEqual(twin.getState());
    }
  });

  it('flips about half the images with p = 0.5, the same ones for the same seeds', () => {
    const flips = (): number[] => Array.from({ length: 1000 }, (_, s) => new RandomHorizontalFlip().apply(row, s).data[0]!);
    const first = flips();
    const flipped = first.filter((v) => v === 3).length;
    expect(flipped).toBeGreaterThan(450);
    expect(flipped).toBeLessThan(550);
    expect(flips()).toEqual(first);
  });

  it('names a bad probability', () => {
    expect(() => new RandomHorizontalFlip(1.5)).toThrow('RandomHorizontalFlip: p must be a number in [0, 1], got 1.5');
  });
});

describe('randomResizedCropBox', () => {
  it('takes the whole image for scale 1 and ratio 1', () => {
    expect(randomResizedCropBox(10, 10, [1, 1], [1, 1], new Generator(1))).toEqual([0, 0, 10, 10]);
  });

  it('falls back to the centred box with the ratio clamped into range', () => {
    // Ratio 4 on a square never fits in 10 tries: the widest box with ratio 4, centred.
    expect(randomResizedCropBox(4, 4, [1, 1], [4, 4], new Generator(1))).toEqual([1, 0, 1, 4]);
    expect(randomResizedCropBox(4, 4, [1, 1], [0.25, 0.25], new Generator(1))).toEqual([0, 1, 4, 1]);
  });

  it('stays inside the image with area and ratio in range', () => {
    const g = new Generator(3);
    for (let k = 0; k < 2000; k++) {
      const [top, left, h, w] = randomResizedCropBox(32, 48, [0.08, 1], [3 / 4, 4 / 3], g);
      expect(top >= 0 && left >= 0 && top + h <= 32 && left + w <= 48).toBe(true);
      expect((h * w) / (32 * 48)).toBeGreaterThan(0.06); // 0.08, less rounding of the sides
      expect(w / h).toBeGreaterThan(0.6);
      expect(w / h).toBeLessThan(1.6);
    }
  });
});

describe('RandomResizedCrop', () => {
  it('crops a window of the drawn size and resizes it to size', () => {
    const image = arange([1, 8, 8]);
    // Area 1/4 with ratio 1 is a 4×4 window; resizing 4×4 to 4×4 keeps it exact.
    const out = new RandomResizedCrop(4, { scale: [0.25, 0.25], ratio: [1, 1] }).apply(image, 11);
    const [top, left] = [Math.floor(out.data[0]! / 8), out.data[0]! % 8];
    expect(values(out)).toEqual(values(crop(image, top, left, 4, 4)));
    expect(new RandomResizedCrop([6, 3]).apply(image, 2).shape).toEqual([1, 6, 3]);
  });

  it('is a function of the seed', () => {
    const t = new RandomResizedCrop(5);
    const image = arange([3, 16, 16]);
    expect(values(t.apply(image, 7))).toEqual(values(t.apply(image, new Generator(7))));
    expect(values(t.apply(image, 7))).not.toEqual(values(t.apply(image, 8)));
  });

  it('names a bad scale', () => {
    expect(() => new RandomResizedCrop(4, { scale: [0.5, 0.1] })).toThrow('RandomResizedCrop: scale must be [lo, hi] with 0 < lo ≤ hi, got [0.5, 0.1]');
  });
});

describe('Normalize', () => {
  it('uses named presets and explicit statistics', () => {
    expect(new Normalize('fashion-mnist').apply(img([0.286, 0.639], [1, 1, 2])).data[1]).toBeCloseTo(1, 6);
    expect([...new Normalize('imagenet').mean]).toEqual([0.485, 0.456, 0.406]);
    expect(NORMALIZE_PRESETS['fashion-mnist']).toEqual({ mean: [0.286], std: [0.353] });
    expect(values(new Normalize({ mean: [1], std: [2] }).apply(img([3, 5], [1, 1, 2])))).toEqual([1, 2]);
  });

  it('names an unknown preset and a zero std', () => {
    expect(() => new Normalize('cifar' as 'mnist')).toThrow("Normalize: unknown preset 'cifar' (known: imagenet, fashion-mnist, mnist, cifar10, cifar100)");
    for (const name of ['toString', 'constructor', '__proto__']) {
      expect(() => new Normalize(name as 'mnist')).toThrow(`Normalize: unknown preset '${name}' (known: imagenet,`);
    }
    expect(() => transformFromSpec({ name: 'normalize', preset: 'valueOf' }, 't[0]')).toThrow("t[0] (normalize): Normalize: unknown preset 'valueOf'");
    expect(() => new Normalize({ mean: [0], std: [0] })).toThrow('Normalize: mean must be finite and std finite and > 0');
  });
});

describe('Compose', () => {
  const pipeline = new Compose([new RandomCrop(4, { padding: 2 }), new RandomHorizontalFlip(), new Normalize({ mean: [1], std: [2] })]);
  const image = arange([2, 4, 4]);

  it('applies its transforms in order from one generator', () => {
    const g = new Generator(13);
    const expected = new Normalize({ mean: [1], std: [2] }).apply(new RandomHorizontalFlip().apply(new RandomCrop(4, { padding: 2 }).apply(image, g), g));
    expect(values(pipeline.apply(image, 13))).toEqual(values(expected));
    expect(pipeline.name).toBe('Compose([RandomCrop(size=[4, 4], padding=[2, 2, 2, 2], fill=0, paddingMode=constant), RandomHorizontalFlip(p=0.5), Normalize(mean=[1], std=[2])])');
  });

  it('gives the same image for the same seed and leaves its input alone', () => {
    const before = values(image);
    const outs = [3, 3, 4, 5, 6].map((s) => values(pipeline.apply(image, s)).join());
    expect(outs[0]).toBe(outs[1]);
    expect(new Set(outs.slice(1)).size).toBeGreaterThan(1);
    expect(values(image)).toEqual(before);
  });

  it('runs deterministic transforms without a generator and copies when empty', () => {
    expect(new Compose([new Resize([2, 2]), new CenterCrop(1)]).apply(arange([1, 4, 4])).shape).toEqual([1, 1, 1]);
    const copy = new Compose([]).apply(image);
    expect([copy.data === image.data, values(copy)]).toEqual([false, values(image)]);
    expect(() => pipeline.apply(image)).toThrow('RandomCrop: is random and needs a Generator or an integer seed, got none');
  });
});

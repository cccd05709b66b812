import type { HostTensor } from '@crossmodal/core';
import { Compose, composeFromSpecs, crop, exampleGenerator, hflip, Normalize, pad, type ImageTensor } from '@crossmodal/data';
import { fmix32 } from '@crossmodal/tensor';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePixels, removeFixtureDirs, writeMnistDir } from './fixtures.spec-helper.ts';
import { encodeIdx } from './idx.ts';
import type { MnistDataset } from './mnist-dataset.ts';
import { FASHION_MNIST_CLASSES, fashionMnistProvider, mnistProvider } from './mnist.ts';

const CONTEXT = { seed: 1 };
const open = async (config: Record<string, unknown>, seed = 1): Promise<MnistDataset> =>
  (await fashionMnistProvider.create(config, { seed })) as MnistDataset;
const example = (ds: MnistDataset, i: number): { image: HostTensor; label: number } => ds.get(i) as { image: HostTensor; label: number };
const pixels = (ds: MnistDataset, i: number): number[] => Array.from(example(ds, i).image.data);
const scaled = (n: number, h = 4, w = 5): number[] => fixturePixels(n, h, w).map((p) => Math.fround(p / 255));

afterAll(removeFixtureDirs);

describe('fashion-mnist on IDX files', () => {
  const dir = writeMnistDir();

  it('reads both splits as [1, H, W] images in [0, 1] with their labels', async () => {
    const train = await open({ path: dir, normalize: false });
    expect(train.size).toBe(12);
    expect(train.info).toEqual({ numClasses: 10, classNames: FASHION_MNIST_CLASSES, fields: { image: [1, 4, 5], label: [] } });
    expect([example(train, 3).image.shape, pixels(train, 3), example(train, 3).label]).toEqual([[1, 4, 5], scaled(3), 3]);
    const test = await open({ path: dir, split: 'test', normalize: false });
    expect([test.size, pixels(test, 4), example(test, 4).label]).toEqual([5, scaled(4), 4]);
    expect(() => test.get(5)).toThrow('fashion-mnist: index must be an integer in [0, 5), got 5');
  });

  it("normalises with Fashion-MNIST's mean and std unless told otherwise", async () => {
    const expected = scaled(2).map((p) => (p - 0.286) / 0.353);
    pixels(await open({ path: dir }), 2).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    const mnistStats = scaled(2).map((p) => (p - 0.1307) / 0.3081);
    pixels(await open({ path: dir, normalize: 'mnist' }), 2).forEach((v, i) => expect(v).toBeCloseTo(mnistStats[i]!, 5));
  });

  it('refuses a normalize transform while the dataset normalises, and takes it with normalize: false', async () => {
    const own = [{ name: 'normalize', preset: 'mnist' }];
    await expect(open({ path: dir, transforms: own })).rejects.toThrow(
      "fashion-mnist: transforms[0] is a normalize, but the dataset's normalize option is on (it is unless set to false), so images would be normalised twice",
    );
    await expect(open({ path: dir, normalize: 'fashion-mnist', transforms: ['random-horizontal-flip', ...own] })).rejects.toThrow('fashion-mnist: transforms[1] is a normalize');
    expect(pixels(await open({ path: dir, normalize: false, transforms: own }), 2)).toEqual(pixels(await open({ path: dir, normalize: 'mnist' }), 2));
  });

  it('keeps the first limit examples or a seeded random subset in file order', async () => {
    const first = await open({ path: dir, limit: 4, normalize: false });
    expect([first.size, pixels(first, 3)]).toEqual([4, scaled(3)]);
    const sources = async (seed: number): Promise<number[]> => {
      const ds = await open({ path: dir, limit: 4, subset: 'random', normalize: false }, seed);
      return Array.from({ length: ds.size }, (_, i) => ds.sourceIndex(i));
    };
    const [a, b, c] = [await sources(5), await sources(5), await sources(6)];
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    const random = await open({ path: dir, limit: 4, subset: 'random', normalize: false }, 5);
    expect([pixels(random, 1), example(random, 1).label]).toEqual([scaled(a[1]!), a[1]! % 10]);
    expect((await open({ path: dir, limit: 50 })).size).toBe(12);
  });

  it('augments the train split with shifts of up to ±4 pixels and flips, differently on every read', async () => {
    const train = await open({ path: dir, augment: true, normalize: false }, 3);
    const original: ImageTensor = { data: Float32Array.from(scaled(2)), shape: [1, 4, 5] };
    const candidates = new Set<string>();
    for (let top = 0; top <= 8; top++) {
      for (let left = 0; left <= 8; left++) {
        const window = crop(pad(original, [4, 4, 4, 4]), top, left, 4, 5);
        candidates.add(Array.from(window.data).join()).add(Array.from(hflip(window).data).join());
      }
    }
    const reads = Array.from({ length: 40 }, () => pixels(train, 2).join());
    expect(reads.every((r) => candidates.has(r))).toBe(true);
    expect(new Set(reads).size).toBeGreaterThan(10);
    expect(train.info.fields).toEqual({ image: [1, 4, 5], label: [] });
  });

  it('draws the same augmentations for the same seed and epoch', async () => {
    const reads = async (seed: number): Promise<string[]> => {
      const ds = await open({ path: dir, augment: true }, seed);
      return Array.from({ length: 5 }, () => pixels(ds, 7).join());
    };
    expect(await reads(3)).toEqual(await reads(3));
    expect(await reads(4)).not.toEqual(await reads(3));
    const [x, y] = [await open({ path: dir, augment: true }, 3), await open({ path: dir, augment: true }, 3)];
    x.setEpoch(6);
    y.get(7); // reads before setEpoch do not matter once it is set
    y.setEpoch(6);
    expect([pixels(x, 7), pixels(x, 7)]).toEqual([pixels(y, 7), pixels(y, 7)]);
  });

  it('never augments the test split', async () => {
    const test = await open({ path: dir, split: 'test', augment: true, normalize: false });
    expect([pixels(test, 2), pixels(test, 2)]).toEqual([scaled(2), scaled(2)]);
  });

  it('applies configured transforms before augmentation and reports the new size', async () => {
    const ds = await open({ path: dir, transforms: [{ name: 'resize', size: [8, 10] }], augment: true });
    expect([ds.info.fields, example(ds, 0).image.shape]).toEqual([{ image: [1, 8, 10], label: [] }, [1, 8, 10]]);
  });

  it('erases after the crop and flip, so the padded crop never shifts or cuts the erased box', async () => {
    // 16×16 images and a fixed 4×4 box (area 16/256, square) painted -1: every read holds exactly
    // 16 values of -1, whatever the crop. Erasing before the crop would lose part of the box.
    const big = writeMnistDir({ h: 16, w: 16 });
    const erasing = { name: 'random-erasing', p: 1, scale: [0.0625, 0.0625], ratio: [1, 1], value: -1 };
    const train = await open({ path: big, augment: true, normalize: false, transforms: [erasing] }, 3);
    const counts = new Set<number>();
    for (let read = 0; read < 6; read++) {
      for (let i = 0; i < train.size; i++) counts.add(pixels(train, i).filter((v) => v === -1).length);
    }
    expect([...counts]).toEqual([16]);
    await expect(open({ path: big, transforms: [erasing, 'random-horizontal-flip'] })).rejects.toThrow(
      'fashion-mnist: transforms[1] (RandomHorizontalFlip(p=0.5)) comes after random-erasing (transforms[0])',
    );
  });

  it("keeps the README recipe's order without augment: the user's flip, then erasing, then Normalize", async () => {
    // The trained recipes' transforms; the recorded runs depend on this exact order and these draws.
    const specs = ['random-horizontal-flip', { name: 'random-erasing', p: 0.25, value: 'random' }];
    const ds = await open({ path: dir, transforms: specs }, 7);
    // The train split's augmentation streams (mnist.ts): seed mixed with its augment salt.
    const streamSeed = fmix32((7 ^ 0x9e3779b9) >>> 0);
    const pipeline = (order: unknown[]): Compose => new Compose([...composeFromSpecs(order).transforms, new Normalize('fashion-mnist')]);
    const [forward, reversed] = [pipeline(specs), pipeline([...specs].reverse())];
    let differs = 0;
    for (let epoch = 0; epoch < 4; epoch++) {
      ds.setEpoch(epoch);
      for (let i = 0; i < ds.size; i++) {
        const image: ImageTensor = { data: Float32Array.from(scaled(i)), shape: [1, 4, 5] };
        const got = pixels(ds, i);
        expect(got).toEqual(Array.from(forward.apply(image, exampleGenerator(streamSeed, epoch, i)).data));
        if (got.join() !== Array.from(reversed.apply(image, exampleGenerator(streamSeed, epoch, i)).data).join()) differs++;
      }
    }
    expect(differs).toBeGreaterThan(0); // the order is visible in these draws, so the check above bites
  });

  it('names bad options before reading any file', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ augmnet: true }, "fashion-mnist: unknown option 'augmnet' (known: name, split, path, limit, subset, seed, augment, normalize, transforms)"],
      [{ augment: 'yes' }, 'fashion-mnist: augment must be true or false, got "yes"'],
      [{ normalize: 'cifar' }, 'fashion-mnist: normalize must be true, false or a preset (imagenet, fashion-mnist, mnist, cifar10, cifar100), got "cifar"'],
      [{ limit: 0 }, 'fashion-mnist: limit must be an integer ≥ 1, got 0'],
      [{ split: 'val' }, "fashion-mnist: split must be one of 'train', 'test', got 'val'"],
      [{ transforms: ['flip'] }, "fashion-mnist: transforms[0]: unknown transform 'flip'"],
    ];
    for (const [config, message] of cases) await expect(open({ path: '/nonexistent', ...config })).rejects.toThrow(message);
  });
});

describe('fashion-mnist and mnist file errors', () => {
  it('requires a path for mnist and names the files it looked for', async () => {
    await expect(mnistProvider.create({}, CONTEXT)).rejects.toThrow('mnist: path is required: the directory holding the IDX files');
    const empty = writeMnistDir({ names: (s) => `other-${s}` });
    await expect(open({ path: empty })).rejects.toThrow(
      `fashion-mnist: no train images in ${empty} (looked for train-images-idx3-ubyte.gz, train-images-idx3-ubyte, train-images.idx3-ubyte); install Debian's dataset-fashion-mnist package`,
    );
  });

  it('reads uncompressed files with the dotted names as MNIST digits', async () => {
    const dir = writeMnistDir({ gzip: false, names: (s) => s.replace('-idx', '.idx'), test: { count: 3, labels: [7, 8, 9] } });
    const test = (await mnistProvider.create({ path: dir, split: 'test', normalize: false }, CONTEXT)) as MnistDataset;
    expect([test.size, example(test, 2).label, test.info.classNames![9], pixels(test, 1)]).toEqual([3, 9, '9', scaled(1)]);
  });

  it('names a labels file that does not match its images', async () => {
    const dir = writeMnistDir({ train: { count: 3, labels: [1, 2] } });
    await expect(open({ path: dir })).rejects.toThrow(
      `${join(dir, 'train-labels-idx1-ubyte.gz')}: dimension 0 (labels) is 2, expected 3: one per image of ${join(dir, 'train-images-idx3-ubyte.gz')}`,
    );
    const outOfRange = writeMnistDir({ train: { count: 3, labels: [1, 10, 2] } });
    await expect(open({ path: outOfRange })).rejects.toThrow('train-labels-idx1-ubyte.gz: label 10 at index 1, expected a class in 0..9');
  });

  it('names a truncated gzip stream and a truncated IDX file inside a whole one', async () => {
    const dir = writeMnistDir();
    const images = join(dir, 'train-images-idx3-ubyte.gz');
    const gz = readFileSync(images);
    writeFileSync(images, gz.subarray(0, gz.length >> 1));
    await expect(open({ path: dir })).rejects.toThrow(`${images}: gzip data: unexpected end of file; expected a complete gzip stream`);
    writeFileSync(images, gzipSync(encodeIdx([12, 4, 5], new Uint8Array(240)).subarray(0, 200)));
    await expect(open({ path: dir })).rejects.toThrow(
      `${images}: data: expected 240 bytes after the 16-byte header (12×4×5), the file has 184 (truncated)`,
    );
  });
});

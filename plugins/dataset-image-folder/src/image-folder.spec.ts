// The image-folder dataset end to end on folders written by the spec: lazy decoding, the split's
// pipelines, seeded augmentation, channels, size checks, subsets and a DataLoader batch.
import { DataLoader, disposeBatch, CenterCrop, Compose, Normalize, NORMALIZE_PRESETS, Resize, type ImageTensor } from '@crossmodal/data';
import { createCpuBackend } from '@crossmodal/tensor';
import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRawPng, removeFixtureDirs, rgbPng, solidJpeg, writeTree } from './fixtures.spec-helper.ts';
import { createImageFolder } from './image-folder.ts';
import type { ImageFolderDataset } from './image-folder-dataset.ts';
import { IMAGENET_GRAY } from './transforms.ts';

afterAll(removeFixtureDirs);

/** Pixel (x, y) of image k: distinct, smooth values so resizes and flips show. */
const pattern = (k: number) => (x: number, y: number): number[] => [(20 * x + k) % 256, (15 * y + 3 * k) % 256, (x * y + 50) % 256];

/** Two classes of non-square images of different sizes and formats (Oxford Pets-like). */
function petsTree(prefix = ''): Record<string, Uint8Array> {
  return {
    [`${prefix}abyssinian/a1.png`]: rgbPng(12, 9, pattern(1)),
    [`${prefix}abyssinian/a2.jpg`]: solidJpeg(10, 14, [200, 60, 30]),
    [`${prefix}beagle/b1.PNG`]: rgbPng(9, 13, pattern(2)),
    [`${prefix}beagle/b2.jpeg`]: solidJpeg(16, 11, [20, 90, 220]),
    // 16-bit gray 0…327: a gradient that PIL's convert (and so the decoder) saturates at 255 from pixel 86 on.
    [`${prefix}beagle/b3.png`]: encodeRawPng({ width: 11, height: 10, colorType: 0, bitDepth: 16, samples: Array.from({ length: 110 }, (_, i) => i * 3) }),
  };
}

const image = async (ds: ImageFolderDataset, i: number): Promise<ImageTensor> => (await ds.get(i))['image'] as ImageTensor;
const values = async (ds: ImageFolderDataset, i: number): Promise<number[]> => Array.from((await image(ds, i)).data);

describe('image-folder dataset', () => {
  it('resizes and centre-crops images of any size to size, with labels by folder', async () => {
    const path = writeTree(petsTree());
    const ds = await createImageFolder({ path, size: 8 }, { seed: 1 });
    expect([ds.size, ds.info.numClasses, ds.info.classNames, ds.info.fields]).toEqual([5, 2, ['abyssinian', 'beagle'], { image: [3, 8, 8], label: [] }]);
    const shapes = await Promise.all([0, 1, 2, 3, 4].map(async (i) => (await image(ds, i)).shape));
    expect(shapes).toEqual(Array(5).fill([3, 8, 8]));
    expect(await Promise.all([0, 1, 2, 3, 4].map(async (i) => (await ds.get(i))['label']))).toEqual([0, 0, 1, 1, 1]);
  });

  it('runs timm\'s eval pipeline: Resize(⌊size / 0.875⌋) + CenterCrop(size) + ImageNet Normalize', async () => {
    const path = writeTree(petsTree());
    const ds = await createImageFolder({ path, size: 8 }, { seed: 1 });
    const decoded = await ds.decoded(0);
    const asFloat: ImageTensor = { data: Float32Array.from(decoded.data, (v) => v / 255), shape: [3, decoded.height, decoded.width] };
    const manual = new Compose([new Resize(9), new CenterCrop(8), new Normalize('imagenet')]).apply(asFloat);
    expect(await values(ds, 0)).toEqual(Array.from(manual.data));
  });

  it('decodes pixels exactly (PNG, even named .jpg) and scales them to [0, 1] when nothing else is asked', async () => {
    const path = writeTree({ 'c/one.png': rgbPng(5, 3, pattern(7)), 'c/two.jpg': rgbPng(5, 3, pattern(8)) });
    const ds = await createImageFolder({ path, normalize: false }, { seed: 1 });
    expect((await ds.decoded(1)).format).toBe('png');
    const want = [0, 1, 2].map((c) => Array.from({ length: 15 }, (_, p) => Math.fround(pattern(8)(p % 5, Math.floor(p / 5))[c]! / 255)));
    expect(await values(ds, 1)).toEqual(want.flat());
    expect((await image(ds, 1)).shape).toEqual([3, 3, 5]);
  });

  it('refuses images of different sizes without size, naming two files and their sizes', async () => {
    const path = writeTree(petsTree());
    const ds = await createImageFolder({ path, normalize: false }, { seed: 1 });
    expect(ds.info.fields).toEqual({ image: [3, 9, 12], label: [] });
    await expect(ds.get(1)).rejects.toThrow(
      `image-folder: images differ in size: ${path}/abyssinian/a2.jpg is 10×14 (→ [3, 14, 10]) but ${path}/abyssinian/a1.png is 12×9 (→ [3, 9, 12]); set size (e.g. size: 224) to resize and crop every image to one size`,
    );
  });

  it('reads split subfolders; train augments by default (RandomResizedCrop + flip), val does not', async () => {
    const path = writeTree({ ...petsTree('train/'), ...petsTree('val/') });
    const train = await createImageFolder({ path, split: 'train', size: 6 }, { seed: 3 });
    const val = await createImageFolder({ path, split: 'val', size: 6 }, { seed: 3 });
    expect([train.listing.root, val.listing.root]).toEqual([`${path}/train`, `${path}/val`]);
    // Read k of an index is epoch k: augmented reads differ, evaluation reads repeat.
    expect(await values(train, 0)).not.toEqual(await values(train, 0));
    expect(await values(val, 0)).toEqual(await values(val, 0));
    await expect(createImageFolder({ path, split: 'test' }, { seed: 3 })).rejects.toThrow(`image-folder: ${path}/test is not a directory`);
  });

  it('augments deterministically: the same seed and epoch give the same images, another seed others', async () => {
    const path = writeTree(petsTree());
    const open = (seed: number) => createImageFolder({ path, size: 6, augment: true }, { seed });
    const [a, b, c] = await Promise.all([open(5), open(5), open(6)]);
    for (const ds of [a, b, c]) ds.setEpoch(2);
    const read = (ds: ImageFolderDataset) => Promise.all([0, 1, 2, 3, 4].map((i) => values(ds, i)));
    const first = await read(a);
    expect(await read(b)).toEqual(first);
    expect(await read(a)).toEqual(first); // setEpoch makes get pure
    expect(await read(c)).not.toEqual(first);
    a.setEpoch(3);
    expect(await read(a)).not.toEqual(first);
  });

  it('converts to one channel and normalizes with ImageNet\'s luma statistics by default', async () => {
    const path = writeTree(petsTree());
    const gray = await createImageFolder({ path, size: 8, channels: 1 }, { seed: 1 });
    const plain = await createImageFolder({ path, size: 8, channels: 1, normalize: false }, { seed: 1 });
    expect(gray.info.fields?.['image']).toEqual([1, 8, 8]);
    const [g, p] = [await values(gray, 3), await values(plain, 3)];
    expect(g.map((v) => +v.toFixed(4))).toEqual(p.map((v) => +((v - IMAGENET_GRAY.mean[0]!) / IMAGENET_GRAY.std[0]!).toFixed(4)));
    expect(IMAGENET_GRAY).toEqual({ mean: [0.459], std: [0.2256] });
    await expect(createImageFolder({ path, size: 8, channels: 1, normalize: 'imagenet' }, { seed: 1 })).rejects.toThrow(
      'image-folder: normalize must be true, false, a preset (imagenet, fashion-mnist, mnist, cifar10, cifar100) or { mean, std } with 1 or 1 values each (channels is 1), got "imagenet"',
    );
    const stats = await createImageFolder({ path, size: 8, normalize: { mean: [0.5], std: [0.25] } }, { seed: 1 });
    const noNorm = await createImageFolder({ path, size: 8, normalize: false }, { seed: 1 });
    expect((await values(stats, 0))[5]).toBeCloseTo(((await values(noNorm, 0))[5]! - 0.5) / 0.25, 5);
    expect(NORMALIZE_PRESETS.imagenet.mean).toHaveLength(3);
  });

  it('decodes lazily, names a corrupt file when it is read, and serves cached pixels with cache', async () => {
    const tree = petsTree();
    const path = writeTree({ ...tree, 'beagle/b4.png': new TextEncoder().encode('<html>not found</html>') });
    const ds = await createImageFolder({ path, size: 8 }, { seed: 1 });
    expect(ds.size).toBe(6); // listed, not read
    await expect(ds.get(5)).rejects.toThrow(`${path}/beagle/b4.png: not a PNG or JPEG file: it starts with 3c 68 74 6d 6c 3e 6e 6f ('<html>not fo')`);
    const cached = await createImageFolder({ path, size: 8, cache: true }, { seed: 1 });
    const uncached = await createImageFolder({ path, size: 8 }, { seed: 1 });
    const before = await values(cached, 2);
    await values(uncached, 2);
    rmSync(`${path}/beagle/b1.PNG`);
    expect(await values(cached, 2)).toEqual(before);
    await expect(uncached.get(2)).rejects.toThrow(`${path}/beagle/b1.PNG`);
    writeFileSync(`${path}/beagle/b1.PNG`, tree['beagle/b1.PNG']!);
  });

  it('keeps a seeded random subset with limit, in listing order', async () => {
    const path = writeTree(petsTree());
    const a = await createImageFolder({ path, size: 4, limit: 3 }, { seed: 9 });
    const b = await createImageFolder({ path, size: 4, limit: 3 }, { seed: 9 });
    const files = (ds: ImageFolderDataset) => [0, 1, 2].map((i) => ds.file(i));
    expect(files(a)).toEqual(files(b));
    expect([...files(a)].sort()).toEqual(files(a));
    const first = await createImageFolder({ path, size: 4, limit: 2, subset: 'first' }, { seed: 9 });
    expect([first.size, first.file(1)]).toEqual([2, `${path}/abyssinian/a2.jpg`]);
  });

  it('rejects bad options with the field, the value and what was expected', async () => {
    const path = writeTree(petsTree());
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'image-folder: path is required'],
      [{ path, channels: 4 }, 'image-folder: channels must be 1 or 3, got 4'],
      [{ path, size: 0 }, 'image-folder: size must be a positive integer or [height, width], got 0'],
      [{ path, resize: 10 }, 'image-folder: resize must be given with size'],
      [{ path, size: 8, scale: [0.5, 2] }, 'image-folder: scale must be within (0, 1] (fractions of the image area), got [0.5,2]'],
      [{ path, size: 8, cropPct: 1.5 }, 'image-folder: cropPct must be a number in (0, 1], got 1.5'],
      [{ path, split: '../x' }, 'image-folder: split must be a subdirectory name (no slashes), got "../x"'],
      [{ path, augment: 'yes' }, 'image-folder: augment must be true or false, got "yes"'],
      [{ path, colour: 3 }, "image-folder: unknown option 'colour'"],
      [{ path, classes: [] }, 'image-folder: classes must be a non-empty list of folder names, got []'],
    ];
    for (const [config, message] of cases) await expect(createImageFolder(config, { seed: 1 }), JSON.stringify(config)).rejects.toThrow(message);
  });

  it('refuses a normalize transform while the dataset normalises (the default), and takes it with normalize: false', async () => {
    const path = writeTree(petsTree());
    const own = [{ name: 'normalize', preset: 'imagenet' }];
    await expect(createImageFolder({ path, size: 8, transforms: own }, { seed: 1 })).rejects.toThrow(
      "image-folder: transforms[0] is a normalize, but the dataset's normalize option is on (it is unless set to false), so images would be normalised twice",
    );
    const ds = await createImageFolder({ path, size: 8, normalize: false, transforms: own }, { seed: 1 });
    expect((await image(ds, 0)).shape).toEqual([3, 8, 8]);
  });

  it('erases after the random crop and flip, on the final image, and wants random-erasing last', async () => {
    const path = writeTree(petsTree());
    // A 4×4 box (a quarter of 8×8) painted -1, a value no [0, 1] pixel has and a resize would blur.
    const erasing = { name: 'random-erasing', p: 1, scale: [0.25, 0.25], ratio: [1, 1], value: -1 };
    const ds = await createImageFolder({ path, size: 8, augment: true, normalize: false, transforms: [erasing] }, { seed: 1 });
    for (const i of [0, 1, 2, 3, 4]) {
      const { data, shape } = await image(ds, i);
      expect(shape).toEqual([3, 8, 8]);
      const erased = Array.from(data.subarray(0, 64).keys()).filter((k) => data[k] === -1);
      expect(erased).toHaveLength(16);
      const [rows, cols] = [new Set(erased.map((k) => Math.floor(k / 8))), new Set(erased.map((k) => k % 8))];
      expect([rows.size, cols.size]).toEqual([4, 4]); // one 4×4 square
      expect(Array.from(data.subarray(64)).filter((v) => v === -1)).toHaveLength(32); // the same box in the other channels
    }
    await expect(createImageFolder({ path, size: 8, transforms: [erasing, 'random-horizontal-flip'] }, { seed: 1 })).rejects.toThrow(
      "image-folder: transforms[1] (RandomHorizontalFlip(p=0.5)) comes after random-erasing (transforms[0]), but random-erasing runs after the dataset's crop and flip (timm's order); list random-erasing last",
    );
  });

  it('batches through a DataLoader into [B, C, size, size] images and [B] labels', async () => {
    const path = writeTree(petsTree());
    const ds = await createImageFolder({ path, size: 8, augment: true }, { seed: 1 });
    const loader = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 2, backend: createCpuBackend() });
    const shapes: number[][][] = [];
    for await (const batch of loader.epoch(0)) {
      shapes.push([batch['image']!.shape, batch['label']!.shape].map((s) => [...s]));
      disposeBatch(batch);
    }
    expect(shapes).toEqual([[[4, 3, 8, 8], [4]], [[1, 3, 8, 8], [1]]]);
  });
});

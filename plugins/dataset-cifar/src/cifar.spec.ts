import type { HostTensor } from '@crossmodal/core';
import { crop, hflip, pad, type ImageTensor } from '@crossmodal/data';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CifarDataset } from './cifar-dataset.ts';
import { cifar100Provider, cifar10Provider } from './cifar.ts';
import { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './classes.ts';
import { copyFixture, emptyDir, FIXTURE_LABELS, FIXTURES, fixtureImage, removeScratch } from './fixtures.spec-helper.ts';

afterAll(removeScratch);

const open10 = async (config: Record<string, unknown>, seed = 1): Promise<CifarDataset> =>
  (await cifar10Provider.create({ path: FIXTURES, ...config }, { seed })) as CifarDataset;
const open100 = async (config: Record<string, unknown>, seed = 1): Promise<CifarDataset> =>
  (await cifar100Provider.create({ path: FIXTURES, ...config }, { seed })) as CifarDataset;
const example = (ds: CifarDataset, i: number): { image: HostTensor; label: number } => ds.get(i) as { image: HostTensor; label: number };
const values = (ds: CifarDataset, i: number): number[] => Array.from(example(ds, i).image.data);
const everything = (ds: CifarDataset): [number[], number][] => Array.from({ length: ds.size }, (_, i) => [values(ds, i), example(ds, i).label]);
const scaled = (n: number): number[] => fixtureImage(n).map((p) => Math.fround(p / 255));

describe('cifar10 and cifar100 on both formats', () => {
  it('give identical images and labels from the python batches and the binary files', async () => {
    for (const split of ['train', 'test']) {
      const [py, bin] = [await open10({ split, format: 'python' }), await open10({ split, format: 'binary' })];
      expect([py.source.format, bin.source.format]).toEqual(['python', 'binary']);
      expect(everything(py)).toEqual(everything(bin));
      for (const labels of ['fine', 'coarse']) {
        expect(everything(await open100({ split, labels, format: 'python' }))).toEqual(everything(await open100({ split, labels, format: 'binary' })));
      }
    }
  });

  it('read [3, 32, 32] images in [0, 1], channel-major, with the files’ labels in batch order', async () => {
    const train = await open10({ normalize: false });
    expect([train.size, train.info]).toEqual([7, { numClasses: 10, classNames: CIFAR10_CLASSES, fields: { image: [3, 32, 32], label: [] } }]);
    expect(Array.from({ length: 7 }, (_, i) => example(train, i).label)).toEqual(FIXTURE_LABELS.cifar10.train);
    // Image 5 sits in data_batch_4 (pickle protocol 4): batches concatenate in order 1..5.
    expect([example(train, 5).image.shape, values(train, 5)]).toEqual([[3, 32, 32], scaled(5)]);
    expect(train.pixels(5)[1024 + 32 * 2 + 3]).toBe((29 * 5 + 83 + 14 + 9) % 256); // G plane, y = 2, x = 3
    const test = await open10({ split: 'test', format: 'binary', normalize: false });
    expect([test.size, values(test, 2), example(test, 2).label]).toEqual([3, scaled(2), 0]);
    expect(() => test.get(3)).toThrow('cifar10: index must be an integer in [0, 3), got 3');
  });

  it('give CIFAR-100 fine labels by default and coarse ones on request, with their class names', async () => {
    const fine = await open100({ normalize: false });
    expect([fine.info.numClasses, fine.info.classNames, [0, 1, 2].map((i) => example(fine, i).label)]).toEqual([100, CIFAR100_FINE_CLASSES, FIXTURE_LABELS.cifar100.train.fine]);
    expect(fine.info.classNames![example(fine, 0).label]).toBe('cattle');
    const coarse = await open100({ split: 'test', labels: 'coarse', format: 'binary' });
    expect([coarse.info.numClasses, coarse.info.classNames, example(coarse, 1).label]).toEqual([20, CIFAR100_COARSE_CLASSES, 10]);
    expect(coarse.info.classNames![10]).toBe('large_natural_outdoor_scenes');
  });

  it('normalise with each dataset’s mean and std unless told otherwise', async () => {
    type Stats = readonly [readonly number[], readonly number[]];
    const cifar10: Stats = [[0.4914, 0.4822, 0.4465], [0.247, 0.2435, 0.2616]];
    const cifar100: Stats = [[0.5071, 0.4865, 0.4409], [0.2673, 0.2564, 0.2762]];
    for (const [ds, [mean, std]] of [[await open10({}), cifar10], [await open100({}), cifar100]] as const) {
      const expected = scaled(1).map((p, i) => (p - mean[Math.floor(i / 1024)]!) / std[Math.floor(i / 1024)]!);
      values(ds, 1).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    }
    expect(values(await open10({ normalize: 'imagenet' }), 0)[0]).toBeCloseTo((0 - 0.485) / 0.229, 5);
  });

  it('refuse a normalize transform while the dataset normalises, and take it with normalize: false', async () => {
    const own = [{ name: 'normalize', preset: 'imagenet' }];
    await expect(open10({ transforms: own })).rejects.toThrow(
      "cifar10: transforms[0] is a normalize, but the dataset's normalize option is on (it is unless set to false), so images would be normalised twice",
    );
    await expect(open100({ normalize: true, transforms: ['random-horizontal-flip', ...own] })).rejects.toThrow('cifar100: transforms[1] is a normalize');
    expect(values(await open10({ normalize: false, transforms: own }), 0)).toEqual(values(await open10({ normalize: 'imagenet' }), 0));
  });

  it('keep the first limit examples or a seeded random subset in file order', async () => {
    const first = await open10({ limit: 3, normalize: false });
    expect([first.size, values(first, 2)]).toEqual([3, scaled(2)]);
    const sources = async (seed: number): Promise<number[]> => {
      const ds = await open10({ limit: 4, subset: 'random' }, seed);
      return Array.from({ length: ds.size }, (_, i) => ds.sourceIndex(i));
    };
    const [a, b, c] = [await sources(5), await sources(5), await sources(8)];
    expect([a, [...a].sort((x, y) => x - y)]).toEqual([b, a]);
    expect(c).not.toEqual(a);
    const random = await open10({ limit: 4, subset: 'random', normalize: false }, 5);
    expect([values(random, 1), example(random, 1).label]).toEqual([scaled(a[1]!), FIXTURE_LABELS.cifar10.train[a[1]!]]);
    expect((await open10({ limit: 50 })).size).toBe(7);
  });
});

describe('cifar augmentation', () => {
  it('crops 32×32 out of the zero-padded image and flips, differently on every read', async () => {
    const train = await open10({ augment: true, normalize: false }, 3);
    const original: ImageTensor = { data: Float32Array.from(scaled(4)), shape: [3, 32, 32] };
    const candidates = new Set<string>();
    for (let top = 0; top <= 8; top++) {
      for (let left = 0; left <= 8; left++) {
        const window = crop(pad(original, [4, 4, 4, 4]), top, left, 32, 32);
        candidates.add(Array.from(window.data).join()).add(Array.from(hflip(window).data).join());
      }
    }
    const reads = Array.from({ length: 30 }, () => values(train, 4).join());
    expect(reads.every((r) => candidates.has(r))).toBe(true);
    expect(new Set(reads).size).toBeGreaterThan(10);
    expect(train.info.fields).toEqual({ image: [3, 32, 32], label: [] });
  });

  it('draws the same augmentations for the same seed and epoch, and none on the test split', async () => {
    const reads = async (seed: number): Promise<string[]> => {
      const ds = await open100({ augment: true, format: 'binary' }, seed);
      return Array.from({ length: 4 }, () => values(ds, 1).join());
    };
    expect(await reads(3)).toEqual(await reads(3));
    expect(await reads(4)).not.toEqual(await reads(3));
    const [x, y] = [await open10({ augment: true }, 3), await open10({ augment: true, format: 'binary' }, 3)];
    x.setEpoch(2);
    y.get(6); // reads before setEpoch do not matter once it is set
    y.setEpoch(2);
    expect([values(x, 6), values(x, 6)]).toEqual([values(y, 6), values(y, 6)]);
    const test = await open10({ split: 'test', augment: true, normalize: false });
    expect([values(test, 1), values(test, 1)]).toEqual([scaled(1), scaled(1)]);
  });

  it('erases after the crop and flip, so the padded crop never shifts or cuts the erased box', async () => {
    // A fixed 8×8 box (area 64/1024, square) painted -1 on every image: whatever the crop, every
    // read holds exactly 3·64 values of -1. Erasing before the crop would lose part of the box
    // whenever the crop shifts it past the image's edge.
    const erasing = { name: 'random-erasing', p: 1, scale: [0.0625, 0.0625], ratio: [1, 1], value: -1 };
    const train = await open10({ augment: true, normalize: false, transforms: ['random-horizontal-flip', erasing] }, 3);
    const counts = new Set<number>();
    for (let read = 0; read < 6; read++) {
      for (let i = 0; i < train.size; i++) counts.add(values(train, i).filter((v) => v === -1).length);
    }
    expect([...counts]).toEqual([3 * 64]);
    // With normalize on, the erased value goes through Normalize like every other pixel.
    const normalized = await open10({ augment: true, transforms: [erasing] }, 3);
    expect(values(normalized, 0).filter((v) => Math.abs(v - (-1 - 0.4914) / 0.247) < 1e-5)).toHaveLength(64);
  });

  it('refuses a transform listed after random-erasing, which would change places with it', async () => {
    await expect(open10({ transforms: [{ name: 'random-erasing' }, 'random-horizontal-flip'] })).rejects.toThrow(
      "cifar10: transforms[1] (RandomHorizontalFlip(p=0.5)) comes after random-erasing (transforms[0]), but random-erasing runs after the dataset's crop and flip",
    );
  });

  it('applies configured transforms first and reports the new size', async () => {
    const ds = await open10({ transforms: [{ name: 'resize', size: 40 }], augment: true });
    expect([ds.info.fields, example(ds, 0).image.shape]).toEqual([{ image: [3, 40, 40], label: [] }, [3, 40, 40]]);
  });
});

describe('cifar options and files', () => {
  it('names bad options before reading any file', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ labels: 'fine' }, "cifar10: unknown option 'labels' (known: name, split, path, format, limit, subset, seed, augment, normalize, transforms)"],
      [{ format: 'pickle' }, "cifar10: format must be one of 'auto', 'python', 'binary', got 'pickle'"],
      [{ augment: 1 }, 'cifar10: augment must be true or false, got 1'],
      [{ normalize: 'cifar' }, 'cifar10: normalize must be true, false or a preset (imagenet, fashion-mnist, mnist, cifar10, cifar100), got "cifar"'],
      [{ split: 'val' }, "cifar10: split must be one of 'train', 'test', got 'val'"],
      [{ limit: 0 }, 'cifar10: limit must be an integer ≥ 1, got 0'],
    ];
    for (const [config, message] of cases) await expect(open10({ path: '/nonexistent', ...config })).rejects.toThrow(message);
    await expect(open100({ path: '/nonexistent', labels: 'superclass' })).rejects.toThrow("cifar100: labels must be one of 'fine', 'coarse', got 'superclass'");
    await expect(cifar100Provider.create({}, { seed: 0 })).rejects.toThrow(
      'cifar100: path is required: the unpacked CIFAR-100 directory (cifar-100-python or cifar-100-binary) or the directory holding it',
    );
  });

  it('find the unpacked directory itself or under its parent, and name the files looked for when neither holds it', async () => {
    const dir = join(FIXTURES, 'cifar-100-binary');
    expect((await open100({ path: dir })).source.files).toEqual(['train.bin', 'fine_label_names.txt', 'coarse_label_names.txt'].map((f) => join(dir, f)));
    expect((await open10({})).source.files[0]).toBe(join(FIXTURES, 'cifar-10-batches-py', 'data_batch_1'));
    const empty = emptyDir();
    await expect(open10({ path: empty })).rejects.toThrow(
      `cifar10: no CIFAR-10 files under ${empty} (looked for the python files data_batch_1…data_batch_5, test_batch, batches.meta in ${empty} and ${join(empty, 'cifar-10-batches-py')}; ` +
        `and for the binary files data_batch_1…data_batch_5.bin, test_batch.bin, batches.meta.txt in ${empty} and ${join(empty, 'cifar-10-batches-bin')}); ` +
        'download cifar-10-python.tar.gz or cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html',
    );
    await expect(open100({ path: join(FIXTURES, 'cifar-10-batches-py'), format: 'binary' })).rejects.toThrow('cifar100: no CIFAR-100 files under');
  });

  it('name a missing batch, and fall back to the built-in class names without a meta file', async () => {
    const dir = copyFixture('cifar-10-batches-bin');
    rmSync(join(dir, 'data_batch_3.bin'));
    rmSync(join(dir, 'batches.meta.txt'));
    await expect(open10({ path: dir })).rejects.toThrow(
      `cifar10: ${dir} holds CIFAR-10 binary files but not data_batch_3.bin (the train split is data_batch_1…data_batch_5.bin)`,
    );
    const test = await open10({ path: dir, split: 'test' });
    expect([test.info.classNames, test.source.files]).toEqual([CIFAR10_CLASSES, [join(dir, 'test_batch.bin')]]);
  });

  it('refuse a batch that would run code, naming the global and the file', async () => {
    const dir = copyFixture('cifar-100-python');
    copyFileSync(join(FIXTURES, 'evil_batch'), join(dir, 'test'));
    await expect(open100({ path: dir, split: 'test' })).rejects.toThrow(`${join(dir, 'test')}: refuses the global posix.system`);
  });

  it('name a truncated python batch and a binary file with a partial record', async () => {
    const py = copyFixture('cifar-10-batches-py');
    const file = join(py, 'test_batch');
    writeFileSync(file, readFileSync(file).subarray(0, 5000));
    await expect(open10({ path: py, split: 'test' })).rejects.toThrow(`${file}: truncated: needs 9216 more bytes`);
    const bin = copyFixture('cifar-100-binary');
    const train = join(bin, 'train.bin');
    writeFileSync(train, readFileSync(train).subarray(0, 9000));
    await expect(open100({ path: bin })).rejects.toThrow(
      `${train}: 9000 bytes is not a whole number of 3074-byte CIFAR-100 records (coarse byte + fine byte + 3072 pixel bytes): 2 records and 2852 bytes over`,
    );
  });
});

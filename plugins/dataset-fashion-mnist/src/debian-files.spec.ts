// The real Fashion-MNIST files of Debian's dataset-fashion-mnist package, when installed. The
// bootstrap installs them, so in CI (CI=true) their absence is a failure, not a skip.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEBIAN_FASHION_MNIST_DIR, fashionMnistProvider } from './mnist.ts';
import type { MnistDataset } from './mnist-dataset.ts';
import { loadMnistSplit } from './mnist-files.ts';

const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
// FASHION_MNIST_SPEC_DIR points the spec elsewhere (e.g. at an empty directory, to see the skip).
const DIR = process.env['FASHION_MNIST_SPEC_DIR'] ?? DEBIAN_FASHION_MNIST_DIR;
const missing = FILES.filter((f) => !existsSync(join(DIR, f)));
const inCi = process.env['CI'] === 'true';

/** Fails under CI, skips with the reason elsewhere, when the package is not installed. */
function requireFiles(skip: (note: string) => void): void {
  if (missing.length === 0) return;
  const reason = `${missing.join(', ')} missing from ${DIR}: apt-get install dataset-fashion-mnist`;
  if (inCi) throw new Error(`CI=true but ${reason}`);
  skip(reason);
}

const classCounts = (labels: Uint8Array): number[] => {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l]! += 1;
  return counts;
};

describe("Debian's Fashion-MNIST files", () => {
  it('hold 60000 train and 10000 test 28×28 images, balanced over labels 0..9', async (ctx) => {
    requireFiles((note) => ctx.skip(note));
    const train = await loadMnistSplit('fashion-mnist', DIR, 'train', 10, '');
    const test = await loadMnistSplit('fashion-mnist', DIR, 'test', 10, '');
    expect([train.count, train.height, train.width, test.count, test.height, test.width]).toEqual([60000, 28, 28, 10000, 28, 28]);
    expect(classCounts(train.labels)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test.labels)).toEqual(new Array(10).fill(1000));
    // The statistics behind the 'fashion-mnist' Normalize preset: mean and std of train pixels in [0, 1].
    const histogram = new Float64Array(256);
    for (const p of train.images) histogram[p]! += 1;
    const moment = (k: number): number => histogram.reduce((acc, n, p) => acc + n * (p / 255) ** k, 0) / train.images.length;
    expect(moment(1)).toBeCloseTo(0.286, 3);
    expect(Math.sqrt(moment(2) - moment(1) ** 2)).toBeCloseTo(0.353, 3);
  });

  it('load through the provider with its defaults', async (ctx) => {
    requireFiles((note) => ctx.skip(note));
    const options = DIR === DEBIAN_FASHION_MNIST_DIR ? {} : { path: DIR };
    const test = (await fashionMnistProvider.create({ split: 'test', ...options }, { seed: 0 })) as MnistDataset;
    expect([test.size, test.info.fields, test.info.classNames![9]]).toEqual([10000, { image: [1, 28, 28], label: [] }, 'Ankle boot']);
    expect((test.get(0) as { label: number }).label).toBe(9); // the test set opens with an ankle boot
  });
});

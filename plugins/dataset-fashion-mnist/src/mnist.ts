// The `fashion-mnist` and `mnist` datasets: options read from a run config, the split loaded from
// IDX files, then subset, augmentation (train split only) and normalisation set up.
// Fashion-MNIST: https://arxiv.org/abs/1708.07747 (Xiao, Rasul, Vollgraf 2017).
import { readOptions, type CreateContext, type DatasetConfig, type DatasetProvider } from '@crossmodal/core';
import {
  Compose, datasetTransforms, Normalize, normalizeOption, randomSubset, RandomCrop, RandomHorizontalFlip, splitUserTransforms,
  type ImageTransform, type NormalizePreset,
} from '@crossmodal/data';
import { fmix32 } from '@crossmodal/tensor';
import { MnistDataset } from './mnist-dataset.ts';
import { loadMnistSplit, SPLITS, type Split } from './mnist-files.ts';

/** Where Debian's `dataset-fashion-mnist` package installs the gzipped IDX files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's classes, in label order (Zalando's names, as torchvision spells them). */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

/** MNIST's classes: the digits. */
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** Options of the `fashion-mnist` and `mnist` datasets. */
export interface MnistConfig {
  /** `train` (60000 examples) or `test` (10000); default `train`. */
  readonly split?: Split;
  /** Directory of the IDX files (gzipped or not); `fashion-mnist` defaults to Debian's, `mnist` needs one. */
  readonly path?: string;
  /** Keep only `limit` examples (a subset for short runs). */
  readonly limit?: number;
  /** Which `limit` examples: the first ones (default) or a seeded random subset, kept in file order. */
  readonly subset?: 'first' | 'random';
  /** Seed of the random subset and of the augmentation (default: the run's seed). */
  readonly seed?: number;
  /** Random crop with padding (+ horizontal flip for Fashion-MNIST) on the train split; default false. */
  readonly augment?: boolean;
  /** Normalise with the dataset's mean/std (true, the default), not at all (false: pixels in [0, 1]) or a preset's. */
  readonly normalize?: boolean | NormalizePreset;
  /**
   * Transforms applied first, to both splits (specs as `composeFromSpecs` reads them), on [0, 1]
   * pixels; `random-erasing` entries (which must end the list) run after the `augment` crop and
   * flip instead, as timm erases the final crop, but still before the dataset's normalisation, so
   * they paint [0, 1] values ('random': uniform [0, 1)). A `normalize` entry needs `normalize: false`.
   */
  readonly transforms?: readonly unknown[];
}

/** What distinguishes the two datasets. */
interface MnistVariant {
  readonly name: 'fashion-mnist' | 'mnist';
  readonly defaultPath: string | undefined;
  /** How to get the files, ending the message when they are missing. */
  readonly hint: string;
  readonly classNames: readonly string[];
  readonly stats: NormalizePreset;
  /** The `augment: true` transforms. */
  readonly augmentation: () => ImageTransform[];
}

const FASHION_MNIST: MnistVariant = {
  name: 'fashion-mnist',
  defaultPath: DEBIAN_FASHION_MNIST_DIR,
  hint: "install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) or set path to a directory holding the IDX files",
  classNames: FASHION_MNIST_CLASSES,
  stats: 'fashion-mnist',
  // Shifts of up to ±4 pixels and mirroring: garments are left-right symmetric classes.
  augmentation: () => [new RandomCrop(undefined, { padding: 4 }), new RandomHorizontalFlip(0.5)],
};

const MNIST: MnistVariant = {
  name: 'mnist',
  defaultPath: undefined,
  hint: 'set path to a directory holding the MNIST IDX files',
  classNames: MNIST_CLASSES,
  stats: 'mnist',
  // NOTE: no flip: a mirrored digit is another glyph (or none). Shifts of ±2 keep the digit whole.
  augmentation: () => [new RandomCrop(undefined, { padding: 2 })],
};

const KNOWN = ['split', 'path', 'limit', 'subset', 'seed', 'augment', 'normalize', 'transforms'];
/** Per-purpose salts: the subset and the augmentation draw from unrelated streams of one seed. */
const SALT = { subset: 0x2545f491, augment: 0x9e3779b9, test: 0x85ebca6b } as const;



/** Reads the options, loads the split and builds the dataset (the provider's `create`). */
async function makeMnist(variant: MnistVariant, config: DatasetConfig, context: CreateContext): Promise<MnistDataset> {
  const { name } = variant;
  const o = readOptions(name, { ...config }, KNOWN);
  const split = o.oneOf('split', 'train', SPLITS);
  const path = o.string('path', variant.defaultPath);
  if (path === undefined) throw new RangeError(`${name}: path is required: the directory holding the IDX files (train-images-idx3-ubyte.gz…)`);
  const limit = config.limit === undefined ? undefined : o.int('limit', undefined, 1);
  const subset = o.oneOf('subset', 'first', ['first', 'random']);
  const seed = o.int('seed', context.seed, 0);
  if (config['augment'] !== undefined && typeof config['augment'] !== 'boolean') {
    throw new RangeError(`${name}: augment must be true or false, got ${JSON.stringify(config['augment'])}`);
  }
  const stats = normalizeOption(name, config['normalize'], variant.stats);
  // Built before reading 50 MB so that a config typo fails at once.
  const user = splitUserTransforms(datasetTransforms(name, config['transforms'], stats !== undefined), name);
  // Without `augment`, before + after is the user's list in its own order (e.g. flip, then erasing).
  const transform = new Compose([
    ...user.before,
    ...(config['augment'] === true && split === 'train' ? variant.augmentation() : []),
    // Random Erasing last, on the final crop (so the crop cannot shift or cut the box), before Normalize.
    ...user.after,
    ...(stats ? [new Normalize(stats)] : []),
  ]);
  const arrays = await loadMnistSplit(name, path, split, variant.classNames.length, variant.hint);
  const splitSeed = split === 'train' ? seed >>> 0 : (seed ^ SALT.test) >>> 0;
  const indices =
    limit === undefined || limit >= arrays.count
      ? undefined
      : subset === 'random'
        ? randomSubset(arrays.count, limit, fmix32((splitSeed ^ SALT.subset) >>> 0))
        : Int32Array.from({ length: limit }, (_, i) => i);
  return new MnistDataset(arrays, {
    name,
    classNames: variant.classNames,
    transform,
    seed: fmix32((splitSeed ^ SALT.augment) >>> 0),
    ...(indices ? { indices } : {}),
  });
}

const provider = (variant: MnistVariant, description: string): DatasetProvider => ({
  name: variant.name,
  description,
  paper: variant.name === 'fashion-mnist' ? 'https://arxiv.org/abs/1708.07747' : 'http://yann.lecun.com/exdb/mnist/',
  create: (config, context) => makeMnist(variant, config, context),
});

/** The `fashion-mnist` provider: Zalando's 28×28 garments, from Debian's files by default. */
export const fashionMnistProvider: DatasetProvider = provider(
  FASHION_MNIST,
  `Fashion-MNIST (image [1, 28, 28], label = garment, 10 classes); IDX files from path (default ${DEBIAN_FASHION_MNIST_DIR})`,
);

/** The `mnist` provider: LeCun's handwritten digits, from IDX files at a path. */
export const mnistProvider: DatasetProvider = provider(
  MNIST,
  'MNIST digits (image [1, 28, 28], label = digit); IDX files from path (required)',
);

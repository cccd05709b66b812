// The `cifar10` and `cifar100` datasets: options read from a run config, the split loaded from the
// python or binary files, then subset, augmentation (train split only) and normalisation set up.
// Krizhevsky 2009, "Learning Multiple Layers of Features from Tiny Images": https://www.cs.toronto.edu/~kriz/cifar.html
import { readOptions, type CreateContext, type DatasetConfig, type DatasetProvider } from '@crossmodal/core';
import {
  Compose, datasetTransforms, Normalize, normalizeOption, randomSubset, RandomCrop, RandomHorizontalFlip, splitUserTransforms,
  type NormalizePreset,
} from '@crossmodal/data';
import { fmix32 } from '@crossmodal/tensor';
import { CifarDataset } from './cifar-dataset.ts';
import { loadCifarSplit, type FormatChoice } from './cifar-files.ts';
import { CIFAR10_LAYOUT, CIFAR100_LAYOUT, SPLITS, type CifarLayout, type LabelKind } from './cifar-layout.ts';

/** Options of the `cifar10` and `cifar100` datasets. */
export interface CifarConfig {
  /** `train` (50000 examples) or `test` (10000); default `train`. */
  readonly split?: 'train' | 'test';
  /** Required: the unpacked directory (`cifar-10-batches-py`…) or the directory holding it. */
  readonly path: string;
  /** `auto` (default: python if its files are there, else binary), `python` or `binary`. */
  readonly format?: FormatChoice;
  /** CIFAR-100 only: `fine` (100 classes, the default) or `coarse` (20 superclasses). */
  readonly labels?: 'fine' | 'coarse';
  /** Keep only `limit` examples (a subset for short runs). */
  readonly limit?: number;
  /** Which `limit` examples: the first ones (default) or a seeded random subset, kept in file order. */
  readonly subset?: 'first' | 'random';
  /** Seed of the random subset and of the augmentation (default: the run's seed). */
  readonly seed?: number;
  /** Random crop 32 after zero-padding 4 + horizontal flip on the train split; default false. */
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

const COMMON = ['split', 'path', 'format', 'limit', 'subset', 'seed', 'augment', 'normalize', 'transforms'];
/** Per-purpose salts: the subset and the augmentation draw from unrelated streams of one seed. */
const SALT = { subset: 0x2545f491, augment: 0x9e3779b9, test: 0x85ebca6b } as const;



/** Reads the options, loads the split and builds the dataset (the provider's `create`). */
async function makeCifar(layout: CifarLayout, config: DatasetConfig, context: CreateContext): Promise<CifarDataset> {
  const { name } = layout;
  const multi = layout.labelSets.length > 1;
  const o = readOptions(name, { ...config }, multi ? [...COMMON, 'labels'] : COMMON);
  const split = o.oneOf('split', 'train', SPLITS);
  const path = o.string('path', undefined);
  if (path === undefined) {
    throw new RangeError(`${name}: path is required: the unpacked ${layout.title} directory (${layout.python.dir} or ${layout.binary.dir}) or the directory holding it`);
  }
  const format = o.oneOf('format', 'auto', ['auto', 'python', 'binary'] as const);
  const labels: LabelKind = multi ? o.oneOf('labels', 'fine', ['fine', 'coarse'] as const) : 'label';
  const limit = config.limit === undefined ? undefined : o.int('limit', undefined, 1);
  const subset = o.oneOf('subset', 'first', ['first', 'random'] as const);
  const seed = o.int('seed', context.seed, 0);
  if (config['augment'] !== undefined && typeof config['augment'] !== 'boolean') {
    throw new RangeError(`${name}: augment must be true or false, got ${JSON.stringify(config['augment'])}`);
  }
  const stats = normalizeOption(name, config['normalize'], name);
  // Built before reading 180 MB so that a config typo fails at once.
  const user = splitUserTransforms(datasetTransforms(name, config['transforms'], stats !== undefined), name);
  const transform = new Compose([
    ...user.before,
    // torchvision's CIFAR recipe: RandomCrop(32, padding=4) + RandomHorizontalFlip(), on the image's own size.
    ...(config['augment'] === true && split === 'train' ? [new RandomCrop(undefined, { padding: 4 }), new RandomHorizontalFlip(0.5)] : []),
    // Random Erasing last, on the final crop (so the crop cannot shift or cut the box), before Normalize.
    ...user.after,
    ...(stats ? [new Normalize(stats)] : []),
  ]);
  const arrays = await loadCifarSplit(layout, path, split, format);
  const splitSeed = split === 'train' ? seed >>> 0 : (seed ^ SALT.test) >>> 0;
  const indices =
    limit === undefined || limit >= arrays.count
      ? undefined
      : subset === 'random'
        ? randomSubset(arrays.count, limit, fmix32((splitSeed ^ SALT.subset) >>> 0))
        : Int32Array.from({ length: limit }, (_, i) => i);
  return new CifarDataset(arrays, {
    name,
    labels,
    transform,
    seed: fmix32((splitSeed ^ SALT.augment) >>> 0),
    ...(indices ? { indices } : {}),
  });
}

const PAPER = 'https://www.cs.toronto.edu/~kriz/learning-features-2009-TR.pdf';

/** The `cifar10` provider: 60000 32×32 colour images in 10 classes, python or binary files at a path. */
export const cifar10Provider: DatasetProvider = {
  name: 'cifar10',
  description: 'CIFAR-10 (image [3, 32, 32], label = class, 10 classes); python or binary batches from path (required)',
  paper: PAPER,
  create: (config, context) => makeCifar(CIFAR10_LAYOUT, config, context),
};

/** The `cifar100` provider: 60000 32×32 colour images, 100 fine classes in 20 superclasses. */
export const cifar100Provider: DatasetProvider = {
  name: 'cifar100',
  description: 'CIFAR-100 (image [3, 32, 32], label = fine class of 100, or coarse of 20 with labels: coarse); python or binary files from path (required)',
  paper: PAPER,
  create: (config, context) => makeCifar(CIFAR100_LAYOUT, config, context),
};

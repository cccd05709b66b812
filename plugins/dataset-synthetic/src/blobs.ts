// Gaussian blobs in F dimensions (scikit-learn's make_blobs): a linearly separable sanity task
// whose size and dimension are free, for pipeline tests and throughput runs.
import type { CreateContext, DatasetConfig, DatasetProvider } from '@crossmodal/core';
import { Generator } from '@crossmodal/tensor';
import { readOptions } from '@crossmodal/core';
import { readLimit, SPLITS, splitSeed, TableDataset } from './table-dataset.ts';

/** Options of the `blobs` dataset. */
export interface BlobsConfig {
  /** Number of blobs, one class each (default 3). */
  readonly classes?: number;
  /** F, the feature dimension (default 2). */
  readonly dim?: number;
  /** Points per blob (default 100). */
  readonly perClass?: number;
  /** Std of each blob (default 1). */
  readonly std?: number;
  /** Centres are uniform in [−centerBox, centerBox]^F (default 10). */
  readonly centerBox?: number;
  /** `train` or `test`: the same centres, independent points (default `train`). */
  readonly split?: 'train' | 'test';
  /** Seed of centres and points (default: the run's seed). */
  readonly seed?: number;
  /** Keep only the first `limit` examples. */
  readonly limit?: number;
}

/**
 * Makes the blobs. The centres come from the seed alone, so both splits share them; the points
 * come from the split's own stream. Examples interleave the classes, like `spirals`.
 */
export function makeBlobs(config: BlobsConfig | DatasetConfig, context: CreateContext): TableDataset {
  const o = readOptions('blobs', { ...config }, ['classes', 'dim', 'perClass', 'std', 'centerBox', 'split', 'seed', 'limit']);
  const classes = o.int('classes', 3, 2);
  const dim = o.int('dim', 2, 1);
  const perClass = o.int('perClass', 100, 1);
  const std = o.number('std', 1, 0);
  const box = o.number('centerBox', 10, 0);
  const split = o.oneOf('split', 'train', SPLITS);
  const seed = o.int('seed', context.seed, 0);
  const centerGen = new Generator(seed);
  const centers = Float32Array.from({ length: classes * dim }, () => (2 * centerGen.uniform() - 1) * box); // [C, F]
  const gen = new Generator(splitSeed(seed, split));
  const n = classes * perClass;
  const features = new Float32Array(n * dim); // [n, F]
  const labels = new Int32Array(n); // [n]
  for (let k = 0; k < n; k++) {
    const c = k % classes;
    for (let f = 0; f < dim; f++) features[k * dim + f] = centers[c * dim + f]! + std * gen.normal();
    labels[k] = c;
  }
  const classNames = Array.from({ length: classes }, (_, c) => `blob-${c}`);
  return new TableDataset('blobs', features, labels, classNames, readLimit('blobs', config.limit));
}

/** The `blobs` provider: fields `features` [F] float32 and `label` (the blob). */
export const blobsProvider: DatasetProvider = {
  name: 'blobs',
  description: 'Gaussian blobs in F dimensions (features [F], label = blob); centres shared across splits',
  create: (config: DatasetConfig, context: CreateContext) => makeBlobs(config, context),
};

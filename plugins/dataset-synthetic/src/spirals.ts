// k-arm spirals (the cs231n toy problem): points on interleaved arms in the plane, a task no
// linear model solves, small enough to train an MLP on the CPU oracle in seconds.
import type { CreateContext, DatasetConfig, DatasetProvider } from '@crossmodal/core';
import { Generator } from '@crossmodal/tensor';
import { readOptions } from '@crossmodal/core';
import { readLimit, SPLITS, splitSeed, TableDataset } from './table-dataset.ts';

/** Options of the `spirals` dataset. */
export interface SpiralsConfig {
  /** Number of arms, one class each (default 3). */
  readonly arms?: number;
  /** Points per arm (default 100). */
  readonly perClass?: number;
  /** Std of the Gaussian noise on each point's angle, in radians (default 0.2). */
  readonly noise?: number;
  /** `train` or `test`: the same arms with independent noise (default `train`). */
  readonly split?: 'train' | 'test';
  /** Seed of the noise (default: the run's seed). */
  readonly seed?: number;
  /** Keep only the first `limit` examples. */
  readonly limit?: number;
}

/**
 * Makes the spirals. Point i of arm c (r = (i+1)/perClass) sits at angle
 * t = c·2π/arms + 4r + noise·ε, ε ~ N(0, 1), at (r·sin t, r·cos t). Examples interleave the arms
 * (example k is arm k mod arms), so any prefix (`limit`) stays balanced.
 */
export function makeSpirals(config: SpiralsConfig | DatasetConfig, context: CreateContext): TableDataset {
  const o = readOptions('spirals', { ...config }, ['arms', 'perClass', 'noise', 'split', 'seed', 'limit']);
  const arms = o.int('arms', 3, 2);
  const perClass = o.int('perClass', 100, 1);
  const noise = o.number('noise', 0.2, 0);
  const split = o.oneOf('split', 'train', SPLITS);
  const seed = o.int('seed', context.seed, 0);
  const gen = new Generator(splitSeed(seed, split));
  const n = arms * perClass;
  const features = new Float32Array(n * 2); // [n, 2]
  const labels = new Int32Array(n); // [n]
  for (let k = 0; k < n; k++) {
    const c = k % arms;
    const r = (Math.floor(k / arms) + 1) / perClass;
    const t = (c * 2 * Math.PI) / arms + 4 * r + noise * gen.normal();
    features[2 * k] = r * Math.sin(t);
    features[2 * k + 1] = r * Math.cos(t);
    labels[k] = c;
  }
  const classNames = Array.from({ length: arms }, (_, c) => `arm-${c}`);
  return new TableDataset('spirals', features, labels, classNames, readLimit('spirals', config.limit));
}

/** The `spirals` provider: fields `features` [2] float32 and `label` (the arm). */
export const spiralsProvider: DatasetProvider = {
  name: 'spirals',
  description: 'k-arm spirals in the plane (features [2], label = arm); train/test differ in noise',
  create: (config: DatasetConfig, context: CreateContext) => makeSpirals(config, context),
};

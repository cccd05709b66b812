// The Dataset contract: examples by index, deterministic under a seed; a DataLoader batches them.
import type { Example } from './batch.ts';
import type { NamedProvider } from './provider.ts';

/** What a dataset knows about itself (for heads, metrics and reports). */
export interface DatasetInfo {
  /** Number of classes or answers, when it is a classification task. */
  readonly numClasses?: number;
  /** Human-readable class names, index-aligned. */
  readonly classNames?: readonly string[];
  /** Field names and shapes of one example (e.g. `{ image: [1, 28, 28], label: [] }`). */
  readonly fields?: { readonly [field: string]: readonly number[] };
}

/** A finite, indexable dataset. The same index always yields the same example. */
export interface Dataset {
  /** Number of examples. */
  readonly size: number;
  /** What the examples hold. */
  readonly info: DatasetInfo;
  /** Example `index` (0 ≤ index < size); may be async when it reads files. */
  get(index: number): Example | Promise<Example>;
  /** Called by the loader before each epoch's first read, so per-example augmentation can be seeded by (seed, epoch, index). */
  setEpoch?(epoch: number): void;
  /** Releases what it holds open (files, region stores); a run calls it once when it ends, whatever the outcome. */
  close?(): void | Promise<void>;
}

/** Config every dataset understands, plus its own options. */
export interface DatasetConfig {
  /** Which split: `train`, `test`, `val`… (each dataset lists its own). */
  readonly split?: string;
  /** Use only the first `limit` examples (a subset for quick runs). */
  readonly limit?: number;
  readonly [option: string]: unknown;
}

/** A named factory of datasets. */
export type DatasetProvider = NamedProvider<Dataset | Promise<Dataset>, DatasetConfig>;

// A dataset held as two host arrays, features [n, F] and labels [n]: what both synthetic sets
// produce, and cheap enough to make eagerly (a few thousand floats).
import type { Dataset, DatasetInfo, Example } from '@crossmodal/core';
import { fmix32 } from '@crossmodal/tensor';

/** The splits a synthetic dataset offers; each draws its noise from its own stream. */
export const SPLITS = ['train', 'test'] as const;
/** One of {@link SPLITS}. */
export type Split = (typeof SPLITS)[number];

/** Per-split salts: the same seed gives different, reproducible noise for train and test. */
const SPLIT_SALT: Readonly<Record<Split, number>> = { train: 0x9e3779b9, test: 0x85ebca6b };

/** The seed of one split's stream under a dataset seed. */
export const splitSeed = (seed: number, split: Split): number => fmix32((seed >>> 0) ^ SPLIT_SALT[split]);

/**
 * Examples `{ features: [F] float32, label: number }` by index, from arrays made up front.
 * `get` returns a copy of the row, so a consumer cannot change the dataset.
 */
export class TableDataset implements Dataset {
  readonly size: number;
  readonly info: DatasetInfo;
  readonly #features: Float32Array; // [n, F]
  readonly #labels: Int32Array; // [n]
  readonly #dim: number;

  constructor(
    /** The registry name, for error messages. */
    readonly name: string,
    features: Float32Array,
    labels: Int32Array,
    classNames: readonly string[],
    /** Keep only the first `limit` examples. */
    limit?: number,
  ) {
    this.#dim = features.length / labels.length;
    this.#features = features;
    this.#labels = labels;
    this.size = limit === undefined ? labels.length : Math.min(limit, labels.length);
    this.info = { numClasses: classNames.length, classNames, fields: { features: [this.#dim], label: [] } };
  }

  /** Example `index`: its feature row and its class. */
  get(index: number): Example {
    if (!(Number.isInteger(index) && index >= 0 && index < this.size)) {
      throw new RangeError(`${this.name}: index must be an integer in [0, ${this.size}), got ${index}`);
    }
    const row = this.#features.slice(index * this.#dim, (index + 1) * this.#dim);
    return { features: { data: row, shape: [this.#dim] }, label: this.#labels[index]! };
  }
}

/** `limit` from a dataset config: absent, or an integer ≥ 1. */
export function readLimit(owner: string, limit: unknown): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`${owner}: limit must be an integer ≥ 1, got ${JSON.stringify(limit)}`);
  }
  return limit;
}

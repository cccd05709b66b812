// The DataLoader: seeded shuffling, batching, drop-last, mid-epoch resume and a bounded read-ahead
// so that reading (and decoding) the next batches overlaps the training step on the current one.
import type { Backend } from '@crossmodal/tensor';
import { collate as defaultCollate, collateHost, uploadBatch, type CollateFn, type HostBatch } from './collate.ts';
import { epochOrder } from './shuffle.ts';
import type { Batch, Example, IndexedDataset } from './types.ts';

/** Where a batch sits in the run, for a batch transform that draws random numbers per batch. */
export interface BatchTransformContext {
  /** The epoch being read. */
  readonly epoch: number;
  /** The batch's index in its epoch (the same on a run resumed with `startBatch`). */
  readonly batch: number;
  /** The dataset indices of its examples. */
  readonly indices: readonly number[];
}

/**
 * Rewrites a host batch between collation and upload (e.g. `Mixup`); it may return new fields.
 * It must be a pure function of the batch and the context, so a resumed run repeats it exactly.
 */
export type BatchTransform = (batch: HostBatch, context: BatchTransformContext) => HostBatch;

/** Options of a DataLoader. */
export interface DataLoaderOptions {
  /** Examples per batch (a positive integer). */
  readonly batchSize: number;
  /** Visit examples in a seeded random order that changes every epoch (default false). */
  readonly shuffle?: boolean;
  /** Seed of the shuffled orders, an integer in [0, 2^32) (default 0): epoch e's order depends on (seed, e) only. */
  readonly seed?: number;
  /** Skip the last batch of an epoch when it would be smaller than batchSize (default false). */
  readonly dropLast?: boolean;
  /** The backend the batch tensors go on; the engine default when absent. */
  readonly backend?: Backend;
  /** Turns examples into a batch; the default stacks every field (see `collate`). */
  readonly collate?: CollateFn;
  /** Batches read ahead while the consumer works on the current one (default 2; 0 reads on demand). */
  readonly prefetch?: number;
  /** Rewrites each host batch before upload (Mixup/CutMix); works with the default collate only. */
  readonly batchTransform?: BatchTransform;
  /** Number fields collated as float32 (the rest must be integers, collated as int32; see `collate`). */
  readonly floatFields?: readonly string[];
}

/** Options of one pass over the data. */
export interface EpochOptions {
  /** Skip the first `startBatch` batches of the epoch (resuming mid-epoch); they are not read. */
  readonly startBatch?: number;
}

const positiveInt = (what: string, v: number): void => {
  if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`DataLoader: ${what} must be a positive integer, got ${v}`);
};
const noop = (): void => undefined;

/**
 * Batches a dataset. Each batch's tensors belong to the consumer, who must dispose them (e.g. with
 * `disposeBatch`) once the step is done; batches read ahead but never yielded (the consumer broke
 * out of the loop, or a read failed) are disposed by the loader.
 * @example
 * const loader = new DataLoader(dataset, { batchSize: 32, shuffle: true, seed: 7 });
 * for await (const batch of loader.epoch(0)) {
 *   try { trainStep(batch); } finally { disposeBatch(batch); }
 * }
 */
export class DataLoader {
  readonly #dataset: IndexedDataset;
  readonly #options: Required<Omit<DataLoaderOptions, 'backend' | 'batchTransform'>> & { backend?: Backend; batchTransform?: BatchTransform };

  constructor(dataset: IndexedDataset, options: DataLoaderOptions) {
    positiveInt('batchSize', options.batchSize);
    const prefetch = options.prefetch ?? 2;
    if (!(Number.isInteger(prefetch) && prefetch >= 0)) throw new RangeError(`DataLoader: prefetch must be an integer >= 0, got ${prefetch}`);
    const seed = options.seed ?? 0;
    // epochSeed reads the seed as 32 bits: 2^32 would silently be seed 0, 1.5 seed 1, NaN seed 0.
    if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new RangeError(`DataLoader: seed must be an integer in [0, 2^32), got ${seed}`);
    if (!(Number.isInteger(dataset.size) && dataset.size >= 0)) throw new RangeError(`DataLoader: dataset.size must be an integer >= 0, got ${dataset.size}`);
    // A custom collate returns tensors, so there would be no host batch to transform.
    if (options.batchTransform && options.collate) throw new TypeError('DataLoader: batchTransform works on the default collate\'s host batch; pass a custom collate or a batchTransform, not both');
    this.#dataset = dataset;
    this.#options = {
      batchSize: options.batchSize,
      shuffle: options.shuffle ?? false,
      seed,
      dropLast: options.dropLast ?? false,
      collate: options.collate ?? defaultCollate,
      prefetch,
      floatFields: [...(options.floatFields ?? [])],
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.batchTransform ? { batchTransform: options.batchTransform } : {}),
    };
  }

  /** The dataset's size. */
  get size(): number {
    return this.#dataset.size;
  }

  /** Examples per batch. */
  get batchSize(): number {
    return this.#options.batchSize;
  }

  /** Batches in one epoch: ⌊size / batchSize⌋ with dropLast, else ⌈size / batchSize⌉. */
  get batchesPerEpoch(): number {
    const { batchSize, dropLast } = this.#options;
    return dropLast ? Math.floor(this.size / batchSize) : Math.ceil(this.size / batchSize);
  }

  /** The dataset indices epoch `epoch` visits, in order (a pure function of seed and epoch). */
  order(epoch: number): Int32Array {
    return epochOrder(this.size, { seed: this.#options.seed, epoch, shuffle: this.#options.shuffle });
  }

  /** The dataset indices of batch `batch` of epoch `epoch`. */
  batchIndices(epoch: number, batch: number): number[] {
    return Array.from(this.#slice(this.order(epoch), batch));
  }

  /**
   * One pass over the data: `for await (const batch of loader.epoch(e, { startBatch }))`.
   * Up to `prefetch` batches are read ahead while the consumer holds the current one.
   */
  async *epoch(epoch: number, { startBatch = 0 }: EpochOptions = {}): AsyncGenerator<Batch, void, undefined> {
    const total = this.batchesPerEpoch;
    if (!(Number.isInteger(startBatch) && startBatch >= 0 && startBatch <= total)) {
      throw new RangeError(`DataLoader.epoch: startBatch must be an integer in [0, ${total}] (batches per epoch), got ${startBatch}`);
    }
    const order = this.order(epoch);
    this.#dataset.setEpoch?.(epoch);
    const pending: Promise<Batch>[] = [];
    let next = startBatch;
    const readAhead = (depth: number): void => {
      while (pending.length < depth && next < total) {
        const p = this.#load(order, epoch, next++);
        p.catch(noop); // observed when awaited; this only keeps an unawaited failure from going unhandled
        pending.push(p);
      }
    };
    try {
      while (next < total || pending.length > 0) {
        readAhead(1);
        const batch = await pending.shift()!;
        readAhead(this.#options.prefetch); // start the next reads before the consumer's step runs
        yield batch;
      }
    } finally {
      // Read-ahead batches nobody will see (early exit or a failed read) are the loader's to free.
      for (const p of pending.splice(0)) p.then(disposeBatch, noop);
    }
  }

  #slice(order: Int32Array, batch: number): Int32Array {
    const start = batch * this.#options.batchSize;
    return order.subarray(start, Math.min(start + this.#options.batchSize, order.length));
  }

  async #load(order: Int32Array, epoch: number, batch: number): Promise<Batch> {
    const indices = Array.from(this.#slice(order, batch));
    const examples: Example[] = await Promise.all(indices.map((i) => this.#dataset.get(i)));
    const { collate, backend, batchTransform, floatFields } = this.#options;
    if (!batchTransform) return collate(examples, { indices, floatFields, ...(backend ? { backend } : {}) });
    return uploadBatch(batchTransform(collateHost(examples, { indices, floatFields }), { epoch, batch, indices }), backend);
  }
}

/** Disposes every tensor of a batch (the consumer's job once a step is done). */
export function disposeBatch(batch: Batch): void {
  for (const t of Object.values(batch)) t.dispose();
}

// The DataLoader: seeded shuffling, batching, drop-last, mid-epoch resume and a bounded read-ahead
// so that reading (and decoding) the next batches overlaps the training step on the current one.
import type { Backend } from '@crossmodal/tensor';
import { collate as defaultCollate, type CollateFn } from './collate.ts';
import { epochOrder } from './shuffle.ts';
import type { Batch, Example, IndexedDataset } from './types.ts';

/** Options of a DataLoader. */
export interface DataLoaderOptions {
  /** Examples per batch (a positive integer). */
  readonly batchSize: number;
  /** Visit examples in a seeded random order that changes every epoch (default false). */
  readonly shuffle?: boolean;
  /** Seed of the shuffled orders (default 0): epoch e's order depends on (seed, e) only. */
  readonly seed?: number;
  /** Skip the last batch of an epoch when it would be smaller than batchSize (default false). */
  readonly dropLast?: boolean;
  /** The backend the batch tensors go on; the engine default when absent. */
  readonly backend?: Backend;
  /** Turns examples into a batch; the default stacks every field (see `collate`). */
  readonly collate?: CollateFn;
  /** Batches read ahead while the consumer works on the current one (default 2; 0 reads on demand). */
  readonly prefetch?: number;
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
  readonly #options: Required<Omit<DataLoaderOptions, 'backend'>> & { backend?: Backend };

  constructor(dataset: IndexedDataset, options: DataLoaderOptions) {
    positiveInt('batchSize', options.batchSize);
    const prefetch = options.prefetch ?? 2;
    if (!(Number.isInteger(prefetch) && prefetch >= 0)) throw new RangeError(`DataLoader: prefetch must be an integer >= 0, got ${prefetch}`);
    if (!(Number.isInteger(dataset.size) && dataset.size >= 0)) throw new RangeError(`DataLoader: dataset.size must be an integer >= 0, got ${dataset.size}`);
    this.#dataset = dataset;
    this.#options = {
      batchSize: options.batchSize,
      shuffle: options.shuffle ?? false,
      seed: options.seed ?? 0,
      dropLast: options.dropLast ?? false,
      collate: options.collate ?? defaultCollate,
      prefetch,
      ...(options.backend ? { backend: options.backend } : {}),
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
        const p = this.#load(order, next++);
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

  async #load(order: Int32Array, batch: number): Promise<Batch> {
    const indices = Array.from(this.#slice(order, batch));
    const examples: Example[] = await Promise.all(indices.map((i) => this.#dataset.get(i)));
    const { collate, backend } = this.#options;
    return collate(examples, { indices, ...(backend ? { backend } : {}) });
  }
}

/** Disposes every tensor of a batch (the consumer's job once a step is done). */
export function disposeBatch(batch: Batch): void {
  for (const t of Object.values(batch)) t.dispose();
}

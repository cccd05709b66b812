// What a DataLoader reads and yields, declared structurally here so that `data` depends on
// `tensor` only: core's Dataset, Example and Batch contracts have exactly these shapes.
import type { Tensor, TypedArray } from '@crossmodal/tensor';

/** A host array with its shape: one field of one example, before batching. */
export interface HostTensor {
  /** The values, row-major; Float32Array for values, Int32Array for indices, labels and masks. */
  readonly data: TypedArray;
  /** The field's shape for one example (no batch axis). */
  readonly shape: readonly number[];
}

/** One example: named fields (`image`, `label`, `inputIds`…) as numbers or host arrays. */
export type Example = { readonly [field: string]: number | HostTensor };

/** A batch: every field stacked along a new leading axis B, as tensors. */
export type Batch = { readonly [field: string]: Tensor };

/**
 * A finite dataset read by index; core's `Dataset` contract satisfies it. The same index must
 * always yield the same example (the loader's determinism rests on it).
 */
export interface IndexedDataset {
  /** Number of examples. */
  readonly size: number;
  /** Example `index` (0 ≤ index < size); may be async when it reads files. */
  get(index: number): Example | Promise<Example>;
  /**
   * Called by the loader before each epoch's first read (PyTorch's `set_epoch`): a dataset with
   * random augmentation seeds each example's stream from (seed, epoch, index), so a run resumed
   * mid-epoch sees the same augmentations as an uninterrupted one.
   */
  setEpoch?(epoch: number): void;
}

// An MNIST-layout split as a Dataset: pixels kept as bytes (47 MB for Fashion-MNIST's train
// split), each example turned into a float [1, H, W] image in [0, 1] and run through the split's
// transforms in `get`, so the DataLoader's read-ahead does the augmentation while the device trains.
import type { Dataset, DatasetInfo, Example } from '@crossmodal/core';
import { Compose, ExampleGenerators, type ImageTensor } from '@crossmodal/data';
import type { MnistArrays } from './mnist-files.ts';

/** How a split becomes a dataset: which examples, which transforms, which seed. */
export interface MnistDatasetOptions {
  /** The registry name, for error messages. */
  readonly name: string;
  /** Class names, index-aligned with the labels. */
  readonly classNames: readonly string[];
  /** Which examples of the split, in order (all of them when absent). */
  readonly indices?: Int32Array;
  /** Applied to every [1, H, W] image in [0, 1]. */
  readonly transform: Compose;
  /** Seed of the per-example augmentation streams. */
  readonly seed: number;
}

/**
 * Examples `{ image: [1, H', W'] float32, label }`. With random transforms, read k of an index
 * draws from the stream (seed, k, index), or (seed, epoch, index) once `setEpoch` was called.
 */
export class MnistDataset implements Dataset {
  readonly size: number;
  readonly info: DatasetInfo;
  readonly #arrays: MnistArrays;
  readonly #options: MnistDatasetOptions;
  readonly #streams: ExampleGenerators;

  constructor(arrays: MnistArrays, options: MnistDatasetOptions) {
    this.#arrays = arrays;
    this.#options = options;
    this.size = options.indices?.length ?? arrays.count;
    this.#streams = new ExampleGenerators(options.seed, this.size);
    // Every transform here has an output size that does not depend on the draw, so one probe tells it.
    const probe = options.transform.apply({ data: new Float32Array(arrays.height * arrays.width), shape: [1, arrays.height, arrays.width] }, 0);
    this.info = { numClasses: options.classNames.length, classNames: options.classNames, fields: { image: probe.shape, label: [] } };
  }

  /** Fixes the epoch the augmentation draws for (PyTorch's `set_epoch`), making `get` pure per epoch. */
  setEpoch(epoch: number): void {
    this.#streams.setEpoch(epoch);
  }

  /** The file index of example `index` (they differ for a random subset). */
  sourceIndex(index: number): number {
    this.#check(index);
    return this.#options.indices ? this.#options.indices[index]! : index;
  }

  /** Example `index`: the transformed image and its class. */
  get(index: number): Example {
    const source = this.sourceIndex(index);
    const { height, width } = this.#arrays;
    const plane = height * width;
    const pixels = this.#arrays.images.subarray(source * plane, (source + 1) * plane);
    const data = new Float32Array(plane);
    for (let i = 0; i < plane; i++) data[i] = pixels[i]! / 255; // torchvision's ToTensor scaling
    const image: ImageTensor = { data, shape: [1, height, width] };
    const out = this.#options.transform.transforms.length === 0 ? image : this.#options.transform.apply(image, this.#streams.next(index));
    return { image: out, label: this.#arrays.labels[source]! };
  }

  #check(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.size)) {
      throw new RangeError(`${this.#options.name}: index must be an integer in [0, ${this.size}), got ${index}`);
    }
  }
}

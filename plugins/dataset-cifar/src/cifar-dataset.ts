// A CIFAR split as a Dataset: pixels kept as bytes (150 MB for CIFAR-10's train split), each example
// turned into a float [3, 32, 32] image in [0, 1] and run through the split's transforms in `get`,
// so the DataLoader's read-ahead does the augmentation while the device trains.
import type { Dataset, DatasetInfo, Example } from '@crossmodal/core';
import { Compose, ExampleGenerators, type ImageTensor } from '@crossmodal/data';
import { IMAGE_BYTES, type CifarArrays, type LabelKind } from './cifar-layout.ts';

/** How a split becomes a dataset: which examples, which labels, which transforms, which seed. */
export interface CifarDatasetOptions {
  /** The registry name, for error messages. */
  readonly name: string;
  /** The label set the examples carry (`label` for CIFAR-10, `fine` or `coarse` for CIFAR-100). */
  readonly labels: LabelKind;
  /** Which examples of the split, in order (all of them when absent). */
  readonly indices?: Int32Array;
  /** Applied to every [3, 32, 32] image in [0, 1]. */
  readonly transform: Compose;
  /** Seed of the per-example augmentation streams. */
  readonly seed: number;
}

/**
 * Examples `{ image: [3, H', W'] float32, label }`. With random transforms, read k of an index draws
 * from the stream (seed, k, index), or (seed, epoch, index) once `setEpoch` was called.
 */
export class CifarDataset implements Dataset {
  readonly size: number;
  readonly info: DatasetInfo;
  /** The format and files this split was read from. */
  readonly source: { readonly format: CifarArrays['format']; readonly files: readonly string[] };
  readonly #arrays: CifarArrays;
  readonly #labels: Uint8Array;
  readonly #options: CifarDatasetOptions;
  readonly #streams: ExampleGenerators;

  constructor(arrays: CifarArrays, options: CifarDatasetOptions) {
    const labels = arrays.labels[options.labels];
    const classNames = arrays.classNames[options.labels];
    if (!labels || !classNames) throw new RangeError(`${options.name}: the files hold no ${options.labels} labels`);
    this.#arrays = arrays;
    this.#labels = labels;
    this.#options = options;
    this.size = options.indices?.length ?? arrays.count;
    this.#streams = new ExampleGenerators(options.seed, this.size);
    this.source = { format: arrays.format, files: arrays.files };
    // Every transform here has an output size that does not depend on the draw, so one probe tells it.
    const probe = options.transform.apply({ data: new Float32Array(IMAGE_BYTES), shape: [3, 32, 32] }, 0);
    this.info = { numClasses: classNames.length, classNames, fields: { image: probe.shape, label: [] } };
  }

  /** Fixes the epoch the augmentation draws for (PyTorch's `set_epoch`), making `get` pure per epoch. */
  setEpoch(epoch: number): void {
    this.#streams.setEpoch(epoch);
  }

  /** The index in the split's files of example `index` (they differ for a subset). */
  sourceIndex(index: number): number {
    if (!(Number.isInteger(index) && index >= 0 && index < this.size)) {
      throw new RangeError(`${this.#options.name}: index must be an integer in [0, ${this.size}), got ${index}`);
    }
    return this.#options.indices ? this.#options.indices[index]! : index;
  }

  /** The untransformed pixels 0..255 of example `index`, [3, 32, 32] channel-major (a view). */
  pixels(index: number): Uint8Array {
    const source = this.sourceIndex(index);
    return this.#arrays.images.subarray(source * IMAGE_BYTES, (source + 1) * IMAGE_BYTES);
  }

  /** Example `index`: the transformed image and its class in the chosen label set. */
  get(index: number): Example {
    const pixels = this.pixels(index);
    const data = new Float32Array(IMAGE_BYTES);
    for (let i = 0; i < IMAGE_BYTES; i++) data[i] = pixels[i]! / 255; // torchvision's ToTensor scaling
    const image: ImageTensor = { data, shape: [3, 32, 32] };
    const out = this.#options.transform.transforms.length === 0 ? image : this.#options.transform.apply(image, this.#streams.next(index));
    return { image: out, label: this.#labels[this.sourceIndex(index)]! };
  }
}

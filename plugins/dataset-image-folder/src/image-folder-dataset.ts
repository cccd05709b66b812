// A listed image folder as a Dataset: files are read and decoded in `get` (so the DataLoader's
// read-ahead overlaps decoding with the training step), optionally cached as 8-bit pixels, scaled
// to [0, 1] and run through the split's transforms.
import type { Dataset, DatasetInfo, Example } from '@crossmodal/core';
import { ExampleGenerators, type Compose, type ImageTensor } from '@crossmodal/data';
import { Generator } from '@crossmodal/tensor';
import type { FolderListing } from './folder-scan.ts';
import { decodeImage, type DecodedImage, type ImageChannels } from './image-decode.ts';
import type { ImageFolderFiles } from './node-files.ts';

/** How a listing becomes a dataset. */
export interface ImageFolderDatasetOptions {
  /** The registry name, for error messages. */
  readonly name: string;
  /** Reads the files (`nodeFiles` on Node and Deno). */
  readonly files: ImageFolderFiles;
  /** Output channels: 1 gray, 3 RGB. */
  readonly channels: ImageChannels;
  /** Applied to every [C, H, W] image in [0, 1]. */
  readonly transform: Compose;
  /** Seed of the per-example augmentation streams. */
  readonly seed: number;
  /** Which files of the listing, in order (all of them when absent). */
  readonly indices?: Int32Array;
  /** Keep decoded pixels in memory (C·H·W bytes per image) after the first read. */
  readonly cache?: boolean;
}

/** The first example's file, size and transformed shape: what every other example must match. */
interface Reference {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly shape: readonly [number, number, number];
}

const toFloat = (img: DecodedImage): ImageTensor => {
  const data = new Float32Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = img.data[i]! / 255; // torchvision's ToTensor scaling
  return { data, shape: [img.channels, img.height, img.width] };
};

/**
 * Examples `{ image: [C, H', W'] float32, label }` read from files. With random transforms, read k
 * of an index draws from the stream (seed, k, index), or (seed, epoch, index) once `setEpoch` was
 * called. Build it with `ImageFolderDataset.open`, which decodes the first image to learn the shape.
 */
export class ImageFolderDataset implements Dataset {
  readonly size: number;
  readonly info: DatasetInfo;
  /** The listing the examples come from. */
  readonly listing: FolderListing;
  readonly #options: ImageFolderDatasetOptions;
  readonly #streams: ExampleGenerators;
  readonly #cache = new Map<number, DecodedImage>();
  readonly #reference: Reference;

  private constructor(listing: FolderListing, options: ImageFolderDatasetOptions, reference: Reference) {
    this.listing = listing;
    this.#options = options;
    this.#reference = reference;
    this.size = options.indices?.length ?? listing.files.length;
    this.#streams = new ExampleGenerators(options.seed, this.size);
    this.info = { numClasses: listing.classNames.length, classNames: listing.classNames, fields: { image: reference.shape, label: [] } };
  }

  /**
   * Decodes the first example's image (checking the file and the transforms before training
   * starts) and returns the dataset; nothing else is read until `get`.
   */
  static async open(listing: FolderListing, options: ImageFolderDatasetOptions): Promise<ImageFolderDataset> {
    const first = options.indices ? options.indices[0] : 0;
    if (first === undefined || listing.files[first] === undefined) throw new RangeError(`${options.name}: no examples to read`);
    const file = listing.files[first]!;
    const image = decodeImage(await options.files.read(file), options.channels, file);
    let shape: readonly number[];
    try {
      // A throwaway stream: the probe must not advance example 0's augmentation.
      shape = options.transform.apply(toFloat(image), new Generator(0)).shape;
    } catch (err) {
      if (err instanceof Error) err.message = `${options.name}: transforms fail on ${file} (${image.width}×${image.height}): ${err.message}`;
      throw err;
    }
    const reference: Reference = { file, width: image.width, height: image.height, shape: shape as [number, number, number] };
    const dataset = new ImageFolderDataset(listing, options, reference);
    if (options.cache) dataset.#cache.set(first, image);
    return dataset;
  }

  /** Fixes the epoch the augmentation draws for (PyTorch's `set_epoch`), making `get` pure per epoch. */
  setEpoch(epoch: number): void {
    this.#streams.setEpoch(epoch);
  }

  /** The listing index of example `index` (they differ for a subset). */
  sourceIndex(index: number): number {
    if (!(Number.isInteger(index) && index >= 0 && index < this.size)) {
      throw new RangeError(`${this.#options.name}: index must be an integer in [0, ${this.size}), got ${index}`);
    }
    return this.#options.indices ? this.#options.indices[index]! : index;
  }

  /** The file example `index` is read from. */
  file(index: number): string {
    return this.listing.files[this.sourceIndex(index)]!;
  }

  /** The decoded pixels of example `index`, before any transform ([C, H, W] bytes). */
  async decoded(index: number): Promise<DecodedImage> {
    const source = this.sourceIndex(index);
    const hit = this.#cache.get(source);
    if (hit !== undefined) return hit;
    const file = this.listing.files[source]!;
    const image = decodeImage(await this.#options.files.read(file), this.#options.channels, file);
    if (this.#options.cache) this.#cache.set(source, image);
    return image;
  }

  /** Example `index`: the transformed image and its class. */
  async get(index: number): Promise<Example> {
    // Drawn before the await, so concurrent reads (the loader's read-ahead) keep the per-index order.
    const source = this.sourceIndex(index);
    const gen = this.#streams.next(index);
    const image = await this.decoded(index);
    const { transform } = this.#options;
    const out = transform.transforms.length === 0 ? toFloat(image) : transform.apply(toFloat(image), gen);
    this.#checkShape(index, image, out.shape);
    return { image: out, label: this.listing.labels[source]! };
  }

  #checkShape(index: number, image: DecodedImage, shape: readonly number[]): void {
    const ref = this.#reference;
    if (shape.length === 3 && shape.every((d, i) => d === ref.shape[i])) return;
    const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;
    throw new RangeError(
      `${this.#options.name}: images differ in size: ${this.file(index)} is ${image.width}×${image.height} (→ ${fmt(shape)}) but ` +
        `${ref.file} is ${ref.width}×${ref.height} (→ ${fmt(ref.shape)}); set size (e.g. size: 224) to resize and crop every image to one size`,
    );
  }
}

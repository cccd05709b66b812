// The region-store contract: image id → that image's detector regions, whatever the file format.
// Dataset providers (VQA, RefCOCO) build a store through CreateContext.build(REGION_STORES, …) and read
// regions through it; a region-features plugin registers one provider per format (`lxmert-tsv`…).
import type { NamedProvider } from './provider.ts';

/** Image size in pixels. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** One image's N regions of D features, in the form every format is turned into. */
export interface RegionFeatures {
  /** The id the store holds the image under (e.g. `COCO_val2014_000000000042`, `391895`). */
  readonly imageId: string;
  /** The image's size, which the pixel boxes are relative to. */
  readonly imageSize: ImageSize;
  /** N. */
  readonly count: number;
  /** D. */
  readonly dim: number;
  /** [N, D] row-major. */
  readonly features: Float32Array;
  /** [N, 4] x1, y1, x2, y2 in pixels, as the file holds them. */
  readonly boxes: Float32Array;
  /** [N, 4] x1/w, y1/h, x2/w, y2/h, each in [0, 1]. */
  readonly normalizedBoxes: Float32Array;
  /** [N, 5] ViLBERT's locations: the normalised box and its area as a fraction of the image. */
  readonly locations: Float32Array;
  /** [N] detection confidence when the format has one (LXMERT's objects_conf); orders truncation. */
  readonly confidence?: Float32Array;
}

/** Image id → regions (features, pixel and normalised boxes, ViLBERT locations, image size). */
export interface RegionFeatureStore {
  /** The format it reads, e.g. `lxmert-tsv`, `mcan-npz`, `lmdb`. */
  readonly format: string;
  /** Every image id it holds. */
  ids(): readonly string[];
  /** True when it holds `imageId`. */
  has(imageId: string): boolean;
  /** The regions of `imageId`; rejects naming the store and the id when absent, or the file when malformed. */
  get(imageId: string): Promise<RegionFeatures>;
  /** Releases what it holds open (an LMDB file's descriptor); the dataset that built it calls it from its own `close`. */
  close?(): void | Promise<void>;
}

/** A region store's options as written in a config (`{ name: 'lxmert-tsv', path: …, globalRegion: true }` minus the name). */
export interface RegionStoreConfig {
  readonly [option: string]: unknown;
}

/** A named factory of region stores (opening one may read a whole file, so it may be async). */
export type RegionStoreProvider = NamedProvider<RegionFeatureStore | Promise<RegionFeatureStore>, RegionStoreConfig>;

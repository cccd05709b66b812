// The `region-features` store: image id → that image's regions, over any format. VQA and RefCOCO
// datasets read regions through it without knowing the file format (the interface is core's
// RegionFeatureStore). Pure; the Node adapter (node-io.ts) opens stores on files.
import type { RegionFeatureStore } from '@crossmodal/core';
import type { InflateRaw } from '@crossmodal/nn';
import { RegionFeatureError } from './errors.ts';
import type { LxmertRecord } from './lxmert-tsv.ts';
import { mcanRegions, readNpz, type McanOptions } from './npz.ts';
import { toRegionFeatures, withGlobalRegion, type BoxCheckOptions, type RegionFeatures } from './regions.ts';

export type { RegionFeatureStore } from '@crossmodal/core';

/** Options shared by the stores. */
export interface RegionStoreOptions extends BoxCheckOptions {
  /** Prepend ViLBERT's global region (mean feature, location [0, 0, 1, 1, 1]) to every image. */
  globalRegion?: boolean;
}

/** An unknown id's error: the store, the id, and a few ids it does hold. */
function unknownId(where: string, imageId: string, ids: readonly string[]): RegionFeatureError {
  const some = ids.slice(0, 5).join(', ');
  return new RegionFeatureError(`${where}: no image '${imageId}' (${ids.length} images, e.g. ${some}${ids.length > 5 ? ', …' : ''})`);
}

/**
 * LXMERT TSV records as regions: confidence = objects_conf (orders truncation).
 * @param what - names the record in messages, e.g. `'train2014_obj36.tsv: COCO_train2014_000000000009'`
 */
export function lxmertRegions(record: LxmertRecord, what: string, options: BoxCheckOptions = {}): RegionFeatures {
  return toRegionFeatures(
    {
      imageId: record.imgId, imageSize: { width: record.imgW, height: record.imgH }, count: record.numBoxes, dim: record.dim,
      features: record.features, boxes: record.boxes, confidence: record.objectsConf,
    },
    what, options,
  );
}

/**
 * A store over regions already in memory (LXMERT loads its TSV whole the same way).
 * @param where - names the store in messages (the TSV path)
 * @example
 * const store = new MemoryRegionStore('lxmert-tsv', 'val2014_obj36.tsv', regions);
 */
export class MemoryRegionStore implements RegionFeatureStore {
  private readonly byId = new Map<string, RegionFeatures>();

  constructor(readonly format: string, private readonly where: string, regions: Iterable<RegionFeatures>, options: RegionStoreOptions = {}) {
    for (const r of regions) {
      if (this.byId.has(r.imageId)) throw new RegionFeatureError(`${where}: image '${r.imageId}' appears twice`);
      this.byId.set(r.imageId, options.globalRegion ? withGlobalRegion(r) : r);
    }
  }

  ids(): readonly string[] {
    return [...this.byId.keys()];
  }

  has(imageId: string): boolean {
    return this.byId.has(imageId);
  }

  get(imageId: string): Promise<RegionFeatures> {
    const r = this.byId.get(imageId);
    return r ? Promise.resolve(r) : Promise.reject(unknownId(this.where, imageId, this.ids()));
  }
}

/** Where {@link McanNpzStore} gets each image's archive bytes from (the Node adapter reads files). */
export interface NpzSource {
  /** Names the source in messages (a directory). */
  readonly where: string;
  readonly ids: readonly string[];
  /** The archive of `imageId` and its name for messages. */
  read(imageId: string): Promise<{ bytes: Uint8Array; file: string }>;
  /** zlib's raw inflate, for np.savez_compressed archives. */
  readonly inflate?: InflateRaw;
}

/**
 * MCAN's per-image .npz files as a store: each archive is read and parsed when asked for, so a
 * directory of 120k images opens instantly.
 */
export class McanNpzStore implements RegionFeatureStore {
  readonly format = 'mcan-npz';
  private readonly known: Set<string>;

  constructor(private readonly source: NpzSource, private readonly options: RegionStoreOptions & McanOptions = {}) {
    this.known = new Set(source.ids);
  }

  ids(): readonly string[] {
    return this.source.ids;
  }

  has(imageId: string): boolean {
    return this.known.has(imageId);
  }

  async get(imageId: string): Promise<RegionFeatures> {
    if (!this.known.has(imageId)) throw unknownId(this.source.where, imageId, this.source.ids);
    const { bytes, file } = await this.source.read(imageId);
    const regions = mcanRegions(readNpz(bytes, file, this.source.inflate), imageId, file, this.options);
    return this.options.globalRegion ? withGlobalRegion(regions) : regions;
  }
}

// ViLBERT's and MMF's LMDB feature stores as a RegionFeatureStore: @crossmodal/data's LMDB reader
// finds the record, nn's allow-listed numpy unpickler decodes it, and the boxes are checked,
// normalised and given ViLBERT's 5-d locations here like every other format's.
import { readLmdbKeys, readRegionFeatures, type LmdbLookup } from '@crossmodal/data';
import { ndArrayToFloat32 } from '@crossmodal/nn';
import { RegionFeatureError } from './errors.ts';
import { toRegionFeatures, withGlobalRegion, type RegionFeatures } from './regions.ts';
import type { RegionFeatureStore } from '@crossmodal/core';
import type { RegionStoreOptions } from './region-store.ts';

/**
 * A store over an open LMDB feature database (`openLmdbFile` from `@crossmodal/data/node`, or
 * `openLmdb(bytes)`). Records are decoded when asked for; only the first `num_boxes` rows count.
 * @example
 * const store = new LmdbRegionStore(openLmdbFile('/data/coco/features_100/COCO_trainval_resnext152_faster_rcnn_genome.lmdb'));
 * const { features, locations } = await store.get('391895');
 */
export class LmdbRegionStore implements RegionFeatureStore {
  readonly format = 'lmdb';
  private readonly idList: readonly string[];
  private readonly known: ReadonlySet<string>;

  /** Takes `db` over: {@link close} closes it, and so does a constructor that fails. */
  constructor(private readonly db: LmdbLookup & { close?(): void }, private readonly options: RegionStoreOptions = {}) {
    try {
      this.idList = readLmdbKeys(db);
    } catch (error) {
      db.close?.();
      throw error;
    }
    this.known = new Set(this.idList);
  }

  /** Closes the database (its file descriptor, for a `'pread'` file); a later `get` fails naming the file. */
  close(): void {
    this.db.close?.();
  }

  ids(): readonly string[] {
    return this.idList;
  }

  has(imageId: string): boolean {
    return this.known.has(imageId);
  }

  async get(imageId: string): Promise<RegionFeatures> {
    const what = `${this.db.name}: image '${imageId}'`;
    if (!this.known.has(imageId)) throw new RegionFeatureError(`${this.db.name}: no image '${imageId}' in its keys list (${this.idList.length} images)`);
    const r = readRegionFeatures(this.db, imageId);
    if (r.boxes === undefined) throw new RegionFeatureError(`${what}: no 'boxes' or 'bbox' field; expected [N, 4] boxes in pixels`);
    if (r.imageWidth === undefined || r.imageHeight === undefined) {
      throw new RegionFeatureError(`${what}: no image size ('image_w'/'image_h' or 'image_width'/'image_height'); expected both, to normalise the boxes`);
    }
    const n = r.numBoxes;
    const dim = r.features.shape[1]!;
    const regions = toRegionFeatures(
      {
        imageId, imageSize: { width: r.imageWidth, height: r.imageHeight }, count: n, dim,
        features: ndArrayToFloat32(r.features).subarray(0, n * dim), boxes: ndArrayToFloat32(r.boxes).subarray(0, n * 4),
      },
      what, this.options,
    );
    return this.options.globalRegion ? withGlobalRegion(regions) : regions;
  }
}

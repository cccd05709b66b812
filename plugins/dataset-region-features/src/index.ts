// @crossmodal/dataset-region-features: detector region features in the formats their users have on
// disk (LXMERT's TSV, MCAN's .npz, .npy), normalised boxes, ViLBERT's locations and global region,
// the region-store providers (core's REGION_STORES) the VQA and RefCOCO datasets read through.
export { regionFeaturesPlugin, VERSION } from './plugin.ts';
export { RegionFeatureError } from './errors.ts';
export { decodeBase64, encodeBase64 } from './base64.ts';
export { LineSplitter, type TextLine } from './lines.ts';
export {
  LXMERT_FIELDS, formatLxmertLine, parseLxmertLine, parseLxmertLines,
  type LxmertParseOptions, type LxmertReadOptions, type LxmertRecord,
} from './lxmert-tsv.ts';
export {
  normalizeBoxes, toRegionFeatures, vilbertLocations, withGlobalRegion,
  type BoxCheckOptions, type ImageSize, type RawRegions, type RegionFeatures,
} from './regions.ts';
export { LmdbRegionStore } from './lmdb-store.ts';
export { encodeNpy, parseNpy, readNpyHeader, type NpyHeader } from './npy.ts';
export { mcanRegions, readNpz, type McanOptions, type NpzArchive } from './npz.ts';
export {
  lxmertRegions, McanNpzStore, MemoryRegionStore, type NpzSource, type RegionFeatureStore, type RegionStoreOptions,
} from './region-store.ts';
export {
  loadLxmertStore, nodeInflateRaw, openLmdbStore, openMcanStore, readLxmertTsv, readNpyFile, readNpzFile, readTextLines, writeLxmertTsv,
} from './node-io.ts';
export { lmdbStoreProvider, lxmertTsvStoreProvider, mcanNpzStoreProvider, regionStoreProviders } from './store-providers.ts';

// Read-only LMDB (pure TypeScript, no native module) and the ViLBERT/MMF region-feature stores kept in it.
// The Node file adapter, openLmdbFile, is exported from `@crossmodal/data/node`.
export { LmdbError, LMDB_MAGIC, LMDB_DATA_VERSION, type LmdbMeta, type LmdbTree } from './lmdb-layout.ts';
export { LmdbDatabase, openLmdb, bytesSource, type LmdbSource } from './lmdb-reader.ts';
export { readLmdbKeys, rawValue, readRegionFeatures, type RegionFeatureRecord, type LmdbLookup } from './feature-store.ts';

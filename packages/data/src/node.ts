// Node-only helpers of @crossmodal/data (file access), kept out of the platform-neutral main entry.
export { openLmdbFile, preadSource, lmdbDataFile, type OpenLmdbFileOptions } from './lmdb/lmdb-node.ts';

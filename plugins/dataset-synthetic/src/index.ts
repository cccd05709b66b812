// @crossmodal/dataset-synthetic: datasets made from a seed (spirals, blobs) for demos and tests.
export { syntheticDatasetsPlugin } from './plugin.ts';
export { makeSpirals, spiralsProvider, type SpiralsConfig } from './spirals.ts';
export { makeBlobs, blobsProvider, type BlobsConfig } from './blobs.ts';

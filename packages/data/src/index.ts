// @crossmodal/data: data loaders (seeded shuffling, batching into tensors, read-ahead), image transforms, BERT tokenizer.
export type { Batch, Example, HostTensor, IndexedDataset } from './types.ts';
export { collate, collateHost, uploadBatch, type CollateContext, type CollateFn, type HostBatch } from './collate.ts';
export { epochOrder, epochSeed, randomSubset } from './shuffle.ts';
export {
  DataLoader, disposeBatch, type BatchTransform, type BatchTransformContext, type DataLoaderOptions, type EpochOptions,
} from './data-loader.ts';
export {
  cutmixBox, cutmixMinMaxBox, Mixup, mixRows, mixupTargets, sampleBeta, sampleGamma,
  type CutmixBox, type MixDraw, type MixupMode, type MixupOptions, type UniformSource,
} from './mixup.ts';
export * from './transforms/index.ts';
export * from './text/index.ts';
export * from './lmdb/index.ts';
export * from './regions/index.ts';

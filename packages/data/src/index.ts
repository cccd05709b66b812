// @crossmodal/data: data loaders (seeded shuffling, batching into tensors, read-ahead), image transforms, BERT tokenizer.
export type { Batch, Example, HostTensor, IndexedDataset } from './types.ts';
export { collate, type CollateContext, type CollateFn } from './collate.ts';
export { epochOrder, epochSeed, randomSubset } from './shuffle.ts';
export { DataLoader, disposeBatch, type DataLoaderOptions, type EpochOptions } from './data-loader.ts';
export * from './transforms/index.ts';
export * from './text/index.ts';
export * from './lmdb/index.ts';

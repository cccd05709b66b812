// The DI tokens: the only place they are defined. Plural tokens are multi-registrations that
// plugins add to; singular tokens are services the runtime provides once per container. The
// training bus is not here on purpose: each run (pipeline) owns its own bus.
import type { BackendProvider } from '../contracts/backend-provider.ts';
import type { DatasetProvider } from '../contracts/dataset.ts';
import type { EncoderProvider } from '../contracts/encoder.ts';
import type { FusionProvider } from '../contracts/fusion.ts';
import type { HeadProvider } from '../contracts/head.ts';
import type { LoggerProvider } from '../contracts/logger.ts';
import type { MetricProvider } from '../contracts/metric.ts';
import type { ModelPreset } from '../contracts/model.ts';
import type { RegionStoreProvider } from '../contracts/region-store.ts';
import type { WeightImporter } from '../contracts/weight-importer.ts';

/** A DI token that carries the type it resolves to (a symbol at run time). */
export type Token<T> = symbol & { readonly __resolves?: T };

const token = <T>(name: string): Token<T> => Symbol.for(`crossmodal.${name}`) as Token<T>;

/** Encoders by name (`vit`, `bert-text`, `region-features`…). */
export const ENCODERS = token<EncoderProvider>('encoders');
/** Fusion modules by name (`merged`, `co-attention`, `cross-modality`, `guided-attention`…). */
export const FUSIONS = token<FusionProvider>('fusions');
/** Heads by name (`classification`, `vqa`, `referring-expression`, `image-text-matching`…). */
export const HEADS = token<HeadProvider>('heads');
/** Datasets by name (`fashion-mnist`, `cifar-10`, `sort-of-clevr`…). */
export const DATASETS = token<DatasetProvider>('datasets');
/** Loggers by name (`console`, `jsonl`…). */
export const LOGGERS = token<LoggerProvider>('loggers');
/** Metrics by name (`accuracy`, `top-5`, `vqa-accuracy`, `mean-loss`…). */
export const METRICS = token<MetricProvider>('metrics');
/** Region-feature stores by file format (`lxmert-tsv`, `mcan-npz`, `lmdb`): built by dataset providers through CreateContext.build. */
export const REGION_STORES = token<RegionStoreProvider>('region-stores');
/** Named model presets: configs that compose encoders, a fusion module and a head (`vit-tiny`…). */
export const MODEL_PROVIDERS = token<ModelPreset>('model-providers');
/** Backends the runtime can pick from (`cpu`, `native`, `webgpu`…). */
export const BACKENDS = token<BackendProvider>('backends');
/** Weight importers by name: foreign checkpoints (timm, Hugging Face…) → a runtime model's state dict. */
export const WEIGHT_IMPORTERS = token<WeightImporter>('weight-importers');
/** Which plugin registered each provider value (for error messages and `crossmodal list`). */
export const PLUGIN_ORIGINS = token<ReadonlyMap<object, string>>('plugin-origins');

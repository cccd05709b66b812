// @crossmodal/core: DI tokens and contracts, plugins and the runtime (registries, model
// composition, backend selection), the training bus, metrics and the run-config schema.
// Node-only adapters (config files, resolved-config writing) live in `@crossmodal/core/node`.
// NOTE: first: tsyringe refuses to load without the Reflect metadata polyfill (even with no decorators).
import 'reflect-metadata';

// Contracts, tokens and plugins.
export type { BackendProbe, BackendProvider } from './contracts/backend-provider.ts';
export type { Batch, Example, HostTensor } from './contracts/batch.ts';
export type { Dataset, DatasetConfig, DatasetInfo, DatasetProvider } from './contracts/dataset.ts';
export type { AttentionMaps, EncodedSequence, Encoder, EncoderOutput, EncoderProvider } from './contracts/encoder.ts';
export type { FusionModule, FusionOutput, FusionProvider, StreamHeads } from './contracts/fusion.ts';
export type { Head, HeadInput, HeadOutput, HeadProvider } from './contracts/head.ts';
export type { Logger, LoggerProvider } from './contracts/logger.ts';
export type { Metric, MetricProvider } from './contracts/metric.ts';
export type { Model, ModelConfig, ModelOutput, ModelPreset, PartConfig } from './contracts/model.ts';
export type { CreateContext, NamedProvider } from './contracts/provider.ts';
export type { BuildProvider } from './contracts/provider.ts';
export type { ImageSize, RegionFeatures, RegionFeatureStore, RegionStoreConfig, RegionStoreProvider } from './contracts/region-store.ts';
export {
  selectWeightImporter, importFormat, WeightImportError,
  type ForeignStateDict, type ImportGeometry, type ResizedKey, type WeightImporter, type WeightImportOptions, type WeightImportReport, type WeightImportResult,
} from './contracts/weight-importer.ts';
export * from './di/tokens.ts';
export { isPlugin, type Plugin } from './plugin.ts';

// The training bus.
export * from './bus/train-events.ts';
export * from './bus/operators.ts';
export { TrainingBus } from './bus/training-bus.ts';

// Registries and the runtime.
export { UnknownNameError, DuplicateNameError, closestName, editDistance, type RegistryKind } from './registry/errors.ts';
export { NamedRegistry, UNKNOWN_PLUGIN, type RegistryEntry } from './registry/named-registry.ts';
export { ProviderRegistry, ProviderCreateError, splitSpec, type NamedSpec } from './registry/provider-registry.ts';
export { EncoderRegistry, FusionRegistry, HeadRegistry, DatasetRegistry, LoggerRegistry, MetricRegistry } from './registry/registries.ts';
export { RegionStoreRegistry } from './registry/registries.ts';
export { createRuntime, Runtime, PluginError, type ListRow, type RuntimeOptions } from './runtime/runtime.ts';
export { corePlugin, CORE_PLUGIN_NAME } from './runtime/builtins.ts';

// Backends.
export { cpuBackendProvider } from './backends/cpu-provider.ts';
export { BackendRegistry, BackendUnavailableError, BACKEND_KIND_ORDER, type BackendOptionsByName, type BackendSelection, type ProbedBackend } from './backends/backend-registry.ts';

// Models composed from parts.
export { ModelRegistry } from './model/model-registry.ts';
export { ComposedModel, EncodersByStream, BatchFieldError } from './model/composed-model.ts';
export { firstToken, maskedMean, pickStream, type NamedSequence } from './model/head-streams.ts';
export {
  mergeModelConfig, deepMerge, partOptions, ModelConfigError,
  type ModelConfigInput, type PartConfigInput, type ResolvedModelConfig,
} from './model/model-config.ts';

// Metrics.
export * from './metrics/index.ts';

// The run config.
export * from './config/index.ts';
export { JsonTextError, parseJsonText } from './config/json-text.ts';

// train exports
export * from './train/index.ts';

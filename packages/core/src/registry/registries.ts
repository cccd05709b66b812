// The per-kind registries a runtime builds from its container. They take their providers as
// plain constructor arguments; the runtime constructs them (no decorators: see runtime.ts).
import type { Dataset, DatasetConfig, DatasetProvider } from '../contracts/dataset.ts';
import type { Encoder, EncoderProvider } from '../contracts/encoder.ts';
import type { FusionModule, FusionProvider } from '../contracts/fusion.ts';
import type { Head, HeadProvider } from '../contracts/head.ts';
import type { Logger, LoggerProvider } from '../contracts/logger.ts';
import type { Metric, MetricProvider } from '../contracts/metric.ts';
import type { RegionFeatureStore, RegionStoreConfig, RegionStoreProvider } from '../contracts/region-store.ts';
import { ProviderRegistry } from './provider-registry.ts';

/** Encoders by name (from ENCODERS). */
export class EncoderRegistry extends ProviderRegistry<Encoder> {
  constructor(providers: readonly EncoderProvider[], origins: ReadonlyMap<object, string>) {
    super('encoder', providers, origins);
  }
}

/** Fusion modules by name (from FUSIONS). */
export class FusionRegistry extends ProviderRegistry<FusionModule> {
  constructor(providers: readonly FusionProvider[], origins: ReadonlyMap<object, string>) {
    super('fusion', providers, origins);
  }
}

/** Heads by name (from HEADS). */
export class HeadRegistry extends ProviderRegistry<Head> {
  constructor(providers: readonly HeadProvider[], origins: ReadonlyMap<object, string>) {
    super('head', providers, origins);
  }
}

/** Datasets by name (from DATASETS). */
export class DatasetRegistry extends ProviderRegistry<Dataset | Promise<Dataset>, DatasetConfig> {
  constructor(providers: readonly DatasetProvider[], origins: ReadonlyMap<object, string>) {
    super('dataset', providers, origins);
  }
}

/** Loggers by name (from LOGGERS). */
export class LoggerRegistry extends ProviderRegistry<Logger> {
  constructor(providers: readonly LoggerProvider[], origins: ReadonlyMap<object, string>) {
    super('logger', providers, origins);
  }
}

/** Metrics by name (from METRICS). */
export class MetricRegistry extends ProviderRegistry<Metric> {
  constructor(providers: readonly MetricProvider[], origins: ReadonlyMap<object, string>) {
    super('metric', providers, origins);
  }
}

/** Region-feature stores by format (from REGION_STORES). */
export class RegionStoreRegistry extends ProviderRegistry<RegionFeatureStore | Promise<RegionFeatureStore>, RegionStoreConfig> {
  constructor(providers: readonly RegionStoreProvider[], origins: ReadonlyMap<object, string>) {
    super('region-store', providers, origins);
  }
}

// The per-kind registries a runtime builds from its container: each collects its token's
// providers with `@injectAll` (explicit tokens: no emitted decorator metadata is needed).
import 'reflect-metadata';
import { inject, injectAll, injectable } from 'tsyringe';
import type { Dataset, DatasetConfig, DatasetProvider } from '../contracts/dataset.ts';
import type { Encoder, EncoderProvider } from '../contracts/encoder.ts';
import type { FusionModule, FusionProvider } from '../contracts/fusion.ts';
import type { Head, HeadProvider } from '../contracts/head.ts';
import type { Logger, LoggerProvider } from '../contracts/logger.ts';
import type { Metric, MetricProvider } from '../contracts/metric.ts';
import { DATASETS, ENCODERS, FUSIONS, HEADS, LOGGERS, METRICS, PLUGIN_ORIGINS } from '../di/tokens.ts';
import { ProviderRegistry } from './provider-registry.ts';

/** Encoders by name (ENCODERS). */
@injectable()
export class EncoderRegistry extends ProviderRegistry<Encoder> {
  constructor(@injectAll(ENCODERS, { isOptional: true }) providers: EncoderProvider[], @inject(PLUGIN_ORIGINS) origins: ReadonlyMap<object, string>) {
    super('encoder', providers, origins);
  }
}

/** Fusion modules by name (FUSIONS). */
@injectable()
export class FusionRegistry extends ProviderRegistry<FusionModule> {
  constructor(@injectAll(FUSIONS, { isOptional: true }) providers: FusionProvider[], @inject(PLUGIN_ORIGINS) origins: ReadonlyMap<object, string>) {
    super('fusion', providers, origins);
  }
}

/** Heads by name (HEADS). */
@injectable()
export class HeadRegistry extends ProviderRegistry<Head> {
  constructor(@injectAll(HEADS, { isOptional: true }) providers: HeadProvider[], @inject(PLUGIN_ORIGINS) origins: ReadonlyMap<object, string>) {
    super('head', providers, origins);
  }
}

/** Datasets by name (DATASETS). */
@injectable()
export class DatasetRegistry extends ProviderRegistry<Dataset | Promise<Dataset>, DatasetConfig> {
  constructor(@injectAll(DATASETS, { isOptional: true }) providers: DatasetProvider[], @inject(PLUGIN_ORIGINS) origins: ReadonlyMap<object, string>) {
    super('dataset', providers, origins);
  }
}

/** Loggers by name (LOGGERS). */
@injectable()
export class LoggerRegistry extends ProviderRegistry<Logger> {
  constructor(@injectAll(LOGGERS, { isOptional: true }) providers: LoggerProvider[], @inject(PLUGIN_ORIGINS) origins: ReadonlyMap<object, string>) {
    super('logger', providers, origins);
  }
}

/** Metrics by name (METRICS). */
@injectable()
export class MetricRegistry extends ProviderRegistry<Metric> {
  constructor(@injectAll(METRICS, { isOptional: true }) providers: MetricProvider[], @inject(PLUGIN_ORIGINS) origins: ReadonlyMap<object, string>) {
    super('metric', providers, origins);
  }
}

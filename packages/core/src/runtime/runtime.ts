// createRuntime: a fresh child container per runtime (two runtimes share nothing), core's
// built-ins first, then each plugin's registrations, then the registries built (and checked) once.
import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { BackendRegistry } from '../backends/backend-registry.ts';
import type { CreateContext, NamedProvider } from '../contracts/provider.ts';
import { BACKENDS, DATASETS, ENCODERS, FUSIONS, HEADS, LOGGERS, METRICS, MODEL_PROVIDERS, PLUGIN_ORIGINS, REGION_STORES, type Token } from '../di/tokens.ts';
import { ModelRegistry } from '../model/model-registry.ts';
import { isPlugin, type Plugin } from '../plugin.ts';
import { DuplicateNameError, type RegistryKind } from '../registry/errors.ts';
import type { NamedRegistry } from '../registry/named-registry.ts';
import { splitSpec, type NamedSpec, type ProviderRegistry } from '../registry/provider-registry.ts';
import { DatasetRegistry, EncoderRegistry, FusionRegistry, HeadRegistry, LoggerRegistry, MetricRegistry, RegionStoreRegistry } from '../registry/registries.ts';
import { corePlugin } from './builtins.ts';
import { pluginView } from './plugin-view.ts';

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /** Register core's built-ins (CPU backend, metrics) as the plugin `@crossmodal/core` (default true). */
  readonly builtins?: boolean;
}

/** One row of `crossmodal list`. */
export interface ListRow {
  /** What it is. */
  readonly kind: RegistryKind;
  /** Its registry name. */
  readonly name: string;
  /** The plugin that registered it. */
  readonly plugin: string;
  /** Its one-line description ('' when it has none). */
  readonly description: string;
}

/** A plugin list that cannot make a runtime: not a plugin, listed twice, or its `register` threw. */
export class PluginError extends Error {
  override readonly name = 'PluginError';
}

/** The order `list()` reports kinds in. */
const LIST_ORDER: readonly RegistryKind[] = ['model', 'encoder', 'fusion', 'head', 'dataset', 'region-store', 'logger', 'metric', 'backend'];

/** Plugins registered into an isolated child container, and the registries built from them. */
export class Runtime {
  /** Model presets, and `build`/`resolveConfig`. */
  readonly models: ModelRegistry;
  /** Encoders by name. */
  readonly encoders: EncoderRegistry;
  /** Fusion modules by name. */
  readonly fusions: FusionRegistry;
  /** Heads by name. */
  readonly heads: HeadRegistry;
  /** Datasets by name. */
  readonly datasets: DatasetRegistry;
  /** Region-feature stores by format (built by dataset providers through `CreateContext.build`). */
  readonly regionStores: RegionStoreRegistry;
  /** Loggers by name. */
  readonly loggers: LoggerRegistry;
  /** Metrics by name. */
  readonly metrics: MetricRegistry;
  /** Backends by name, and `select`. */
  readonly backends: BackendRegistry;
  /** The registries `CreateContext.build` reaches, by token (models and backends are built otherwise). */
  readonly #buildable: ReadonlyMap<symbol, ProviderRegistry<unknown, object>>;

  constructor(
    /** The runtime's own child container (of tsyringe's root). */
    readonly container: DependencyContainer,
    /** The plugins registered, in order (core's built-ins first unless turned off). */
    readonly plugins: readonly Plugin[],
  ) {
    // Registries are built here, once, from the container's registrations: a duplicate name fails
    // at runtime creation, not at first use. Plain constructors wired by hand keep decorators (and
    // the experimentalDecorators flag they need in every consumer's compiler) out of the framework.
    const origins = container.resolve<ReadonlyMap<object, string>>(PLUGIN_ORIGINS);
    const all = <T>(token: Token<T>): T[] => (container.isRegistered(token, true) ? container.resolveAll<T>(token) : []);
    this.encoders = new EncoderRegistry(all(ENCODERS), origins);
    this.fusions = new FusionRegistry(all(FUSIONS), origins);
    this.heads = new HeadRegistry(all(HEADS), origins);
    this.datasets = new DatasetRegistry(all(DATASETS), origins);
    this.regionStores = new RegionStoreRegistry(all(REGION_STORES), origins);
    this.loggers = new LoggerRegistry(all(LOGGERS), origins);
    this.metrics = new MetricRegistry(all(METRICS), origins);
    this.backends = new BackendRegistry(all(BACKENDS), origins);
    this.models = new ModelRegistry(all(MODEL_PROVIDERS), origins, this.encoders, this.fusions, this.heads);
    this.#buildable = new Map<symbol, ProviderRegistry<unknown, object>>([
      [ENCODERS, this.encoders], [FUSIONS, this.fusions], [HEADS, this.heads], [DATASETS, this.datasets],
      [REGION_STORES, this.regionStores], [LOGGERS, this.loggers], [METRICS, this.metrics],
    ]);
  }

  /**
   * A CreateContext whose `build` reaches this runtime's registries, so one provider can build
   * another by the name its config gives (a dataset's `regions` store). Every context a run hands
   * to providers comes from here.
   * @example
   * const dataset = await runtime.datasets.create('vqa', options, runtime.createContext({ seed: 0, outputDir: 'runs/vqa' }), 'data.train');
   */
  createContext(base: { readonly seed: number; readonly outputDir?: string | undefined }): CreateContext {
    const context: CreateContext = {
      seed: base.seed,
      ...(base.outputDir === undefined ? {} : { outputDir: base.outputDir }),
      build: <T, C extends object>(token: Token<NamedProvider<T, C>>, spec: NamedSpec, where: string): T => {
        const registry = this.#buildable.get(token) as ProviderRegistry<T, C> | undefined;
        if (!registry) throw new TypeError(`${where}: ${String(token)} cannot be built through CreateContext.build (models and backends have their own registries)`);
        if (typeof spec === 'string' ? spec === '' : !(typeof spec === 'object' && spec !== null && typeof spec.name === 'string')) {
          throw new TypeError(`${where}: expected a ${registry.kind} name or { name, ...options }, got ${JSON.stringify(spec)}`);
        }
        const { name, options } = splitSpec(spec);
        return registry.create(name, options as C, context, where);
      },
    };
    return context;
  }

  /** Every registered provider as `{ kind, name, plugin, description }`, by kind then name. */
  list(): ListRow[] {
    const registries: Record<RegistryKind, NamedRegistry<{ readonly name: string; readonly description?: string }>> = {
      model: this.models, encoder: this.encoders, fusion: this.fusions, head: this.heads,
      dataset: this.datasets, 'region-store': this.regionStores, logger: this.loggers, metric: this.metrics, backend: this.backends,
    };
    return LIST_ORDER.flatMap((kind) =>
      registries[kind]
        .entries()
        .map(({ provider, plugin }) => ({ kind, name: provider.name, plugin, description: provider.description ?? '' }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    );
  }

  /** Resolves a token (or an injectable class) from the runtime's container. */
  resolve<T>(token: Token<T> | InjectionToken<T>): T {
    return this.container.resolve<T>(token);
  }

  /** Every value registered under a plural token; [] when there is none. */
  resolveAll<T>(token: Token<T> | InjectionToken<T>): T[] {
    return this.container.isRegistered(token, true) ? this.container.resolveAll<T>(token) : [];
  }

  /** Disposes the container (and disposable instances it made); the runtime is unusable afterwards. */
  async dispose(): Promise<void> {
    await this.container.dispose();
  }
}

/** Registers one plugin through a recording view, turning its failure into a PluginError naming it. */
function registerPlugin(container: DependencyContainer, plugin: Plugin, origins: Map<object, string>): void {
  try {
    plugin.register(pluginView(container, plugin.name, origins));
  } catch (error) {
    if (error instanceof DuplicateNameError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new PluginError(`Plugin '${plugin.name}' failed to register: ${message}`, { cause: error });
  }
}

/**
 * Builds a runtime: a new child container of tsyringe's root, core's built-ins registered first
 * (as `@crossmodal/core`), then each plugin in order; then every registry is built, so duplicate
 * names fail here. A value that is not a plugin, or a plugin listed twice, throws a
 * {@link PluginError} naming it.
 * @example
 * const runtime = createRuntime([vitPlugin, fusionCoAttentionPlugin]);
 * const model = runtime.models.build({ preset: 'vit-tiny' }, { seed: 0 });
 */
export function createRuntime(plugins: readonly Plugin[], options: RuntimeOptions = {}): Runtime {
  plugins.forEach((plugin, index) => {
    if (!isPlugin(plugin)) {
      throw new PluginError(`plugins[${index}] is not a plugin: got ${describeValue(plugin)}, expected { name, version, register(container) }`);
    }
  });
  const all = options.builtins === false ? [...plugins] : [corePlugin, ...plugins];
  const seen = new Set<string>();
  for (const plugin of all) {
    if (seen.has(plugin.name)) throw new PluginError(`Plugin '${plugin.name}' is listed twice; list each plugin once`);
    seen.add(plugin.name);
  }
  const container = rootContainer.createChildContainer();
  const origins = new Map<object, string>();
  container.register(PLUGIN_ORIGINS, { useValue: origins });
  for (const plugin of all) registerPlugin(container, plugin, origins);
  return new Runtime(container, all);
}

function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? 'a function' : JSON.stringify(value) ?? String(value);
  const keys = Object.keys(value);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.join(', ')}`;
}

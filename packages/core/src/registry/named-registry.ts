// A name-indexed registry over the providers of one token, built once per runtime from
// `resolveAll` and the PLUGIN_ORIGINS map: lookups by name, duplicates caught at build time.
import { DuplicateNameError, UnknownNameError, type RegistryKind } from './errors.ts';

/** Plugin name used for values registered outside any plugin (straight on the container). */
export const UNKNOWN_PLUGIN = '(unknown plugin)';

/** One registered provider and the plugin that registered it. */
export interface RegistryEntry<P> {
  /** The provider value. */
  readonly provider: P;
  /** The name of the plugin that registered it. */
  readonly plugin: string;
}

/**
 * Providers of one kind by name. `get` of an unknown name throws an {@link UnknownNameError}
 * listing every known name; building from two providers with one name throws a
 * {@link DuplicateNameError} naming both plugins.
 * @example
 * const encoders = new NamedRegistry('encoder', [vitEncoder], origins);
 * encoders.get('vit').create({ dim: 192 }, { seed: 0 });
 */
export class NamedRegistry<P extends { readonly name: string }> {
  readonly #byName = new Map<string, RegistryEntry<P>>();

  constructor(
    /** What the registry holds, for messages. */
    readonly kind: RegistryKind,
    providers: readonly P[],
    origins: ReadonlyMap<object, string> = new Map(),
  ) {
    for (const provider of providers) {
      const plugin = origins.get(provider) ?? UNKNOWN_PLUGIN;
      if (typeof provider.name !== 'string' || provider.name === '') {
        throw new TypeError(`Plugin '${plugin}' registered a ${kind} without a name (got ${JSON.stringify(provider.name)}); every provider needs a non-empty string name`);
      }
      const previous = this.#byName.get(provider.name);
      if (previous) throw new DuplicateNameError(kind, provider.name, [previous.plugin, plugin]);
      this.#byName.set(provider.name, { provider, plugin });
    }
  }

  /**
   * The provider called `name`; throws {@link UnknownNameError} (known names, closest match) when
   * there is none, its message prefixed with `where` (the config path that named it) when given.
   */
  get(name: string, where?: string): P {
    return this.#entry(name, where).provider;
  }

  /** Whether a provider called `name` is registered. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** Every registered name, sorted. */
  names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  /** Every provider with its plugin, in registration order (plugin order, then each plugin's order). */
  entries(): RegistryEntry<P>[] {
    return [...this.#byName.values()];
  }

  /** The plugin that registered `name`; throws {@link UnknownNameError} when there is none. */
  pluginOf(name: string): string {
    return this.#entry(name).plugin;
  }

  #entry(name: string, where?: string): RegistryEntry<P> {
    const entry = this.#byName.get(name);
    if (!entry) throw new UnknownNameError(this.kind, name, [...this.#byName.keys()], where);
    return entry;
  }

  /** Number of registered providers. */
  get size(): number {
    return this.#byName.size;
  }
}

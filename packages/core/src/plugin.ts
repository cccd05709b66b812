// A plugin is a value: a name, a version and a `register(container)` that binds its providers
// to the plural tokens. No import side effects, no discovery: the app or the CLI lists plugins.
import type { DependencyContainer } from 'tsyringe';

/** A set of providers (encoders, fusions, heads, datasets, loggers, metrics, backends, presets). */
export interface Plugin {
  /** The npm package name (`@crossmodal/model-vit`) or, for a local plugin, its path. */
  readonly name: string;
  /** The plugin's version (semver). */
  readonly version: string;
  /** Registers providers into the runtime's child container; called once per runtime. */
  register(container: DependencyContainer): void;
}

/** True for values shaped like a Plugin (what the CLI checks a module's export against). */
export function isPlugin(value: unknown): value is Plugin {
  const v = value as Partial<Plugin> | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.version === 'string' && typeof v.register === 'function';
}

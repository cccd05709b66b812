// A named provider: what plugins register under the plural tokens. The registry name encodes the
// architecture (`vit-b16`, `co-attention`, `fashion-mnist`); config is plain data.
import type { Token } from '../di/tokens.ts';
import type { NamedSpec } from '../registry/provider-registry.ts';

/** Something a plugin registers under a name, built from a config object on request. */
export interface NamedProvider<T, C = Record<string, unknown>> {
  /** Short kebab-case name, unique per token across all plugins of a runtime. */
  readonly name: string;
  /** One line for `crossmodal list`. */
  readonly description?: string;
  /** The paper or reference this follows (timm habit), shown by `crossmodal list`. */
  readonly paper?: string;
  /**
   * Builds an instance from a config (already merged with the provider's defaults by the caller
   * or by `create` itself). Invalid config throws an error naming the field, value and expectation.
   */
  create(config: C, context: CreateContext): T;
}

/**
 * Builds a provider registered under another token, by the name (and options) a config gives:
 * how a dataset provider opens the region store its `regions` option names, when plugins may not
 * import each other. An unknown name throws naming `where`, the name and the known names; the
 * provider's own error comes back prefixed with `where` and the provider.
 */
export type BuildProvider = <T, C extends object>(token: Token<NamedProvider<T, C>>, spec: NamedSpec, where: string) => T;

/** What a provider may use while building: the run's seed, where files go, and the other providers. */
export interface CreateContext {
  /** The run's seed (providers derive their own streams from it). */
  readonly seed: number;
  /** Directory for files the run writes (vocabularies, caches); undefined outside a run. */
  readonly outputDir?: string;
  /**
   * Builds a provider of another kind from the same runtime (`runtime.createContext` wires it);
   * absent in a bare `{ seed }` context, so a provider that needs one says so when it is missing.
   * @example
   * const store = await context.build!(REGION_STORES, { name: 'lxmert-tsv', path: 'val2014_obj36.tsv' }, 'regions');
   */
  readonly build?: BuildProvider;
}

// A named provider: what plugins register under the plural tokens. The registry name encodes the
// architecture (`vit-b16`, `co-attention`, `fashion-mnist`); config is plain data.

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

/** What a provider may use while building: the run's seed and where files go. */
export interface CreateContext {
  /** The run's seed (providers derive their own streams from it). */
  readonly seed: number;
  /** Directory for files the run writes (vocabularies, caches); undefined outside a run. */
  readonly outputDir?: string;
}

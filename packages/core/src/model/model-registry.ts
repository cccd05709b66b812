// Model presets by name, and the builder that turns a config (preset and/or parts) into a
// ComposedModel through the encoder, fusion and head registries.
import type { Encoder } from '../contracts/encoder.ts';
import type { FusionModule } from '../contracts/fusion.ts';
import type { ModelPreset } from '../contracts/model.ts';
import type { CreateContext } from '../contracts/provider.ts';
import { NamedRegistry } from '../registry/named-registry.ts';
import { EncoderRegistry, FusionRegistry, HeadRegistry } from '../registry/registries.ts';
import { ComposedModel } from './composed-model.ts';
import { mergeModelConfig, ModelConfigError, partOptions, type ModelConfigInput, type ResolvedModelConfig } from './model-config.ts';

/** The value at a dotted path of a config (`head.dim`), or undefined. */
function at(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), config);
}

/**
 * Sets each link's target (`head.dim`) to its source (`encoders.vision.dim`) in the resolved
 * config; a target the user set to another value is a ModelConfigError naming both fields.
 */
function applyLinks(resolved: ResolvedModelConfig, overrides: ModelConfigInput, links: Readonly<Record<string, string>>): ResolvedModelConfig {
  const out = structuredClone(resolved) as ResolvedModelConfig;
  for (const [target, source] of Object.entries(links)) {
    const value = at(out, source);
    if (value === undefined) continue;
    const given = at(overrides, target);
    if (given !== undefined && given !== value) {
      throw new ModelConfigError(`model.${target}: got ${JSON.stringify(given)}, but this preset ties it to model.${source}, which is ${JSON.stringify(value)}; give both the same value or leave model.${target} out`);
    }
    const keys = target.split('.');
    const parent = at(out, keys.slice(0, -1).join('.'));
    if (parent !== null && typeof parent === 'object') (parent as Record<string, unknown>)[keys.at(-1)!] = value;
  }
  return out;
}

/** Model presets by name (MODEL_PROVIDERS), and `build`. */
export class ModelRegistry extends NamedRegistry<ModelPreset> {
  constructor(
    presets: readonly ModelPreset[],
    origins: ReadonlyMap<object, string>,
    private readonly encoders: EncoderRegistry,
    private readonly fusions: FusionRegistry,
    private readonly heads: HeadRegistry,
  ) {
    super('model', presets, origins);
  }

  /**
   * The preset (if any) merged with the config's parts: every part spelled out, no `preset` key.
   * An unknown preset throws UnknownNameError; see {@link mergeModelConfig} for the merge rules.
   */
  resolveConfig(config: ModelConfigInput): ResolvedModelConfig {
    const { preset, ...overrides } = config;
    const found = preset === undefined ? undefined : this.get(preset, 'model.preset');
    const merged = mergeModelConfig(found?.config, overrides);
    return found?.links ? applyLinks(merged, overrides, found.links) : merged;
  }

  /**
   * Builds a model from a config. Unknown part names throw UnknownNameError (prefixed with the
   * config path); a part's invalid options throw the provider's error prefixed likewise.
   * Parts built before a failure are disposed.
   * @example
   * const model = runtime.models.build({ preset: 'toy-mlp', head: { numClasses: 4 } }, { seed: 0 });
   */
  build(config: ModelConfigInput, context: CreateContext): ComposedModel {
    const resolved = this.resolveConfig(config);
    const built: { dispose(): void }[] = [];
    const keep = <T extends { dispose(): void }>(part: T): T => (built.push(part), part);
    try {
      const encoders = new Map<string, Encoder>();
      for (const [stream, part] of Object.entries(resolved.encoders)) {
        encoders.set(stream, keep(this.encoders.create(part.name, partOptions(part), context, `model.encoders.${stream}`)));
      }
      let fusion: FusionModule | null = null;
      if (resolved.fusion) fusion = keep(this.fusions.create(resolved.fusion.name, partOptions(resolved.fusion), context, 'model.fusion'));
      const head = keep(this.heads.create(resolved.head.name, partOptions(resolved.head), context, 'model.head'));
      return new ComposedModel(resolved, encoders, fusion, head);
    } catch (error) {
      for (const part of built) part.dispose();
      throw error;
    }
  }
}

// Resolving a model config: a preset merged with overrides, deeply per part. Changing a part's
// `name` replaces that part (its options belong to the old part); the result has no `preset` key.
import type { ModelConfig, PartConfig } from '../contracts/model.ts';

/** A part as written in a config: a registry name (optional when overriding a preset's part) plus options. */
export interface PartConfigInput {
  /** The registry name; may be left out to override options of the preset's part. */
  readonly name?: string;
  readonly [option: string]: unknown;
}

/** A model config as written: a preset and/or parts, every part possibly partial. */
export interface ModelConfigInput {
  /** A registered preset to start from. */
  readonly preset?: string;
  /** Encoders (or overrides of the preset's encoders) by stream name. */
  readonly encoders?: { readonly [stream: string]: PartConfigInput };
  /** The fusion module, or an override of the preset's. */
  readonly fusion?: PartConfigInput;
  /** The head, or an override of the preset's. */
  readonly head?: PartConfigInput;
}

/** A config with every part spelled out and no preset: what a model is built from and reports. */
export interface ResolvedModelConfig extends Omit<ModelConfig, 'preset'> {
  /** Encoders by stream name (at least one). */
  readonly encoders: { readonly [stream: string]: PartConfig };
  /** The task head. */
  readonly head: PartConfig;
}

/** A model config that cannot be built (a part without a name, a fusion without its streams…). */
export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';
}

/** Stream names become state-dict key segments (`encoders.<stream>.…`): no dots, no spaces. */
const STREAM_NAME = /^[A-Za-z_][\w-]*$/;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Merges `override` over `base`: plain objects recursively; arrays and scalars replace. */
export function deepMerge(base: Readonly<Record<string, unknown>>, override: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

/** One part: a new `name` replaces the base part, otherwise the options merge deeply. */
function mergePart(where: string, base: PartConfig | undefined, override: PartConfigInput | undefined): PartConfig | undefined {
  if (!override) return base;
  const replaces = !base || (override.name !== undefined && override.name !== base.name);
  const merged = replaces ? { ...override } : deepMerge(base, override);
  const name = merged['name'];
  if (typeof name !== 'string' || name === '') {
    throw new ModelConfigError(`${where}: got ${JSON.stringify(override)}, expected a part with a name (a registry name${base ? '' : '; the preset has no such part to override'})`);
  }
  return { ...merged, name };
}

/**
 * Merges overrides over a preset's config (undefined: no preset) and checks the result: at
 * least one encoder, a head, stream names fit for state-dict keys, and a fusion only with `text`
 * and `vision` encoders (its two arguments).
 * @example
 * mergeModelConfig(toyMlp.config, { head: { numClasses: 10 } });
 * // { encoders: { vision: { name: 'toy-vectors', … } }, head: { name: 'toy-classification', dim: 16, numClasses: 10 } }
 */
export function mergeModelConfig(preset: Omit<ModelConfig, 'preset'> | undefined, overrides: ModelConfigInput, where = 'model'): ResolvedModelConfig {
  const encoders: Record<string, PartConfig> = {};
  const streams = new Set([...Object.keys(preset?.encoders ?? {}), ...Object.keys(overrides.encoders ?? {})]);
  for (const stream of streams) {
    if (!STREAM_NAME.test(stream)) throw new ModelConfigError(`${where}.encoders: stream name ${JSON.stringify(stream)} must be letters, digits, _ or - (it becomes a state-dict key)`);
    const part = mergePart(`${where}.encoders.${stream}`, preset?.encoders?.[stream], overrides.encoders?.[stream]);
    if (part) encoders[stream] = part;
  }
  const fusion = mergePart(`${where}.fusion`, preset?.fusion, overrides.fusion);
  const head = mergePart(`${where}.head`, preset?.head, overrides.head);
  if (Object.keys(encoders).length === 0) throw new ModelConfigError(`${where}.encoders: got none, expected at least one encoder (e.g. { "vision": { "name": "…" } }) or a preset`);
  if (!head) throw new ModelConfigError(`${where}.head: got nothing, expected a head (e.g. { "name": "classification" }) or a preset`);
  if (fusion && !(encoders['text'] && encoders['vision'])) {
    throw new ModelConfigError(`${where}.fusion: '${fusion.name}' fuses the 'text' and 'vision' streams, but ${where}.encoders has ${Object.keys(encoders).join(', ')}; expected both`);
  }
  return fusion ? { encoders, fusion, head } : { encoders, head };
}

/** The part's options: its config without `name` (what its provider's `create` receives). */
export function partOptions(part: PartConfig): Record<string, unknown> {
  const { name: _name, ...options } = part;
  return options;
}

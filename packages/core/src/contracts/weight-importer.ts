// Weight importers: how a model plugin turns a foreign checkpoint (timm, Hugging Face…) into the
// state dict of a runtime model, and reports every key's fate. The CLI (`crossmodal import`) only
// reads files and picks an importer through this contract; it knows no architecture.
import type { Tensor } from '@crossmodal/tensor';
import type { ModelConfigInput, ResolvedModelConfig } from '../model/model-config.ts';
import type { Model } from './model.ts';

/** Tensors by dotted name, as a checkpoint file holds them. */
export type ForeignStateDict = Readonly<Record<string, Tensor>>;

/** What the user asked to change about the model while importing (`--num-classes`, `--image-size`). */
export interface ImportGeometry {
  /** Classes of the new head; a checkpoint head of another size is replaced by a fresh one. */
  readonly numClasses?: number;
  /** Input side in pixels; position embeddings are resampled to the new grid. */
  readonly imageSize?: number;
  /**
   * The checkpoint's naming, as detected (or forced with `--format`) before the model is built: an
   * importer may set fields its family fixes (HF ViT's LayerNorm eps 1e-12, timm's 1e-6).
   */
  readonly format?: string;
}

/** Options of one conversion. */
export interface WeightImportOptions {
  /** The source naming, one of the importer's `formats` (detected, or forced with `--format`). */
  readonly format: string;
  /** Resampling of tensors laid out on a grid (position embeddings); the importer's default when absent. */
  readonly interpolation?: 'bicubic' | 'bilinear';
  /** Names the checkpoint in messages (its path). */
  readonly source: string;
}

/** A tensor that was resampled to fit the model (a position embedding on a new grid). */
export interface ResizedKey {
  /** The model's key. */
  readonly key: string;
  readonly from: readonly number[];
  readonly to: readonly number[];
  /** How, e.g. `bicubic, antialias, grid 2×2 → 3×3, 1 prefix token kept`. */
  readonly method: string;
}

/** Every checkpoint key's and model key's fate, in the model's key space. */
export interface WeightImportReport {
  /** The importer's name. */
  readonly importer: string;
  /** The source naming used. */
  readonly format: string;
  /** One source key → one model key (also when the name is unchanged). */
  readonly mapped: readonly { readonly from: string; readonly to: string }[];
  /** Several source keys concatenated into one model key (Hugging Face q/k/v → a fused qkv). */
  readonly joined: readonly { readonly from: readonly string[]; readonly to: string }[];
  /** One source key cut into several model keys (a fused projection → separate ones). */
  readonly split: readonly { readonly from: string; readonly to: readonly string[] }[];
  /** Model keys whose mapped value was resampled to the model's shape. */
  readonly resized: readonly ResizedKey[];
  /** Model keys left at their fresh initialisation, with why (a head for another class count). */
  readonly reinitialised: readonly { readonly key: string; readonly reason: string }[];
  /** Source keys dropped on purpose, with why (Hugging Face's pooler). */
  readonly skipped: readonly { readonly key: string; readonly reason: string }[];
  /** Model keys nothing was mapped to (a successful import has none). */
  readonly missing: readonly string[];
  /** Converted keys the model does not have (a successful import has none). */
  readonly unexpected: readonly string[];
}

/** A converted state dict, in the model's key space, and its report. */
export interface WeightImportResult {
  /** Tensors for `model.loadStateDict` (reinitialised keys hold the model's own fresh tensors). */
  readonly stateDict: Readonly<Record<string, Tensor>>;
  readonly report: WeightImportReport;
}

/**
 * Converts foreign checkpoints for the models it `accepts`; registered under WEIGHT_IMPORTERS by
 * the plugin that owns the architecture (model-vit registers `vit` for timm and Hugging Face).
 */
export interface WeightImporter {
  /** Short kebab-case name (`vit`), unique in a runtime. */
  readonly name: string;
  /** One line for messages: the models and checkpoint families it handles. */
  readonly description: string;
  /** The source namings it converts (`timm`, `hf`); the first is the default when detection fails. */
  readonly formats: readonly string[];
  /** True when it can fill a model built from `model` (e.g. one `vit` encoder and no fusion). */
  accepts(model: ResolvedModelConfig): boolean;
  /** The source naming the keys follow, or undefined when they follow none of `formats`. */
  detect(keys: readonly string[]): string | undefined;
  /**
   * The model-config overrides that apply `geometry` to `model` (e.g. `{ head: { numClasses } }`),
   * merged over the user's model config before the model is built. Throws a RangeError naming
   * the option for a value the model cannot take.
   */
  configOverrides(model: ResolvedModelConfig, geometry: ImportGeometry): ModelConfigInput;
  /**
   * `source` renamed, fused or split, and resampled into `model`'s key space. Keys no rule knows
   * and tensors that cannot fit throw a {@link WeightImportError} listing them all (freeing what
   * the conversion made). Result tensors that are neither `source`'s nor the model's (joined qkv,
   * resampled position embeddings) are the caller's to dispose once loaded.
   */
  convert(source: ForeignStateDict, model: Model, options: WeightImportOptions): WeightImportResult;
}

/** A checkpoint that does not convert: every offending key listed, the checkpoint named. */
export class WeightImportError extends Error {
  override readonly name = 'WeightImportError';
}

/**
 * The one importer among `importers` that accepts `model`; a {@link WeightImportError} when none
 * does (listing each importer and what it handles) or when several do (naming them).
 * @example
 * const importer = selectWeightImporter(runtime.resolveAll(WEIGHT_IMPORTERS), runtime.models.resolveConfig({ preset: 'vit-b16-224' }), 'vit-b16-224');
 */
export function selectWeightImporter(importers: readonly WeightImporter[], model: ResolvedModelConfig, modelName: string): WeightImporter {
  const accepting = importers.filter((i) => i.accepts(model));
  if (accepting.length === 1) return accepting[0]!;
  if (accepting.length > 1) {
    throw new WeightImportError(`model '${modelName}' is accepted by ${accepting.length} weight importers (${accepting.map((i) => i.name).join(', ')}); expected one`);
  }
  const known = importers.length === 0 ? 'none is registered' : `the registered ones: ${importers.map((i) => `${i.name} (${i.description})`).join('; ')}`;
  const parts = Object.values(model.encoders).map((e) => e.name).join('+');
  throw new WeightImportError(`no weight importer accepts model '${modelName}' (encoders ${parts}${model.fusion ? `, fusion ${model.fusion.name}` : ''}); ${known}`);
}

/** The source naming of `keys` for `importer`: `forced` when given (checked), else detected. */
export function importFormat(importer: WeightImporter, keys: readonly string[], forced?: string): string {
  if (forced !== undefined && forced !== 'auto') {
    if (!importer.formats.includes(forced)) {
      throw new WeightImportError(`importer '${importer.name}' has no format '${forced}' (formats: ${importer.formats.join(', ')}, auto)`);
    }
    return forced;
  }
  const detected = importer.detect(keys);
  if (detected !== undefined) return detected;
  const sample = keys.slice(0, 6).join(', ');
  throw new WeightImportError(`importer '${importer.name}' recognises none of its formats (${importer.formats.join(', ')}) in the checkpoint's keys (${keys.length}: ${sample}${keys.length > 6 ? ', …' : ''}); pass --format to force one`);
}

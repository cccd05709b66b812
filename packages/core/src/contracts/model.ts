// Models composed from named parts by config: encoders + fusion + head, or one encoder + head.
// A preset is just a named config (`vit-tiny`), registered by the plugin that owns the parts.
import type { Module } from '@crossmodal/nn';
import type { Tensor } from '@crossmodal/tensor';
import type { Batch } from './batch.ts';
import type { AttentionMaps } from './encoder.ts';

/** One part of a model: a registry name plus that part's own options. */
export interface PartConfig {
  readonly name: string;
  readonly [option: string]: unknown;
}

/** How to build a model: a preset, parts, or a preset with some parts' options overridden. */
export interface ModelConfig {
  /** A registered preset to start from; fields given here are merged over it (deeply, per part). */
  readonly preset?: string;
  /** Encoders by stream name (`vision`, `text`). */
  readonly encoders?: { readonly [stream: string]: PartConfig };
  /** The fusion module; absent for single-stream models (encoder + head). */
  readonly fusion?: PartConfig;
  /** The task head. */
  readonly head?: PartConfig;
}

/** A named model config registered under MODEL_PROVIDERS. */
export interface ModelPreset {
  /** Name that encodes the architecture (`vit-tiny`, `vit-b16-384`, `vilbert-vqa`). */
  readonly name: string;
  readonly description?: string;
  readonly paper?: string;
  /** The parts (no `preset` field: presets do not chain). */
  readonly config: Omit<ModelConfig, 'preset'>;
  /**
   * Fields that follow other fields of the resolved config, as dotted paths: `{ 'head.dim':
   * 'encoders.vision.dim' }` makes the head as wide as an overridden encoder. A user value for the
   * target that differs from the source is an error naming both.
   */
  readonly links?: Readonly<Record<string, string>>;
}

/** What a model returns for a batch. */
export interface ModelOutput {
  /** The head's scores. */
  readonly logits: Tensor;
  /** The scalar loss when the batch carries targets. */
  readonly loss?: Tensor;
  /** Every attention probability tensor (encoders and fusion, prefixed by part), when asked for. */
  readonly attention?: AttentionMaps;
  /** The head's target fields (`['label']`); metrics read the first one unless told otherwise. */
  readonly targets?: readonly string[];
}

/** A composed model: a Module whose parameters are its parts' parameters. */
export interface Model extends Module {
  /** The resolved config it was built from (no preset left: every part spelled out). */
  readonly config: Omit<ModelConfig, 'preset'>;
  /** Batch fields its encoders and head read. */
  readonly inputs: readonly string[];
  /** Runs encoders, fusion (if any) and head. */
  forward(batch: Batch, options?: { returnProbs?: boolean }): ModelOutput;
}

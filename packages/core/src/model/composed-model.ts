// A model composed from named parts: encoders by stream → fusion (text, vision) when there is
// one → head. Parts are nested Modules, so state-dict keys read `encoders.vision.…`, `fusion.…`,
// `head.…`, and attention maps come back under the same prefixes.
import { Module } from '@crossmodal/nn';
import type { Batch } from '../contracts/batch.ts';
import type { AttentionMaps, EncodedSequence, Encoder } from '../contracts/encoder.ts';
import type { FusionModule } from '../contracts/fusion.ts';
import type { Head } from '../contracts/head.ts';
import type { Model, ModelOutput } from '../contracts/model.ts';
import type { ResolvedModelConfig } from './model-config.ts';

/** A batch that lacks a field a part reads. */
export class BatchFieldError extends Error {
  override readonly name = 'BatchFieldError';
}

/** The encoders as one Module whose children are named by stream (`vision`, `text`). */
export class EncodersByStream extends Module {
  constructor(encoders: ReadonlyMap<string, Encoder>) {
    super();
    for (const [stream, encoder] of encoders) {
      // NOTE: a stream called `training` or `forward` would shadow a Module member.
      if (stream in this) throw new Error(`model.encoders: stream name '${stream}' clashes with a Module member; pick another name`);
      Object.defineProperty(this, stream, { value: encoder, enumerable: true });
    }
  }
}

const copyMaps = (into: AttentionMaps, prefix: string, maps: AttentionMaps | undefined): void => {
  for (const [name, probs] of Object.entries(maps ?? {})) into[`${prefix}.${name}`] = probs;
};

/** Encoders + optional fusion + head, built by `runtime.models.build`. */
export class ComposedModel extends Module implements Model {
  /** The encoders, children named by stream. */
  readonly encoders: EncodersByStream;
  /** The fusion module; null for single-stream models. */
  readonly fusion: FusionModule | null;
  /** The task head. */
  readonly head: Head;
  /** Batch fields the encoders read, then the head's targets. */
  readonly inputs: readonly string[];
  /** The head's target fields. */
  readonly targets: readonly string[];
  readonly #streams: ReadonlyMap<string, Encoder>;

  constructor(
    /** The resolved config it was built from. */
    readonly config: ResolvedModelConfig,
    encoders: ReadonlyMap<string, Encoder>,
    fusion: FusionModule | null,
    head: Head,
  ) {
    super();
    this.encoders = new EncodersByStream(encoders);
    this.fusion = fusion;
    this.head = head;
    this.#streams = encoders;
    this.targets = [...head.targets];
    this.inputs = [...new Set([...[...encoders.values()].flatMap((e) => e.inputs), ...head.targets])];
  }

  /**
   * Encoders → fusion → head. Throws {@link BatchFieldError} naming the field and the part when
   * the batch lacks an encoder input, or has some but not all of the head's targets (with none
   * of them there is simply no loss).
   */
  forward(batch: Batch, options: { returnProbs?: boolean } = {}): ModelOutput {
    this.#checkBatch(batch);
    const attention: AttentionMaps = {};
    let streams: Record<string, EncodedSequence> = {};
    for (const [stream, encoder] of this.#streams) {
      const { attention: maps, ...sequence } = encoder.forward(batch, options);
      streams[stream] = sequence;
      copyMaps(attention, `encoders.${stream}`, maps);
    }
    let pooled;
    if (this.fusion) {
      // mergeModelConfig guarantees both streams exist when there is a fusion.
      const fused = this.fusion.forward(streams['text']!, streams['vision']!, options);
      streams = fused.vision ? { ...streams, text: fused.text, vision: fused.vision } : { text: fused.text };
      pooled = fused.pooled;
      copyMaps(attention, 'fusion', fused.attention);
    }
    const { logits, loss } = this.head.forward(pooled ? { streams, pooled } : { streams }, batch);
    return {
      logits,
      ...(loss ? { loss } : {}),
      ...(options.returnProbs ? { attention } : {}),
      targets: this.targets,
    };
  }

  #checkBatch(batch: Batch): void {
    const fields = Object.keys(batch).join(', ') || 'none';
    for (const [stream, encoder] of this.#streams) {
      const missing = encoder.inputs.find((field) => !(field in batch));
      if (missing !== undefined) {
        const part = this.config.encoders[stream]?.name ?? stream;
        throw new BatchFieldError(`The batch has no field '${missing}', which encoder '${part}' (model.encoders.${stream}) reads; batch fields: ${fields}`);
      }
    }
    const present = this.targets.filter((field) => field in batch);
    const missing = this.targets.find((field) => !(field in batch));
    if (present.length > 0 && missing !== undefined) {
      throw new BatchFieldError(`The batch has no field '${missing}', a target of head '${this.config.head.name}' (model.head), but has its other targets ${present.join(', ')}; batch fields: ${fields}`);
    }
  }
}

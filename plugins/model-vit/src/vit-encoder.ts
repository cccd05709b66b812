// The `vit` encoder: the ViT backbone as a runtime Encoder, images → [class token; patch tokens]
// after the final LayerNorm; a head of the runtime (e.g. `classification`, pooling 'first') classifies.
import type { Batch, Encoder, EncoderOutput, EncoderProvider } from '@crossmodal/core';
import type { RawOptions } from '@crossmodal/core';
import type { Tensor } from '@crossmodal/tensor';
import { VitBackbone } from './vision-transformer.ts';
import { validateVitConfig, type VitConfig } from './vit.config.ts';

/** Options of the `vit` encoder: the architecture without the classifier's fields, plus the stream. */
export interface VitEncoderConfig extends Omit<VitConfig, 'numClasses' | 'pool'> {
  /** The batch field holding the images [B, C, H, W] (default `image`). */
  readonly field?: string;
  /** The stream it feeds (default `vision`). */
  readonly modality?: string;
  /**
   * How the head reads the states (the vit presets tie it to `model.head.pooling`). Only checked:
   * 'first' needs the class token, since without one the first token is a corner patch.
   */
  readonly headPooling?: string;
}

// The classifier's fields belong to the head in a composed model: say where they go instead.
const HEAD_FIELDS: Readonly<Record<string, string>> = {
  numClasses: "set the head's numClasses (model.head.numClasses)",
  pool: "set the head's pooling ('first' = the class token, 'mean' = the mean of the patch tokens)",
};

/**
 * images [B, C, H, W] → states [B, T, D]: the class token first (when configured), then the N
 * patch tokens, after the final LayerNorm. With `returnProbs`, `attention.layer<i>` holds block
 * i's probabilities [B, H, T, T]. State-dict keys are timm's backbone keys (`cls_token`,
 * `pos_embed`, `patch_embed.proj.weight`, `blocks.<i>.attn.qkv.weight`, …, `norm.weight`).
 * @example
 * const enc = new VitEncoder({ dim: 64, depth: 2, heads: 4, patchSize: 4, imageSize: 28, channels: 1 });
 * enc.forward({ image: images }).states;   // [B, 50, 64]
 */
export class VitEncoder extends VitBackbone implements Encoder {
  readonly modality: string;
  readonly inputs: readonly string[];

  /** Validates `config` (errors name the field, the value and what was expected). */
  constructor(config: VitEncoderConfig | RawOptions) {
    for (const [field, hint] of Object.entries(HEAD_FIELDS)) {
      if (field in config) throw new RangeError(`vit: '${field}' is not an encoder option: the encoder has no head; ${hint}`);
    }
    const { field = 'image', modality = 'vision', headPooling, ...arch } = config as RawOptions;
    // NOTE: 'avg' only satisfies the classifier's rule (no class token → no token pooling); the
    // encoder itself returns every token, and the head decides how to pool them.
    const c = validateVitConfig({ ...arch, numClasses: 0, pool: arch['classToken'] === false ? 'avg' : 'token' }, 'vit');
    if (headPooling !== undefined && (typeof headPooling !== 'string' || headPooling === '')) {
      throw new RangeError(`vit: headPooling must be a non-empty string (the head's pooling), got ${JSON.stringify(headPooling)}`);
    }
    if (!c.classToken && headPooling === 'first') {
      throw new RangeError(
        "vit: classToken is false, so there is no class token, but the head pools 'first' (model.head.pooling), which would classify from one corner patch; " +
        "set model.head.pooling to 'mean' (the mean of the patch tokens), or keep classToken true",
      );
    }
    super(c, { finalNorm: true });
    if (typeof field !== 'string' || field === '') throw new RangeError(`vit: field must be a non-empty string, got ${JSON.stringify(field)}`);
    if (typeof modality !== 'string' || modality === '') throw new RangeError(`vit: modality must be a non-empty string, got ${JSON.stringify(modality)}`);
    this.inputs = [field];
    this.modality = modality;
    this.initLinears();
  }

  /** D, the width of the states. */
  get dim(): number {
    return this.config.dim;
  }

  /**
   * The batch's images → states [B, T, D] (no mask: every token is real), with `prefixTokens` = 1
   * when the class token leads (0 without it), so a head's 'mean' pooling averages the patches only.
   */
  forward(batch: Batch, { returnProbs = false }: { returnProbs?: boolean } = {}): EncoderOutput {
    const field = this.inputs[0]!;
    const images: Tensor | undefined = batch[field];
    if (!images) throw new Error(`vit: the batch has no '${field}' field (fields: ${Object.keys(batch).join(', ') || 'none'})`);
    const x = images.dtype === 'float32' ? images : images.cast('float32');
    const { tokens, attention } = this.forwardFeatures(x, { returnProbs });
    const prefixTokens = this.prefixTokens;
    if (!attention) return { states: tokens, prefixTokens };
    return { states: tokens, prefixTokens, attention: Object.fromEntries(attention.map((probs, i) => [`layer${i}`, probs])) };
  }
}

/** The `vit` encoder provider. */
export const vitEncoderProvider: EncoderProvider = {
  name: 'vit',
  description: 'Vision Transformer: image [B, C, H, W] → patches → pre-norm blocks → states [B, 1 + N, D]; config { dim, depth, heads, patchSize, imageSize, … }',
  paper: 'https://arxiv.org/abs/2010.11929',
  create: (config: RawOptions) => new VitEncoder(config),
};

// Loading pretrained ViT weights into a model of another input size or class count: convert
// Hugging Face names, resize the position embedding to the model's grid, and keep the model's
// fresh head when the checkpoint's does not fit (timm's checkpoint_filter_fn + reset_classifier).
import type { Tensor } from '@crossmodal/tensor';
import { resizePosEmbed, type PosEmbedInterpolation } from './pos-embed.ts';
import type { VitBackbone } from './vision-transformer.ts';
import { CHECKPOINT_LAYER_NORM_EPS, fromHuggingFaceVit, isHuggingFaceVit, PRE_LOGITS, type KeyMapping, type StateDict } from './weights.ts';

/** Options of {@link loadVitWeights}. */
export interface LoadVitWeightsOptions {
  /** Position-embedding resampling (default 'bicubic', as timm). */
  mode?: PosEmbedInterpolation;
  /** torch's antialias flag for the resampling (default true, as timm's resample_abs_pos_embed). */
  antialias?: boolean;
  /**
   * The LayerNorm eps the checkpoint was trained with, which the model's must equal (default: its
   * family's, 1e-12 for Hugging Face names (ViTConfig.layer_norm_eps), 1e-6 for timm's).
   */
  layerNormEps?: number;
}

/** What {@link loadVitWeights} did besides copying values. */
export interface LoadVitWeightsReport {
  /** 'hf' when the keys were Hugging Face's and got renamed, else 'timm'. */
  readonly format: 'timm' | 'hf';
  /** Renamings (empty for timm checkpoints, whose keys are ours). */
  readonly mapping: readonly KeyMapping[];
  /** Checkpoint keys dropped on purpose, with why. */
  readonly skipped: readonly string[];
  /** Position embeddings resampled: key, checkpoint shape, model shape. */
  readonly resized: readonly { key: string; from: readonly number[]; to: readonly number[] }[];
  /** Head keys left at the model's fresh init (class count differs, or the checkpoint has no head). */
  readonly headReset: readonly string[];
  /** The checkpoint's LayerNorm eps, which the model has. */
  readonly layerNormEps: number;
}

const isHeadKey = (k: string): boolean => /^head\.(weight|bias)$/.test(k);
const sameShape = (a: Tensor, b: Tensor): boolean => a.shape.length === b.shape.length && a.shape.every((n, i) => n === b.shape[i]);

/**
 * Loads a timm- or Hugging Face-named ViT state dict into `model` (a VisionTransformer or a
 * VitEncoder): HF names are converted, a `pos_embed` of another grid is resized to the model's
 * (class token kept), and a head that does not fit the model's class count is replaced by the
 * model's own freshly initialised one; timm's `pre_logits.*` is dropped. The model's LayerNorm eps
 * must be the checkpoint's (`options.layerNormEps`, default 1e-12 for HF names, 1e-6 for timm's):
 * a RangeError says to build it so, since eps is fixed at construction. Every other key must fit exactly (`loadStateDict` strict:
 * one error lists every missing, unexpected and mis-shaped key).
 * @example
 * const vit = new VisionTransformer({ ...resolveVariant(b16), imageSize: 384, numClasses: 37, eps: 1e-12 });
 * const report = loadVitWeights(vit, decodeSafetensors(bytes).tensors);   // HF names: report.resized, report.headReset
 */
export function loadVitWeights(model: VitBackbone, checkpoint: Readonly<StateDict>, options: LoadVitWeightsOptions = {}): LoadVitWeightsReport {
  const hf = isHuggingFaceVit(checkpoint);
  const layerNormEps = options.layerNormEps ?? CHECKPOINT_LAYER_NORM_EPS[hf ? 'hf' : 'timm'];
  if (model.config.eps !== layerNormEps) {
    const family = options.layerNormEps !== undefined ? 'the checkpoint (options.layerNormEps)' : hf ? "Hugging Face ViTs (ViTConfig.layer_norm_eps)" : "timm's ViTs";
    throw new RangeError(
      `loadVitWeights: the model's LayerNorm eps is ${model.config.eps}, but ${family} use ${layerNormEps}; ` +
      `build the model with eps: ${layerNormEps}, or pass { layerNormEps } when the checkpoint was trained with another`,
    );
  }
  const converted = hf ? fromHuggingFaceVit(checkpoint) : { stateDict: { ...checkpoint }, mapping: [], skipped: [], created: [] };
  // The tensors made here (joined qkv, a resized pos_embed) are freed once loaded, or on an error:
  // loadStateDict shares their storage, so a handle left alive would pin it.
  const made: Tensor[] = [...converted.created];
  try {
    const sd: StateDict = { ...converted.stateDict };
    const own = model.stateDict();
    const skipped = [...converted.skipped];
    const resized: { key: string; from: readonly number[]; to: readonly number[] }[] = [];
    const headReset: string[] = [];
    const pos = sd['pos_embed'];
    if (pos && !sameShape(pos, own['pos_embed']!)) {
      const grid = model.patch_embed.grid;
      made.push((sd['pos_embed'] = resizePosEmbed(pos, [grid, grid], { prefixTokens: model.prefixTokens, mode: options.mode ?? 'bicubic', antialias: options.antialias ?? true })));
      resized.push({ key: 'pos_embed', from: pos.shape, to: own['pos_embed']!.shape });
    }
    for (const key of Object.keys(own).filter(isHeadKey)) {
      if (sd[key] && sameShape(sd[key], own[key]!)) continue;
      sd[key] = own[key]!; // the model's fresh head
      headReset.push(key);
    }
    for (const key of Object.keys(sd).filter((k) => PRE_LOGITS.test(k))) {
      delete sd[key];
      skipped.push(`${key} (${PRE_LOGITS.reason})`);
    }
    for (const key of Object.keys(sd).filter((k) => isHeadKey(k) && !(k in own))) {
      delete sd[key];
      skipped.push(`${key} (the model has no head)`);
    }
    model.loadStateDict(sd);
    return { format: hf ? 'hf' : 'timm', mapping: converted.mapping, skipped, resized, headReset, layerNormEps };
  } finally {
    for (const t of made) if (!t.isDisposed) t.dispose();
  }
}

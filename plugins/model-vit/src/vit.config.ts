// The ViT configuration as data: fields, defaults (timm's VisionTransformer defaults), and the
// validation every constructor goes through (errors name the field, the value and what was expected).
import { readOptions, type RawOptions } from '@crossmodal/core';

/** How the classifier turns the token sequence into one vector (timm's `global_pool`). */
export type VitPool = 'token' | 'avg';

/** Options of a Vision Transformer; every field but the architecture has a default. */
export interface VitConfig {
  /** D, the width of every token. */
  readonly dim: number;
  /** Number of encoder blocks. */
  readonly depth: number;
  /** H, attention heads per block (D must be divisible by H). */
  readonly heads: number;
  /** MLP hidden width as a multiple of D (default 4); ignored when `mlpDim` is given. */
  readonly mlpRatio?: number;
  /** MLP hidden width (default ⌊D · mlpRatio⌋, timm's int()). */
  readonly mlpDim?: number;
  /** p, the side of each square patch. */
  readonly patchSize: number;
  /** Side of the (square) input image; a multiple of `patchSize`. */
  readonly imageSize: number;
  /** C, input channels (default 3). */
  readonly channels?: number;
  /** Classes of the classifier's head; 0 = no head (default 1000, ImageNet-1k). */
  readonly numClasses?: number;
  /** Dropout after the position embedding, the attention projection and in the MLP (default 0). */
  readonly dropout?: number;
  /** Dropout on the attention probabilities (default 0). */
  readonly attnDropout?: number;
  /** Stochastic depth rate of the last block; block i gets dropPath · i/(depth − 1), a single block 0 (default 0). */
  readonly dropPath?: number;
  /** LayerNorm epsilon (default 1e-6, timm's ViT). */
  readonly eps?: number;
  /** 'token': the class token; 'avg': the mean of the patch tokens, then `fc_norm` (timm). Default 'token'. */
  readonly pool?: VitPool;
  /** Prepend a learned class token (default true); 'avg' pooling is required without it. */
  readonly classToken?: boolean;
  /** Biases on the fused qkv projection (default true). */
  readonly qkvBias?: boolean;
}

/** A config with every field filled in and checked. */
export type ResolvedVitConfig = Required<Omit<VitConfig, 'mlpRatio'>> & { readonly mlpRatio: number };

/** The defaults of every optional field (timm's VisionTransformer defaults). */
export const VIT_DEFAULTS = {
  mlpRatio: 4,
  channels: 3,
  numClasses: 1000,
  dropout: 0,
  attnDropout: 0,
  dropPath: 0,
  eps: 1e-6,
  pool: 'token',
  classToken: true,
  qkvBias: true,
} as const satisfies Partial<VitConfig>;

/** Every field a ViT config may hold, in documentation order. */
export const VIT_CONFIG_FIELDS: readonly string[] = [
  'dim', 'depth', 'heads', 'mlpRatio', 'mlpDim', 'patchSize', 'imageSize', 'channels', 'numClasses',
  'dropout', 'attnDropout', 'dropPath', 'eps', 'pool', 'classToken', 'qkvBias',
];

const POOLS: readonly VitPool[] = ['token', 'avg'];

/**
 * Fills defaults and checks `config`; `extra` names fields the caller reads itself (an encoder's
 * `field`, `modality`), which pass through unchecked. Throws a RangeError naming the field.
 * @example
 * validateVitConfig({ dim: 192, depth: 12, heads: 3, patchSize: 16, imageSize: 224 }).mlpDim;   // 768
 */
export function validateVitConfig(config: VitConfig | RawOptions, owner = 'vit', extra: readonly string[] = []): ResolvedVitConfig {
  const raw: RawOptions = { ...config };
  const o = readOptions(owner, raw, [...VIT_CONFIG_FIELDS, ...extra]);
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new RangeError(`${owner}: ${field} must be ${expected}, got ${JSON.stringify(value)}`);
  };
  const dim = o.int('dim', undefined, 1);
  const heads = o.int('heads', undefined, 1);
  if (dim % heads !== 0) fail('dim', `divisible by heads (${heads})`, dim);
  const patchSize = o.int('patchSize', undefined, 1);
  const imageSize = o.int('imageSize', undefined, 1);
  if (imageSize % patchSize !== 0) fail('imageSize', `a multiple of patchSize (${patchSize})`, imageSize);
  const positive = (field: string, fallback: number): number => {
    const v = o.number(field, fallback, 0);
    return v > 0 ? v : fail(field, 'a number > 0', v);
  };
  const mlpRatio = positive('mlpRatio', VIT_DEFAULTS.mlpRatio);
  // timm: int(dim * mlp_ratio), a truncation (at least 1 here, where timm would build a 0-wide MLP).
  const mlpDim = o.int('mlpDim', Math.max(1, Math.trunc(dim * mlpRatio)), 1);
  const classToken = readBoolean(raw, 'classToken', VIT_DEFAULTS.classToken, fail);
  const pool = o.oneOf('pool', VIT_DEFAULTS.pool, POOLS);
  if (!classToken && pool === 'token') fail('pool', "'avg' when classToken is false (there is no class token to pool)", pool);
  const numClasses = o.int('numClasses', VIT_DEFAULTS.numClasses, 0);
  if (numClasses === 1) fail('numClasses', '0 (no head) or ≥ 2', numClasses);
  return {
    dim,
    depth: o.int('depth', undefined, 1),
    heads,
    mlpRatio,
    mlpDim,
    patchSize,
    imageSize,
    channels: o.int('channels', VIT_DEFAULTS.channels, 1),
    numClasses,
    dropout: o.number('dropout', VIT_DEFAULTS.dropout, 0, 0.999),
    attnDropout: o.number('attnDropout', VIT_DEFAULTS.attnDropout, 0, 0.999),
    dropPath: o.number('dropPath', VIT_DEFAULTS.dropPath, 0, 0.999),
    eps: positive('eps', VIT_DEFAULTS.eps),
    pool,
    classToken,
    qkvBias: readBoolean(raw, 'qkvBias', VIT_DEFAULTS.qkvBias, fail),
  };
}

function readBoolean(config: RawOptions, field: string, fallback: boolean, fail: (f: string, e: string, v: unknown) => never): boolean {
  const v = config[field] ?? fallback;
  return typeof v === 'boolean' ? v : fail(field, 'true or false', v);
}

/** Patches per side: imageSize / patchSize. */
export const gridSize = (c: Pick<ResolvedVitConfig, 'imageSize' | 'patchSize'>): number => c.imageSize / c.patchSize;

/**
 * The number of parameters a config gives, computed without building it (vit-l16 would
 * allocate 300M floats): patch embedding, tokens, blocks, norms and head.
 * @example
 * vitParameterCount(validateVitConfig({ dim: 768, depth: 12, heads: 12, patchSize: 16, imageSize: 224 }));   // 86 567 656
 */
export function vitParameterCount(c: ResolvedVitConfig): number {
  const { dim: D, mlpDim: M, channels: C, patchSize: p, numClasses } = c;
  const tokens = gridSize(c) ** 2 + (c.classToken ? 1 : 0);
  const patchEmbed = D * C * p * p + D;
  const embeddings = (c.classToken ? D : 0) + tokens * D;
  const norm = 2 * D;
  const attn = 3 * D * D + (c.qkvBias ? 3 * D : 0) + D * D + D;
  const mlp = D * M + M + M * D + D;
  const block = norm + attn + norm + mlp;
  const head = numClasses > 0 ? D * numClasses + numClasses : 0;
  // The final norm is `norm` ('token') or `fc_norm` ('avg'): one LayerNorm either way.
  return patchEmbed + embeddings + c.depth * block + norm + head;
}

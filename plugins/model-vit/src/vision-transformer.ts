// The Vision Transformer, "An Image is Worth 16x16 Words" (https://arxiv.org/abs/2010.11929):
// patch embedding → [class token; patches] + position embedding → pre-norm blocks → LayerNorm →
// head on the class token (or the mean of the patch tokens). State-dict keys are timm's.
import { Dropout, LayerNorm, Linear, Module, normal_, Parameter, truncNormal_, zeros_ } from '@crossmodal/nn';
import { concat, zeros, type Tensor } from '@crossmodal/tensor';
import { PatchEmbed } from './patch-embed.ts';
import { gridSize, validateVitConfig, type ResolvedVitConfig, type VitConfig } from './vit.config.ts';
import { VitBlock } from './vit-block.ts';

/** Options of a forward pass. */
export interface VitForwardOptions {
  /** Also return every block's attention probabilities, [B, H, T, T] each, first block first. */
  returnProbs?: boolean;
}

/** Tokens after the encoder, and the attention probabilities when asked for. */
export interface VitFeatures {
  /** [B, T, D], T = N (+ 1 with the class token, which comes first). */
  tokens: Tensor;
  /** Per block [B, H, T, T] (with `returnProbs`). */
  attention?: Tensor[];
}

/**
 * Everything up to the token sequence: timm's `forward_features`. Parameters, in timm's names:
 * `cls_token` [1, 1, D], `pos_embed` [1, T, D], `patch_embed.proj.weight` [D, C, p, p],
 * `patch_embed.proj.bias`, `blocks.<i>.…` (see VitBlock), `norm` (absent when the classifier
 * pools with 'avg', where timm normalises after pooling in `fc_norm`).
 */
export class VitBackbone extends Module {
  /** [1, 1, D], or null without a class token. */
  readonly cls_token: Parameter | null;
  /** [1, T, D] learned absolute position embedding (class token's row first). */
  readonly pos_embed: Parameter;
  /** Images → patch tokens. */
  readonly patch_embed: PatchEmbed;
  /** Dropout after adding the position embedding. */
  readonly pos_drop: Dropout;
  /** The encoder blocks. */
  readonly blocks: VitBlock[];
  /** The final LayerNorm over every token, or null (timm's Identity) when pooling normalises. */
  readonly norm: LayerNorm | null;
  /** The checked config it was built from (`resetHead` updates numClasses). */
  config: ResolvedVitConfig;

  constructor(config: ResolvedVitConfig, { finalNorm }: { finalNorm: boolean }) {
    super();
    const { dim, depth, eps } = config;
    this.config = config;
    const tokens = gridSize(config) ** 2 + (config.classToken ? 1 : 0);
    // timm's init: class token N(0, 1e-6²), position embedding truncated N(0, 0.02²).
    this.cls_token = config.classToken ? new Parameter(normal_(zeros([1, 1, dim]), { std: 1e-6 })) : null;
    this.pos_embed = new Parameter(truncNormal_(zeros([1, tokens, dim]), { std: 0.02 }));
    this.patch_embed = new PatchEmbed(config);
    this.pos_drop = new Dropout(config.dropout);
    // Stochastic depth grows linearly with depth, 0 at the first block (timm's dpr); a single block
    // is the first one, so it gets 0, as timm's linspace(0, rate, 1) = [0].
    this.blocks = Array.from({ length: depth }, (_, i) => new VitBlock({
      ...config, dropPath: depth > 1 ? (config.dropPath * i) / (depth - 1) : 0,
    }));
    this.norm = finalNorm ? new LayerNorm(dim, { eps }) : null;
  }

  /** Number of tokens before the patches: 1 with a class token, else 0 (timm's num_prefix_tokens). */
  get prefixTokens(): number {
    return this.cls_token ? 1 : 0;
  }

  /** images [B, C, H, W] → tokens [B, T, D] (+ attention per block) */
  forwardFeatures(images: Tensor, { returnProbs = false }: VitForwardOptions = {}): VitFeatures {
    let x = this.patch_embed.forward(images); // [B, N, D]
    const B = x.shape[0]!;
    if (this.cls_token) x = concat([this.cls_token.expand([B, 1, this.config.dim]), x], 1); // [B, 1 + N, D]
    x = this.pos_drop.forward(x.add(this.pos_embed)); // [B, T, D]
    const attention: Tensor[] = [];
    for (const block of this.blocks) {
      const { out, probs } = block.forward(x, { returnProbs });
      x = out;
      if (probs) attention.push(probs); // [B, H, T, T]
    }
    const tokens = this.norm ? this.norm.forward(x) : x;
    return returnProbs ? { tokens, attention } : { tokens };
  }

  /** timm's `init_weights_vit_timm`: every Linear truncated N(0, 0.02²) with zero bias. */
  protected initLinears(): void {
    for (const [, m] of this.namedModules()) {
      if (!(m instanceof Linear)) continue;
      truncNormal_(m.weight, { std: 0.02 });
      if (m.bias) zeros_(m.bias);
    }
  }
}

/**
 * The ViT image classifier, timm's `VisionTransformer`: backbone → pool ('token': the class
 * token; 'avg': the mean of the patch tokens, then `fc_norm`) → `head` Linear [C, D]. Every
 * state-dict key is timm's, so a timm checkpoint of the same architecture loads unchanged.
 * @example
 * const vit = new VisionTransformer({ dim: 64, depth: 2, heads: 4, patchSize: 4, imageSize: 28, channels: 1, numClasses: 10 });
 * const { logits, attention } = vit.forward(images, { returnProbs: true });   // [B, 10], 2 × [B, 4, 50, 50]
 */
export class VisionTransformer extends VitBackbone {
  /** LayerNorm after 'avg' pooling (timm's fc_norm), else null. */
  readonly fc_norm: LayerNorm | null;
  /** [D] → [C] class logits, or null with numClasses 0. */
  head: Linear | null;

  constructor(config: VitConfig) {
    const c = validateVitConfig(config);
    super(c, { finalNorm: c.pool === 'token' });
    this.fc_norm = c.pool === 'avg' ? new LayerNorm(c.dim, { eps: c.eps }) : null;
    this.head = c.numClasses > 0 ? new Linear(c.dim, c.numClasses) : null;
    this.initLinears();
  }

  /** Number of classes of the head (0 without one). */
  get numClasses(): number {
    return this.head?.outFeatures ?? 0;
  }

  /** tokens [B, T, D] → the vector the head reads [B, D] (timm's `forward_head(pre_logits=True)`). */
  pool(tokens: Tensor): Tensor {
    const [B, T, D] = tokens.shape as [number, number, number];
    const pooled = this.config.pool === 'avg'
      ? tokens.slice([0, this.prefixTokens, 0], [B, T, D]).mean(1) // patch tokens only, as timm
      : tokens.slice([0, 0, 0], [B, 1, D]).squeeze(1); // the class token
    return this.fc_norm ? this.fc_norm.forward(pooled) : pooled;
  }

  /** images [B, C, H, W] → logits [B, numClasses] (the pooled [B, D] without a head) */
  forward(images: Tensor, options: VitForwardOptions = {}): { logits: Tensor; attention?: Tensor[] } {
    const { tokens, attention } = this.forwardFeatures(images, options);
    const pooled = this.pool(tokens);
    const logits = this.head ? this.head.forward(pooled) : pooled;
    return attention ? { logits, attention } : { logits };
  }

  /**
   * A new head for `numClasses` classes (timm's `reset_classifier`); the old head's parameters are
   * freed. 0 removes the head. timm's reset_classifier makes a plain `nn.Linear`, so the new head
   * keeps PyTorch's default Linear init (weights kaiming-uniform a = √5, bias U(±1/√D)), not the
   * trunc-normal init of a freshly built model.
   */
  resetHead(numClasses: number): void {
    if (!(Number.isInteger(numClasses) && numClasses >= 0 && numClasses !== 1)) {
      throw new RangeError(`VisionTransformer.resetHead: numClasses must be 0 (no head) or an integer ≥ 2, got ${numClasses}`);
    }
    this.head?.dispose();
    this.head = numClasses > 0 ? new Linear(this.config.dim, numClasses) : null;
    this.config = { ...this.config, numClasses };
  }
}

// One transformer layer: attention and MLP with residuals, pre-norm (ViT,
// https://arxiv.org/abs/2010.11929) or post-norm (BERT, https://arxiv.org/abs/1810.04805), with an
// optional cross-attention block over a second stream (ViLBERT/LXMERT co-attention).
import type { Tensor } from '@crossmodal/tensor';
import { Module } from '../module.ts';
import type { Activation } from './activation.ts';
import { LayerNorm } from './layer-norm.ts';
import { MLP } from './mlp.ts';
import { MultiHeadAttention } from './multi-head-attention.ts';

/** Configuration of `TransformerLayer`. */
export interface TransformerLayerConfig {
  /** Model width D. */
  dim: number;
  /** Self-attention heads. */
  heads: number;
  /** Hidden width of the MLP (ViT and BERT use 4·D). */
  mlpDim: number;
  /**
   * Dropout on the attention output projection and in the MLP (default 0): pre-norm drops after
   * the MLP's activation and after fc2 (timm's Mlp), post-norm only after fc2 (BERT's
   * intermediate has no dropout).
   */
  dropout?: number;
  /** Dropout on the attention probabilities (default 0). */
  attnDropout?: number;
  /** 'pre': x + f(norm(x)) (ViT); 'post': norm(x + f(x)) (BERT). Default 'pre'. */
  norm?: 'pre' | 'post';
  /** MLP activation (default 'gelu'). */
  activation?: Activation;
  /** LayerNorm epsilon (default 1e-5; ViT uses 1e-6, BERT 1e-12). */
  eps?: number;
  /** Biases on q, k, v (default true). */
  qkvBias?: boolean;
  /** Head width when H·Dh should differ from D. */
  headDim?: number;
  /** Add a cross-attention block over `context` after self-attention (default false). */
  crossAttention?: boolean;
  /** Width of the context for cross-attention (default `dim`). */
  contextDim?: number;
  /** Heads of the cross-attention block (default `heads`). */
  crossHeads?: number;
}

/** Inputs of `TransformerLayer.forward` besides the hidden states. */
export interface TransformerLayerInputs {
  /** int32 [B, T], non-zero = a real token: self-attention ignores padded keys. */
  mask?: Tensor;
  /** An extra self-attention mask (see `AttentionInputs.attnMask`). */
  attnMask?: Tensor;
  /** The other stream [B, Tc, contextDim]; required with `crossAttention`. */
  context?: Tensor;
  /** int32 [B, Tc], non-zero = a real context token. */
  contextMask?: Tensor;
  /** Return the attention probabilities too. */
  returnProbs?: boolean;
}

/** What `TransformerLayer.forward` returns. */
export interface TransformerLayerOutput {
  /** [B, T, D] */
  out: Tensor;
  /** Self-attention probabilities [B, H, T, T] (with `returnProbs`). */
  probs?: Tensor;
  /** Cross-attention probabilities [B, Hc, T, Tc] (with `returnProbs` and `crossAttention`). */
  crossProbs?: Tensor;
}

/**
 * A transformer encoder layer. Parameter names follow timm's Block: `norm1`, `attn`, `norm2`,
 * `mlp.fc1`, `mlp.fc2`, plus `normCross` and `crossAttn` with cross-attention. In post-norm
 * (BERT) `norm1` is attention.output.LayerNorm and `norm2` is output.LayerNorm.
 * @example
 * const layer = new TransformerLayer({ dim: 16, heads: 2, mlpDim: 64, norm: 'pre' });
 * const { out, probs } = layer.forward(x, { mask, returnProbs: true });   // [B, T, 16], [B, 2, T, T]
 */
export class TransformerLayer extends Module {
  /** Before self-attention (pre-norm) or after its residual (post-norm). */
  readonly norm1: LayerNorm;
  /** Self-attention. */
  readonly attn: MultiHeadAttention;
  /** Norm of the cross-attention block (null without it). */
  readonly normCross: LayerNorm | null;
  /** Queries from this stream, keys/values from the context (null without it). */
  readonly crossAttn: MultiHeadAttention | null;
  /** Before the MLP (pre-norm) or after its residual (post-norm). */
  readonly norm2: LayerNorm;
  /** The feed-forward block. */
  readonly mlp: MLP;
  /** Where the norms sit. */
  readonly norm: 'pre' | 'post';

  constructor(config: TransformerLayerConfig) {
    super();
    const { dim, heads, mlpDim, dropout = 0, attnDropout = 0, norm = 'pre', activation = 'gelu', eps = 1e-5, qkvBias = true } = config;
    if (norm !== 'pre' && norm !== 'post') throw new Error(`TransformerLayer: norm must be 'pre' or 'post', got '${String(norm)}'`);
    const attention = { dropout: attnDropout, projDropout: dropout, qkvBias, ...(config.headDim ? { headDim: config.headDim } : {}) };
    this.norm1 = new LayerNorm(dim, { eps });
    this.attn = new MultiHeadAttention({ dim, heads, ...attention });
    this.normCross = config.crossAttention ? new LayerNorm(dim, { eps }) : null;
    this.crossAttn = config.crossAttention
      ? new MultiHeadAttention({ dim, heads: config.crossHeads ?? heads, kvDim: config.contextDim ?? dim, ...attention })
      : null;
    this.norm2 = new LayerNorm(dim, { eps });
    this.mlp = new MLP(dim, mlpDim, dim, { activation, dropout, actDropout: norm === 'pre' });
    this.norm = norm;
  }

  /** x [B, T, D] (+ context [B, Tc, contextDim]) → out [B, T, D] */
  forward(x: Tensor, { mask, attnMask, context, contextMask, returnProbs = false }: TransformerLayerInputs = {}): TransformerLayerOutput {
    if (this.crossAttn && !context) throw new Error('TransformerLayer: built with crossAttention, so forward needs a context [B, Tc, contextDim]');
    if (!this.crossAttn && context) throw new Error('TransformerLayer: got a context, but the layer was built without crossAttention');
    const self = { ...(mask ? { keyPaddingMask: mask } : {}), ...(attnMask ? { attnMask } : {}), returnProbs };
    const cross = { ...(context ? { context } : {}), ...(contextMask ? { keyPaddingMask: contextMask } : {}), returnProbs };
    let h = x; // [B, T, D]
    let probs: Tensor | undefined; // [B, H, T, T]
    let crossProbs: Tensor | undefined; // [B, Hc, T, Tc]
    if (this.norm === 'pre') {
      const a = this.attn.forward(this.norm1.forward(h), self);
      h = h.add(a.out);
      probs = a.probs;
      if (this.crossAttn && this.normCross) {
        const c = this.crossAttn.forward(this.normCross.forward(h), cross);
        h = h.add(c.out);
        crossProbs = c.probs;
      }
      h = h.add(this.mlp.forward(this.norm2.forward(h)));
    } else {
      const a = this.attn.forward(h, self);
      h = this.norm1.forward(h.add(a.out));
      probs = a.probs;
      if (this.crossAttn && this.normCross) {
        const c = this.crossAttn.forward(h, cross);
        h = this.normCross.forward(h.add(c.out));
        crossProbs = c.probs;
      }
      h = this.norm2.forward(h.add(this.mlp.forward(h)));
    }
    return { out: h, ...(probs ? { probs } : {}), ...(crossProbs ? { crossProbs } : {}) };
  }
}

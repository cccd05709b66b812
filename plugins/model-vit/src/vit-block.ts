// The pre-norm ViT encoder block (https://arxiv.org/abs/2010.11929, eq. 2–3), timm's Block:
// x + DropPath(Attn(LN(x))), then x + DropPath(MLP(LN(x))), from @crossmodal/nn layers.
import { DropPath, LayerNorm, MLP, Module, MultiHeadAttention } from '@crossmodal/nn';
import type { Tensor } from '@crossmodal/tensor';

/** Options of one block (resolved from the ViT config). */
export interface VitBlockConfig {
  /** D */
  dim: number;
  /** H */
  heads: number;
  /** MLP hidden width. */
  mlpDim: number;
  /** Dropout on the attention projection and in the MLP. */
  dropout: number;
  /** Dropout on the attention probabilities. */
  attnDropout: number;
  /** This block's stochastic depth rate. */
  dropPath: number;
  /** LayerNorm epsilon. */
  eps: number;
  /** Biases on qkv. */
  qkvBias: boolean;
}

/**
 * One block, parameters named as timm's: `norm1`, `attn.qkv` (fused, rows [q; k; v]),
 * `attn.proj`, `norm2`, `mlp.fc1`, `mlp.fc2`. Hugging Face's `layernorm_before`,
 * `attention.attention.{query,key,value}`, `attention.output.dense`, `layernorm_after`,
 * `intermediate.dense`, `output.dense` map onto them (see weights.ts).
 * @example
 * const block = new VitBlock({ dim: 16, heads: 2, mlpDim: 64, dropout: 0, attnDropout: 0, dropPath: 0.1, eps: 1e-6, qkvBias: true });
 * const { out, probs } = block.forward(x, { returnProbs: true });   // [B, N, 16], [B, 2, N, N]
 */
export class VitBlock extends Module {
  /** Before attention. */
  readonly norm1: LayerNorm;
  /** Self-attention with timm's fused qkv. */
  readonly attn: MultiHeadAttention;
  /** Before the MLP. */
  readonly norm2: LayerNorm;
  /** fc1 → GELU → fc2. */
  readonly mlp: MLP;
  /** Stochastic depth on both residual branches (one module: it has no state). */
  readonly dropPath: DropPath;

  constructor(c: VitBlockConfig) {
    super();
    this.norm1 = new LayerNorm(c.dim, { eps: c.eps });
    this.attn = new MultiHeadAttention({
      dim: c.dim, heads: c.heads, fusedQkv: true, qkvBias: c.qkvBias, dropout: c.attnDropout, projDropout: c.dropout,
    });
    this.norm2 = new LayerNorm(c.dim, { eps: c.eps });
    this.mlp = new MLP(c.dim, c.mlpDim, c.dim, { activation: 'gelu', dropout: c.dropout });
    this.dropPath = new DropPath(c.dropPath);
  }

  /** x [B, N, D] → out [B, N, D] (+ probs [B, H, N, N] on request) */
  forward(x: Tensor, { returnProbs = false }: { returnProbs?: boolean } = {}): { out: Tensor; probs?: Tensor } {
    const a = this.attn.forward(this.norm1.forward(x), { returnProbs });
    // NOTE: each branch draws its own per-example mask, as timm's drop_path1 / drop_path2 do.
    const h = x.add(this.dropPath.forward(a.out)); // [B, N, D]
    const out = h.add(this.dropPath.forward(this.mlp.forward(this.norm2.forward(h)))); // [B, N, D]
    return a.probs ? { out, probs: a.probs } : { out };
  }
}

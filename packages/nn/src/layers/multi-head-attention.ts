// Multi-head attention (https://arxiv.org/abs/1706.03762): self- or cross-attention with its own
// head count and head width, key-padding and additive masks, and per-head probabilities on request.
import { fmt, reshape, scaledDotProductAttention, ShapeError, slice, where, type Tensor } from '@crossmodal/tensor';
import { Module } from '../module.ts';
import { Dropout } from './dropout.ts';
import { Linear } from './linear.ts';

/** Configuration of `MultiHeadAttention`. */
export interface MultiHeadAttentionConfig {
  /** Width of the query input and of the output (D). */
  dim: number;
  /** Number of heads (H). */
  heads: number;
  /** Width of the key/value input (the context) for cross-attention (default `dim`). */
  kvDim?: number;
  /** Width of each head (Dh, default dim / heads); H·Dh need not equal D when given. */
  headDim?: number;
  /** Biases on the q, k, v projections (default true; timm's `qkv_bias`). */
  qkvBias?: boolean;
  /**
   * A bias on the output projection (default true; timm's `proj_bias`). torch.nn.MultiheadAttention
   * with `bias=False` has neither: `{ qkvBias: false, projBias: false }`.
   */
  projBias?: boolean;
  /** Dropout on the attention probabilities while training (default 0). */
  dropout?: number;
  /** Dropout on the output projection while training (default 0). */
  projDropout?: number;
  /**
   * One `qkv` Linear [3·H·Dh, D] instead of `q`, `k`, `v` (timm's layout, one matmul); only for
   * self-attention (kvDim = dim, no context).
   */
  fusedQkv?: boolean;
  /**
   * Query i attends to keys 0..i only (decoder self-attention; default false). Needs as many keys
   * as queries (Tq = Tk): forward rejects Tq ≠ Tk rather than pick between torch's top-left
   * `is_causal` alignment and the engine's bottom-right one (key j ≤ i + Tk − Tq, KV caches).
   */
  causal?: boolean;
}

/** Inputs of `MultiHeadAttention.forward` besides the queries. */
export interface AttentionInputs {
  /** Keys/values come from here (cross-attention): [B, Tk, kvDim]. Default: the queries' input. */
  context?: Tensor;
  /** int32 [B, Tk], non-zero = attend: padded keys get probability 0. */
  keyPaddingMask?: Tensor;
  /**
   * A mask over [Tq, Tk]: float = added to the scores (−Infinity blocks), int32 = non-zero
   * attends. Shapes [Tq, Tk], [B, Tq, Tk] (shared by the heads) or [B|1, H|1, Tq, Tk].
   */
  attnMask?: Tensor;
  /** Also return the attention probabilities [B, H, Tq, Tk]. */
  returnProbs?: boolean;
}

/** What `MultiHeadAttention.forward` returns. */
export interface AttentionOutput {
  /** [B, Tq, D] */
  out: Tensor;
  /** [B, H, Tq, Tk], when `returnProbs` was set. */
  probs?: Tensor;
}

/**
 * Multi-head scaled dot-product attention with learned projections.
 *
 * Parameters (names chosen so reference checkpoints map one to one):
 * - `q`, `k`, `v`: Linear D → H·Dh (k and v read kvDim), `proj`: Linear H·Dh → D.
 *   torch.nn.MultiheadAttention: `in_proj_weight` rows [0, E) → `q.weight`, [E, 2E) → `k.weight`,
 *   [2E, 3E) → `v.weight` (`in_proj_bias` likewise; `q/k/v_proj_weight` when kdim ≠ embed_dim);
 *   `out_proj` → `proj`. See `fromTorchMultiheadAttention`.
 *   timm Attention: `qkv` rows [q; k; v] → `q`, `k`, `v` (`fromTimmAttention`), or keep `qkv`
 *   with `fusedQkv: true`; `proj` → `proj`. HF BERT: `self.query/key/value` → `q/k/v`,
 *   `output.dense` → `proj`.
 * @example
 * const attn = new MultiHeadAttention({ dim: 16, heads: 2, kvDim: 8 });
 * const { out, probs } = attn.forward(text, { context: image, returnProbs: true });
 * // text [B, T, 16], image [B, N, 8] → out [B, T, 16], probs [B, 2, T, N]
 */
export class MultiHeadAttention extends Module {
  /** D → H·Dh (null with fusedQkv) */
  readonly q: Linear | null;
  /** kvDim → H·Dh (null with fusedQkv) */
  readonly k: Linear | null;
  /** kvDim → H·Dh (null with fusedQkv) */
  readonly v: Linear | null;
  /** D → 3·H·Dh, rows [q; k; v] (fusedQkv only) */
  readonly qkv: Linear | null;
  /** Dropout on the probabilities. */
  readonly attnDrop: Dropout;
  /** H·Dh → D */
  readonly proj: Linear;
  /** Dropout on the output. */
  readonly projDrop: Dropout;
  /** Query and output width D. */
  readonly dim: number;
  /** Number of heads H. */
  readonly heads: number;
  /** Width of each head Dh. */
  readonly headDim: number;
  /** Width of the key/value input. */
  readonly kvDim: number;
  /** Whether queries see only earlier keys. */
  readonly causal: boolean;

  constructor(config: MultiHeadAttentionConfig) {
    super();
    const { dim, heads, qkvBias = true, projBias = true, dropout = 0, projDropout = 0, fusedQkv = false, causal = false } = config;
    if (!(Number.isInteger(dim) && dim > 0 && Number.isInteger(heads) && heads > 0)) {
      throw new RangeError(`MultiHeadAttention: dim and heads must be positive integers, got dim=${dim} heads=${heads}`);
    }
    if (config.headDim === undefined && dim % heads !== 0) {
      throw new RangeError(`MultiHeadAttention: dim ${dim} is not divisible by heads ${heads}; pass headDim to choose the head width`);
    }
    const headDim = config.headDim ?? dim / heads;
    const kvDim = config.kvDim ?? dim;
    if (fusedQkv && kvDim !== dim) throw new RangeError(`MultiHeadAttention: fusedQkv needs kvDim = dim, got kvDim=${kvDim} dim=${dim}`);
    const inner = heads * headDim;
    this.q = fusedQkv ? null : new Linear(dim, inner, { bias: qkvBias });
    this.k = fusedQkv ? null : new Linear(kvDim, inner, { bias: qkvBias });
    this.v = fusedQkv ? null : new Linear(kvDim, inner, { bias: qkvBias });
    this.qkv = fusedQkv ? new Linear(dim, 3 * inner, { bias: qkvBias }) : null;
    this.attnDrop = new Dropout(dropout);
    this.proj = new Linear(inner, dim, { bias: projBias });
    this.projDrop = new Dropout(projDropout);
    this.dim = dim;
    this.heads = heads;
    this.headDim = headDim;
    this.kvDim = kvDim;
    this.causal = causal;
  }

  /** x [B, Tq, D] (+ context [B, Tk, kvDim]) → out [B, Tq, D], probs [B, H, Tq, Tk] */
  forward(x: Tensor, { context, keyPaddingMask, attnMask, returnProbs = false }: AttentionInputs = {}): AttentionOutput {
    const [B, Tq] = this.checkInputs(x, context);
    const [q, k, v] = this.project(x, context); // [B, H, Tq, Dh], [B, H, Tk, Dh] ×2
    const Tk = k.shape[2]!;
    if (this.causal && Tq !== Tk) {
      throw new ShapeError(
        `MultiHeadAttention(dim=${this.dim}, heads=${this.heads}): causal needs as many keys as queries, got Tq=${Tq} queries and Tk=${Tk} keys; ` +
          "with Tq ≠ Tk the mask's alignment is ambiguous (torch's is_causal: key j ≤ i, top-left; a KV cache: key j ≤ i + Tk − Tq, bottom-right), " +
          'so pass the mask you mean as attnMask instead',
      );
    }
    const mask = this.combineMasks(B, Tq, Tk, keyPaddingMask, attnMask); // broadcasts to [B, H, Tq, Tk]
    const { out, probs } = scaledDotProductAttention(q, k, v, {
      ...(mask ? { mask } : {}),
      causal: this.causal,
      dropoutP: this.attnDrop.training ? this.attnDrop.p : 0,
      returnProbs,
    });
    const merged = reshape(out.permute([0, 2, 1, 3]), [B, Tq, this.heads * this.headDim]); // [B, Tq, H·Dh]
    const y = this.projDrop.forward(this.proj.forward(merged)); // [B, Tq, D]
    return returnProbs && probs ? { out: y, probs } : { out: y };
  }

  /** Queries from x, keys and values from the context (or x), split into heads. */
  private project(x: Tensor, context: Tensor | undefined): [Tensor, Tensor, Tensor] {
    if (this.qkv) {
      const [B, T] = [x.shape[0]!, x.shape[1]!];
      // [B, T, 3·H·Dh] → [B, T, 3, H, Dh] → [3, B, H, T, Dh]
      const qkv = reshape(this.qkv.forward(x), [B, T, 3, this.heads, this.headDim]).permute([2, 0, 3, 1, 4]);
      const part = (i: number): Tensor => reshape(slice(qkv, [i], [i + 1]), [B, this.heads, T, this.headDim]);
      return [part(0), part(1), part(2)];
    }
    const kv = context ?? x;
    return [this.splitHeads(this.q!.forward(x)), this.splitHeads(this.k!.forward(kv)), this.splitHeads(this.v!.forward(kv))];
  }

  /** [B, T, H·Dh] → [B, H, T, Dh] */
  private splitHeads(t: Tensor): Tensor {
    const [B, T] = [t.shape[0]!, t.shape[1]!];
    return reshape(t, [B, T, this.heads, this.headDim]).permute([0, 2, 1, 3]);
  }

  private checkInputs(x: Tensor, context: Tensor | undefined): [number, number] {
    const name = `MultiHeadAttention(dim=${this.dim}, heads=${this.heads})`;
    if (x.rank !== 3 || x.shape[2] !== this.dim) throw new ShapeError(`${name}: queries ${fmt(x.shape)} must be [B, Tq, ${this.dim}]`);
    if (context) {
      if (this.qkv) throw new Error(`${name}: fusedQkv is self-attention only; got a context ${fmt(context.shape)}`);
      if (context.rank !== 3 || context.shape[0] !== x.shape[0] || context.shape[2] !== this.kvDim) {
        throw new ShapeError(`${name}: context ${fmt(context.shape)} must be [${x.shape[0]}, Tk, ${this.kvDim}] for queries ${fmt(x.shape)}`);
      }
    }
    return [x.shape[0]!, x.shape[1]!];
  }

  /** The key-padding mask and the attention mask as one mask that broadcasts to [B, H, Tq, Tk]. */
  private combineMasks(B: number, Tq: number, Tk: number, keyPadding?: Tensor, attnMask?: Tensor): Tensor | undefined {
    const name = `MultiHeadAttention(dim=${this.dim}, heads=${this.heads})`;
    let padding: Tensor | undefined;
    if (keyPadding) {
      if (keyPadding.dtype !== 'int32' || keyPadding.rank !== 2 || keyPadding.shape[0] !== B || keyPadding.shape[1] !== Tk) {
        throw new ShapeError(`${name}: keyPaddingMask ${fmt(keyPadding.shape)} ${keyPadding.dtype} must be int32 [${B}, ${Tk}] (non-zero = attend)`);
      }
      padding = reshape(keyPadding, [B, 1, 1, Tk]);
    }
    let extra: Tensor | undefined;
    if (attnMask) {
      const s = attnMask.shape;
      const ok = s.at(-1) === Tk && s.at(-2) === Tq && (s.length === 2 || (s.length === 3 && s[0] === B) || (s.length === 4 && [1, B].includes(s[0]!) && [1, this.heads].includes(s[1]!)));
      if (!ok) throw new ShapeError(`${name}: attnMask ${fmt(s)} must be [${Tq}, ${Tk}], [${B}, ${Tq}, ${Tk}] or [${B}|1, ${this.heads}|1, ${Tq}, ${Tk}]`);
      extra = s.length === 3 ? reshape(attnMask, [B, 1, Tq, Tk]) : attnMask;
    }
    if (!padding || !extra) return padding ?? extra;
    // Both: padded keys are blocked on top of the attention mask, in the attention mask's dtype.
    return where(padding, extra, extra.dtype === 'int32' ? 0 : -Infinity);
  }
}

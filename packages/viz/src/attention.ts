// Attention analysis on host arrays: class-token attention per layer and head, head fusion, and attention rollout.
// Rollout: Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers", https://arxiv.org/abs/2005.00928
// TODO(#7): words-to-regions maps (text-token → image-region cross-attention of the vision-language models) will take
// the same HostArray inputs: probabilities [B, H, T, N] per co-attention layer → one [gh, gw] map per word.
import { argError, checkInt } from './errors.ts';
import { asHost, type ArrayInput, type HostArray } from './host.ts';

/** How heads are combined into one map: their mean, or elementwise max or min (jacobgil/vit-explain's choices). */
export type HeadFusion = 'mean' | 'max' | 'min';

/** Options shared by the attention functions. */
export interface AttentionGridOptions {
  /** Which example of the batch (default 0). */
  readonly batch?: number;
  /** Tokens before the patches (class, distillation, registers): timm's `num_prefix_tokens` (default 1). */
  readonly prefixTokens?: number;
  /** Patch grid [gh, gw] (default: square, inferred from the patch count). */
  readonly grid?: readonly [number, number];
}

/** The patch grid for `patches` tokens: the given one (checked) or the square one. */
export function patchGrid(fn: string, patches: number, grid?: readonly [number, number]): [number, number] {
  if (grid) {
    if (grid.length !== 2 || grid[0] * grid[1] !== patches) throw argError(fn, 'options.grid', grid, `[gh, gw] with gh·gw = ${patches} patches`);
    return [grid[0], grid[1]];
  }
  const side = Math.round(Math.sqrt(patches));
  if (side * side !== patches || patches === 0) {
    throw argError(fn, 'patch count', patches, 'a perfect square (pass options.grid for non-square grids, options.prefixTokens for extra tokens)');
  }
  return [side, side];
}

/** Checks one layer's probabilities [B, H, N, N] and returns its dims. */
function layerDims(fn: string, probs: HostArray, l: number): [number, number, number] {
  const [b, h, n, n2] = probs.shape as [number, number, number, number];
  if (n !== n2) throw argError(fn, `probs[${l}].shape`, probs.shape, '[B, H, N, N] (square attention, query = key tokens)');
  return [b, h, n];
}

function checkLayers(fn: string, probs: readonly ArrayInput[]): HostArray[] {
  if (!Array.isArray(probs) || probs.length === 0) throw argError(fn, 'probs', probs, 'a non-empty array of [B, H, N, N] per layer');
  const host = probs.map((p, l) => asHost(fn, `probs[${l}]`, p, 4));
  const first = host[0]!.shape.join(',');
  host.forEach((p, l) => {
    if (p.shape.join(',') !== first) throw argError(fn, `probs[${l}].shape`, p.shape, `the shape of probs[0] ([${first}])`);
  });
  return host;
}

/**
 * The class token's attention to every patch, per layer and head, on the patch grid: row 0 of each [N, N]
 * probability matrix without the prefix columns, reshaped to [gh, gw].
 * @param probs attention probabilities per layer, each [B, H, N, N] (N = prefix tokens + patches)
 * @returns [L, H, gh, gw]
 * @example
 * const maps = clsAttention(probs);     // probs: 12 × [1, 3, 197, 197] → [12, 3, 14, 14]
 * const headMean = fuseHeads({ shape: maps.shape.slice(1), data: maps.data.subarray(0, 3 * 196) }, 'mean'); // [14, 14]
 */
export function clsAttention(probs: readonly ArrayInput[], options: AttentionGridOptions = {}): HostArray & { data: Float32Array } {
  const { batch = 0, prefixTokens = 1 } = options;
  const layers = checkLayers('clsAttention', probs);
  const [b, heads, n] = layerDims('clsAttention', layers[0]!, 0);
  checkInt('clsAttention', 'options.batch', batch, 0, b - 1);
  checkInt('clsAttention', 'options.prefixTokens', prefixTokens, 1, n - 1);
  const [gh, gw] = patchGrid('clsAttention', n - prefixTokens, options.grid);
  const patches = gh * gw;
  const out = new Float32Array(layers.length * heads * patches);
  layers.forEach((p, l) => {
    for (let h = 0; h < heads; h++) {
      const row = ((batch * heads + h) * n + 0) * n; // query 0: the class token
      for (let k = 0; k < patches; k++) out[(l * heads + h) * patches + k] = p.data[row + prefixTokens + k]!;
    }
  });
  return { shape: [layers.length, heads, gh, gw], data: out };
}

/**
 * Fuses the heads (leading axis) of `attention` [H, ...rest] into one [...rest] by mean, max or min.
 * @example
 * fuseHeads({ shape: [2, 2], data: [0.2, 0.8, 0.6, 0.4] }, 'max').data; // Float32Array [0.6, 0.8]
 */
export function fuseHeads(attention: ArrayInput, fusion: HeadFusion = 'mean'): HostArray & { data: Float32Array } {
  const host = asHost('fuseHeads', 'attention', attention);
  if (host.shape.length < 1 || host.shape[0]! < 1) throw argError('fuseHeads', 'attention.shape', host.shape, '[H, ...] with H ≥ 1');
  if (fusion !== 'mean' && fusion !== 'max' && fusion !== 'min') throw argError('fuseHeads', 'fusion', fusion, "'mean', 'max' or 'min'");
  const heads = host.shape[0]!;
  const size = host.data.length / heads;
  return { shape: host.shape.slice(1), data: fuseInto(host.data, 0, heads, size, fusion) };
}

/** Fuses `heads` consecutive blocks of `size` values starting at `offset`. */
function fuseInto(data: ArrayLike<number>, offset: number, heads: number, size: number, fusion: HeadFusion): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let acc = data[offset + i]!;
    for (let h = 1; h < heads; h++) {
      const v = data[offset + h * size + i]!;
      acc = fusion === 'mean' ? acc + v : fusion === 'max' ? Math.max(acc, v) : Math.min(acc, v);
    }
    out[i] = fusion === 'mean' ? acc / heads : acc;
  }
  return out;
}

/** Options of {@link attentionRollout}. */
export interface RolloutOptions extends AttentionGridOptions {
  /** Head fusion per layer (default 'mean', as in the paper). */
  readonly headFusion?: HeadFusion;
  /** Fraction in [0, 1) of each fused matrix's lowest entries set to 0 before adding the identity (default 0); entry (0, 0) is kept. */
  readonly discardRatio?: number;
}

/** Zeroes the `ratio` fraction of smallest entries of `a` (never index 0, the class token's self-attention). */
function discardLowest(a: Float32Array, ratio: number): void {
  const count = Math.floor(a.length * ratio);
  if (count === 0) return;
  const order = Array.from(a.keys()).sort((i, j) => a[i]! - a[j]! || i - j);
  for (const i of order.slice(0, count)) if (i !== 0) a[i] = 0;
}

/**
 * Attention rollout (Abnar & Zuidema 2020): per layer, fuse the heads, optionally discard the weakest entries,
 * add the identity (the residual path) and renormalise rows; then multiply across layers,
 * R = Â_L · … · Â_1. Returns R [N, N] and the class token's row over the patches as a map [gh, gw].
 * @example
 * const { rollout, map } = attentionRollout(probs, { headFusion: 'max', discardRatio: 0.9 }); // map: [14, 14]
 * const rgb = overlayHeatmap(image, map);
 */
export function attentionRollout(
  probs: readonly ArrayInput[],
  options: RolloutOptions = {},
): { rollout: HostArray & { data: Float32Array }; map: HostArray & { data: Float32Array } } {
  const { batch = 0, prefixTokens = 1, headFusion = 'mean', discardRatio = 0 } = options;
  const layers = checkLayers('attentionRollout', probs);
  const [b, heads, n] = layerDims('attentionRollout', layers[0]!, 0);
  checkInt('attentionRollout', 'options.batch', batch, 0, b - 1);
  checkInt('attentionRollout', 'options.prefixTokens', prefixTokens, 1, n - 1);
  if (!(discardRatio >= 0 && discardRatio < 1)) throw argError('attentionRollout', 'options.discardRatio', discardRatio, 'a number in [0, 1)');
  if (!['mean', 'max', 'min'].includes(headFusion)) throw argError('attentionRollout', 'options.headFusion', headFusion, "'mean', 'max' or 'min'");
  const [gh, gw] = patchGrid('attentionRollout', n - prefixTokens, options.grid);
  let rollout = new Float64Array(n * n);
  for (let i = 0; i < n; i++) rollout[i * n + i] = 1;
  for (const p of layers) {
    const a = fuseInto(p.data, batch * heads * n * n, heads, n * n, headFusion);
    discardLowest(a, discardRatio);
    for (let i = 0; i < n; i++) a[i * n + i]! += 1; // the residual connection carries each token to itself
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += a[i * n + j]!;
      for (let j = 0; j < n; j++) a[i * n + j]! /= sum;
    }
    const next = new Float64Array(n * n); // Â_l · R: the newest layer multiplies from the left
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const aik = a[i * n + k]!;
        if (aik !== 0) for (let j = 0; j < n; j++) next[i * n + j]! += aik * rollout[k * n + j]!;
      }
    }
    rollout = next;
  }
  const map = Float32Array.from(rollout.subarray(prefixTokens, prefixTokens + gh * gw));
  return { rollout: { shape: [n, n], data: Float32Array.from(rollout) }, map: { shape: [gh, gw], data: map } };
}
